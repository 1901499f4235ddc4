# End-to-end load benchmark (included by bench/CMakeLists.txt): finalized transfers per second
# through a phalanx-node child process. Prints JSON lines.
add_executable(load_bench ${CMAKE_CURRENT_LIST_DIR}/load_bench.cc)
target_link_libraries(load_bench PRIVATE phalanx_rpc phalanx_types phalanx_runtime phalanx_platform)
if(TARGET phalanx-node)
  add_dependencies(load_bench phalanx-node)  # load_bench starts the node beside it in bin/
endif()

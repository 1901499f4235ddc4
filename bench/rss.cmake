# Node memory benchmark (included by bench/CMakeLists.txt): RSS and genesis time of a phalanx-node
# child process with many funded accounts. Prints JSON lines.
add_executable(rss_bench ${CMAKE_CURRENT_LIST_DIR}/rss_bench.cc)
target_link_libraries(rss_bench PRIVATE phalanx_rpc phalanx_runtime phalanx_platform)
if(TARGET phalanx-node)
  add_dependencies(rss_bench phalanx-node)  # rss_bench starts the node beside it in bin/
endif()

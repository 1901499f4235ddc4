# Catch-up benchmark (included by bench/CMakeLists.txt): blocks/s a new node applies while
# syncing from a peer over p2p. Prints JSON lines.
add_executable(catchup_bench ${CMAKE_CURRENT_LIST_DIR}/catchup_bench.cc)
target_link_libraries(catchup_bench PRIVATE phalanx_rpc phalanx_runtime phalanx_platform CLI11::CLI11)
if(TARGET phalanx-node)
  add_dependencies(catchup_bench phalanx-node)
endif()

# RPC throughput benchmark (included by bench/CMakeLists.txt). Prints JSON lines.
add_executable(rpc_bench ${CMAKE_CURRENT_LIST_DIR}/rpc_bench.cc)
target_link_libraries(rpc_bench PRIVATE phalanx_rpc)

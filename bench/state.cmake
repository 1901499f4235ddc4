# state_bench: state tree throughput over RocksDB (a plain main printing JSON lines). Included by
# bench/CMakeLists.txt when PHALANX_BENCH is ON. `state_bench --keys 20000` runs in seconds for CI.
add_executable(state_bench ${CMAKE_CURRENT_LIST_DIR}/state_bench.cc)
target_link_libraries(state_bench PRIVATE phalanx_state)

# p2p benchmark (included by bench/CMakeLists.txt): encrypted message throughput between two
# Networks on loopback and block sync catch-up speed. Prints JSON lines.
add_executable(p2p_bench ${CMAKE_CURRENT_LIST_DIR}/p2p_bench.cc)
target_link_libraries(p2p_bench PRIVATE phalanx_p2p)

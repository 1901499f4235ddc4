# Attestation benchmark (included by bench/CMakeLists.txt): DCAP quote verification with cached
# collateral, per step and on 2 threads, over every shared vector. Prints JSON lines.
add_executable(tee_bench ${CMAKE_CURRENT_LIST_DIR}/tee_bench.cc)
target_link_libraries(tee_bench PRIVATE phalanx_tee)
target_compile_definitions(tee_bench PRIVATE PHALANX_SOURCE_DIR="${CMAKE_SOURCE_DIR}")

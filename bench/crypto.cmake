# Crypto throughput benchmark (included by bench/CMakeLists.txt). Prints JSON lines.
add_executable(crypto_bench ${CMAKE_CURRENT_LIST_DIR}/crypto_bench.cc)
target_link_libraries(crypto_bench PRIVATE phalanx_crypto)

# libFuzzer target for key file parsing (included by test/fuzz/CMakeLists.txt when PHALANX_FUZZ).
add_executable(crypto_keystore_fuzz ${CMAKE_CURRENT_LIST_DIR}/crypto_keystore_fuzz.cc)
target_link_libraries(crypto_keystore_fuzz PRIVATE phalanx_crypto)
target_link_options(crypto_keystore_fuzz PRIVATE -fsanitize=fuzzer)

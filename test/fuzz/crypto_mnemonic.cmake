# libFuzzer target for BIP39 phrase parsing (included by test/fuzz/CMakeLists.txt when PHALANX_FUZZ).
add_executable(crypto_mnemonic_fuzz ${CMAKE_CURRENT_LIST_DIR}/crypto_mnemonic_fuzz.cc)
target_link_libraries(crypto_mnemonic_fuzz PRIVATE phalanx_crypto)
target_link_options(crypto_mnemonic_fuzz PRIVATE -fsanitize=fuzzer)

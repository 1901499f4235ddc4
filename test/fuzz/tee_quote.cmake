# libFuzzer target for the tee module (included by test/fuzz/CMakeLists.txt when PHALANX_FUZZ).
add_executable(tee_quote_fuzz ${CMAKE_CURRENT_LIST_DIR}/tee_quote_fuzz.cc)
target_link_libraries(tee_quote_fuzz PRIVATE phalanx_tee)
target_link_options(tee_quote_fuzz PRIVATE -fsanitize=fuzzer)

# libFuzzer target for the tee module (included by test/fuzz/CMakeLists.txt when PHALANX_FUZZ).
add_executable(tee_pck_extension_fuzz ${CMAKE_CURRENT_LIST_DIR}/tee_pck_extension_fuzz.cc)
target_link_libraries(tee_pck_extension_fuzz PRIVATE phalanx_tee)
target_link_options(tee_pck_extension_fuzz PRIVATE -fsanitize=fuzzer)

# libFuzzer target for the tee module (included by test/fuzz/CMakeLists.txt when PHALANX_FUZZ).
add_executable(tee_collateral_json_fuzz ${CMAKE_CURRENT_LIST_DIR}/tee_collateral_json_fuzz.cc)
target_link_libraries(tee_collateral_json_fuzz PRIVATE phalanx_tee)
target_link_options(tee_collateral_json_fuzz PRIVATE -fsanitize=fuzzer)

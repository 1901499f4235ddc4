# libFuzzer target for the codec: every top-level type must decode canonically.
add_executable(codec_fuzz ${CMAKE_CURRENT_LIST_DIR}/codec_fuzz.cc)
target_link_libraries(codec_fuzz PRIVATE phalanx_types)
target_link_options(codec_fuzz PRIVATE -fsanitize=fuzzer)

# libFuzzer target for blocks.
add_executable(types_block_fuzz ${CMAKE_CURRENT_LIST_DIR}/types_block_fuzz.cc)
target_link_libraries(types_block_fuzz PRIVATE phalanx_types)
target_link_options(types_block_fuzz PRIVATE -fsanitize=fuzzer)

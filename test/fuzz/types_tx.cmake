# libFuzzer target for signed transactions and the address/amount parsers.
add_executable(types_tx_fuzz ${CMAKE_CURRENT_LIST_DIR}/types_tx_fuzz.cc)
target_link_libraries(types_tx_fuzz PRIVATE phalanx_types)
target_link_options(types_tx_fuzz PRIVATE -fsanitize=fuzzer)

# libFuzzer target for consensus proposals, votes and WAL files (consensus_messages_fuzz.cc).
add_executable(consensus_messages_fuzz ${CMAKE_CURRENT_LIST_DIR}/consensus_messages_fuzz.cc)
target_link_libraries(consensus_messages_fuzz PRIVATE phalanx_consensus)
target_link_options(consensus_messages_fuzz PRIVATE -fsanitize=fuzzer)

# libFuzzer target for what a p2p peer sends: records and frames, handshake messages and identity
# payloads, block sync messages (decode and BlockSync handling), and the fault config syntax.
add_executable(p2p_frame_fuzz ${CMAKE_CURRENT_LIST_DIR}/p2p_frame_fuzz.cc)
target_link_libraries(p2p_frame_fuzz PRIVATE phalanx_p2p)
target_link_options(p2p_frame_fuzz PRIVATE -fsanitize=fuzzer)

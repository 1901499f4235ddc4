# libFuzzer target for JSON-RPC request handling (included by test/fuzz/CMakeLists.txt).
add_executable(rpc_request_fuzz ${CMAKE_CURRENT_LIST_DIR}/rpc_request_fuzz.cc)
target_link_libraries(rpc_request_fuzz PRIVATE phalanx_rpc)
target_link_options(rpc_request_fuzz PRIVATE -fsanitize=fuzzer)

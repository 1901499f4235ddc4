# libFuzzer target for state proofs (included by test/fuzz/CMakeLists.txt when PHALANX_FUZZ). Links
# only the verifier library, as the light client and enclave workers do.
add_executable(state_proof_fuzz ${CMAKE_CURRENT_LIST_DIR}/state_proof_fuzz.cc)
target_link_libraries(state_proof_fuzz PRIVATE phalanx_state_proof)
target_link_options(state_proof_fuzz PRIVATE -fsanitize=fuzzer)

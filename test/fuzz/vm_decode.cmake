# libFuzzer target for vm: decode + validate + compile arbitrary bytes (seed: spec-suite .wasm).
add_executable(vm_decode_fuzz ${CMAKE_CURRENT_LIST_DIR}/vm_decode_fuzz.cc)
target_link_libraries(vm_decode_fuzz PRIVATE phalanx_vm)
target_link_options(vm_decode_fuzz PRIVATE -fsanitize=fuzzer)

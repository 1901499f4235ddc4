# libFuzzer target for vm: execute valid modules (raw, or generated from the input) under fuel.
# Seeds: the spec suite's .wasm files (wast2json output of ../shared/testdata/wasm-spec).
add_executable(vm_exec_fuzz ${CMAKE_CURRENT_LIST_DIR}/vm_exec_fuzz.cc)
target_include_directories(vm_exec_fuzz PRIVATE ${CMAKE_SOURCE_DIR}/modules/vm/test)
target_link_libraries(vm_exec_fuzz PRIVATE phalanx_vm)
target_link_options(vm_exec_fuzz PRIVATE -fsanitize=fuzzer)

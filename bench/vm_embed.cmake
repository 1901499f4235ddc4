# vm_embed_bench: the embedding API's costs — instantiating a 100 KB module, resetting an
# instance to its snapshot, a host->wasm->host call round trip. Prints JSON lines.
add_executable(vm_embed_bench ${CMAKE_CURRENT_LIST_DIR}/vm_embed_bench.cc)
target_include_directories(vm_embed_bench PRIVATE ${CMAKE_SOURCE_DIR}/modules/vm/test)
target_link_libraries(vm_embed_bench PRIVATE phalanx_vm)

# WebAssembly benchmark and differential test (included by bench/CMakeLists.txt).
# The programs in wasm/programs/*.c are built at build time twice: for wasm32 (clang-14 +
# wasm-ld, freestanding, with wasm/shim.c) into bin/wasm/<name>.wasm, and natively (-O2, same
# compiler) with wasm/native_driver.c into bin/wasm/<name>_native. Without clang-14 or wasm-ld
# they are skipped with a message; wasm_bench then reports the missing files and the
# differential test skips the benchmark-program part.
find_program(PHX_CLANG14 clang-14)
find_program(PHX_WASM_LD NAMES wasm-ld-14 wasm-ld)
set(wasm_src ${CMAKE_CURRENT_LIST_DIR}/wasm)
set(wasm_out ${CMAKE_BINARY_DIR}/bin/wasm)
set(wasm_programs fib sha256 matmul json coremark_like contract)

if(PHX_CLANG14 AND PHX_WASM_LD)
  set(wasm_outputs)
  foreach(p ${wasm_programs})
    set(exports -Wl,--export=run -Wl,--export=bench)
    set(native_defs)
    if(p STREQUAL "contract")
      list(APPEND exports -Wl,--export=transfer)
      set(native_defs -DPHX_CONTRACT)
    endif()
    set(src ${wasm_src}/programs/${p}.c)
    set(deps ${src} ${wasm_src}/programs/bench_program.h)
    add_custom_command(OUTPUT ${wasm_out}/${p}.wasm
      COMMAND ${CMAKE_COMMAND} -E make_directory ${wasm_out}
      COMMAND ${PHX_CLANG14} --target=wasm32 -O2 -nostdlib -fuse-ld=${PHX_WASM_LD}
              -Wl,--no-entry ${exports} -I${wasm_src}/programs
              -o ${wasm_out}/${p}.wasm ${src} ${wasm_src}/shim.c
      DEPENDS ${deps} ${wasm_src}/shim.c
      COMMENT "wasm32: ${p}.wasm" VERBATIM)
    add_custom_command(OUTPUT ${wasm_out}/${p}_native
      COMMAND ${CMAKE_COMMAND} -E make_directory ${wasm_out}
      COMMAND ${PHX_CLANG14} -O2 ${native_defs} -I${wasm_src}/programs
              -o ${wasm_out}/${p}_native ${src} ${wasm_src}/native_driver.c
      DEPENDS ${deps} ${wasm_src}/native_driver.c
      COMMENT "native: ${p}_native" VERBATIM)
    list(APPEND wasm_outputs ${wasm_out}/${p}.wasm ${wasm_out}/${p}_native)
  endforeach()
  add_custom_target(wasm_programs ALL DEPENDS ${wasm_outputs})
else()
  message(STATUS "bench/wasm: clang-14 or wasm-ld not found: benchmark .wasm programs not built")
  add_custom_target(wasm_programs)
endif()

add_library(wasm_bench_harness STATIC ${wasm_src}/harness.cc)
target_include_directories(wasm_bench_harness PUBLIC ${wasm_src})
target_link_libraries(wasm_bench_harness PUBLIC phalanx_vm nlohmann_json::nlohmann_json)

add_executable(wasm_bench ${wasm_src}/wasm_bench.cc)
target_link_libraries(wasm_bench PRIVATE wasm_bench_harness)
target_compile_definitions(wasm_bench PRIVATE PHALANX_WASM_PROGRAMS_DIR="${wasm_out}"
                                              PHALANX_WASM_RUN_MJS="${wasm_src}/run.mjs")
add_dependencies(wasm_bench wasm_programs)

# The differential test against node (V8): labelled integration; skips itself without node.
if(PHALANX_TESTS)
  add_executable(wasm_differential_test ${wasm_src}/differential_test.cc ${wasm_src}/module_gen.cc)
  target_link_libraries(wasm_differential_test PRIVATE wasm_bench_harness GTest::gtest_main)
  target_compile_definitions(wasm_differential_test PRIVATE
    PHALANX_WASM_PROGRAMS_DIR="${wasm_out}" PHALANX_WASM_RUN_MJS="${wasm_src}/run.mjs"
    PHALANX_WASM_DIFFERENTIAL_MJS="${wasm_src}/differential.mjs")
  add_dependencies(wasm_differential_test wasm_programs)
  gtest_discover_tests(wasm_differential_test DISCOVERY_MODE PRE_TEST
    PROPERTIES LABELS integration TIMEOUT 300)
endif()

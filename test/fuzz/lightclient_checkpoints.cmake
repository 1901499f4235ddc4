# libFuzzer target for the light client's checkpoint lists (included by test/fuzz/CMakeLists.txt
# when PHALANX_FUZZ): the bytes an untrusted host hands to the enclave.
if(TARGET phalanx_lightclient)
  add_executable(lightclient_checkpoints_fuzz ${CMAKE_CURRENT_LIST_DIR}/lightclient_checkpoints_fuzz.cc)
  target_link_libraries(lightclient_checkpoints_fuzz PRIVATE phalanx_lightclient)
  target_link_options(lightclient_checkpoints_fuzz PRIVATE -fsanitize=fuzzer)
endif()

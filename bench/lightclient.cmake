# Light-client benchmark (included by bench/CMakeLists.txt): sequential headers/s with real
# 4-validator certificates, and skipping sync to the head of a 1M-block chain. Prints JSON lines.
# `lightclient_bench --sequential-headers 2000 --blocks 100000` runs in about a second for CI.
if(TARGET phalanx_lightclient)
  add_executable(lightclient_bench ${CMAKE_CURRENT_LIST_DIR}/lightclient_bench.cc)
  target_include_directories(lightclient_bench PRIVATE
                             ${CMAKE_SOURCE_DIR}/modules/lightclient/test)  # test_chain.h
  target_link_libraries(lightclient_bench PRIVATE phalanx_lightclient)
endif()

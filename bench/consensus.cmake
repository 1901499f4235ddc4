# Consensus throughput: heights/s of the deterministic simulator with 4 and 100 validators, every
# node verifying every signature (bench/consensus_bench.cc). Uses the simulator of test/sim.
if(TARGET phalanx_consensus)
  if(NOT TARGET phalanx_sim)
    add_library(phalanx_sim STATIC ${CMAKE_SOURCE_DIR}/test/sim/cluster.cc
                                   ${CMAKE_SOURCE_DIR}/test/sim/scenario.cc
                                   ${CMAKE_SOURCE_DIR}/test/sim/sim_app.cc)
    target_include_directories(phalanx_sim PUBLIC ${CMAKE_SOURCE_DIR}/test/sim)
    target_link_libraries(phalanx_sim PUBLIC phalanx_consensus)
  endif()
  add_executable(consensus_bench ${CMAKE_CURRENT_LIST_DIR}/consensus_bench.cc)
  target_link_libraries(consensus_bench PRIVATE phalanx_sim)
endif()

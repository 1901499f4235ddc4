# phalanx_module(NAME <m> LAYER <n> [DEPS <module>...] [LIBS <target>...])
#
# Declares the library target phalanx_<m> from modules/<m>/src/*.cc with its public headers in
# modules/<m>/include, and a GoogleTest executable <m>_test from modules/<m>/test/*.cc.
# The layer rule (a module depends only on modules in strictly lower layers) is checked here, at
# configure time, so a violation never builds. test/layering also checks the #include lines.
function(phalanx_module)
  cmake_parse_arguments(M "" "NAME;LAYER" "DEPS;LIBS;TEST_LIBS" ${ARGN})
  set(target phalanx_${M_NAME})
  set_property(GLOBAL PROPERTY PHALANX_LAYER_${M_NAME} ${M_LAYER})
  set_property(GLOBAL APPEND PROPERTY PHALANX_MODULES ${M_NAME})
  set(dep_targets)
  foreach(dep ${M_DEPS})
    get_property(dep_layer GLOBAL PROPERTY PHALANX_LAYER_${dep})
    if("${dep_layer}" STREQUAL "")
      message(FATAL_ERROR "module ${M_NAME}: dependency '${dep}' is not declared (declare lower layers first)")
    endif()
    if(NOT dep_layer LESS M_LAYER)
      message(FATAL_ERROR "module ${M_NAME} (layer ${M_LAYER}) may not depend on ${dep} (layer ${dep_layer})")
    endif()
    list(APPEND dep_targets phalanx_${dep})
  endforeach()
  set_property(GLOBAL PROPERTY PHALANX_DEPS_${M_NAME} ${M_DEPS})

  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/src/*.cc)
  if(NOT srcs)
    message(STATUS "module ${M_NAME}: no sources yet, skipped")
    return()
  endif()
  add_library(${target} STATIC ${srcs})
  target_include_directories(${target} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
                                        PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(${target} PUBLIC ${dep_targets} ${M_LIBS})

  file(GLOB tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/test/*.cc)
  if(PHALANX_TESTS AND tests)
    add_executable(${M_NAME}_test ${tests})
    target_link_libraries(${M_NAME}_test PRIVATE ${target} ${M_TEST_LIBS} GTest::gtest_main GTest::gmock)
    target_compile_definitions(${M_NAME}_test PRIVATE
      PHALANX_SOURCE_DIR="${CMAKE_SOURCE_DIR}" PHALANX_BINARY_DIR="${CMAKE_BINARY_DIR}")
    gtest_discover_tests(${M_NAME}_test DISCOVERY_MODE PRE_TEST
      PROPERTIES LABELS unit TIMEOUT 300)
  endif()
endfunction()

# Codec/types throughput benchmark (included by bench/CMakeLists.txt). Prints JSON lines.
add_executable(codec_bench ${CMAKE_CURRENT_LIST_DIR}/codec_bench.cc)
target_link_libraries(codec_bench PRIVATE phalanx_types)

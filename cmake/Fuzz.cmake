# Fuzz targets. Each target is a file defining LLVMFuzzerTestOneInput with a
# seed corpus in the repository.
#
# - Regular builds link the target with base/fuzz_main.cc and register a test
#   "<name>.seeds" (label fuzz-regression) replaying the seed corpus.
# - With -DREACHRANK_FUZZ=ON (clang only) everything is compiled with
#   coverage instrumentation and ASan + UBSan, the target is linked with
#   libFuzzer, and a test "<name>.fuzz" (label fuzz) fuzzes for
#   REACHRANK_FUZZ_SECONDS starting from the seeds.
option(REACHRANK_FUZZ "Build fuzz targets with libFuzzer (clang)" OFF)
set(REACHRANK_FUZZ_SECONDS 60 CACHE STRING "Seconds each fuzz test runs")

if(REACHRANK_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "REACHRANK_FUZZ needs clang")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined
                      -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# reachrank_add_fuzzer(<name> SOURCE <file> CORPUS <dir> LIBS <targets>...)
function(reachrank_add_fuzzer name)
  cmake_parse_arguments(F "" "SOURCE;CORPUS" "LIBS" ${ARGN})
  set(corpus ${CMAKE_CURRENT_SOURCE_DIR}/${F_CORPUS})
  if(REACHRANK_FUZZ)
    add_executable(${name} ${F_SOURCE})
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    set(work ${CMAKE_CURRENT_BINARY_DIR}/${name}_corpus)
    # libFuzzer adds new inputs to the first directory only: a scratch copy.
    add_test(NAME ${name}.fuzz
      COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=1
        sh -c "mkdir -p '${work}' && exec \"$0\" -max_total_time=${REACHRANK_FUZZ_SECONDS} -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 '${work}' '${corpus}'"
        $<TARGET_FILE:${name}>)
    set_tests_properties(${name}.fuzz PROPERTIES LABELS "fuzz"
      TIMEOUT 900)
  else()
    add_executable(${name} ${F_SOURCE} ${PROJECT_SOURCE_DIR}/base/fuzz_main.cc)
    add_test(NAME ${name}.seeds COMMAND ${name} ${corpus})
    set_tests_properties(${name}.seeds PROPERTIES LABELS "fuzz-regression")
  endif()
  target_link_libraries(${name} PRIVATE ${F_LIBS} reachrank_warnings)
endfunction()

# reachrank_discover_tests(TARGET LABELS label... [gtest_discover_tests args])
#
# gtest_discover_tests with ctest labels that hold. gtest_discover_tests
# writes its PROPERTIES into the generated test file one word at a time, so
# a list value ("topics;crash") becomes LABELS topics plus a bogus property
# named crash that swallows what follows (a TIMEOUT given after it was lost
# too). Here the labels are set by a second file that ctest includes after
# the discovered tests, on every test of TARGET (TARGET_TESTS, the list
# gtest_discover_tests defines). PROPERTIES (scalar values only, e.g.
# TIMEOUT n), DISCOVERY_TIMEOUT and any other argument go to
# gtest_discover_tests unchanged.
set(REACHRANK_TEST_TMPDIR "${CMAKE_BINARY_DIR}/test-tmp")

function(reachrank_discover_tests target)
  cmake_parse_arguments(ARG "" "DISCOVERY_TIMEOUT" "LABELS;PROPERTIES"
    ${ARGN})
  if(NOT ARG_LABELS)
    message(FATAL_ERROR "reachrank_discover_tests(${target}): LABELS missing")
  endif()
  set(args ${ARG_UNPARSED_ARGUMENTS})
  if(ARG_PROPERTIES)
    list(APPEND args PROPERTIES ${ARG_PROPERTIES})
  endif()
  if(ARG_DISCOVERY_TIMEOUT)
    list(APPEND args DISCOVERY_TIMEOUT ${ARG_DISCOVERY_TIMEOUT})
  endif()
  gtest_discover_tests(${target} ${args})
  set(file "${CMAKE_CURRENT_BINARY_DIR}/${target}_labels.cmake")
  # testing::TempDir() is this build tree's own (TEST_TMPDIR; no test may
  # set ENVIRONMENT through PROPERTIES, this replaces it), so that two
  # build trees' suites running at once on one machine (a fresh-clone CI
  # beside a developer's build) never share a test's fixed-name files.
  file(MAKE_DIRECTORY "${REACHRANK_TEST_TMPDIR}")
  file(WRITE "${file}"
    "if(DEFINED ${target}_TESTS)\n"
    "  set_tests_properties(\${${target}_TESTS} PROPERTIES\n"
    "    LABELS \"${ARG_LABELS}\"\n"
    "    ENVIRONMENT \"TEST_TMPDIR=${REACHRANK_TEST_TMPDIR}\")\n"
    "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${file}")
endfunction()

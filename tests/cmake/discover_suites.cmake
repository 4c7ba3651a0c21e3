# Script mode (cmake -P), run after a test executable is linked: lists its tests and
# writes one ctest entry per test suite (--gtest_filter=Suite.*) into CTEST_FILE.
# One process per suite rather than per test: every process of a test executable spends
# about a second loading LibTorch before its first test, which per test was a quarter of
# the whole suite's time. A suite's entry does not depend on the cases a golden
# directory holds, so listing at build time stays right when GEN_GOLDEN_DIR changes.
# Inputs: TEST_EXECUTABLE, CTEST_FILE, LABELS, TIMEOUT, COSTS_FILE (lines "Suite seconds",
# measured: ctest starts the long suites first on a machine that has never run them).
execute_process(COMMAND "${TEST_EXECUTABLE}" --gtest_list_tests
                OUTPUT_VARIABLE listing RESULT_VARIABLE result ERROR_VARIABLE errors)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${TEST_EXECUTABLE} --gtest_list_tests failed (${result}): ${errors}")
endif()

include("${CMAKE_CURRENT_LIST_DIR}/suite_costs.cmake")

# ctest keeps one entry per name: a suite whose name another test executable already
# lists gets "@executable" after it, with a warning (rename one of them).
get_filename_component(ctest_dir "${CTEST_FILE}" DIRECTORY)
file(GLOB other_files "${ctest_dir}/*_suites.cmake")
list(REMOVE_ITEM other_files "${CTEST_FILE}")
foreach(other IN LISTS other_files)
  file(STRINGS "${other}" other_tests REGEX "^add_test")
  foreach(test IN LISTS other_tests)
    if(test MATCHES "^add_test\\(\\[=\\[([^]]+)\\]=\\] \"([^\"]+)\"")
      set(taken_by_${CMAKE_MATCH_1} "${CMAKE_MATCH_2}")
    endif()
  endforeach()
endforeach()

string(REPLACE "\n" ";" lines "${listing}")
set(out "")
foreach(line IN LISTS lines)
  # Suite lines start in column 0 and end with '.', a "  # TypeParam = ..." may follow.
  if(line MATCHES "^([^ #][^ ]*)\\.( |$)")
    set(suite "${CMAKE_MATCH_1}")
    set(name "${suite}")
    if(DEFINED taken_by_${suite} AND NOT taken_by_${suite} STREQUAL TEST_EXECUTABLE)
      get_filename_component(executable "${TEST_EXECUTABLE}" NAME)
      set(name "${suite}@${executable}")
      message(WARNING "test suite ${suite} is in ${TEST_EXECUTABLE} and ${taken_by_${suite}}: "
                      "ctest lists this one as ${name}; rename one of them")
    endif()
    string(APPEND out "add_test([=[${name}]=] \"${TEST_EXECUTABLE}\" [=[--gtest_filter=${suite}.*]=])\n")
    string(APPEND out "set_tests_properties([=[${name}]=] PROPERTIES LABELS \"${LABELS}\" TIMEOUT ${TIMEOUT})\n")
    gen_suite_cost("${COSTS_FILE}" "${suite}" cost)
    if(NOT cost STREQUAL "")
      string(APPEND out "set_tests_properties([=[${name}]=] PROPERTIES COST ${cost})\n")
    endif()
  endif()
endforeach()
file(WRITE "${CTEST_FILE}" "${out}")

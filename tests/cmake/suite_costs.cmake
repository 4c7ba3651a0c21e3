# tests/suite_costs.txt holds lines "Suite seconds" (measured in a full run here; "#"
# starts a comment). gen_suite_cost sets <out_var> to the seconds recorded for <name>,
# or to "" when there are none. Read by tests/CMakeLists.txt (the one-process judge
# executables) and by discover_suites.cmake (every suite) alike.
function(gen_suite_cost costs_file name out_var)
  set(cost "")
  if(EXISTS "${costs_file}")
    file(STRINGS "${costs_file}" entries REGEX "^${name} ")
    foreach(entry IN LISTS entries)
      if(entry MATCHES "^([^ ]+) +([0-9.]+)$" AND CMAKE_MATCH_1 STREQUAL name)
        set(cost "${CMAKE_MATCH_2}")
      endif()
    endforeach()
  endif()
  set(${out_var} "${cost}" PARENT_SCOPE)
endfunction()

# gen_add_plugin(<name> SOURCES ... [LIBRARIES ...])
# Builds lib<name>.so as a gen plugin: hidden visibility, linked against the gen SDK,
# placed where `gen` discovers it. Used in-tree and by third-party plugins through
# find_package(Gen).
function(gen_add_plugin name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES" ${ARGN})
  add_library(${name} MODULE ${ARG_SOURCES})
  if(TARGET gen_core)
    target_link_libraries(${name} PRIVATE gen_core ${ARG_LIBRARIES})
  else()
    target_link_libraries(${name} PRIVATE Gen::gen_core ${ARG_LIBRARIES})
  endif()
  set_target_properties(${name} PROPERTIES
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    PREFIX "lib"
    # installed in <prefix>/lib/gen/plugins: find libgen_image & co. two levels up
    INSTALL_RPATH "$ORIGIN/../..")
  if(DEFINED GEN_PLUGIN_OUTPUT_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${GEN_PLUGIN_OUTPUT_DIR})
  endif()
  if(DEFINED GEN_PLUGIN_INSTALL_DIR)
    install(TARGETS ${name} LIBRARY DESTINATION ${GEN_PLUGIN_INSTALL_DIR})
  endif()
endfunction()

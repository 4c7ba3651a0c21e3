# gen_add_plugin(<name> SOURCES ... [LIBRARIES ...])
# Builds lib<name>.so as a gen plugin: hidden visibility, linked against the gen SDK,
# placed where `gen` discovers it. The code is compiled once, into the object library
# <name>_objects, which the plugin is linked from and which unit tests may link to test
# the plugin's internals without going through `gen`: put compile settings (definitions,
# precompiled headers) on <name>_objects. Used in-tree and by third-party plugins
# through find_package(Gen).
function(gen_add_plugin name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES" ${ARGN})
  if(TARGET gen_core)
    set(core gen_core)
  else()
    set(core Gen::gen_core)
  endif()
  add_library(${name}_objects OBJECT ${ARG_SOURCES})
  target_link_libraries(${name}_objects PUBLIC ${core} ${ARG_LIBRARIES})
  target_compile_options(${name}_objects PRIVATE ${TORCH_CXX_FLAGS})
  set_target_properties(${name}_objects PROPERTIES
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    POSITION_INDEPENDENT_CODE ON)
  add_library(${name} MODULE $<TARGET_OBJECTS:${name}_objects>)
  target_link_libraries(${name} PRIVATE ${core} ${ARG_LIBRARIES})
  set_target_properties(${name} PROPERTIES
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

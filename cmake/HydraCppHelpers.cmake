# Functions that build every target of one kind. Also installed with the package, so plugin
# and app authors use exactly these (SPEC §10).
include_guard(GLOBAL)

set(_HYDRA_HELPERS_DIR "${CMAKE_CURRENT_LIST_DIR}")

# Where plugin modules land when the caller does not say: a tree that mirrors
# <prefix>/lib/hydra-cpp/plugins, so `_target_: a.b.Name` finds <root>/a/lib b.so.
if(NOT DEFINED HYDRA_PLUGIN_OUTPUT_ROOT)
  set(HYDRA_PLUGIN_OUTPUT_ROOT "${CMAKE_BINARY_DIR}/plugins")
endif()

# _hydra_sdk_target / _hydra_core_target: in our own tree the plain targets, else the imported ones.
macro(_hydra_resolve_targets)
  if(TARGET hydra_sdk)
    set(_hydra_sdk hydra_sdk)
    set(_hydra_core hydra_core)
  else()
    set(_hydra_sdk HydraCpp::sdk)
    set(_hydra_core HydraCpp::core)
  endif()
endmacro()

# hydra_add_callback_plugin(<module> SOURCES src... [TARGET name] [OUTPUT_ROOT dir]
#                           [LINK_LIBRARIES libs...] [COMPILE_DEFINITIONS defs...] [INSTALL])
# Builds the module library for `_target_: <module>.<Factory>`: module `a.b` becomes
# <OUTPUT_ROOT>/a/libb.so. Unresolved symbols fail at link time (-Wl,--no-undefined), not in the host.
function(hydra_add_callback_plugin module)
  cmake_parse_arguments(ARG "INSTALL" "TARGET;OUTPUT_ROOT" "SOURCES;LINK_LIBRARIES;COMPILE_DEFINITIONS" ${ARGN})
  if(NOT module MATCHES "^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$")
    message(FATAL_ERROR "hydra_add_callback_plugin: module '${module}' is not a dotted identifier path (e.g. my_plugins or acme.callbacks)")
  endif()
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "hydra_add_callback_plugin(${module}): SOURCES is required")
  endif()
  _hydra_resolve_targets()
  string(REPLACE "." "_" default_target "${module}")
  set(target "${ARG_TARGET}")
  if(NOT target)
    set(target "${default_target}")
  endif()
  set(root "${ARG_OUTPUT_ROOT}")
  if(NOT root)
    set(root "${HYDRA_PLUGIN_OUTPUT_ROOT}")
  endif()
  string(REPLACE "." ";" parts "${module}")
  list(POP_BACK parts leaf)
  list(JOIN parts "/" subdir)

  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE ${_hydra_sdk} ${ARG_LINK_LIBRARIES})
  if(ARG_COMPILE_DEFINITIONS)
    target_compile_definitions(${target} PRIVATE ${ARG_COMPILE_DEFINITIONS})
  endif()
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME "${leaf}"
    PREFIX "lib"
    LIBRARY_OUTPUT_DIRECTORY "${root}/${subdir}"
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    BUILD_RPATH_USE_ORIGIN ON)
  target_link_options(${target} PRIVATE "-Wl,--no-undefined")
  set_property(TARGET ${target} PROPERTY HYDRA_PLUGIN_MODULE "${module}")
  if(ARG_INSTALL)
    install(TARGETS ${target} LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}/hydra-cpp/plugins/${subdir}")
  endif()
endfunction()

# hydra_add_app(<name> SOURCES src... [CONFIG_DIR conf] [LINK_LIBRARIES libs...])
# Builds an app: links HydraCpp::core, exports only its own HYDRA_CALLBACK aliases
# (hydracb__*), copies CONFIG_DIR next to the binary and embeds a copy into it, so an
# installed app runs from any directory.
function(hydra_add_app name)
  cmake_parse_arguments(ARG "" "CONFIG_DIR" "SOURCES;LINK_LIBRARIES" ${ARGN})
  _hydra_resolve_targets()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${_hydra_core} ${ARG_LINK_LIBRARIES})
  target_link_options(${name} PRIVATE "LINKER:--export-dynamic-symbol=hydracb__*")
  # Installed next to <prefix>/lib: find libhydra_core there wherever the prefix moves.
  set_target_properties(${name} PROPERTIES INSTALL_RPATH "$ORIGIN/../${CMAKE_INSTALL_LIBDIR}")
  if(ARG_CONFIG_DIR)
    get_filename_component(conf_src "${ARG_CONFIG_DIR}" ABSOLUTE)
    get_filename_component(conf_name "${conf_src}" NAME)
    if(NOT IS_DIRECTORY "${conf_src}")
      message(FATAL_ERROR "hydra_add_app(${name}): CONFIG_DIR '${conf_src}' is not a directory")
    endif()
    file(GLOB_RECURSE conf_files CONFIGURE_DEPENDS "${conf_src}/*")
    set(embedded "${CMAKE_CURRENT_BINARY_DIR}/${name}_embedded_config.cpp")
    add_custom_command(
      OUTPUT "${embedded}"
      COMMAND "${CMAKE_COMMAND}" -DCONF_DIR=${conf_src} -DOUTPUT=${embedded}
              -P "${_HYDRA_HELPERS_DIR}/HydraEmbedConfig.cmake"
      DEPENDS ${conf_files} "${_HYDRA_HELPERS_DIR}/HydraEmbedConfig.cmake"
      COMMENT "Embedding ${name}'s config dir"
      VERBATIM)
    target_sources(${name} PRIVATE "${embedded}")
    # A fresh copy next to the binary: files deleted from the source do not linger.
    add_custom_command(TARGET ${name} POST_BUILD
      COMMAND "${CMAKE_COMMAND}" -E rm -rf "$<TARGET_FILE_DIR:${name}>/${conf_name}"
      COMMAND "${CMAKE_COMMAND}" -E copy_directory "${conf_src}" "$<TARGET_FILE_DIR:${name}>/${conf_name}"
      VERBATIM)
  endif()
endfunction()

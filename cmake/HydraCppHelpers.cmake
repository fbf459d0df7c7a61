# Functions that build every target of one kind. Also installed with the package, so plugin
# and app authors use exactly these (docs/spec.md §10).
include_guard(GLOBAL)

set(_HYDRA_HELPERS_DIR "${CMAKE_CURRENT_LIST_DIR}")

# Where plugin modules land when the caller does not say: a tree that mirrors
# <prefix>/lib/hydra-cpp/plugins, so `_target_: a.b.Name` finds <root>/a/lib b.so.
if(NOT DEFINED HYDRA_PLUGIN_OUTPUT_ROOT)
  set(HYDRA_PLUGIN_OUTPUT_ROOT "${CMAKE_BINARY_DIR}/plugins")
endif()

include(GNUInstallDirs)

# The same names in our own tree (ALIAS targets) and in an installed package (IMPORTED ones).
macro(_hydra_resolve_targets)
  set(_hydra_sdk HydraCpp::sdk)
  set(_hydra_core HydraCpp::core)
  set(_hydra_tool HydraCpp::hydra-plugins)
endmacro()

# hydra_add_callback_plugin(<module> SOURCES src... [TARGET name] [OUTPUT_ROOT dir]
#                           [LINK_LIBRARIES libs...] [COMPILE_DEFINITIONS defs...]
#                           [INSTALL] [INSTALL_ROOT dir] [NO_MANIFEST])
# Builds the module library for `_target_: <module>.<Factory>`: module `a.b` becomes
# <OUTPUT_ROOT>/a/libb.so. Unresolved symbols fail at link time (-Wl,--no-undefined), not in the host.
# After linking, `hydra-plugins manifest` writes <lib>.hydra-manifest beside it (factories, ABI,
# build key), so the host lists it without loading even once it is stripped. INSTALL installs
# both into <prefix>/<INSTALL_ROOT> (default ${CMAKE_INSTALL_LIBDIR}/hydra-cpp/plugins)/a.
function(hydra_add_callback_plugin module)
  cmake_parse_arguments(ARG "INSTALL;NO_MANIFEST" "TARGET;OUTPUT_ROOT;INSTALL_ROOT"
                        "SOURCES;LINK_LIBRARIES;COMPILE_DEFINITIONS" ${ARGN})
  if(NOT module MATCHES "^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$")
    message(FATAL_ERROR "hydra_add_callback_plugin: module '${module}' is not a dotted identifier path (e.g. my_plugins or acme.callbacks)")
  endif()
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "hydra_add_callback_plugin(${module}): SOURCES is required")
  endif()
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "hydra_add_callback_plugin(${module}): unknown arguments ${ARG_UNPARSED_ARGUMENTS}")
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
  set(install_root "${ARG_INSTALL_ROOT}")
  if(NOT install_root)
    set(install_root "${CMAKE_INSTALL_LIBDIR}/hydra-cpp/plugins")
  endif()
  string(REPLACE "." ";" parts "${module}")
  list(POP_BACK parts leaf)
  list(JOIN parts "/" subdir)

  # From the installed module's dir back up to <prefix>/<libdir>, for libraries a plugin links.
  set(up "$ORIGIN")
  string(REPLACE "/" ";" install_dirs "${install_root}/${subdir}")
  list(REMOVE_ITEM install_dirs "")
  foreach(d IN LISTS install_dirs)
    string(APPEND up "/..")
  endforeach()

  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE ${_hydra_sdk} ${ARG_LINK_LIBRARIES})
  if(ARG_COMPILE_DEFINITIONS)
    target_compile_definitions(${target} PRIVATE ${ARG_COMPILE_DEFINITIONS})
  endif()
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME "${leaf}"
    PREFIX "lib"
    SUFFIX ".so"
    LIBRARY_OUTPUT_DIRECTORY "${root}/${subdir}"
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    BUILD_RPATH_USE_ORIGIN ON
    INSTALL_RPATH "${up}/${CMAKE_INSTALL_LIBDIR}")
  target_link_options(${target} PRIVATE "-Wl,--no-undefined")
  set_property(TARGET ${target} PROPERTY HYDRA_PLUGIN_MODULE "${module}")
  if(NOT ARG_NO_MANIFEST)
    add_custom_command(TARGET ${target} POST_BUILD
      COMMAND ${_hydra_tool} manifest "$<TARGET_FILE:${target}>" --module "${module}"
              -o "$<TARGET_FILE:${target}>.hydra-manifest"
      COMMENT "Writing the manifest of plugin ${module}"
      VERBATIM)
  endif()
  if(ARG_INSTALL)
    install(TARGETS ${target} LIBRARY DESTINATION "${install_root}/${subdir}")
    if(NOT ARG_NO_MANIFEST)
      install(FILES "$<TARGET_FILE:${target}>.hydra-manifest" DESTINATION "${install_root}/${subdir}")
    endif()
  endif()
endfunction()

# hydra_add_app(<name> SOURCES src... [CONFIG_DIR conf] [LINK_LIBRARIES libs...] [INSTALL])
# Builds an app: links HydraCpp::core, exports only its own HYDRA_CALLBACK aliases
# (hydracb__*), copies CONFIG_DIR next to the binary and embeds a copy into it, so an
# installed app runs from any directory.
function(hydra_add_app name)
  cmake_parse_arguments(ARG "INSTALL" "CONFIG_DIR" "SOURCES;LINK_LIBRARIES" ${ARGN})
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "hydra_add_app(${name}): unknown arguments ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  _hydra_resolve_targets()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${_hydra_core} ${ARG_LINK_LIBRARIES})
  target_link_options(${name} PRIVATE "LINKER:--export-dynamic-symbol=hydracb__*")
  # In hydra-cpp's own tree, building an app builds the launchers it finds next to libhydra_core:
  # `--target my_app` alone must leave `my_app -m ...` working. (An installed SDK has them.)
  if(TARGET hydra_launchers)
    add_dependencies(${name} hydra_launchers)
  endif()
  # Installed in <prefix>/bin: find libhydra_core in <prefix>/lib wherever the prefix moves, and
  # in hydra-cpp's own prefix when the app is installed elsewhere.
  # (The build tree keeps absolute RPATHs: a copy of a built app still finds the library.)
  set_target_properties(${name} PROPERTIES
    INSTALL_RPATH "$ORIGIN/../${CMAKE_INSTALL_LIBDIR}"
    INSTALL_RPATH_USE_LINK_PATH ON)
  if(ARG_INSTALL)
    install(TARGETS ${name} RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
  endif()
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

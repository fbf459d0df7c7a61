# Installed package: find_package(HydraCpp CONFIG) -> HydraCpp::sdk, HydraCpp::core,
# HydraCpp::sdk_testing, HydraCpp::hydra-plugins and the helpers (hydra_add_callback_plugin,
# hydra_add_app); pkg-config files hydra-cpp-sdk.pc and hydra-cpp.pc. Everything is relative to
# the prefix, so an installed tree can be moved. tests/consumer checks it from the outside.
include(CMakePackageConfigHelpers)
set(HYDRA_CMAKE_INSTALL_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/HydraCpp")
install(EXPORT HydraCppTargets NAMESPACE HydraCpp:: DESTINATION "${HYDRA_CMAKE_INSTALL_DIR}")
configure_package_config_file(
  "${CMAKE_CURRENT_SOURCE_DIR}/cmake/HydraCppConfig.cmake.in"
  "${CMAKE_CURRENT_BINARY_DIR}/HydraCppConfig.cmake"
  INSTALL_DESTINATION "${HYDRA_CMAKE_INSTALL_DIR}")
write_basic_package_version_file("${CMAKE_CURRENT_BINARY_DIR}/HydraCppConfigVersion.cmake"
  COMPATIBILITY SameMajorVersion)
install(FILES
  "${CMAKE_CURRENT_BINARY_DIR}/HydraCppConfig.cmake"
  "${CMAKE_CURRENT_BINARY_DIR}/HydraCppConfigVersion.cmake"
  "${CMAKE_CURRENT_SOURCE_DIR}/cmake/HydraCppHelpers.cmake"
  "${CMAKE_CURRENT_SOURCE_DIR}/cmake/HydraEmbedConfig.cmake"
  DESTINATION "${HYDRA_CMAKE_INSTALL_DIR}")

# pkg-config: prefix computed from the .pc file's own location (relocatable).
set(_hydra_pc_dir "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
file(RELATIVE_PATH HYDRA_PC_PREFIX_FROM_PCDIR "/_root_/${_hydra_pc_dir}" "/_root_")
string(REGEX REPLACE "/$" "" HYDRA_PC_PREFIX_FROM_PCDIR "${HYDRA_PC_PREFIX_FROM_PCDIR}")
file(STRINGS "${CMAKE_CURRENT_SOURCE_DIR}/sdk/include/hydra/plugin_abi.hpp" _hydra_abi_lines
     REGEX "^#define HYDRA_SDK_ABI_(MAJOR|MINOR) [0-9]+")
string(REGEX REPLACE ".*MAJOR ([0-9]+).*MINOR ([0-9]+).*" "\\1.\\2" HYDRA_SDK_ABI "${_hydra_abi_lines}")
foreach(pc hydra-cpp-sdk hydra-cpp)
  configure_file("${CMAKE_CURRENT_SOURCE_DIR}/cmake/${pc}.pc.in" "${CMAKE_CURRENT_BINARY_DIR}/${pc}.pc" @ONLY)
  install(FILES "${CMAKE_CURRENT_BINARY_DIR}/${pc}.pc" DESTINATION "${_hydra_pc_dir}")
endforeach()

# The licence travels with every installed tree (and any package made from one).
install(FILES "${CMAKE_CURRENT_SOURCE_DIR}/LICENSE" DESTINATION "${CMAKE_INSTALL_DATADIR}/doc/hydra-cpp")

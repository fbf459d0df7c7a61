# Installed package: find_package(HydraCpp CONFIG) -> HydraCpp::sdk, HydraCpp::core and the helpers.
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

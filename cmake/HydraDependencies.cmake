# Debian 12 packages only (cmake/setup-deps.sh installs them).
find_package(Boost 1.74 REQUIRED CONFIG COMPONENTS headers)
find_package(spdlog REQUIRED CONFIG)
find_package(fmt REQUIRED CONFIG)
find_package(yaml-cpp REQUIRED CONFIG)

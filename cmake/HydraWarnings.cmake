# Warnings are errors in our own code; sanitizers on demand (preset "asan").
option(HYDRA_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)

add_library(hydra_warnings INTERFACE)
target_compile_options(hydra_warnings INTERFACE -Wall -Wextra -Werror)
# GCC 12's -Wrestrict misfires on std::string concatenation at -O2/-O3 (GCC bug 105329).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(hydra_warnings INTERFACE -Wno-restrict)
endif()

if(HYDRA_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# libFuzzer targets (tests/fuzz): the whole build is instrumented for coverage and sanitized, so
# the core code the targets link is what the fuzzer steers by. Clang only.
option(HYDRA_BUILD_FUZZ "Build the libFuzzer targets in tests/fuzz (Clang only)" OFF)
if(HYDRA_BUILD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "HYDRA_BUILD_FUZZ needs Clang's libFuzzer: configure with -DCMAKE_CXX_COMPILER=clang++-14")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

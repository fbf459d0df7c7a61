# Warnings are errors in our own code; sanitizers on demand (preset "asan").
option(HYDRA_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)

add_library(hydra_warnings INTERFACE)
target_compile_options(hydra_warnings INTERFACE -Wall -Wextra -Werror)

if(HYDRA_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

// One libFuzzer target, compiled once per entry of fuzz_entries.hpp (CMake defines
// HYDRA_FUZZ_ENTRY as yaml_entry, overrides_entry or interpolation_entry).
#include "fuzz_entries.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  hydra::fuzz::HYDRA_FUZZ_ENTRY({reinterpret_cast<const char*>(data), size});
  return 0;
}

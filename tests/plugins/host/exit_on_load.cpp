// A plugin whose static initializer runs the moment it is loaded: when HYDRA_TEST_LOAD_MARKER is
// set, it writes that file and exits 42 (unset, as when the build writes its manifest, it does
// nothing). Listing plugins (`--info plugins`,
// `hydra-plugins list`) must never run it; only an explicit `hydra-plugins inspect FILE` loads.
#include <hydra/plugin.hpp>

#include <cstdio>
#include <cstdlib>

namespace {

[[maybe_unused]] const bool loaded_marker = [] {
  const char* marker = std::getenv("HYDRA_TEST_LOAD_MARKER");
  if (marker == nullptr) return false;
  if (std::FILE* f = std::fopen(marker, "w")) {
    std::fputs("loaded\n", f);
    std::fclose(f);
  }
  std::exit(42);
}();

class ExitOnLoad : public hydra::Callback {
 public:
  explicit ExitOnLoad(const hydra::Config&) {}
};

}  // namespace

HYDRA_CALLBACK(ExitOnLoad)

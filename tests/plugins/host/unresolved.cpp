// Calls a function that no library defines. Linked without --no-undefined on purpose: the
// host must fail at load time (rtld_now) with the dlerror text instead of dying at the call.
#include <hydra/plugin.hpp>

void host_test_function_defined_nowhere();

namespace {

class Unresolved : public hydra::Callback {
 public:
  explicit Unresolved(const hydra::Config& /*params*/) { host_test_function_defined_nowhere(); }
};

}  // namespace

HYDRA_CALLBACK(Unresolved)

// A plugin linked against libbad_inputs_dep.so, whose only search path is $ORIGIN, while the
// dependency is built elsewhere: loading it fails the way a plugin whose dependency went
// missing does (dlopen: cannot open shared object file).
#include <hydra/plugin.hpp>

int bad_inputs_dependency_value();

namespace {

class NeedsDep : public hydra::Callback {
 public:
  explicit NeedsDep(const hydra::Config& /*params*/) : value_(bad_inputs_dependency_value()) {}

 private:
  int value_;
};

}  // namespace

HYDRA_CALLBACK(NeedsDep)

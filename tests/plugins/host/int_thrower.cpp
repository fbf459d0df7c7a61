#include <hydra/plugin.hpp>

namespace {

class IntThrower : public hydra::Callback {
 public:
  explicit IntThrower(const hydra::Config& /*params*/) { throw 42; }
};

}  // namespace

HYDRA_CALLBACK(IntThrower)

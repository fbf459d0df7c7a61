#include <hydra/plugin.hpp>

#include <stdexcept>

namespace {

class Thrower : public hydra::Callback {
 public:
  explicit Thrower(const hydra::Config& /*params*/) { throw std::runtime_error("constructor failed on purpose"); }
};

}  // namespace

HYDRA_CALLBACK(Thrower)

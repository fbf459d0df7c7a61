// Built with HYDRA_SDK_ABI_MAJOR=3 or HYDRA_SDK_ABI_MINOR=99: claims an ABI this host refuses.
#include <hydra/plugin.hpp>

namespace {

class FutureCallback : public hydra::Callback {
 public:
  explicit FutureCallback(const hydra::Config& /*params*/) {}
};

}  // namespace

HYDRA_CALLBACK(FutureCallback)

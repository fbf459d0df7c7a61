#include "counters.hpp"

#include <hydra/plugin.hpp>

namespace {

class OtherCallback : public hydra::Callback, host_test::Counted {
 public:
  explicit OtherCallback(const hydra::Config& params) : Counted(params) {}
  void on_run_start(const hydra::Config& /*config*/, const hydra::RunInfo& run) override {
    const_cast<hydra::RunInfo&>(run).config_name = "OtherCallback";
  }
};

}  // namespace

HYDRA_CALLBACK(OtherCallback)

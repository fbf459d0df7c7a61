#include "counters.hpp"

#include <hydra/plugin.hpp>

namespace {

class GoodCallback : public hydra::Callback, host_test::Counted {
 public:
  explicit GoodCallback(const hydra::Config& params)
      : Counted(params), greeting_(hydra::get_or<std::string>(params, "greeting", "hello")) {}

  // The test calls on_run_start and reads back what the plugin wrote into the run info's
  // config_name: proof that the object runs plugin code through the handle.
  void on_run_start(const hydra::Config& /*config*/, const hydra::RunInfo& run) override {
    const_cast<hydra::RunInfo&>(run).config_name = greeting_ + " from GoodCallback";
  }

 private:
  std::string greeting_;
};

}  // namespace

HYDRA_CALLBACK(GoodCallback)

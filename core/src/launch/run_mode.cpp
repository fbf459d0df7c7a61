#include "launch/run_mode.hpp"

namespace hydra::internal {

void record_run_mode(ComposedConfig& composed, RunMode mode) {
  Config& config = composed.config;
  if (config.get_child("hydra.mode", make_null()).data().kind() != NodeKind::Null) return;
  std::string name = mode == RunMode::RUN ? "RUN" : "MULTIRUN";
  config.put("hydra.mode", name);
  Config& hydra_overrides = config.get_child("hydra.overrides.hydra");
  push_back(hydra_overrides, make_node("hydra.mode=" + name));
  composed.hydra_overrides.push_back("hydra.mode=" + name);
}

}  // namespace hydra::internal

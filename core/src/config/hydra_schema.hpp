// The types Hydra's structured `hydra` node (HydraConf) enforces, for the keys the runtime relies
// on: checked once the config is composed, before anything runs.
#pragma once

#include <hydra/config.hpp>

namespace hydra::internal {

// Throws UserError naming the key, what it holds and what it must hold.
void validate_hydra_types(const Config& root);

}  // namespace hydra::internal

// The types Hydra's structured `hydra` node (HydraConf) enforces, for the keys the runtime relies
// on: checked once the config is composed, before anything runs.
#pragma once

#include <hydra/config.hpp>

namespace hydra::internal {

// Throws UserError naming the key, what it holds and what it must hold. A scalar in a str-typed
// key (hydra.job.name, hydra.run.dir, hydra.job.env_set values, ...) becomes the string Python's
// str() makes of it, as OmegaConf stores it there.
void validate_hydra_types(Config& root);

}  // namespace hydra::internal

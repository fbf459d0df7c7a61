// The sweeper a MULTIRUN launches with. hydra-cpp sweeps with Hydra's basic sweeper only; a config
// may still choose a plugin sweeper (hydra/sweeper=optuna composes, see config/defaults_tree.cpp).
#pragma once

#include <hydra/config.hpp>

namespace hydra::internal {

// Throws UserError (one line naming hydra/sweeper and the sweeper's _target_) when the composed
// hydra.sweeper is not the basic sweeper. Called before anything of the sweep is written.
void require_basic_sweeper(const Config& composed);

}  // namespace hydra::internal

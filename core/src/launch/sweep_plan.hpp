// The basic sweeper (Hydra's BasicSweeper.split_arguments): hydra.sweeper.params, then the
// command line's overrides, one slot per key (a later override of the same key replaces the
// value in the first one's slot); the jobs are the cartesian product of the slots, the first
// varying slowest, like itertools.product.
#pragma once

#include "config/sweep.hpp"

#include <hydra/config.hpp>

#include <string>
#include <vector>

namespace hydra::internal {

// Every job's override list, one override per slot in the same order in every job, each written
// back as Hydra writes it (`x=int(3.5)` runs as `x=3`; hydra.* overrides stay as typed). Throws
// UserError for a sweep the basic sweeper cannot run.
std::vector<std::vector<std::string>> plan_sweep(const std::vector<Override>& overrides, const Config& sweeper_params,
                                                 const GroupOptions& group_options);

}  // namespace hydra::internal

// The basic sweeper: the cartesian product of the sweep overrides, in the order given (the
// first varies slowest, like itertools.product), plus hydra.sweeper.params.
#pragma once

#include "config/sweep.hpp"

#include <hydra/config.hpp>

#include <string>
#include <vector>

namespace hydra::internal {

// Every job's override list: the command line's overrides with each sweep replaced by one of
// its values, then hydra.sweeper.params (`key: a,b`) for keys the command line does not set.
// Throws UserError for a malformed sweep.
std::vector<std::vector<std::string>> plan_sweep(const std::vector<std::string>& overrides,
                                                 const Config& sweeper_params, const GroupOptions& group_options);

}  // namespace hydra::internal

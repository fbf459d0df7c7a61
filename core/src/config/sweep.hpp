// The values a sweep override stands for, in the order a sweeper runs them (Hydra's
// Override.sweep_string_iterator): the data the multirun launcher executes.
#pragma once

#include "config/overrides.hpp"

#include <functional>
#include <string>
#include <vector>

namespace hydra::internal {

struct SweepAxis {
  std::string key_element;          // "+key", "db@pkg", ...
  std::vector<std::string> values;  // value texts, in order; each replaces the sweep in one job
  // "<key element>=<value>" for value i, as the job's override.
  std::string job_override(std::size_t i) const;
};

// Options of a config group, for glob(); empty if `group` is not a group.
using GroupOptions = std::function<std::vector<std::string>(const std::string& group)>;

// The values of one sweep override (override.is_sweep()). Throws UserError naming the override
// for interval() (the basic sweeper cannot enumerate it), ~key swept, glob() on something that
// is not a group, a range too large, or a sweep with no values.
SweepAxis enumerate_sweep(const Override& sweep, const GroupOptions& group_options);

}  // namespace hydra::internal

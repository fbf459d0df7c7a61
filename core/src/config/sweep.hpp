// Sweep overrides (`a,b,c`, `choice(...)`, `range(...)`, `glob(...)`, `interval(...)`) parsed into
// the values a sweeper iterates: the data the multirun launcher executes.
#pragma once

#include "config/overrides.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace hydra::internal {

struct SweepAxis {
  Override override;                // the sweep as typed
  std::vector<std::string> values;  // value texts, in order; each replaces the sweep in one job
  // "<prefix><key>=<value>" for value i, as the job's override.
  std::string job_override(std::size_t i) const;
};

// Options of a config group, for glob(); empty if `group` is not a group.
using GroupOptions = std::function<std::vector<std::string>(const std::string& group)>;

// The values of one sweep override. Throws UserError naming the override for a malformed sweep,
// an empty one, interval() (needs a sampling sweeper) or glob() on something that is not a group.
SweepAxis parse_sweep(const Override& sweep, const GroupOptions& group_options);

}  // namespace hydra::internal

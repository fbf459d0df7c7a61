// Command-line key overrides applied to an already composed tree, without config files:
// what `--experimental-rerun <job dir> [overrides]` needs to change a saved config (docs/spec.md §6).
// Same semantics as compose's key overrides: key=value changes an existing key, +key=value adds
// one, ++key=value adds or changes, ~key[=value] deletes; a dict merges into a map.
#pragma once

#include "config/overrides.hpp"

#include <hydra/config.hpp>

#include <functional>
#include <string>
#include <vector>

namespace hydra::internal {

struct AppliedOverrides {
  std::vector<std::string> task;   // as typed, hydra.* excluded
  std::vector<std::string> hydra;  // hydra.* overrides, as typed
};

// Applies `overrides` to `root` in order. Throws UserError naming the override for a malformed
// one, a sweep (`a=1,2`), a config group override (`is_group(name)` or a name with '/'; a
// composed tree has no config files to load an option from), or a key that cannot be changed.
AppliedOverrides apply_key_overrides(Config& root, const std::vector<Override>& overrides,
                                     const std::function<bool(const std::string&)>& is_group,
                                     const std::string& context);

// One override applied to `root` (compose's rule for key overrides).
void apply_key_override(Config& root, const Override& override_);

}  // namespace hydra::internal

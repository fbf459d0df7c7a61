// Config composition: primary config + defaults list + overrides + the built-in `hydra` node.
#pragma once

#include "config/config_source.hpp"

#include <hydra/config.hpp>

#include <string>
#include <vector>

namespace hydra::internal {

enum class RunMode { RUN, MULTIRUN };

struct ComposeRequest {
  std::string app_name;           // hydra.job.name
  std::string config_name;        // primary config, without .yaml; may be empty (no primary)
  std::vector<std::string> overrides;  // as typed on the command line
  std::vector<ConfigSource> sources;   // searched in order
  std::filesystem::path cwd;           // hydra.runtime.cwd
};

struct ComposedConfig {
  Config config;                        // whole tree, `hydra` included, interpolations unresolved
  std::vector<std::string> task_overrides;   // hydra.overrides.task
  std::vector<std::string> hydra_overrides;  // hydra.overrides.hydra
};

// Throws UserError with a one-line message naming the file/key/override and what to do.
ComposedConfig compose(const ComposeRequest& request);

}  // namespace hydra::internal

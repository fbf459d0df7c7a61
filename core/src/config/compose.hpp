// Config composition: primary config + defaults list + overrides + the built-in `hydra` node.
#pragma once

#include "config/config_source.hpp"

#include <hydra/config.hpp>

#include <string>
#include <utility>
#include <vector>

namespace hydra::internal {

enum class RunMode { RUN, MULTIRUN };

struct ComposeRequest {
  std::string app_name;           // hydra.job.name
  std::string config_name;        // primary config, without .yaml; may be empty (no primary)
  std::vector<std::string> overrides;  // as typed on the command line
  std::vector<ConfigSource> sources;   // searched in order
  std::filesystem::path cwd;           // hydra.runtime.cwd
  // RUN: a sweep override (`foo=a,b`) is an error. MULTIRUN: sweep overrides are left out of
  // the composed config (the sweeper applies one value per job) but kept in task_overrides.
  RunMode mode = RunMode::RUN;
};

// One row of Hydra's final defaults list (--info defaults): the configs merged, in merge order.
struct DefaultsListRow {
  std::string config_path;  // "db/mysql", "config"
  std::string package;      // "db", "" for the root
  bool is_self = false;     // the config's own content, placed by its `_self_`
  std::string parent;       // config path of the config whose defaults list holds it, "<root>"
};

struct ComposedConfig {
  Config config;                        // whole tree, `hydra` included, interpolations unresolved
  std::vector<std::string> task_overrides;   // hydra.overrides.task
  std::vector<std::string> hydra_overrides;  // hydra.overrides.hydra
  std::vector<DefaultsListRow> defaults_list;  // --info defaults
  std::vector<std::string> defaults_tree;      // --info defaults-tree, one line each, indented
  std::vector<ConfigSource> sources;           // the search path used: request.sources, hydra.searchpath, built-in
};

// Throws UserError with a one-line message naming the file/key/override and what to do.
// The built-in source (ConfigSource::builtin()) is always searched after request.sources.
ComposedConfig compose(const ComposeRequest& request);

// The config groups (dirs holding .yaml options) reachable from `sources` plus the built-in
// source, sorted ("db", "hydra/job_logging", ...), each with its sorted options. For --help.
std::vector<std::pair<std::string, std::vector<std::string>>> list_config_groups(
    const std::vector<ConfigSource>& sources);

}  // namespace hydra::internal

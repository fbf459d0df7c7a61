// Config composition: primary config + defaults list + overrides + the built-in `hydra` node.
#pragma once

#include "config/config_source.hpp"
#include "config/defaults_tree.hpp"
#include "config/overrides.hpp"

#include <hydra/config.hpp>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hydra::internal {

enum class RunMode { RUN, MULTIRUN };

struct ComposeRequest {
  std::string app_name;           // hydra.job.name
  std::string config_name;        // primary config, without .yaml; may be empty (no primary)
  std::vector<Override> overrides;     // the command line's, parsed once (parse_overrides)
  std::vector<ConfigSource> sources;   // searched in order
  std::filesystem::path cwd;           // hydra.runtime.cwd
  // RUN: a sweep override (`foo=a,b`) is an error. MULTIRUN: sweep overrides are left out of
  // the composed config (the sweeper applies one value per job) but kept in task_overrides, and
  // a mandatory group left `???` is skipped (ComposedConfig::missing_choice).
  RunMode mode = RunMode::RUN;
};

struct ComposedConfig {
  Config config;                        // whole tree, `hydra` included, interpolations unresolved
  std::vector<std::string> task_overrides;   // hydra.overrides.task
  std::vector<std::string> hydra_overrides;  // hydra.overrides.hydra
  std::vector<DefaultsListRow> defaults_list;  // --info defaults
  std::vector<std::string> defaults_tree;      // --info defaults-tree, one line each, indented
  std::vector<ConfigSource> sources;           // the search path used: request.sources, hydra.searchpath, built-in
  // MULTIRUN composes as Hydra does, skipping a mandatory group left `???` (the sweep may choose
  // it): the error a RUN reports for it. Whoever finds the run is a RUN after all throws it.
  std::optional<std::string> missing_choice;
};

// Throws UserError with a one-line message naming the file/key/override and what to do.
// The built-in source (ConfigSource::builtin()) is always searched after request.sources.
ComposedConfig compose(const ComposeRequest& request);

// Composes many configs that differ only in their overrides, as a sweep's jobs do, each exactly
// as compose() would: the config files are read once, and the defaults tree of each distinct set
// of group choices is built and merged once, so that a job of a scalar sweep costs its key
// overrides and runtime keys only. Overrides that change the search path (hydra.searchpath)
// compose afresh. Safe to call from several threads.
class ComposeSession {
 public:
  explicit ComposeSession(ComposeRequest base);  // base.overrides are not used
  ~ComposeSession();
  ComposeSession(const ComposeSession&) = delete;
  ComposeSession& operator=(const ComposeSession&) = delete;

  ComposedConfig compose(const std::vector<Override>& overrides);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The config groups (dirs holding .yaml options) reachable from `sources` plus the built-in
// source, sorted ("db", "hydra/job_logging", ...), each with its sorted options. For --help.
std::vector<std::pair<std::string, std::vector<std::string>>> list_config_groups(
    const std::vector<ConfigSource>& sources);

}  // namespace hydra::internal

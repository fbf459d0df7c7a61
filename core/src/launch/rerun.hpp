// --experimental-rerun <job dir | its saved config file> [overrides] (docs/spec.md §6): one job's saved,
// fully composed config, replayed as a RUN — not recomposed, so later edits to the conf files
// cannot change it — with extra key overrides on top, into the original job dir.
#pragma once

#include "config/compose.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace hydra::internal {

struct RerunJob {
  // The saved config (`hydra` + task keys, interpolations as saved) with hydra.mode RUN,
  // hydra.run.dir = the original job dir (an override may change it), then `overrides` applied.
  // task_overrides: the job's saved task overrides + the extra task ones (its JobReturn's).
  ComposedConfig composed;
  std::string config_name;          // hydra.job.config_name of the saved job ("" if none)
  std::filesystem::path job_dir;    // the original job dir (absolute)
  std::filesystem::path saved_from;  // the .hydra dir, or the whole-config file, read
};

// `target`: a job dir (it holds .hydra/config.yaml, hydra.yaml, overrides.yaml — the runtime
// writes them for every job, RUN or sweep), that .hydra dir or one of its files, or a whole-config
// file with a `hydra` node (PickleJobInfoCallback's job_config.yaml).
// Throws UserError, one line naming the file: missing, unreadable or garbled input, a group or
// sweep override, --multirun.
RerunJob load_rerun(const std::string& target, const std::vector<Override>& overrides, bool multirun);

// The one warning that says the option is experimental (HYDRA logging must be on).
void warn_experimental_rerun(const RerunJob& rerun);

}  // namespace hydra::internal

// One job, the same in RUN and in every MULTIRUN job (docs/spec.md §3, "Job"): output dir, chdir,
// job logging, .hydra/ files, env_set, on_job_start, task, on_job_end.
#pragma once

#include "callbacks/callback_chain.hpp"
#include "config/compose.hpp"

#include <hydra/callback.hpp>
#include <hydra/config.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace hydra::internal {

struct JobSpec {
  RunMode mode = RunMode::RUN;
  Config config;  // the job's whole composed config (interpolations unresolved)
  std::vector<std::string> task_overrides;
  int num = 0;         // MULTIRUN only
  std::string id;      // MULTIRUN only
  std::chrono::system_clock::time_point now;  // the run's clock reading for ${now:...}
};

struct JobResult {
  JobReturn job_return;
  Config config;  // the resolved config the job's callbacks saw (runtime.output_dir set)
};

// Runs the job. A task failure is reported in the JobReturn, not thrown; a UserError is thrown
// only when the job cannot start (e.g. its output dir cannot be created). Takes over
// spec.config (fills hydra.runtime.output_dir etc. in place) instead of copying it.
JobResult run_job(JobSpec& spec, CallbackChain& callbacks, const TaskFunction& task);

// The job's absolute output dir: hydra.run.dir (RUN) or hydra.sweep.dir/hydra.sweep.subdir
// (MULTIRUN, hydra.job.num set), resolved with the run's clock reading.
std::filesystem::path job_output_dir(RunMode mode, const Config& config, std::chrono::system_clock::time_point now);

// Creates `dir`, the resolved value of `key` (hydra.run.dir or hydra.sweep.dir), and returns the
// dir to use. Time-stamped (the resolved dir changes with the clock reading `now`, whether
// `${now:...}` is in the setting or reached through interpolation): claimed for this run alone, `<dir>_1`,
// `_2`... when another run started in the same second has it. Fixed: the user's explicit choice,
// reused as Hydra does. Throws OutputError ("Cannot create <what> <dir>: ...").
std::filesystem::path create_output_dir(const Config& config, const std::string& key,
                                        const std::filesystem::path& dir, const std::string& what,
                                        std::chrono::system_clock::time_point now);

// The task part of a config: everything but the `hydra` node.
Config task_part(const Config& config);

}  // namespace hydra::internal

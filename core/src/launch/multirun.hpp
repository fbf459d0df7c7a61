// MULTIRUN (docs/spec.md §3): plan the sweep, compose and validate every job, on_multirun_start, the
// sweep dir and multirun.yaml, batches through the selected launcher, on_multirun_end with
// every JobReturn, exit code.
#pragma once

#include "callbacks/callback_chain.hpp"
#include "config/compose.hpp"
#include "config/overrides.hpp"
#include "plugin/plugin_registry.hpp"

#include <hydra/callback.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace hydra::internal {

struct MultirunRequest {
  ComposeRequest compose;  // the base request: the command line's overrides (sweeps included), mode MULTIRUN
  ComposedConfig base;     // composed from it (sweeps left out)
  TaskFunction task;
  std::chrono::system_clock::time_point now;
  std::vector<std::filesystem::path> plugin_dirs;  // handed to out-of-process jobs
};

// The jobs with their full override lists, composed and validated (throws UserError naming the
// job for the first one that does not compose). Nothing is created.
struct PlannedSweep {
  std::vector<JobRequest> jobs;                      // num, id, task overrides
  std::vector<std::vector<std::string>> overrides;   // per job: every override, hydra ones too
  std::shared_ptr<ComposeSession> composer;          // composes the jobs, at plan time and at launch
};
PlannedSweep plan_jobs(const MultirunRequest& request);

// Returns the exit code: 0, 1 if any job failed (or a strict callback raised), 130 if interrupted.
int run_multirun(const MultirunRequest& request, const PlannedSweep& sweep, CallbackChain& callbacks,
                 Launcher& launcher);

}  // namespace hydra::internal

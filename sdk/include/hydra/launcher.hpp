// The launcher interface: how a sweep's jobs get run (SPEC §9). A launcher is selected with
// `hydra/launcher=<name>` and created from its `_target_` by the same plugin host as callbacks,
// so third parties can ship launchers as plugins (HYDRA_LAUNCHER(Class) in <hydra/plugin.hpp>).
#pragma once

#include <hydra/callback.hpp>
#include <hydra/config.hpp>

#include <span>
#include <string>
#include <vector>

namespace hydra {

// One job of a sweep, composed and validated before the batch launches.
struct JobRequest {
  int num = 0;
  std::string id;
  std::vector<std::string> overrides;  // this job's task overrides
  Config config;                       // the job's whole composed config (hydra node included)
};

// What the host offers a launcher. Implemented by the runtime.
class LaunchContext {
 public:
  virtual ~LaunchContext() = default;
  // Runs one job in this process, job events included, and returns its JobReturn
  // (already written to <job dir>/.hydra/job_return.yaml).
  virtual JobReturn run_job_in_process(const JobRequest& job) = 0;
  // A launcher calls this as each job ends (any order): the host reports failures at once.
  virtual void job_finished(const JobReturn& job_return) = 0;
  // True once SIGINT/SIGTERM arrived: launch nothing more.
  virtual bool interrupted() const = 0;
  // The sweep's config (hydra.sweep.dir resolved in hydra.runtime.sweep_dir... see multirun.yaml).
  virtual const Config& sweep_config() const = 0;
};

class Launcher {
 public:
  virtual ~Launcher() = default;
  // Runs `jobs` (one batch) and returns one JobReturn per job that was started, in job order.
  virtual std::vector<JobReturn> launch(std::span<const JobRequest> jobs, LaunchContext& context) = 0;
};

}  // namespace hydra

// The launcher interface: how a sweep's jobs get run (docs/spec.md §3, §9). A launcher is selected with
// `hydra/launcher=<name>` and created from its `_target_` by the same plugin host as callbacks,
// so third parties can ship launchers as plugins: HYDRA_LAUNCHER(Class) in <hydra/plugin.hpp>,
// constructed as Class(const hydra::Config& params) with the hydra.launcher node minus _target_.
#pragma once

#include <hydra/callback.hpp>
#include <hydra/config.hpp>

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace hydra {

// One job of a sweep. Its config was composed and validated before the batch launched; it is
// not kept here (10,000 jobs must not hold 10,000 configs): ask the context for it.
struct JobRequest {
  int num = 0;
  std::string id;
  std::vector<std::string> overrides;  // this job's task overrides, as a job in the sweep dir records them
};

// What the host offers a launcher. Implemented by the runtime.
class LaunchContext {
 public:
  virtual ~LaunchContext() = default;
  // Runs one job in this process, job events included; returns its JobReturn, already written
  // to <job dir>/.hydra/job_return.yaml. Every JobReturn the context hands out carries only
  // hydra.runtime.output_dir in hydra_cfg (num, id and task name are fields of their own; the
  // whole tree is in that file), so a launcher may keep thousands of them.
  virtual JobReturn run_job_in_process(const JobRequest& job) = 0;
  // The job's whole composed config (hydra node included, interpolations unresolved, hydra.job.num
  // and hydra.job.id set), e.g. for a launcher that hands it to another process.
  virtual Config job_config(const JobRequest& job) = 0;
  // Launchers call this as each job ends, in any order: the host reports a failure at once.
  virtual void job_finished(const JobReturn& job_return) = 0;
  // True once SIGINT/SIGTERM arrived: launch nothing more.
  virtual bool interrupted() const = 0;
  // The sweep's config (resolved), as on_multirun_start saw it.
  virtual const Config& sweep_config() const = 0;
  // The absolute sweep dir (exists, holds multirun.yaml).
  virtual std::string sweep_dir() const = 0;

  // For out-of-process launchers. Writes the job's spec file (its config, overrides, num, id)
  // and returns the argv that runs exactly this job in a fresh process of this app, no shell
  // involved: {"<app>", "--run-job", "<spec file>"}. The job's process runs the job events and
  // writes its JobReturn; read it back with read_job_return().
  virtual std::vector<std::string> job_command(const JobRequest& job) = 0;
  // The JobReturn the job's process wrote, if it wrote one.
  virtual std::optional<JobReturn> read_job_return(const JobRequest& job) = 0;
  // For a job whose process ended without a JobReturn (killed by a signal, exited, timed out,
  // cancelled): a FAILED JobReturn with `error`, filled with what the host knows and written
  // to the job dir like any other.
  virtual JobReturn failed_job_return(const JobRequest& job, const JobError& error,
                                      std::chrono::system_clock::time_point start_time,
                                      std::chrono::duration<double> duration) = 0;
  // A dir for the launcher's own files (spec files, batch scripts, task output): <sweep dir>/.launcher
  virtual std::string launcher_dir() const = 0;

  // The streaming alternative to returning JobReturns from launch(): hand each job's JobReturn
  // over as the job ends, in any order. It includes job_finished (a failure is reported at
  // once); the host keeps the JobReturn in compact form for on_multirun_end (in job order), so
  // a launcher need not hold a batch of 10,000 JobReturns. A job collected here must not also
  // be returned from launch().
  virtual void collect(JobReturn&& job_return) = 0;
};

class Launcher {
 public:
  virtual ~Launcher() = default;
  // Runs `jobs` (one batch) and returns one JobReturn per job that was started and not handed
  // over with LaunchContext::collect, in job order (launchers that collect every job return {}).
  virtual std::vector<JobReturn> launch(std::span<const JobRequest> jobs, LaunchContext& context) = 0;
};

}  // namespace hydra

// One job in its own process (out-of-process launchers, docs/spec.md §9): the spec file the launching
// process writes, and the app's hidden `--run-job <spec file>` entry that runs exactly that job.
#pragma once

#include <hydra/callback.hpp>
#include <hydra/config.hpp>
#include <hydra/main.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace hydra::internal {

struct JobProcessSpec {
  Config config;  // the job's whole composed config (interpolations unresolved)
  std::vector<std::string> task_overrides;
  int num = 0;
  std::string id;
  std::string config_name;
  std::chrono::system_clock::time_point now;  // the sweep's clock reading, so ${now:} agrees
  std::vector<std::string> plugin_dirs;       // the launching process's plugin search path
  std::string return_file;                    // where the job process writes its JobReturn
};

// Written atomically; read back with clear errors naming the file.
void write_job_spec(const std::filesystem::path& file, const JobProcessSpec& spec);
JobProcessSpec read_job_spec(const std::filesystem::path& file);
// The JobReturn a job process hands back (the whole record; the job dir's job_return.yaml is
// written too). nullopt when the file is not there (the job died first).
void write_job_return_file(const std::filesystem::path& file, const JobReturn& job_return);
std::optional<JobReturn> read_job_return_file(const std::filesystem::path& file);

// `--run-job <spec>`: runs the job (callbacks created in this process, job events here),
// writes the JobReturn to spec.return_file. Returns 0 if the job completed, 1 if it failed,
// 130 if interrupted. In a SLURM array the spec path may hold `%a`, replaced by the task id.
int run_job_process(const std::string& spec_path, const AppSpec& app);

// `--run-job-script <file>`: the SLURM launcher's batch script is not a shell script but a file
// the kernel runs with the app as interpreter (`#!<app> --run-job-script`). After that first line:
//   spec: <job spec path, `%a` = $SLURM_ARRAY_TASK_ID + task_offset>
//   task_offset: <n>          (optional, default 0)
// ('#' lines are comments). Runs that job as run_job_process does.
int run_job_script(const std::string& script_path, const AppSpec& app);

}  // namespace hydra::internal

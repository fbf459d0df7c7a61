// The callback interface: the six lifecycle hooks of Hydra's Callback, in C++ (SPEC §1).
#pragma once

#include <hydra/config.hpp>

#include <chrono>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace hydra {

// Called with a job's task config (no `hydra` node); returns the task's value as a node
// (a null node for tasks that return nothing).
using TaskFunction = std::function<Config(const Config&)>;

enum class JobStatus { UNKNOWN, COMPLETED, FAILED };

inline const char* to_string(JobStatus status) {
  switch (status) {
    case JobStatus::UNKNOWN: return "UNKNOWN";
    case JobStatus::COMPLETED: return "COMPLETED";
    case JobStatus::FAILED: return "FAILED";
  }
  return "UNKNOWN";
}

// Why a job failed (beyond Hydra: a JobReturn says so for every launcher).
enum class FailureReason { none, exception, signal, exit_code, interrupted, cancelled, timeout, preempted };

inline const char* to_string(FailureReason reason) {
  switch (reason) {
    case FailureReason::none: return "none";
    case FailureReason::exception: return "exception";
    case FailureReason::signal: return "signal";
    case FailureReason::exit_code: return "exit_code";
    case FailureReason::interrupted: return "interrupted";
    case FailureReason::cancelled: return "cancelled";
    case FailureReason::timeout: return "timeout";
    case FailureReason::preempted: return "preempted";
  }
  return "none";
}

struct JobError {
  FailureReason reason = FailureReason::none;
  std::string type;     // exception type (demangled), or e.g. "SIGSEGV"
  std::string message;  // what(), or a description of the signal / exit code
  int code = 0;         // signal number or exit code, where that is the reason
};

struct JobReturn {
  std::vector<std::string> overrides;  // this job's task overrides, hydra.* excluded
  Config cfg;                          // the task config: no `hydra` node
  Config hydra_cfg;                    // {hydra: ...} with runtime.output_dir set
  std::string working_dir;
  std::string task_name;
  JobStatus status = JobStatus::UNKNOWN;
  Config return_value = make_null();
  // Beyond Hydra:
  int num = 0;
  std::string id;
  std::chrono::system_clock::time_point start_time{};
  std::chrono::duration<double> duration{0.0};
  JobError error;        // reason none unless status is FAILED
  std::string log_path;  // the job's log file ("" when job logging is off)
};

// Hydra's keyword arguments. May grow; growing it bumps the SDK ABI minor version.
struct RunInfo {
  std::string config_name;
  const JobReturn* job_return = nullptr;   // on_run_end only
  std::span<const JobReturn> job_returns;  // on_multirun_end only (beyond Hydra)
};

class Callback {
 public:
  virtual ~Callback() = default;
  virtual void on_run_start(const Config& /*config*/, const RunInfo& /*run*/) {}
  virtual void on_run_end(const Config& /*config*/, const RunInfo& /*run*/) {}
  virtual void on_multirun_start(const Config& /*config*/, const RunInfo& /*run*/) {}
  virtual void on_multirun_end(const Config& /*config*/, const RunInfo& /*run*/) {}
  virtual void on_job_start(const Config& /*config*/, const TaskFunction& /*task_function*/) {}
  virtual void on_job_end(const Config& /*config*/, const JobReturn& /*job_return*/) {}
};

}  // namespace hydra

// The JobReturn as a record (docs/spec.md §1): the layout of `<job dir>/.hydra/job_return.yaml`, which
// the runtime writes for every job and tools (reports, rerun, launchers) read back.
#pragma once

#include <hydra/callback.hpp>
#include <hydra/config.hpp>

#include <chrono>
#include <ctime>
#include <iomanip>
#include <sstream>
#include <string>

namespace hydra {

// ISO 8601 with microseconds, UTC ("2026-01-31T12:00:00.000123Z"): sortable, and parseable
// back without a time zone database.
inline std::string format_time_utc(std::chrono::system_clock::time_point t) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(micros / 1000000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  std::ostringstream out;
  out << std::put_time(&tm, "%Y-%m-%dT%H:%M:%S") << '.' << std::setw(6) << std::setfill('0') << (micros % 1000000)
      << 'Z';
  return out.str();
}

// One line for humans: "std::invalid_argument: task failed", "signal 11 (SIGSEGV)", "timeout: ...".
inline std::string describe_failure(const JobError& error) {
  switch (error.reason) {
    case FailureReason::exception:
      return error.message.empty() ? error.type : error.type + ": " + error.message;
    case FailureReason::none: return "no error";
    default:
      return error.message.empty() ? std::string(to_string(error.reason)) : error.message;
  }
}

// Everything but cfg and hydra_cfg (the bulk), in the record's order; job_return_record adds them.
inline Config job_return_head(const JobReturn& r) {
  Config node;
  node.put("num", r.num);
  node.put("id", r.id);
  node.put("status", std::string(to_string(r.status)));
  node.put("task_name", r.task_name);
  node.put("working_dir", r.working_dir);
  node.add_child("overrides", make_sequence(r.overrides));
  node.add_child("return_value", r.return_value);
  node.put("start_time", format_time_utc(r.start_time));
  node.put("duration_s", r.duration.count());
  node.put("log_path", r.log_path);
  Config error;
  error.put("reason", std::string(to_string(r.error.reason)));
  error.put("type", r.error.type);
  error.put("message", r.error.message);
  error.put("code", r.error.code);
  node.add_child("error", error);
  return node;
}

// The whole record as a tree.
inline Config job_return_record(const JobReturn& r) {
  Config node = job_return_head(r);
  node.add_child("cfg", r.cfg);
  node.add_child("hydra_cfg", r.hydra_cfg);
  return node;
}

}  // namespace hydra

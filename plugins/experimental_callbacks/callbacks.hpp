// The callbacks of module `hydra.experimental.callbacks` (docs/spec.md §6). SDK only: no core symbols.
//
//   LogJobReturnCallback   on_job_end: INFO "Succeeded with return value: <value>", or ERROR
//                          "Failed with <type>: <message>" (Hydra's name and lines).
//   PickleJobInfoCallback  Hydra's name; writes YAML, not pickle, into <output_dir>/<output_subdir>/:
//                            on_job_start  job_config.yaml  the whole config the job got (task keys
//                                          and `hydra`, resolved, runtime.output_dir set) in ONE
//                                          file: Hydra's config.pickle. The runtime's config.yaml
//                                          (task part) and hydra.yaml stay as they are;
//                                          `--experimental-rerun <this file>` replays it.
//                            on_job_end    job_info.yaml    the JobReturn on_job_end received
//                                          (Hydra's job_return.pickle), in the layout of the
//                                          runtime's job_return.yaml, which it never overwrites.
//                          With hydra.output_subdir null it logs a warning and writes nothing.
//   SweepReportCallback    (beyond Hydra) on_multirun_end: <sweep dir>/report.yaml and report.csv,
//                          one row per job, written atomically, and a compact table in the log.
#pragma once

#include <hydra/callback.hpp>
#include <hydra/config.hpp>

#include <spdlog/logger.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hydra::experimental {

class LogJobReturnCallback : public Callback {
 public:
  explicit LogJobReturnCallback(const Config& params);
  void on_job_end(const Config& config, const JobReturn& job_return) override;

 private:
  std::shared_ptr<spdlog::logger> log_;
};

class PickleJobInfoCallback : public Callback {
 public:
  static constexpr const char* kConfigFile = "job_config.yaml";
  static constexpr const char* kJobReturnFile = "job_info.yaml";

  explicit PickleJobInfoCallback(const Config& params);
  void on_job_start(const Config& config, const TaskFunction& task_function) override;
  void on_job_end(const Config& config, const JobReturn& job_return) override;

 private:
  // <output_dir>/<output_subdir> of this job, or nullopt (warning if `warn`) when output_subdir is null.
  std::optional<std::filesystem::path> info_dir(const Config& config, bool warn);

  std::shared_ptr<spdlog::logger> log_;
  bool warned_ = false;  // on_job_start of the current job warned already
};

// One job's row of the report.
struct SweepReportRow {
  int num = 0;
  std::vector<std::string> overrides;
  std::string status;      // COMPLETED | FAILED | UNKNOWN
  std::string error;       // "" unless FAILED: "<type>: <message>", or "<reason>: <detail>"
  std::string start_time;  // ISO 8601 UTC
  double duration_s = 0.0;
  Config return_value;
  std::string log_path;
};

struct SweepReport {
  std::filesystem::path sweep_dir;
  std::string config_name;
  std::vector<SweepReportRow> rows;  // by job num
  int completed = 0;
  int failed = 0;
  int unknown = 0;
  double total_duration_s = 0.0;  // sum of the jobs' durations
  double wall_s = 0.0;            // first start to last end
  std::optional<int> slowest;     // index into rows

  // Builds the report of `job_returns`. `multirun_config` is what on_multirun_end received; its
  // hydra.sweep.dir is the sweep dir (else a job's hydra_cfg's, when the former is not resolved).
  static SweepReport build(const Config& multirun_config, const RunInfo& run);

  std::string to_yaml() const;
  std::string to_csv() const;
  // The compact table: a totals line, a header, one line per job (at most max_rows, failed jobs
  // always listed), then "... N more" if rows were left out.
  std::vector<std::string> table(std::size_t max_rows) const;
};

class SweepReportCallback : public Callback {
 public:
  // params: max_rows (int, default 20): job lines in the logged table.
  explicit SweepReportCallback(const Config& params);
  void on_multirun_end(const Config& config, const RunInfo& run) override;

 private:
  std::shared_ptr<spdlog::logger> log_;
  std::size_t max_rows_ = 20;
};

}  // namespace hydra::experimental

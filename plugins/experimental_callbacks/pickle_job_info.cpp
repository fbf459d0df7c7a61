#include "callbacks.hpp"
#include "support.hpp"

#include <hydra/logging.hpp>

namespace fs = std::filesystem;

namespace hydra::experimental {

PickleJobInfoCallback::PickleJobInfoCallback(const Config& params)
    : log_(get_logger("hydra.experimental.callbacks.PickleJobInfoCallback")) {
  check_params(params, {}, "PickleJobInfoCallback");
}

std::optional<fs::path> PickleJobInfoCallback::info_dir(const Config& config, bool warn) {
  const std::string output_dir = scalar_at(config, "hydra.runtime.output_dir");
  const std::string subdir = scalar_at(config, "hydra.output_subdir");
  if (output_dir.empty() || subdir.empty()) {
    // Hydra raises a TypeError here; we say what is wrong, once per job, and go on.
    if (warn)
      log_->warn("PickleJobInfoCallback: hydra.{} is null, so the job has no <output_dir>/<output_subdir>/ to "
                 "save its config and job_return in; nothing saved",
                 output_dir.empty() ? "runtime.output_dir" : "output_subdir");
    return std::nullopt;
  }
  return fs::path(output_dir) / subdir;
}

void PickleJobInfoCallback::on_job_start(const Config& config, const TaskFunction&) {
  auto dir = info_dir(config, true);
  warned_ = !dir;
  if (!dir) return;
  fs::path file = *dir / kConfigFile;
  log_->info("Saving job configs in {}", file.string());
  write_file_atomic(file, to_yaml(config));
}

void PickleJobInfoCallback::on_job_end(const Config& config, const JobReturn& job_return) {
  auto dir = info_dir(config, !warned_);
  warned_ = false;
  if (!dir) return;
  fs::path file = *dir / kJobReturnFile;
  log_->info("Saving job_return in {}", file.string());
  write_file_atomic(file, to_yaml(job_return_record(job_return)));
}

}  // namespace hydra::experimental

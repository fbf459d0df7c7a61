#include "callbacks.hpp"
#include "support.hpp"

#include <hydra/logging.hpp>

namespace hydra::experimental {

LogJobReturnCallback::LogJobReturnCallback(const Config& params)
    : log_(get_logger("hydra.experimental.callbacks.LogJobReturnCallback")) {
  check_params(params, {}, "LogJobReturnCallback");
}

void LogJobReturnCallback::on_job_end(const Config&, const JobReturn& job_return) {
  switch (job_return.status) {
    case JobStatus::COMPLETED:
      log_->info("Succeeded with return value: {}", one_line(job_return.return_value));
      break;
    case JobStatus::FAILED:
      if (job_return.error.reason == FailureReason::exception)
        log_->error("Failed with {}", describe_error(job_return.error));
      else
        log_->error("Failed ({})", describe_error(job_return.error));
      break;
    case JobStatus::UNKNOWN:
      // Hydra: "Status unknown. This should never happen."
      log_->error("Status unknown. This should never happen.");
      break;
  }
}

}  // namespace hydra::experimental

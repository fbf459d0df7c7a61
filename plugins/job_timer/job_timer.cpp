// An example callback plugin: logs how long each job and the whole run took.
// Loaded by `_target_: hydra_examples.timer.JobTimerCallback` from the plugin search path.
#include <hydra/callback.hpp>
#include <hydra/logging.hpp>
#include <hydra/plugin.hpp>

#include <chrono>
#include <string>

class JobTimerCallback : public hydra::Callback {
 public:
  explicit JobTimerCallback(const hydra::Config& params)
      : label_(hydra::get_or<std::string>(params, "label", "job")),
        log_(hydra::get_logger("hydra_examples.timer")) {}

  void on_run_start(const hydra::Config&, const hydra::RunInfo& run) override {
    run_started_ = Clock::now();
    log_->info("run of '{}' started", run.config_name);
  }
  void on_multirun_start(const hydra::Config& config, const hydra::RunInfo& run) override {
    on_run_start(config, run);
  }
  void on_job_start(const hydra::Config&, const hydra::TaskFunction&) override {
    log_->debug("{} starting", label_);  // with hydra.verbose naming hydra_examples.timer (or true)
    job_started_ = Clock::now();
  }
  void on_job_end(const hydra::Config&, const hydra::JobReturn& job_return) override {
    log_->info("{} {} took {:.3f} ms", label_, hydra::to_string(job_return.status),
               std::chrono::duration<double, std::milli>(Clock::now() - job_started_).count());
  }
  void on_run_end(const hydra::Config&, const hydra::RunInfo&) override {
    log_->info("run took {:.3f} ms", std::chrono::duration<double, std::milli>(Clock::now() - run_started_).count());
  }
  void on_multirun_end(const hydra::Config& config, const hydra::RunInfo& run) override { on_run_end(config, run); }

 private:
  using Clock = std::chrono::steady_clock;
  std::string label_;
  std::shared_ptr<spdlog::logger> log_;
  Clock::time_point run_started_{};
  Clock::time_point job_started_{};
};
HYDRA_CALLBACK(JobTimerCallback)

// hydra.launchers.BasicLauncher: the jobs of a batch in sequence, in this process (Hydra's
// basic launcher, with the same log lines).
#include <hydra/launcher.hpp>
#include <hydra/logging.hpp>
#include <hydra/plugin.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

class BasicLauncher : public hydra::Launcher {
 public:
  explicit BasicLauncher(const hydra::Config& /*params*/) {}

  std::vector<hydra::JobReturn> launch(std::span<const hydra::JobRequest> jobs,
                                       hydra::LaunchContext& context) override {
    auto log = hydra::get_logger("hydra");
    log->info("Launching {} jobs locally", jobs.size());
    for (const auto& job : jobs) {
      if (context.interrupted()) break;
      std::string overrides;
      for (const auto& o : job.overrides) overrides += (overrides.empty() ? "" : " ") + o;
      log->info("\t#{} : {}", job.num, overrides);
      // Handed over as each job ends, so a batch of 10,000 jobs holds no vector of JobReturns.
      const auto start_time = std::chrono::system_clock::now();
      std::optional<hydra::JobReturn> ret;
      try {
        ret = context.run_job_in_process(job);
      } catch (const std::exception& e) {
        // The job could not be run at all (not its task: that is in the JobReturn): it fails, saying why.
        ret = context.failed_job_return(job, {hydra::FailureReason::exception, "LaunchError",
                                              std::string("cannot run the job: ") + e.what(), 0},
                                        start_time, std::chrono::system_clock::now() - start_time);
      }
      context.collect(std::move(*ret));
    }
    return {};
  }
};
HYDRA_LAUNCHER(BasicLauncher)

// hydra.launchers.BasicLauncher: the jobs of a batch in sequence, in this process (Hydra's
// basic launcher, with the same log lines).
#include <hydra/launcher.hpp>
#include <hydra/logging.hpp>
#include <hydra/plugin.hpp>

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
      context.collect(context.run_job_in_process(job));
    }
    return {};
  }
};
HYDRA_LAUNCHER(BasicLauncher)

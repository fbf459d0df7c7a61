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
    std::vector<hydra::JobReturn> returns;
    returns.reserve(jobs.size());  // JobReturn holds ptrees, which copy rather than move
    for (const auto& job : jobs) {
      if (context.interrupted()) break;
      std::string overrides;
      for (const auto& o : job.overrides) overrides += (overrides.empty() ? "" : " ") + o;
      log->info("\t#{} : {}", job.num, overrides);
      returns.push_back(context.run_job_in_process(job));
      context.job_finished(returns.back());
    }
    return returns;
  }
};
HYDRA_LAUNCHER(BasicLauncher)

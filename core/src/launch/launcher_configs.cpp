#include "launch/launcher_configs.hpp"

#include "config/config_source.hpp"

#include <mutex>

namespace hydra::internal {

void register_launcher_configs() {
  static std::once_flag once;
  std::call_once(once, [] {
    register_builtin_config("hydra/launcher/process.yaml",
                            "_target_: hydra.launchers.ProcessLauncher\n"
                            "# concurrent job processes; null: one per core\n"
                            "n_jobs: null\n"
                            "# seconds a job may run before it is killed and FAILED (timeout); null: no limit\n"
                            "timeout: null\n");
    register_builtin_config("hydra/launcher/slurm.yaml",
                            "_target_: hydra.launchers.SlurmLauncher\n"
                            "partition: null\n"
                            "timeout_min: 60\n"
                            "cpus_per_task: 1\n"
                            "mem_gb: null\n"
                            "array_parallelism: 256\n"
                            "additional_parameters: {}\n");
  });
}

}  // namespace hydra::internal

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
                            "# one sbatch --array per batch; names as in Hydra's submitit launcher\n"
                            "# --partition; null: the cluster's default partition\n"
                            "partition: null\n"
                            "# --time in minutes; a task over it is FAILED (timeout); null: the partition's limit\n"
                            "timeout_min: 60\n"
                            "# --cpus-per-task; null: SLURM's default\n"
                            "cpus_per_task: 1\n"
                            "# --mem=<n>G per task; null: SLURM's default\n"
                            "mem_gb: null\n"
                            "# tasks of the array running at once (--array=...%N)\n"
                            "array_parallelism: 256\n"
                            "# more sbatch options: {key: value} -> --key=value (_ -> -), true -> --key\n"
                            "additional_parameters: {}\n"
                            "# beyond submitit: at most this many tasks per array (a batch beyond it is several arrays)\n"
                            "max_array_size: 1000\n"
                            "# longest pause between two squeue polls, seconds (shorter while tasks change state)\n"
                            "poll_interval_s: 1.0\n"
                            "# give up waiting (scancel, tasks FAILED as timeout) after this many minutes;\n"
                            "# null: timeout_min x tasks + 60 (a week without timeout_min)\n"
                            "max_wait_min: null\n"
                            "# after Ctrl-C: seconds the running tasks get to end 'interrupted' before scancel\n"
                            "interrupt_grace_s: 20\n"
                            "# bound on each sbatch/squeue/scontrol/scancel call, seconds\n"
                            "command_timeout_s: 60\n");
  });
}

}  // namespace hydra::internal

// Test support for the SLURM launcher tests: the local cluster cmake/run-tests.sh starts
// (cmake/slurm/start-local-slurm.sh; found through SLURM_CONF), and SLURM's client commands.
// Header-only: the tests that need it include it.
#pragma once

#include "support/process.hpp"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace hydra::testing {

// Absolute path of `name` on PATH ("" if none): ChildProcess takes no PATH search.
inline std::string which(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  for (std::size_t start = 0; start <= dirs.size();) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::filesystem::path candidate = std::filesystem::path(dirs.substr(start, end - start)) / name;
    if (end > start && ::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    start = end + 1;
  }
  return "";
}

// Runs a SLURM client command (`squeue`, `scancel`, ...) with its argv.
inline ProcessResult slurm_command(std::vector<std::string> argv) {
  std::string exe = which(argv.at(0));
  if (exe.empty()) return ProcessResult{127, 0, "", argv[0] + ": not found on PATH"};
  argv[0] = exe;
  return run_process(argv, std::filesystem::current_path());
}

// "" if the local cluster answers, else what is wrong and how to get it.
inline std::string slurm_cluster_problem() {
  static const std::string how =
      " — the SLURM tests need the local cluster: run them through cmake/run-tests.sh, or start it with "
      "`cmake/slurm/start-local-slurm.sh` and `source /tmp/hydra-slurm/env.sh` (exports SLURM_CONF) before ctest";
  const char* conf = std::getenv("SLURM_CONF");
  if (!conf || !*conf) return "SLURM_CONF is not set" + how;
  if (!std::filesystem::exists(conf)) return std::string("SLURM_CONF=") + conf + " does not exist" + how;
  if (which("sbatch").empty()) return "sbatch is not on PATH (cmake/setup-deps.sh --slurm installs it)" + how;
  ProcessResult r = slurm_command({"sinfo", "-h", "-o", "%T"});
  if (r.exit_code != 0) return "sinfo failed: " + r.err + how;
  if (r.out.find("idle") == std::string::npos && r.out.find("mix") == std::string::npos &&
      r.out.find("alloc") == std::string::npos)
    return "the node is not usable (sinfo: " + r.out + ")" + how;
  return "";
}

// Polls `pred` every 50 ms until it holds or `timeout` passes.
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

}  // namespace hydra::testing

// RUN mode (docs/spec.md §3): on_run_start -> the job -> on_run_end, exit code.
#pragma once

#include "callbacks/callback_chain.hpp"

#include <hydra/callback.hpp>
#include <hydra/config.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace hydra::internal {

struct RunRequest {
  Config config;  // composed, interpolations unresolved
  std::vector<std::string> task_overrides;
  std::string config_name;
  TaskFunction task;
  std::chrono::system_clock::time_point now;
};

// Runs the single job with `callbacks`; returns the process exit code (0, 1, or 130 when interrupted).
// Takes request.config over (no copy of the tree).
int run_single(RunRequest&& request, CallbackChain& callbacks);

// Python's repr of a list of strings, as Hydra prints overrides: ['a=1', "b='x'"].
std::string python_list_repr(const std::vector<std::string>& items);

// Reports a failed job on stderr the way Hydra does ("Error executing job with overrides: [...]").
void report_failed_job(const JobReturn& job_return);

// Reports strict-callback failures on stderr; returns true if there were any.
bool report_strict_failures(const CallbackChain& callbacks);

}  // namespace hydra::internal

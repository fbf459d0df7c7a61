#include "launch/single_run.hpp"

#include "config/interpolation.hpp"
#include "job/job_return_io.hpp"
#include "job/job_runner.hpp"
#include "logging/log_manager.hpp"

#include <iostream>

namespace hydra::internal {

std::string python_list_repr(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    const std::string& s = items[i];
    bool has_single = s.find('\'') != std::string::npos;
    bool has_double = s.find('"') != std::string::npos;
    char quote = (has_single && !has_double) ? '"' : '\'';
    out += quote;
    for (char c : s) {
      if (c == '\\' || c == quote) out += '\\';
      out += c;
    }
    out += quote;
  }
  return out + "]";
}

void report_failed_job(const JobReturn& job_return) {
  std::cerr << "Error executing job with overrides: " << python_list_repr(job_return.overrides) << "\n";
  std::cerr << describe_failure(job_return.error) << "\n";
}

bool report_strict_failures(const CallbackChain& callbacks) {
  const auto& failures = callbacks.failures();
  for (const auto& f : failures)
    std::cerr << "Error: strict callback " << f.callback << " raised " << f.type << ": " << f.message << "\n";
  return !failures.empty();
}

int run_single(RunRequest&& request, CallbackChain& callbacks) {
  ResolveOptions lenient{request.now, false};
  RunInfo start_info{request.config_name, nullptr, {}};
  callbacks.on_run_start(resolve_all(request.config, lenient), start_info);

  JobSpec spec;
  spec.mode = RunMode::RUN;
  spec.config.swap(request.config);  // not needed here any more
  spec.task_overrides = request.task_overrides;
  spec.now = request.now;
  JobResult result = run_job(spec, callbacks, request.task);

  RunInfo end_info{request.config_name, &result.job_return, {}};
  callbacks.on_run_end(result.config, end_info);
  LogManager::instance().flush();
  std::cout.flush();

  bool strict_failed = report_strict_failures(callbacks);
  const JobReturn& ret = result.job_return;
  if (ret.status == JobStatus::FAILED) {
    report_failed_job(ret);
    return ret.error.reason == FailureReason::interrupted ? 130 : 1;
  }
  return strict_failed ? 1 : 0;
}

}  // namespace hydra::internal

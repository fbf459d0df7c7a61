#include "launch/job_process.hpp"

#include "callbacks/callback_chain.hpp"
#include "config/interpolation.hpp"
#include "config/yaml_io.hpp"
#include "logging/log_manager.hpp"
#include "job/job_return_io.hpp"
#include "job/job_runner.hpp"
#include "launch/single_run.hpp"
#include "plugin/plugin_registry.hpp"
#include "util/errors.hpp"
#include "util/files.hpp"

#include <cstdlib>
#include <fstream>
#include <iostream>

namespace fs = std::filesystem;

namespace hydra::internal {
namespace {

std::vector<std::string> strings_of(const Config& node, const std::string& key, const std::string& source) {
  std::vector<std::string> out;
  auto child = node.get_child_optional(key);
  if (!child) throw UserError(source + ": missing key '" + key + "'");
  for (const auto& [k, item] : *child) out.push_back(item.data().text());
  return out;
}

// `%a` -> $SLURM_ARRAY_TASK_ID (a SLURM array runs one command for every task).
std::string expand_array_task(const std::string& path) {
  auto pos = path.find("%a");
  if (pos == std::string::npos) return path;
  const char* task = std::getenv("SLURM_ARRAY_TASK_ID");
  if (!task) throw UserError("--run-job " + path + ": '%a' needs SLURM_ARRAY_TASK_ID (set by a SLURM array)");
  std::string out = path;
  out.replace(pos, 2, task);
  return out;
}

// The job spec path a --run-job-script file names for this array task.
std::string spec_path_of_script(const std::string& script) {
  std::ifstream in(script);
  if (!in) throw UserError("--run-job-script " + script + ": cannot read the file");
  std::string line, pattern;
  long long offset = 0;
  std::getline(in, line);
  if (line.rfind("#!", 0) != 0) throw UserError("--run-job-script " + script + ": not a job script (no #! line)");
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (line.rfind("spec: ", 0) == 0) {
      pattern = line.substr(6);
    } else if (line.rfind("task_offset: ", 0) == 0) {
      try {
        offset = std::stoll(line.substr(13));
      } catch (const std::exception&) {
        throw UserError("--run-job-script " + script + ": bad task_offset line '" + line + "'");
      }
    } else {
      throw UserError("--run-job-script " + script + ": unexpected line '" + line + "'");
    }
  }
  if (pattern.empty()) throw UserError("--run-job-script " + script + ": no 'spec: <file>' line");
  auto pos = pattern.find("%a");
  if (pos == std::string::npos) return pattern;
  const char* task = std::getenv("SLURM_ARRAY_TASK_ID");
  if (!task) throw UserError("--run-job-script " + script + ": '%a' needs SLURM_ARRAY_TASK_ID (set by a SLURM array)");
  long long index = 0;
  try {
    index = std::stoll(task);
  } catch (const std::exception&) {
    throw UserError("--run-job-script " + script + ": SLURM_ARRAY_TASK_ID='" + task + "' is not a number");
  }
  return pattern.replace(pos, 2, std::to_string(index + offset));
}

}  // namespace

void write_job_spec(const fs::path& file, const JobProcessSpec& spec) {
  Config node;
  node.put("num", spec.num);
  node.put("id", spec.id);
  node.put("config_name", spec.config_name);
  node.put("now", format_time_utc(spec.now));
  node.put("return_file", spec.return_file);
  node.add_child("task_overrides", make_sequence(spec.task_overrides));
  node.add_child("plugin_dirs", make_sequence(spec.plugin_dirs));
  node.add_child("config", spec.config);
  write_file_atomic(file, to_yaml(node));
}

JobProcessSpec read_job_spec(const fs::path& file) {
  const std::string source = file.string();
  Config node = load_yaml_file(file);
  JobProcessSpec spec;
  try {
    spec.num = get<int>(node, "num");
    spec.id = get<std::string>(node, "id");
    spec.config_name = get<std::string>(node, "config_name");
    spec.now = parse_time(get<std::string>(node, "now"), source);
    spec.return_file = get<std::string>(node, "return_file");
  } catch (const ConfigError& e) {
    throw UserError(source + ": not a job spec: " + e.what());
  }
  spec.task_overrides = strings_of(node, "task_overrides", source);
  spec.plugin_dirs = strings_of(node, "plugin_dirs", source);
  auto config = node.get_child_optional("config");
  if (!config || !is_map(*config)) throw UserError(source + ": not a job spec: 'config' is missing");
  spec.config = *config;
  return spec;
}

int run_job_process(const std::string& spec_path, const AppSpec& app) {
  const JobProcessSpec spec = read_job_spec(expand_array_task(spec_path));
  LogManager::instance().use_hydra_logging(resolve(spec.config, spec.config.get_child("hydra.hydra_logging"),
                                                   "hydra.hydra_logging", ResolveOptions{spec.now, false}));
  std::vector<fs::path> dirs(spec.plugin_dirs.begin(), spec.plugin_dirs.end());
  PluginRegistry registry(PluginSearchPath::standard(dirs), app.name);
  CallbackChain callbacks = CallbackChain::create(spec.config.get_child("hydra.callbacks", Config()), registry,
                                                  get_or<bool>(spec.config, "hydra.strict_callbacks", false));
  JobSpec job;
  job.mode = RunMode::MULTIRUN;
  job.config = spec.config;
  job.task_overrides = spec.task_overrides;
  job.num = spec.num;
  job.id = spec.id;
  job.now = spec.now;
  JobResult result = run_job(job, callbacks, app.task);
  JobReturn& ret = result.job_return;
  // The parent only sees the JobReturn: a strict callback that raised here (on_job_end) must fail
  // the job there, or the sweep would end with exit 0.
  if (ret.status == JobStatus::COMPLETED && !callbacks.failures().empty()) {
    const auto& f = callbacks.failures().front();
    ret.status = JobStatus::FAILED;
    ret.error = {FailureReason::exception, f.type, "strict callback " + f.callback + " raised: " + f.message, 0};
  }
  write_job_return(spec.return_file, ret);
  std::cout.flush();
  bool strict_failed = report_strict_failures(callbacks);
  if (ret.status == JobStatus::FAILED) return ret.error.reason == FailureReason::interrupted ? 130 : 1;
  return strict_failed ? 1 : 0;
}

int run_job_script(const std::string& script_path, const AppSpec& app) {
  return run_job_process(spec_path_of_script(script_path), app);
}

}  // namespace hydra::internal

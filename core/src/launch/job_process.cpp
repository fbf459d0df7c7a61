#include "launch/job_process.hpp"

#include "callbacks/callback_chain.hpp"
#include "config/interpolation.hpp"
#include "config/tree_codec.hpp"
#include "config/yaml_io.hpp"
#include "logging/log_manager.hpp"
#include "job/job_return_io.hpp"
#include "job/job_runner.hpp"
#include "launch/job_return_store.hpp"
#include "launch/single_run.hpp"
#include "plugin/plugin_registry.hpp"
#include "util/errors.hpp"
#include "util/files.hpp"

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sys/prctl.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace hydra::internal {
namespace {

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

namespace {

// The spec and return files are read back by this same build only (the app execs itself), so
// they are tree_codec bytes behind a header line, not YAML: reading a job's YAML spec cost the
// job process ~5 M instructions, more than running the job.
constexpr std::string_view kSpecHeader = "hydra-cpp job spec 1\n";
constexpr std::string_view kReturnHeader = "hydra-cpp job return 1\n";

void write_record(const fs::path& file, std::string_view header, const std::string& bytes) {
  std::string content(header);
  content += bytes;
  write_file_atomic(file, content);
}

// The bytes after `header`; `what` names the record in errors.
std::string read_record(const fs::path& file, std::string_view header, const std::string& what) {
  std::string content = read_file(file);
  if (content.compare(0, header.size(), header) != 0)
    throw UserError(file.string() + ": not a " + what + " written by this hydra-cpp (it does not start with '" +
                    std::string(header.substr(0, header.size() - 1)) + "'); rerun the sweep with this build");
  return content.substr(header.size());
}

[[noreturn]] void damaged(const fs::path& file, const std::string& what, const std::exception& e) {
  throw UserError(file.string() + ": a damaged " + what + " (" + e.what() + "); rerun the sweep");
}

}  // namespace

void write_job_spec(const fs::path& file, const JobProcessSpec& spec) {
  TreeWriter w;
  w.signed_number(spec.num);
  w.text(spec.id);
  w.text(spec.config_name);
  w.signed_number(std::chrono::duration_cast<std::chrono::nanoseconds>(spec.now.time_since_epoch()).count());
  w.text(spec.return_file);
  w.texts(spec.task_overrides);
  w.texts(spec.plugin_dirs);
  w.tree(spec.config);
  write_record(file, kSpecHeader, w.bytes());
}

JobProcessSpec read_job_spec(const fs::path& file) {
  const std::string bytes = read_record(file, kSpecHeader, "job spec");
  JobProcessSpec spec;
  try {
    TreeReader in(bytes);
    spec.num = static_cast<int>(in.signed_number());
    spec.id = in.text();
    spec.config_name = in.text();
    spec.now = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(in.signed_number())));
    spec.return_file = in.text();
    spec.task_overrides = in.texts();
    spec.plugin_dirs = in.texts();
    spec.config = in.tree();
    if (!in.at_end()) throw std::logic_error("bytes after the config");
  } catch (const std::logic_error& e) {
    damaged(file, "job spec", e);
  }
  if (!is_map(spec.config) || !spec.config.get_child_optional("hydra"))
    throw UserError(file.string() + ": not a job spec: its config has no 'hydra' node");
  return spec;
}

void write_job_return_file(const fs::path& file, const JobReturn& job_return) {
  write_record(file, kReturnHeader, encode_job_return(job_return));
}

std::optional<JobReturn> read_job_return_file(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) return std::nullopt;
  const std::string bytes = read_record(file, kReturnHeader, "job return file");
  try {
    return decode_job_return(bytes);
  } catch (const std::logic_error& e) {
    damaged(file, "job return file", e);
  }
}

namespace {

// A job process of the process launcher (HYDRA_JOB_PARENT_PID=<launcher pid>) dies with its
// launcher, whatever ends it (a double Ctrl-C, SIGKILL): the kernel sends SIGKILL on its death.
// The variable is not handed on to the task's own children.
void die_with_launcher() {
  const char* parent = std::getenv("HYDRA_JOB_PARENT_PID");
  if (!parent) return;
  const long pid = std::strtol(parent, nullptr, 10);
  ::unsetenv("HYDRA_JOB_PARENT_PID");
  if (pid <= 0) return;
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != static_cast<pid_t>(pid)) ::_exit(137);  // it died before prctl: as if killed
}

}  // namespace

int run_job_process(const std::string& spec_path, const AppSpec& app) {
  die_with_launcher();
  const JobProcessSpec spec = read_job_spec(expand_array_task(spec_path));
  Config hydra_logging = resolve(spec.config, spec.config.get_child("hydra.hydra_logging"), "hydra.hydra_logging",
                                 ResolveOptions{spec.now, false});
  // The launching process opened (and with `mode: w` truncated) the HYDRA log files: append to them.
  if (auto handlers = hydra_logging.get_child_optional("handlers"))
    for (auto& [name, handler] : *handlers) handler.erase("mode");
  LogManager::instance().use_hydra_logging(hydra_logging, spec.config.get_child("hydra.verbose", Config()));
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
  write_job_return_file(spec.return_file, ret);
  std::cout.flush();
  bool strict_failed = report_strict_failures(callbacks);
  if (ret.status == JobStatus::FAILED) return ret.error.reason == FailureReason::interrupted ? 130 : 1;
  return strict_failed ? 1 : 0;
}

int run_job_script(const std::string& script_path, const AppSpec& app) {
  return run_job_process(spec_path_of_script(script_path), app);
}

}  // namespace hydra::internal

#include "job/job_runner.hpp"

#include "config/interpolation.hpp"
#include "job/job_return_io.hpp"
#include "logging/log_manager.hpp"
#include "util/errors.hpp"
#include "util/exceptions.hpp"
#include "util/files.hpp"
#include "util/interrupt.hpp"

#include <hydra/logging.hpp>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <system_error>

namespace fs = std::filesystem;

namespace hydra::internal {
namespace {

// hydra.job.env_set for the duration of the task; restores what was there before.
class ScopedEnv {
 public:
  // Throws a ConfigError for a value that could not be resolved (nothing is set then).
  explicit ScopedEnv(const Config& env_set) {
    for (const auto& [name, value] : env_set) detail::throw_if_unresolved(value.data());
    for (const auto& [name, value] : env_set) {
      const char* old = std::getenv(name.c_str());
      saved_.push_back({name, old ? std::optional<std::string>(old) : std::nullopt});
      ::setenv(name.c_str(), value.data().text().c_str(), 1);
    }
  }
  ~ScopedEnv() { restore(); }
  void restore() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
      if (it->second)
        ::setenv(it->first.c_str(), it->second->c_str(), 1);
      else
        ::unsetenv(it->first.c_str());
    }
    saved_.clear();
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

// Changes the working dir for the job when hydra.job.chdir is true; always changes back.
class ScopedChdir {
 public:
  ScopedChdir(bool enabled, const fs::path& dir) {
    if (!enabled) return;
    previous_ = fs::current_path();
    fs::current_path(dir);
  }
  ~ScopedChdir() { restore(); }
  void restore() {
    if (previous_) {
      std::error_code ignored;
      fs::current_path(*previous_, ignored);
      previous_.reset();
    }
  }

 private:
  std::optional<fs::path> previous_;
};

std::string resolved_string(const Config& root, const std::string& key, const ResolveOptions& options) {
  const Config& node = root.get_child(key);
  return resolve(root, node, key, options).data().text();
}

}  // namespace

fs::path job_output_dir(RunMode mode, const Config& config, std::chrono::system_clock::time_point now) {
  ResolveOptions strict{now, true};
  fs::path dir;
  try {
    if (mode == RunMode::RUN) {
      dir = resolved_string(config, "hydra.run.dir", strict);
    } else {
      dir = fs::path(resolved_string(config, "hydra.sweep.dir", strict)) /
            resolved_string(config, "hydra.sweep.subdir", strict);
    }
  } catch (const boost::property_tree::ptree_bad_path& e) {
    throw UserError(std::string("Missing hydra output dir setting: ") + e.what());
  }
  if (dir.empty())  // fs::absolute("") throws a raw filesystem_error
    throw UserError(std::string(mode == RunMode::RUN ? "hydra.run.dir" : "hydra.sweep.dir") +
                    " is empty: set it to a directory (Hydra's default: outputs/${now:%Y-%m-%d}/${now:%H-%M-%S})");
  return fs::absolute(dir).lexically_normal();
}

namespace {

void write_hydra_files(const fs::path& subdir, const Config& config, const std::vector<std::string>& overrides) {
  create_dirs(subdir);
  write_file_atomic(subdir / "config.yaml", to_yaml(task_part(config)));
  write_file_atomic(subdir / "hydra.yaml", yaml_entry("hydra", config.get_child("hydra")));
  write_file_atomic(subdir / "overrides.yaml", to_yaml(make_sequence(overrides)));
}

// A job whose own files cannot be written (disk full, read-only...) fails with that reason, the
// way Python names such errors; the sweep's other jobs go on.
void fail_with_output_error(JobReturn& ret, const OutputError& e) {
  if (ret.status == JobStatus::FAILED) return;  // the first failure is the one to report
  ret.status = JobStatus::FAILED;
  ret.error = {FailureReason::exception, "OSError", e.what(), 0};
}

// Whether the resolved dir depends on the clock, however it is spelled (`${now:...}` directly,
// through another key, a resolver...): resolved again with another clock reading, it differs.
bool is_time_stamped(const Config& config, const std::string& key, const fs::path& dir,
                     std::chrono::system_clock::time_point now) {
  // Every field of a date and time moves: a year, a day, an hour, a minute, a second, 1 ms later.
  const auto other = now + std::chrono::hours(24 * 367 + 1) + std::chrono::minutes(1) + std::chrono::seconds(1) +
                     std::chrono::milliseconds(1);
  try {
    return fs::absolute(resolved_string(config, key, ResolveOptions{other, true})).lexically_normal() != dir;
  } catch (const std::exception&) {
    return false;  // it resolved with `now`, so this cannot happen; the user's dir as written, then
  }
}

}  // namespace

fs::path create_output_dir(const Config& config, const std::string& key, const fs::path& dir, const std::string& what,
                           std::chrono::system_clock::time_point now) {
  if (!is_time_stamped(config, key, dir, now)) {
    create_dirs(dir, what);
    // A fixed dir is reused: what a killed earlier run's atomic writes left goes first.
    remove_stale_temp_files(dir, 3);
    return dir;
  }
  fs::path claimed = claim_new_dir(dir);
  if (claimed != dir)
    get_logger("hydra")->info("Output dir {} is already used by another run; this run writes to {}", dir.string(),
                              claimed.string());
  return claimed;
}

namespace {

void fail_with_current_exception(JobReturn& ret) {
  ExceptionText thrown = describe_current_exception();
  ret.status = JobStatus::FAILED;
  ret.error = {FailureReason::exception, thrown.type, thrown.message, 0};
}

// on_job_start, then the task unless a strict callback raised there.
void start_and_run_task(const Config& config, const Config& resolved, const ResolveOptions& lazy,
                        CallbackChain& callbacks, const TaskFunction& task, JobReturn& ret) {
  std::size_t failures_before = callbacks.failures().size();
  callbacks.on_job_start(resolved, task);
  if (callbacks.failures().size() > failures_before) {
    // A strict callback raised in on_job_start: the job fails without running the task.
    const auto& f = callbacks.failures()[failures_before];
    ret.status = JobStatus::FAILED;
    ret.error = {FailureReason::exception, f.type, "callback " + f.callback + " raised: " + f.message, 0};
    return;
  }
  try {
    // Resolved here, with env_set in force (${oc.env:...} of it); lazily: a value that cannot be
    // resolved fails the job only when the task reads it. The task's view has no `hydra` node.
    Config task_cfg = task_part(config);
    ResolveOptions task_view = lazy;
    task_view.without_hydra_node = true;
    resolve_in_place(config, task_cfg, "", task_view);
    ret.cfg.swap(task_cfg);
    ret.working_dir = fs::current_path().string();
    ret.return_value = task(ret.cfg);
    ret.status = JobStatus::COMPLETED;
  } catch (...) {
    fail_with_current_exception(ret);
    if (ret.cfg.empty()) {
      Config task_cfg = task_part(resolved);
      ret.cfg.swap(task_cfg);
    }
  }
}

}  // namespace

Config task_part(const Config& config) {
  // Child by child: copying the whole tree and erasing `hydra` would copy the biggest part for nothing.
  Config task(config.data());
  for (const auto& [key, child] : config)
    if (key != "hydra") task.push_back({key, Config()})->second = child;
  return task;
}

JobResult run_job(JobSpec& spec, CallbackChain& callbacks, const TaskFunction& task) {
  ResolveOptions lenient{spec.now, false};

  Config& config = spec.config;
  if (spec.mode == RunMode::MULTIRUN) {
    config.put("hydra.job.num", spec.num);
    // Local launchers number jobs (an int, as Hydra's basic launcher sets it); SLURM ids are text.
    if (classify_plain_scalar(spec.id) == NodeKind::Int)
      config.put_child("hydra.job.id", Config(Value(NodeKind::Int, spec.id)));
    else
      config.put("hydra.job.id", spec.id);
  }
  fs::path output_dir = job_output_dir(spec.mode, config, spec.now);
  JobResult result;
  JobReturn& ret = result.job_return;
  try {
    if (spec.mode == RunMode::RUN) {
      fs::path claimed = create_output_dir(config, "hydra.run.dir", output_dir, "the output dir", spec.now);
      if (claimed != output_dir) config.put("hydra.run.dir", claimed.string());
      output_dir = claimed;
    } else {
      create_dirs(output_dir, "the output dir");
    }
  } catch (const OutputError& e) {
    fail_with_output_error(ret, e);
  }
  config.put("hydra.runtime.output_dir", output_dir.string());

  // hydra.job.env_set before anything else is resolved: ${oc.env:X} of a variable it sets reads
  // it (Python reads such a value only in the task, inside env_set).
  std::optional<ScopedEnv> env;
  try {
    env.emplace(resolve(config, config.get_child("hydra.job.env_set", Config()), "hydra.job.env_set", lenient));
  } catch (const ConfigError&) {
    if (ret.status != JobStatus::FAILED) fail_with_current_exception(ret);
  }

  Config& resolved = result.config;
  resolved = config;  // into the empty result: one copy, then resolved in place
  resolve_in_place(config, resolved, "", lenient);
  ret.overrides = spec.task_overrides;
  ret.task_name = get_or<std::string>(resolved, "hydra.job.name", "");
  ret.num = spec.num;
  ret.id = spec.id;
  ret.hydra_cfg.add_child("hydra", resolved.get_child("hydra"));

  const bool dir_ok = ret.status != JobStatus::FAILED;
  ScopedChdir chdir(dir_ok && get_or<bool>(resolved, "hydra.job.chdir", false), output_dir);
  auto output_subdir = resolved.get_child_optional("hydra.output_subdir");
  const bool writes_record = output_subdir && output_subdir->data().is_scalar();
  if (dir_ok) {
    try {
      ret.log_path = LogManager::instance().use_job_logging(resolved.get_child("hydra.job_logging"),
                                                              resolved.get_child("hydra.verbose", Config()))
                         .string();
      if (writes_record) write_hydra_files(output_dir / output_subdir->data().text(), config, spec.task_overrides);
    } catch (const OutputError& e) {
      fail_with_output_error(ret, e);
    }
  }

  ret.start_time = std::chrono::system_clock::now();
  auto started = std::chrono::steady_clock::now();
  {
    if (ret.status == JobStatus::FAILED) {
      // Its own dir or files could not be written: neither on_job_start nor the task runs.
      Config task_cfg = task_part(resolved);
      ret.cfg.swap(task_cfg);
    } else {
      start_and_run_task(config, resolved, lenient, callbacks, task, ret);
    }
    if (interrupt_requested()) {
      ret.status = JobStatus::FAILED;
      ret.error = {FailureReason::interrupted, "interrupted", "interrupted by a signal", 0};
    }
    if (ret.working_dir.empty()) ret.working_dir = fs::current_path().string();
    env.reset();  // the task's environment ends with it
  }
  ret.duration = std::chrono::steady_clock::now() - started;
  if (writes_record && dir_ok) {
    try {
      write_job_return(output_dir / output_subdir->data().text() / "job_return.yaml", ret);
    } catch (const OutputError& e) {
      // Without its record the job's result is lost: it fails, and says why.
      fail_with_output_error(ret, e);
    }
  }
  callbacks.on_job_end(resolved, ret);
  LogManager::instance().flush();
  return result;
}

}  // namespace hydra::internal

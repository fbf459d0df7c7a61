#include "launch/multirun.hpp"

#include "config/interpolation.hpp"
#include "config/overrides.hpp"
#include "config/yaml_io.hpp"
#include "launch/job_process.hpp"
#include "launch/job_return_store.hpp"
#include "launch/run_mode.hpp"
#include "job/job_return_io.hpp"
#include "job/job_runner.hpp"
#include "launch/single_run.hpp"
#include "launch/sweep_plan.hpp"
#include "logging/log_manager.hpp"
#include "util/errors.hpp"
#include "util/exceptions.hpp"
#include "util/files.hpp"
#include "util/interrupt.hpp"
#include "util/strings.hpp"

#include <hydra/logging.hpp>

#include <boost/dll/runtime_symbol_info.hpp>

#include <fmt/format.h>

#include <iostream>
#include <optional>
#include <set>
#include <unordered_set>
#include <unistd.h>

namespace fs = std::filesystem;

namespace hydra::internal {
namespace {

// A job's overrides are texts the sweeper wrote (`x=3`), as Hydra's sweeper writes them; each job
// parses its own once, when it is composed.
ComposedConfig compose_job(ComposeSession& composer, const std::vector<Override>& overrides) {
  ComposedConfig composed = composer.compose(overrides);
  record_run_mode(composed, RunMode::MULTIRUN);
  return composed;
}

// Moves a JobReturn into `to` without deep-copying its trees (ptree has swap, not move).
void move_into(JobReturn& to, JobReturn& from) {
  to.overrides = std::move(from.overrides);
  to.cfg.swap(from.cfg);
  to.hydra_cfg.swap(from.hydra_cfg);
  to.working_dir = std::move(from.working_dir);
  to.task_name = std::move(from.task_name);
  to.status = from.status;
  to.return_value.swap(from.return_value);
  to.num = from.num;
  to.id = std::move(from.id);
  to.start_time = from.start_time;
  to.duration = from.duration;
  to.error = std::move(from.error);
  to.log_path = std::move(from.log_path);
}

// The JobReturn a launcher gets back and on_multirun_end sees: `full` moved out, with hydra_cfg
// cut down to hydra.runtime.output_dir (on_job_end saw it whole; it stays in <job dir>/.hydra/
// job_return.yaml), so a sweep of 10,000 jobs does not hold 10,000 hydra trees.
JobReturn retained(JobReturn&& full) {
  Config trimmed;
  if (auto out = full.hydra_cfg.get_child_optional("hydra.runtime.output_dir"))
    trimmed.put_child("hydra.runtime.output_dir", *out);
  full.hydra_cfg.swap(trimmed);
  JobReturn kept;
  move_into(kept, full);
  return kept;
}

// Why a job never ran: `why` and the text of the exception in flight (call inside a catch block).
JobError not_run_error(const std::string& why) {
  const ExceptionText thrown = describe_current_exception();
  return {FailureReason::exception, thrown.type, "not run: " + why + thrown.message, 0};
}

class MultirunContext final : public LaunchContext {
 public:
  MultirunContext(const MultirunRequest& request, const PlannedSweep& sweep, CallbackChain& callbacks,
                  Config sweep_config, fs::path sweep_dir, bool sweep_dir_moved, JobReturnStore& returns)
      : request_(request),
        sweep_(sweep),
        callbacks_(callbacks),
        sweep_config_(std::move(sweep_config)),
        sweep_dir_(std::move(sweep_dir)),
        sweep_dir_moved_(sweep_dir_moved),
        returns_(returns),
        program_(boost::dll::program_location().string()),
        sweep_id_(fmt::format("{}-{:x}", ::getpid(),
                              std::chrono::duration_cast<std::chrono::microseconds>(request.now.time_since_epoch())
                                  .count())) {}

  // A job that cannot be run at all (its config not composed, no file descriptor...; not its
  // task: that is in the JobReturn) is FAILED with the reason, and the sweep goes on.
  JobReturn run_job_in_process(const JobRequest& job) override {
    const auto start_time = std::chrono::system_clock::now();
    try {
      return run_job_here(job);
    } catch (const std::exception&) {
      use_sweep_logging();
      return failed_job_return(job, not_run_error(""), start_time,
                               std::chrono::system_clock::now() - start_time);
    }
  }

  JobReturn run_job_here(const JobRequest& job) {
    JobSpec spec;
    spec.mode = RunMode::MULTIRUN;
    ComposedConfig composed = compose(job);
    spec.config.swap(composed.config);  // ptree: swap, not move
    use_claimed_sweep_dir(spec.config);
    spec.task_overrides = job.overrides;
    spec.num = job.num;
    spec.id = job.id;
    spec.now = request_.now;
    JobResult result = run_job(spec, callbacks_, request_.task);
    // Back to the HYDRA format between jobs (Hydra's launcher does the same).
    use_sweep_logging();
    return retained(std::move(result.job_return));
  }

  ComposedConfig compose(const JobRequest& job) const {
    return compose_job(*sweep_.composer, parse_overrides(sweep_.overrides.at(static_cast<std::size_t>(job.num))));
  }

  Config job_config(const JobRequest& job) override {
    ComposedConfig composed = compose(job);
    Config config;
    config.swap(composed.config);
    use_claimed_sweep_dir(config);
    config.put("hydra.job.num", job.num);
    config.put("hydra.job.id", job.id);
    return config;
  }

  void job_finished(const JobReturn& job_return) override {
    if (job_return.status == JobStatus::FAILED) {
      get_logger("hydra")->error("#{} FAILED ({}): {}; log: {}", job_return.num, join(job_return.overrides, " "),
                                 describe_failure(job_return.error),
                                 job_return.log_path.empty() ? "(none)" : job_return.log_path);
    }
  }

  std::vector<std::string> job_command(const JobRequest& job) override {
    JobProcessSpec spec;
    Config config = job_config(job);
    spec.config.swap(config);
    spec.task_overrides = job.overrides;
    spec.num = job.num;
    spec.id = job.id;
    spec.config_name = request_.compose.config_name;
    spec.now = request_.now;
    for (const auto& dir : request_.plugin_dirs) spec.plugin_dirs.push_back(dir.string());
    spec.return_file = job_file(job, ".return").string();
    const fs::path spec_file = job_file(job, ".spec");
    std::error_code ignored;
    fs::remove(spec.return_file, ignored);
    write_job_spec(spec_file, spec);
    return {program_, "--run-job", spec_file.string()};
  }

  std::optional<JobReturn> read_job_return(const JobRequest& job) override {
    const fs::path file = job_file(job, ".return");
    auto ret = read_job_return_file(file);
    if (!ret) return std::nullopt;
    // Read once: the spec and the return file are done with (a fixed sweep dir would pile them up).
    std::error_code ignored;
    fs::remove(file, ignored);
    fs::remove(job_file(job, ".spec"), ignored);
    return retained(std::move(*ret));
  }

  JobReturn failed_job_return(const JobRequest& job, const JobError& error,
                              std::chrono::system_clock::time_point start_time,
                              std::chrono::duration<double> duration) override {
    Config config = job_config(job);
    const fs::path output_dir = job_output_dir(RunMode::MULTIRUN, config, request_.now);
    config.put("hydra.runtime.output_dir", output_dir.string());
    const Config resolved = resolve_all(config, ResolveOptions{request_.now, false});
    JobReturn ret;
    ret.overrides = job.overrides;
    ret.cfg = task_part(resolved);
    ret.hydra_cfg.add_child("hydra", resolved.get_child("hydra"));
    ret.working_dir = output_dir.string();
    ret.task_name = get_or<std::string>(resolved, "hydra.job.name", "");
    ret.status = JobStatus::FAILED;
    ret.num = job.num;
    ret.id = job.id;
    ret.start_time = start_time;
    ret.duration = duration;
    ret.error = error;
    const std::string log = get_or<std::string>(resolved, "hydra.job_logging.handlers.file.filename", "");
    if (!log.empty() && fs::exists(log)) ret.log_path = log;
    auto subdir = resolved.get_child_optional("hydra.output_subdir");
    if (subdir && subdir->data().is_scalar()) {
      try {
        write_job_return(output_dir / subdir->data().text() / "job_return.yaml", ret);
      } catch (const OutputError& e) {
        // The job has failed already; its record is lost but the sweep reports it.
        get_logger("hydra")->warn("#{}: {}", job.num, e.what());
      }
    }
    return retained(std::move(ret));
  }

  std::string launcher_dir() const override {
    fs::path dir = sweep_dir_ / ".launcher";
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw UserError("Cannot create " + dir.string() + ": " + ec.message());
    return dir.string();
  }

  // <sweep dir>/.launcher/job_<num>.<sweep id><suffix>: a job process's spec and return files,
  // named for this sweep alone, so no other sweep's job can hand this one its JobReturn.
  fs::path job_file(const JobRequest& job, const char* suffix) const {
    return fs::path(launcher_dir()) / ("job_" + std::to_string(job.num) + "." + sweep_id_ + suffix);
  }

  void collect(JobReturn&& job_return) override {
    job_finished(job_return);
    returns_.add(job_return);
  }

  bool interrupted() const override { return interrupt_requested(); }
  const Config& sweep_config() const override { return sweep_config_; }
  std::string sweep_dir() const override { return sweep_dir_.string(); }

  // Each job is composed afresh, which would compute the time-stamped dir again.
  void use_claimed_sweep_dir(Config& job_config) const {
    if (sweep_dir_moved_) job_config.put("hydra.sweep.dir", sweep_dir_.string());
  }

  void use_sweep_logging() {
    if (!sweep_logging_)
      sweep_logging_ = LogManager::instance().hydra_logging_setup(sweep_config_.get_child("hydra.hydra_logging"),
                                                                  sweep_config_.get_child("hydra.verbose", Config()),
                                                                  sweep_dir_ / "multirun.log");
    LogManager::instance().use(*sweep_logging_);
  }

 private:
  const MultirunRequest& request_;
  const PlannedSweep& sweep_;
  CallbackChain& callbacks_;
  Config sweep_config_;
  fs::path sweep_dir_;
  bool sweep_dir_moved_;  // claimed as `<dir>_N`: another run had the time-stamped dir
  JobReturnStore& returns_;
  std::string program_;   // read once: a rebuild mid-sweep makes /proc/self/exe "<path> (deleted)"
  std::string sweep_id_;  // <pid>-<start time>: unique to this sweep, in its launcher's file names
  std::optional<LogManager::Setup> sweep_logging_;  // built once, switched back to after every job
};

std::size_t batch_size(const Config& base, std::size_t total) {
  auto node = base.get_child_optional("hydra.sweeper.max_batch_size");
  if (!node || node->data().kind() == NodeKind::Null) return total;
  auto size = node->get_value_optional<long long>();
  if (!size || *size < 1)
    throw UserError("hydra.sweeper.max_batch_size must be a positive integer or null, got '" + node->data().text() + "'");
  return static_cast<std::size_t>(*size);
}

// What decides whether a job's overrides compose: each override as typed, except a plain scalar
// value for a task key that is no config group and that the base config has as a scalar (or,
// with `+`, does not have): only its type counts there, and the value is checked to parse.
// Throws UserError for a value that does not parse.
std::string compose_shape(const Config& base, const std::set<std::string>& group_names,
                          const std::vector<Override>& overrides) {
  // Groups from hydra.searchpath dirs are not in `group_names`: then every value counts.
  const bool extra_sources = !base.get_child("hydra.searchpath", Config()).empty();
  std::string shape;
  for (const Override& ov : overrides) {
    const std::string key = ov.key_or_group();
    bool value_matters = extra_sources || !ov.value || ov.is_hydra() || ov.key.find_first_of("/@") != std::string::npos ||
                         group_names.count(key) > 0 || ov.kind == Override::Kind::Delete;
    std::optional<NodeKind> kind;
    if (!value_matters) {
      const auto existing = base.get_child_optional(key);
      const bool scalar_there = existing && (existing->data().is_scalar() || existing->data().kind() == NodeKind::Null);
      const bool fits = ov.kind == Override::Kind::Add           ? !existing
                        : ov.kind == Override::Kind::ForceAdd ? !existing || scalar_there
                                                              : scalar_there;
      if (fits) {
        const Config value = ov.config_value();
        if (value.data().is_scalar() || value.data().kind() == NodeKind::Null) kind = value.data().kind();
      }
    }
    shape += kind ? ov.key + "=<" + to_string(*kind) + ">" : ov.input;
    shape += '\n';
  }
  return shape;
}

}  // namespace

PlannedSweep plan_jobs(const MultirunRequest& request) {
  // Jobs are composed again when launched: from the same bytes as here, not from a conf/ edited
  // meanwhile (and with no file descriptor needed then).
  snapshot_config_reads();
  const auto groups = list_config_groups(request.compose.sources);
  GroupOptions group_options = [&](const std::string& group) {
    for (const auto& [name, options] : groups)
      if (name == group) return options;
    return std::vector<std::string>{};
  };
  const Config params = request.base.config.get_child("hydra.sweeper.params", make_null());
  PlannedSweep sweep;
  sweep.composer = std::make_shared<ComposeSession>(request.compose);
  sweep.overrides = plan_sweep(request.compose.overrides, params, group_options);
  std::set<std::string> group_names;
  for (const auto& [name, options] : groups) group_names.insert(name);
  // Jobs whose overrides differ only in plain scalar values compose alike: one compose per
  // shape validates them all (a 10,000-job range sweep composes once here, not 10,000 times).
  std::unordered_set<std::string> composed_shapes;
  for (std::size_t n = 0; n < sweep.overrides.size(); ++n) {
    const std::vector<std::string>& texts = sweep.overrides[n];
    std::vector<Override> overrides;
    try {
      overrides = parse_overrides(texts);
      if (composed_shapes.insert(compose_shape(request.base.config, group_names, overrides)).second)
        compose_job(*sweep.composer, overrides);
    } catch (const UserError& e) {
      throw UserError("Job #" + std::to_string(n) + " (" + join(texts, " ") + ") does not compose: " + e.what());
    }
    JobRequest job;
    job.num = static_cast<int>(n);
    job.id = std::to_string(n);
    for (const Override& ov : overrides)
      if (!ov.is_hydra()) job.overrides.push_back(ov.input);  // as compose's task_overrides
    sweep.jobs.push_back(std::move(job));
  }
  batch_size(request.base.config, sweep.jobs.size());  // a bad value must not leave a sweep dir behind
  return sweep;
}

namespace {

// A FAILED JobReturn of what is known without its config.
JobReturn bare_failed_return(const JobRequest& job, const JobError& error, std::chrono::system_clock::time_point now) {
  JobReturn ret;
  ret.overrides = job.overrides;
  ret.num = job.num;
  ret.id = job.id;
  ret.status = JobStatus::FAILED;
  ret.start_time = now;
  ret.error = error;
  return ret;
}

// After the launcher as a whole failed: every job without a JobReturn gets a FAILED one with
// `error` (written to its dir where that can be done), so on_multirun_end sees every job.
void fail_jobs_not_run(const PlannedSweep& sweep, LaunchContext& context, JobReturnStore& returns,
                       const JobError& error) {
  const auto now = std::chrono::system_clock::now();
  const std::unordered_set<int> finished = returns.job_nums();
  for (const JobRequest& job : sweep.jobs) {
    if (finished.count(job.num)) continue;
    try {
      context.collect(context.failed_job_return(job, error, now, std::chrono::duration<double>(0)));
    } catch (...) {
      context.collect(bare_failed_return(job, error, now));  // not even its config could be had
    }
  }
}

// The sweep dir, claimed (time-stamped) or reused (fixed) and held for this sweep alone; returns
// whether it was moved to `<dir>_N`. A second sweep into a dir a live sweep holds waits.
bool claim_sweep_dir(const MultirunRequest& request, Config& sweep_config, fs::path& sweep_dir,
                     std::optional<DirLock>& lock) {
  const fs::path planned_dir = sweep_dir;
  sweep_dir = create_output_dir(request.base.config, "hydra.sweep.dir", planned_dir, "the sweep dir", request.now);
  const bool moved = sweep_dir != planned_dir;
  if (moved) sweep_config.put("hydra.sweep.dir", sweep_dir.string());
  lock.emplace(sweep_dir, [&] {
    get_logger("hydra")->warn("The sweep dir {} is in use by another sweep: waiting until it has finished",
                              sweep_dir.string());
  });
  write_file_atomic(sweep_dir / "multirun.yaml", to_yaml(request.base.config));
  return moved;
}

}  // namespace

int run_multirun(const MultirunRequest& request, const PlannedSweep& sweep, CallbackChain& callbacks,
                 Launcher& launcher) {
  ResolveOptions lenient{request.now, false};
  Config sweep_config = resolve_all(request.base.config, lenient);
  const std::string config_name = request.compose.config_name;
  callbacks.on_multirun_start(sweep_config, RunInfo{config_name, nullptr, {}});

  // The sweep dir exists only after on_multirun_start, as in Hydra. If it cannot be had, no job
  // runs: on_multirun_end sees every job FAILED, then the error is the one line the user sees.
  fs::path sweep_dir = fs::absolute(sweep_config.get<std::string>("hydra.sweep.dir")).lexically_normal();
  std::optional<DirLock> sweep_lock;
  JobReturnStore returns;
  std::optional<MultirunContext> context;
  try {
    const bool moved = claim_sweep_dir(request, sweep_config, sweep_dir, sweep_lock);
    context.emplace(request, sweep, callbacks, sweep_config, sweep_dir, moved, returns);
    context->use_sweep_logging();
  } catch (...) {
    const JobError error = not_run_error("");
    const auto now = std::chrono::system_clock::now();
    for (const JobRequest& job : sweep.jobs) returns.add(bare_failed_return(job, error, now));
    callbacks.on_multirun_end(sweep_config, RunInfo{config_name, nullptr, returns.view()});
    throw;
  }

  const std::size_t size = batch_size(request.base.config, sweep.jobs.size());
  try {
    // A failed job does not stop its batch, but no later batch starts (Hydra's sweeper stops too).
    for (std::size_t start = 0; start < sweep.jobs.size() && !returns.any_failed() && !interrupt_requested();
         start += size) {
      std::span<const JobRequest> batch(sweep.jobs.data() + start, std::min(size, sweep.jobs.size() - start));
      // Launchers that do not collect() hand their JobReturns back here.
      for (JobReturn& r : launcher.launch(batch, *context)) returns.add(r);
    }
  } catch (...) {
    // The launcher as a whole failed: the jobs it did not finish are FAILED, saying why.
    const JobError error = not_run_error("the launcher failed: ");
    get_logger("hydra")->error("The launcher failed ({}: {}); the jobs it did not finish are FAILED", error.type,
                               describe_current_exception().message);
    fail_jobs_not_run(sweep, *context, returns, error);
  }
  returns.sort_by_job();

  callbacks.on_multirun_end(sweep_config, RunInfo{config_name, nullptr, returns.view()});
  LogManager::instance().flush();
  std::cout.flush();

  bool strict_failed = report_strict_failures(callbacks);
  bool interrupted = interrupt_requested();
  for (std::size_t i = 0; i < returns.size(); ++i) {
    if (!returns.failed(i)) continue;
    const JobReturn r = returns.at(i);
    interrupted = interrupted || r.error.reason == FailureReason::interrupted;
    report_failed_job(r);
  }
  const bool failed = returns.any_failed();
  if (interrupted) return 130;
  return failed || strict_failed ? 1 : 0;
}

}  // namespace hydra::internal

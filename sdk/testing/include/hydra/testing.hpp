// HydraCpp::sdk_testing — unit-test callbacks without the runtime.
//
// Drives one callback (or a chain) through the event sequence of a RUN or a MULTIRUN, as the
// host does (docs/spec.md §1-§3): start events in chain order, end events in reverse, a throwing hook
// logged as a warning and the run going on. Configs and JobReturns are fakes with the shape
// the host hands callbacks (the `hydra` node, overrides, output dirs, status, timings). Works
// with any test framework; nothing here needs libhydra_core.
//
//   MyCallback cb(hydra::testing::config({{"label", "train"}}));
//   auto record = hydra::testing::Driver().add(cb).multirun(scenario, {job_ok, job_failed});
//   EXPECT_EQ(record.events, (std::vector<std::string>{"MyCallback.on_multirun_start", ...}));
#pragma once

#include <hydra/callback.hpp>
#include <hydra/config.hpp>
#include <hydra/logging.hpp>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <cxxabi.h>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <functional>
#include <initializer_list>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <typeinfo>
#include <utility>
#include <vector>

namespace hydra::testing {

// A config from dotted keys and YAML-style plain scalars: config({{"a.b", "1"}, {"name", "x"}})
// gives a.b an int and name a string, as a YAML file would.
inline Config config(std::initializer_list<std::pair<std::string, std::string>> entries) {
  Config cfg;
  for (const auto& [key, text] : entries) cfg.put_child(key, Config(Value(classify_plain_scalar(text), text)));
  return cfg;
}

// One job of a fake run: its overrides (applied to the task config, `key=value`) and its outcome.
struct FakeJob {
  std::vector<std::string> overrides{};
  JobStatus status = JobStatus::COMPLETED;
  Config return_value = make_null();
  JobError error{};  // for FAILED; reason `exception` when left at none
  std::chrono::duration<double> duration{0.0};
};

// What a run looks like from the callbacks' side.
struct Scenario {
  std::string app_name = "my_app";  // hydra.job.name and JobReturn::task_name
  std::string config_name = "config";
  Config task_config;  // the task part (no `hydra` node)
  std::string output_dir = "outputs/2024-01-01/12-00-00";  // RUN: the job dir; MULTIRUN: the sweep dir
  // Called between on_job_start and on_job_end with the job's task config. When set, it decides
  // the job's outcome: its return value, or FAILED with the exception it throws.
  TaskFunction task;
};

// What the callbacks saw and did.
struct Record {
  std::vector<std::string> events;    // "<callback>.<hook>" in call order
  std::vector<std::string> warnings;  // "Callback <name>.<hook> raised <type>: <what>" (the host's warning)
  std::vector<JobReturn> job_returns;
  std::vector<Config> configs;        // the config each event got, in the order of `events`
};

namespace detail {

inline std::string demangle(const char* name) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> out(abi::__cxa_demangle(name, nullptr, nullptr, &status), std::free);
  return status == 0 && out ? std::string(out.get()) : std::string(name);
}

inline std::pair<std::string, std::string> current_exception_text() {
  try {
    throw;
  } catch (const std::exception& e) {
    return {demangle(typeid(e).name()), e.what()};
  } catch (...) {
    const std::type_info* type = abi::__cxa_current_exception_type();
    return {type ? demangle(type->name()) : std::string("unknown"), ""};
  }
}

inline void apply_override(Config& cfg, const std::string& override_text) {
  auto eq = override_text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw std::invalid_argument("hydra::testing: override '" + override_text + "' is not key=value");
  std::string text = override_text.substr(eq + 1);
  cfg.put_child(override_text.substr(0, eq), Config(Value(classify_plain_scalar(text), text)));
}

inline Config string_sequence(const std::vector<std::string>& items) {
  Config seq = make_sequence();
  for (const auto& item : items) push_back(seq, make_node(item));
  return seq;
}

}  // namespace detail

// The whole tree a hook receives: the task config plus a `hydra` node (mode, job, runtime,
// overrides). `output_dir` empty leaves hydra.runtime.output_dir unset (as on_run_start sees it).
inline Config job_config(const Scenario& s, const FakeJob& job, const std::string& mode, int num,
                         const std::string& output_dir) {
  Config cfg = s.task_config;
  for (const auto& o : job.overrides) detail::apply_override(cfg, o);
  Config& hydra = cfg.put_child("hydra", Config());
  hydra.put_child("mode", make_node(mode));
  hydra.put_child("job.name", make_node(s.app_name));
  hydra.put_child("job.config_name", make_node(s.config_name));
  // As in Hydra, a RUN job has no num or id (`???`); a MULTIRUN job has both.
  if (mode == "RUN") {
    hydra.put_child("job.num", Config(Value::missing()));
    hydra.put_child("job.id", Config(Value::missing()));
  } else {
    hydra.put_child("job.num", make_node(num));
    hydra.put_child("job.id", make_node(std::to_string(num)));
  }
  hydra.put_child("job.chdir", make_node(false));
  hydra.put_child("overrides.task", detail::string_sequence(job.overrides));
  hydra.put_child("overrides.hydra", detail::string_sequence({"hydra.mode=" + mode}));
  if (mode == "MULTIRUN") hydra.put_child("sweep.dir", make_node(s.output_dir));
  if (!output_dir.empty()) hydra.put_child("runtime.output_dir", make_node(output_dir));
  return cfg;
}

inline std::string mode_of(const Config& job_cfg) { return get_or<std::string>(job_cfg, "hydra.mode", "RUN"); }

// The JobReturn the host would build for `job` (its config from job_config).
inline JobReturn job_return(const Scenario& s, const FakeJob& job, const Config& job_cfg, int num,
                            const std::string& output_dir) {
  JobReturn r;
  r.overrides = job.overrides;
  r.cfg = job_cfg;
  r.cfg.erase("hydra");
  r.hydra_cfg.put_child("hydra", job_cfg.get_child("hydra"));
  r.working_dir = output_dir;
  r.task_name = s.app_name;
  r.status = job.status;
  r.return_value = job.return_value;
  r.num = num;
  r.id = mode_of(job_cfg) == "RUN" ? std::string("0") : job_cfg.get_child("hydra.job.id").data().text();
  r.start_time = std::chrono::system_clock::time_point(std::chrono::seconds(1704110400));  // 2024-01-01 12:00
  r.duration = job.duration;
  r.error = job.error;
  if (r.status == JobStatus::FAILED && r.error.reason == FailureReason::none) {
    r.error.reason = FailureReason::exception;
    if (r.error.type.empty()) r.error.type = "std::runtime_error";
  }
  r.log_path = output_dir + "/" + s.app_name + ".log";
  return r;
}

// Drives callbacks as the host does. Add them in `hydra.callbacks` order.
class Driver {
 public:
  // `name` appears in events and warnings; default: the callback's class name.
  Driver& add(Callback& callback, std::string name = {}) {
    if (name.empty()) name = detail::demangle(typeid(callback).name());
    chain_.push_back({std::move(name), &callback});
    return *this;
  }
  // Rethrow a hook's exception instead of logging it (hydra.strict_callbacks).
  Driver& strict(bool on = true) {
    strict_ = on;
    return *this;
  }

  // on_run_start -> on_job_start -> task -> on_job_end -> on_run_end.
  Record run(const Scenario& s, const FakeJob& job = {}) {
    Record record;
    RunInfo info;
    info.config_name = s.config_name;
    const Config before = job_config(s, job, "RUN", 0, "");
    notify(record, "on_run_start", before, false, [&](Callback& cb) { cb.on_run_start(before, info); });
    JobReturn r = run_job(record, s, job, "RUN", 0, s.output_dir);
    const Config after = job_config(s, job, "RUN", 0, s.output_dir);
    info.job_return = &r;
    notify(record, "on_run_end", after, true, [&](Callback& cb) { cb.on_run_end(after, info); });
    record.job_returns.push_back(std::move(r));
    return record;
  }

  // on_multirun_start -> per job (on_job_start -> task -> on_job_end) -> on_multirun_end with
  // every JobReturn. Job `i` runs in <output_dir>/<i>.
  Record multirun(const Scenario& s, const std::vector<FakeJob>& jobs) {
    Record record;
    RunInfo info;
    info.config_name = s.config_name;
    const Config sweep = job_config(s, FakeJob{}, "MULTIRUN", 0, "");
    notify(record, "on_multirun_start", sweep, false, [&](Callback& cb) { cb.on_multirun_start(sweep, info); });
    for (std::size_t i = 0; i < jobs.size(); ++i)
      record.job_returns.push_back(run_job(record, s, jobs[i], "MULTIRUN", static_cast<int>(i),
                                           s.output_dir + "/" + std::to_string(i)));
    info.job_returns = record.job_returns;
    notify(record, "on_multirun_end", sweep, true, [&](Callback& cb) { cb.on_multirun_end(sweep, info); });
    return record;
  }

 private:
  struct Entry {
    std::string name;
    Callback* callback;
  };

  JobReturn run_job(Record& record, const Scenario& s, const FakeJob& job, const std::string& mode, int num,
                    const std::string& dir) {
    const Config cfg = job_config(s, job, mode, num, dir);
    const TaskFunction task = s.task ? s.task : TaskFunction([&job](const Config&) { return job.return_value; });
    notify(record, "on_job_start", cfg, false, [&](Callback& cb) { cb.on_job_start(cfg, task); });
    FakeJob outcome = job;
    if (s.task) {
      Config task_cfg = cfg;
      task_cfg.erase("hydra");
      try {
        outcome.return_value = s.task(task_cfg);
        outcome.status = JobStatus::COMPLETED;
      } catch (...) {
        auto [type, what] = detail::current_exception_text();
        outcome.status = JobStatus::FAILED;
        outcome.error = {FailureReason::exception, type, what, 0};
      }
    }
    JobReturn r = job_return(s, outcome, cfg, num, dir);
    notify(record, "on_job_end", cfg, true, [&](Callback& cb) { cb.on_job_end(cfg, r); });
    return r;
  }

  template <class Hook>
  void notify(Record& record, const char* hook, const Config& cfg, bool reverse, Hook&& call) {
    auto one = [&](const Entry& e) {
      record.events.push_back(e.name + "." + hook);
      record.configs.push_back(cfg);
      try {
        call(*e.callback);
      } catch (...) {
        if (strict_) throw;
        auto [type, what] = detail::current_exception_text();
        record.warnings.push_back("Callback " + e.name + "." + hook + " raised " + type + ": " + what);
      }
    };
    if (reverse)
      for (auto it = chain_.rbegin(); it != chain_.rend(); ++it) one(*it);
    else
      for (const auto& e : chain_) one(e);
  }

  std::vector<Entry> chain_;
  bool strict_ = false;
};

// Captures what loggers from hydra::get_logger() print while it lives ("<logger>: <message>"
// per line). Loggers made before it keep their old sinks: make the callback inside its scope.
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(stream_);
    sink->set_pattern("%n: %v");
    spdlog::drop_all();
    auto logger = std::make_shared<spdlog::logger>("", sink);
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
  }
  ~LogCapture() {
    spdlog::drop_all();
    if (previous_) spdlog::set_default_logger(previous_);
  }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  std::string text() const { return stream_.str(); }
  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    std::istringstream in(stream_.str());
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }

 private:
  std::ostringstream stream_;
  std::shared_ptr<spdlog::logger> previous_;
};

}  // namespace hydra::testing

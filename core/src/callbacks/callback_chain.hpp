// The callbacks of a run, in composed order: start events forward, end events reversed;
// a hook that throws is warned about and the run goes on (docs/spec.md §2), unless it is strict.
#pragma once

#include "plugin/plugin_registry.hpp"

#include <hydra/callback.hpp>
#include <hydra/config.hpp>

#include <optional>
#include <string>
#include <vector>

namespace hydra::internal {

class CallbackChain {
 public:
  struct Entry {
    std::string key;        // name in hydra.callbacks
    std::string type_name;  // the factory name, as warnings name it
    std::string target;     // the full _target_, named when what it threw says nothing useful
    bool strict = false;    // a raising hook fails the run (`_strict_: true`, or hydra.strict_callbacks)
    CallbackHandle callback;
  };

  // A strict callback whose hook raised: what it raised, for the job/run to fail with.
  struct Failure {
    std::string callback;  // "<Type>.<hook>"
    std::string type;      // exception type
    std::string message;
  };

  CallbackChain() = default;
  // Creates every callback of `callbacks` (the hydra.callbacks map) in its order. Throws UserError
  // (docs/spec.md §4) for a bad entry or a target that does not resolve; nothing is created then.
  static CallbackChain create(const Config& callbacks, PluginRegistry& registry, bool strict_all);

  // Inline (with notify), so an event costs about what its virtual calls cost.
  void on_run_start(const Config& config, const RunInfo& run) {
    notify("on_run_start", false, [&](Callback& c) { c.on_run_start(config, run); });
  }
  void on_run_end(const Config& config, const RunInfo& run) {
    notify("on_run_end", true, [&](Callback& c) { c.on_run_end(config, run); });
  }
  void on_multirun_start(const Config& config, const RunInfo& run) {
    notify("on_multirun_start", false, [&](Callback& c) { c.on_multirun_start(config, run); });
  }
  void on_multirun_end(const Config& config, const RunInfo& run) {
    notify("on_multirun_end", true, [&](Callback& c) { c.on_multirun_end(config, run); });
  }
  void on_job_start(const Config& config, const TaskFunction& task) {
    notify("on_job_start", false, [&](Callback& c) { c.on_job_start(config, task); });
  }
  void on_job_end(const Config& config, const JobReturn& job_return) {
    notify("on_job_end", true, [&](Callback& c) { c.on_job_end(config, job_return); });
  }

  // Every strict failure so far, in the order they happened.
  const std::vector<Failure>& failures() const { return failures_; }
  std::size_t size() const { return entries_.size(); }

 private:
  // One try around the whole loop over a contiguous array of callback pointers: when nothing
  // throws (the usual case) an event costs little more than the virtual calls themselves. A
  // throw is reported and the loop goes on with the next callback.
  template <class Call>
  void notify(const char* hook, bool reverse, Call&& call) {
    const std::size_t count = targets_.size();
    std::size_t done = 0;
    while (done < count) {
      std::size_t at = 0;
      try {
        for (; done < count; ++done) {
          at = reverse ? count - 1 - done : done;
          call(*targets_[at]);
        }
      } catch (...) {
        report_raise(entries_[at], hook);
        ++done;
      }
    }
  }
  // Warns about (or, strict, records) what the hook of `entry` raised; called inside a catch.
  void report_raise(const Entry& entry, const char* hook);

  std::vector<Entry> entries_;
  std::vector<Callback*> targets_;  // entries_[i].callback, contiguous for dispatch
  std::vector<Failure> failures_;
};

}  // namespace hydra::internal

// The callbacks of a run, in composed order: start events forward, end events reversed;
// a hook that throws is warned about and the run goes on (SPEC §2), unless it is strict.
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
  // (SPEC §4) for a bad entry or a target that does not resolve; nothing is created then.
  static CallbackChain create(const Config& callbacks, PluginRegistry& registry, bool strict_all);

  void on_run_start(const Config& config, const RunInfo& run);
  void on_run_end(const Config& config, const RunInfo& run);
  void on_multirun_start(const Config& config, const RunInfo& run);
  void on_multirun_end(const Config& config, const RunInfo& run);
  void on_job_start(const Config& config, const TaskFunction& task);
  void on_job_end(const Config& config, const JobReturn& job_return);

  // Every strict failure so far, in the order they happened.
  const std::vector<Failure>& failures() const { return failures_; }
  std::size_t size() const { return entries_.size(); }

 private:
  template <class Call>
  void notify(const char* hook, bool reverse, Call&& call);

  std::vector<Entry> entries_;
  std::vector<Failure> failures_;
};

}  // namespace hydra::internal

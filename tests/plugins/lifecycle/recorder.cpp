// Test plugin: prints every hook it sees ("<label>.<hook> ..."), and throws where told
// (`raise_in: [on_job_start, ...]`, `raise_type: std|logic_error|bad_alloc|custom|int|string|
// cstring|struct`), so tests can check order and
// isolation through the real binaries.
#include <hydra/callback.hpp>
#include <hydra/plugin.hpp>

#include <iostream>
#include <new>
#include <set>
#include <stdexcept>
#include <string>
#include <unistd.h>

// What `raise_type: custom` throws: a std::exception subclass of the plugin's own.
class CustomError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
// What `raise_type: struct` throws: not a std::exception at all.
struct NotAnException {
  int code;
};

class Recorder : public hydra::Callback {
 public:
  explicit Recorder(const hydra::Config& params)
      : label_(hydra::get<std::string>(params, "label")),
        raise_type_(hydra::get_or<std::string>(params, "raise_type", "std")) {
    if (auto raise_in = params.get_child_optional("raise_in"))
      for (const auto& [key, hook] : *raise_in) raise_in_.insert(hook.data().text());
    print("__init__", "pid=" + std::to_string(::getpid()));
    maybe_raise("__init__");
  }

  void on_run_start(const hydra::Config& config, const hydra::RunInfo& run) override {
    hook("on_run_start", "config_name=" + run.config_name + " output_dir=" + output_dir(config));
  }
  void on_run_end(const hydra::Config& config, const hydra::RunInfo& run) override {
    std::string status = run.job_return ? hydra::to_string(run.job_return->status) : "none";
    hook("on_run_end", "config_name=" + run.config_name + " status=" + status + " output_dir=" + output_dir(config));
  }
  void on_multirun_start(const hydra::Config&, const hydra::RunInfo& run) override {
    hook("on_multirun_start", "config_name=" + run.config_name);
  }
  void on_multirun_end(const hydra::Config&, const hydra::RunInfo& run) override {
    hook("on_multirun_end", "config_name=" + run.config_name + " jobs=" + std::to_string(run.job_returns.size()));
  }
  void on_job_start(const hydra::Config& config, const hydra::TaskFunction& task) override {
    hook("on_job_start", "pid=" + std::to_string(::getpid()) + " task=" + (task ? "set" : "empty") +
                             " output_dir=" + output_dir(config));
  }
  void on_job_end(const hydra::Config&, const hydra::JobReturn& ret) override {
    std::string value = ret.return_value.data().is_scalar() ? ret.return_value.data().text() : "null";
    std::string detail = "status=" + std::string(hydra::to_string(ret.status)) + " value=" + value;
    if (ret.status == hydra::JobStatus::FAILED) detail += " error=" + ret.error.type + ":" + ret.error.message;
    hook("on_job_end", detail);
  }

 private:
  static std::string output_dir(const hydra::Config& config) {
    auto node = config.get_child_optional("hydra.runtime.output_dir");
    if (!node || node->data().kind() == hydra::NodeKind::Missing) return "unset";
    return node->data().text();
  }
  void print(const std::string& hook, const std::string& detail) {
    std::cout << label_ << "." << hook << " " << detail << std::endl;
  }
  void hook(const std::string& name, const std::string& detail) {
    print(name, detail);
    maybe_raise(name);
  }
  void maybe_raise(const std::string& name) {
    if (!raise_in_.count(name)) return;
    const std::string what = "boom in " + name;
    if (raise_type_ == "int") throw 42;
    if (raise_type_ == "logic_error") throw std::logic_error(what);
    if (raise_type_ == "bad_alloc") throw std::bad_alloc();
    if (raise_type_ == "custom") throw CustomError(what);
    if (raise_type_ == "string") throw what;
    if (raise_type_ == "cstring") throw "C string boom";
    if (raise_type_ == "struct") throw NotAnException{7};
    throw std::runtime_error(what);
  }

  std::string label_;
  std::string raise_type_;
  std::set<std::string> raise_in_;
};
HYDRA_CALLBACK(Recorder)

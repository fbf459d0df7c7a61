// Test app: its task is steered by config (`fail: none|exception|int|missing_key|segfault|abort|exit3|
// sleep|wait_for_signal|wait_for_file`; wait_for_file waits, deaf to signals (it says when one came), until the file
// `wait_file` exists),
// prints "TASK foo=<foo>", logs one line, and returns "ret-<foo>". It also exports its own
// callback (AppRecorder) for the app-module resolution tests.
#include <hydra/main.hpp>
#include <hydra/plugin.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <thread>
#include <unistd.h>

class AppRecorder : public hydra::Callback {
 public:
  explicit AppRecorder(const hydra::Config& params) : label_(hydra::get<std::string>(params, "label")) {}
  void on_job_end(const hydra::Config&, const hydra::JobReturn& ret) override {
    std::cout << label_ << ".on_job_end status=" << hydra::to_string(ret.status) << std::endl;
  }

 private:
  std::string label_;
};
HYDRA_CALLBACK(AppRecorder)

hydra::Config lifecycle_app(const hydra::Config& cfg) {
  const std::string foo = hydra::get_or<std::string>(cfg, "foo", "");
  const std::string fail = hydra::get_or<std::string>(cfg, "fail", "none");
  std::cout << "TASK foo=" << foo << std::endl;
  const char* probe = std::getenv("PROBE");
  std::cout << "TASKENV cwd=" << std::filesystem::current_path().string() << " PROBE=" << (probe ? probe : "unset")
            << std::endl;
  hydra::get_logger("lifecycle_app")->info("task log line foo={}", foo);
  if (fail == "exception") throw std::invalid_argument("task failed");
  if (fail == "int") throw 42;
  if (fail == "missing_key") return hydra::make_node(hydra::get<int>(cfg, "divisor"));
  if (fail == "segfault") std::raise(SIGSEGV);
  if (fail == "abort") std::abort();
  if (fail == "exit3") std::_Exit(3);
  if (fail == "sleep") std::this_thread::sleep_for(std::chrono::seconds(hydra::get_or<int>(cfg, "sleep_s", 30)));
  if (fail == "wait_for_signal") {
    std::cout << "WAITING" << std::endl;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!hydra::interrupted() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (fail == "wait_for_file") {
    const std::filesystem::path file = hydra::get<std::string>(cfg, "wait_file");
    std::cout << "WAITING pid=" << ::getpid() << std::endl;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    bool told = false;
    while (!std::filesystem::exists(file) && std::chrono::steady_clock::now() < deadline) {
      if (hydra::interrupted() && !told) std::cout << "INTERRUPTED, still waiting" << std::endl;
      told = told || hydra::interrupted();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  return hydra::make_node("ret-" + foo);
}

HYDRA_MAIN(lifecycle_app, "conf", "config")

// The app entry: HYDRA_MAIN(task, "conf", "config") — docs/spec.md §1.
//
//   hydra::Config my_app(const hydra::Config& cfg);   // or void, or any value a node holds
//   HYDRA_MAIN(my_app, "conf", "config")
#pragma once

#include <hydra/callback.hpp>
#include <hydra/config.hpp>
#include <hydra/logging.hpp>

#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace hydra {

// One file of an app's config dir, embedded into the binary by hydra_add_app().
struct EmbeddedFile {
  const char* path;  // relative to the config dir, '/'-separated
  std::string_view content;
};

// Called before main() by the source hydra_add_app() generates. Returns true.
bool register_embedded_config(std::span<const EmbeddedFile> files);

// True once SIGINT/SIGTERM arrived: a long task should stop early (docs/spec.md §3, Interrupt).
bool interrupted() noexcept;

struct AppSpec {
  std::string name;         // the task's name: hydra.job.name, and the module of the app's own callbacks
  std::string config_path;  // relative to the executable's dir, e.g. "conf"
  std::string config_name;  // primary config without .yaml; "" for none
  TaskFunction task;
};

// Parses the command line, composes the config and runs (RUN or MULTIRUN). Returns the exit code.
int run_app(int argc, char** argv, const AppSpec& app);

namespace detail {

template <class F>
TaskFunction make_task(F&& fn) {
  return [fn = std::forward<F>(fn)](const Config& cfg) -> Config {
    using R = std::invoke_result_t<const F&, const Config&>;
    if constexpr (std::is_void_v<R>) {
      fn(cfg);
      return make_null();
    } else if constexpr (std::is_convertible_v<R, Config>) {
      return fn(cfg);
    } else {
      return make_node(fn(cfg));
    }
  };
}

}  // namespace detail
}  // namespace hydra

#define HYDRA_MAIN(task, config_path, config_name)                                                \
  int main(int argc, char** argv) {                                                               \
    return ::hydra::run_app(argc, argv,                                                           \
                            ::hydra::AppSpec{#task, config_path, config_name, ::hydra::detail::make_task(&task)}); \
  }

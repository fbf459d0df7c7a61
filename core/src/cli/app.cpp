// hydra::run_app: the data path of every app, in one place:
// command line -> compose config -> create callbacks -> launcher -> job -> JobReturn -> callbacks.
#include "callbacks/callback_chain.hpp"
#include "cli/command_line.hpp"
#include "cli/config_printer.hpp"
#include "config/compose.hpp"
#include "config/config_source.hpp"
#include "config/interpolation.hpp"
#include "launch/single_run.hpp"
#include "logging/log_manager.hpp"
#include "plugin/plugin_registry.hpp"
#include "util/errors.hpp"
#include "util/exceptions.hpp"
#include "util/interrupt.hpp"

#include <hydra/main.hpp>

#include <boost/dll/runtime_symbol_info.hpp>

#include <iostream>

namespace fs = std::filesystem;

namespace hydra::internal {
namespace {

// The app's config dir: next to the executable (the build places it there), else the copy
// embedded into the binary. --config-path overrides it (absolute, or relative to the executable).
std::vector<ConfigSource> config_sources(const AppSpec& app, const CommandLine& cl) {
  std::vector<ConfigSource> sources;
  const fs::path exe_dir = boost::dll::program_location().parent_path();
  std::string config_path = cl.config_path.value_or(app.config_path);
  if (!config_path.empty()) {
    fs::path dir = fs::path(config_path).is_absolute() ? fs::path(config_path) : exe_dir / config_path;
    if (fs::is_directory(dir)) {
      sources.push_back(ConfigSource::directory(dir));
    } else if (cl.config_path) {
      throw UserError("--config-path: '" + *cl.config_path + "' is not a directory (looked at " + dir.string() + ")");
    } else if (!embedded_config_files().empty()) {
      sources.push_back(ConfigSource::embedded());
    }
  }
  for (const auto& extra : cl.config_dirs) {
    if (!fs::is_directory(extra)) throw UserError("--config-dir: '" + extra + "' is not a directory");
    sources.push_back(ConfigSource::directory(fs::absolute(extra)));
  }
  return sources;
}

std::vector<fs::path> plugin_dirs(const CommandLine& cl, const Config& config) {
  std::vector<fs::path> dirs = cl.plugin_dirs;
  if (auto node = config.get_child_optional("hydra.plugin_path")) {
    for (const auto& [key, item] : *node) {
      if (item.data().kind() != NodeKind::String)
        throw UserError("hydra.plugin_path must be a list of directories; found " +
                        std::string(to_string(item.data().kind())));
      dirs.emplace_back(item.data().text());
    }
  }
  return dirs;
}

// hydra.mode as Hydra records it: the node, and `hydra.mode=<MODE>` among the hydra overrides
// (unless the user set it, in which case it is there already).
void set_run_mode(ComposedConfig& composed, RunMode mode) {
  Config& config = composed.config;
  if (config.get_child("hydra.mode", make_null()).data().kind() != NodeKind::Null) return;
  std::string name = mode == RunMode::RUN ? "RUN" : "MULTIRUN";
  config.put("hydra.mode", name);
  Config& hydra_overrides = config.get_child("hydra.overrides.hydra");
  push_back(hydra_overrides, make_node("hydra.mode=" + name));
  composed.hydra_overrides.push_back("hydra.mode=" + name);
}

int run(int argc, char** argv, const AppSpec& app) {
  const CommandLine cl = parse_command_line(argc, argv);
  if (cl.version) {
    std::cout << "Hydra " << HYDRA_VERSION << " (hydra-cpp)\n";
    return 0;
  }
  const auto now = std::chrono::system_clock::now();
  const bool show_only = cl.cfg || cl.help || cl.hydra_help || cl.info;
  if (cl.multirun) throw UserError("--multirun: sweeps are not available in this build yet; run without -m");

  ComposeRequest request;
  request.app_name = app.name;
  request.config_name = cl.config_name.value_or(app.config_name);
  request.overrides = cl.overrides;
  request.sources = config_sources(app, cl);
  request.cwd = fs::current_path();
  ComposedConfig composed = compose(request);
  set_run_mode(composed, RunMode::RUN);

  PluginSearchPath search_path = PluginSearchPath::standard(plugin_dirs(cl, composed.config));
  if (show_only) return print_requested_info(cl, composed, request, search_path, now);

  // Before anything else can log: the HYDRA format on the console.
  LogManager::instance().use_hydra_logging(
      resolve(composed.config, composed.config.get_child("hydra.hydra_logging"), "hydra.hydra_logging",
              ResolveOptions{now, false}));

  PluginRegistry registry(std::move(search_path), app.name);
  CallbackChain callbacks =
      CallbackChain::create(composed.config.get_child("hydra.callbacks", Config()), registry,
                            get_or<bool>(composed.config, "hydra.strict_callbacks", false));

  RunRequest run_request{composed.config, composed.task_overrides, request.config_name, app.task, now};
  return run_single(run_request, callbacks);
}

}  // namespace
}  // namespace hydra::internal

namespace hydra {

int run_app(int argc, char** argv, const AppSpec& app) {
  internal::install_interrupt_handlers();
  try {
    return internal::run(argc, argv, app);
  } catch (const internal::UserError& e) {
    std::cout.flush();
    std::cerr << e.what() << std::endl;
    return 1;
  } catch (...) {
    // Never a crash or `terminate called...`: whatever escaped is named, exit 1.
    auto [type, message] = internal::describe_current_exception();
    std::cout.flush();
    std::cerr << "Error: " << type << (message.empty() ? "" : ": " + message) << std::endl;
    return 1;
  }
}

}  // namespace hydra

// hydra::run_app: the data path of every app, in one place:
// command line -> compose config -> create callbacks -> launcher -> job -> JobReturn -> callbacks.
#include "callbacks/callback_chain.hpp"
#include "cli/command_line.hpp"
#include "cli/config_printer.hpp"
#include "config/compose.hpp"
#include "config/config_source.hpp"
#include "config/interpolation.hpp"
#include "config/overrides.hpp"
#include "launch/job_process.hpp"
#include "launch/launcher_configs.hpp"
#include "launch/multirun.hpp"
#include "launch/sweeper.hpp"
#include "launch/run_mode.hpp"
#include "launch/rerun.hpp"
#include "launch/single_run.hpp"
#include "logging/log_manager.hpp"
#include "plugin/plugin_registry.hpp"
#include "util/errors.hpp"
#include "util/exceptions.hpp"
#include "util/interrupt.hpp"

#include <hydra/main.hpp>

#include <boost/dll/runtime_symbol_info.hpp>

#include <iostream>

#include <sys/auxv.h>
#include <optional>

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
    if (extra.empty()) throw UserError("--config-dir expects a directory, got ''");
    if (!fs::is_directory(extra))
      throw UserError("--config-dir: additional config directory '" + fs::absolute(extra).lexically_normal().string() +
                      "' not found");
    sources.push_back(ConfigSource::directory(fs::absolute(extra).lexically_normal()).with_provider("command-line"));
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

// -m/--multirun, or hydra.mode: MULTIRUN in the config. A sweep override without either is an error.
RunMode effective_mode(const CommandLine& cl, const std::vector<Override>& overrides, const Config& config) {
  auto node = config.get_child_optional("hydra.mode");
  std::string configured = node && node->data().is_scalar() ? node->data().text() : "";
  if (!configured.empty() && configured != "RUN" && configured != "MULTIRUN")
    throw UserError("hydra.mode must be RUN or MULTIRUN, got '" + configured + "'");
  if (cl.multirun || configured == "MULTIRUN") return RunMode::MULTIRUN;
  for (const auto& ov : overrides) {
    if (ov.is_simple_sweep())
      throw UserError("Ambiguous value for argument '" + ov.input + "': to use it as a list, use key=[value1,value2]; " +
                      "to use it as a string, quote the value: key='value1,value2'; to sweep over it, add --multirun " +
                      "(-m) to your command line");
    if (ov.is_sweep()) throw UserError("Sweep parameters '" + ov.input + "' requires --multirun (-m)");
  }
  return RunMode::RUN;
}

// The launcher of hydra.launcher (`_target_` + params), from the same plugin host as callbacks.
LauncherHandle create_launcher(const Config& config, PluginRegistry& registry) {
  const Config& node = config.get_child("hydra.launcher");
  auto target = node.get_child_optional("_target_");
  if (!target || target->data().kind() != NodeKind::String)
    throw UserError("hydra.launcher has no _target_; select one with hydra/launcher=basic (or process, slurm)");
  Config params = node;
  params.erase("_target_");
  return registry.create_launcher(target->data().text(), params, "hydra.launcher");
}

int run(int argc, char** argv, const AppSpec& app) {
  const CommandLine cl = parse_command_line(argc, argv);
  if (cl.version) {
    std::cout << "Hydra " << HYDRA_VERSION << " (hydra-cpp)\n";
    return 0;
  }
  if (cl.run_job) return run_job_process(*cl.run_job, app);
  if (cl.run_job_script) return run_job_script(*cl.run_job_script, app);
  // Hydra's argument check: a multirun prints nothing, a printout runs nothing.
  if (cl.multirun && (cl.cfg || cl.info))
    throw UserError("Only one of --run, --multirun, --cfg, --info and --shell_completion can be specified");
  // Every override parsed before anything composes: a malformed one fails first, as in Hydra.
  const std::vector<Override> overrides = parse_overrides(cl.overrides);
  register_launcher_configs();
  const auto now = std::chrono::system_clock::now();
  const bool show_only = cl.cfg || cl.help || cl.hydra_help || cl.info;

  ComposeRequest request;
  request.app_name = app.name;
  request.config_name = cl.config_name.value_or(app.config_name);
  request.overrides = overrides;
  request.sources = config_sources(app, cl);
  request.cwd = fs::current_path();
  // Composed as for a sweep (sweep overrides left out); the mode is known only afterwards,
  // since hydra.mode: MULTIRUN may come from the config itself.
  request.mode = RunMode::MULTIRUN;
  // --experimental-rerun: the job's saved config instead of a composition (launch/rerun.hpp).
  std::optional<RerunJob> rerun;
  if (cl.experimental_rerun) rerun = load_rerun(*cl.experimental_rerun, overrides, cl.multirun);
  if (rerun) request.config_name = rerun->config_name;
  ComposedConfig composed = rerun ? rerun->composed : compose(request);
  const RunMode mode = effective_mode(cl, overrides, composed.config);
  // Composed as for a sweep, a mandatory group may have been left `???`: a RUN must choose it.
  if (mode == RunMode::RUN && composed.missing_choice) throw UserError(*composed.missing_choice);
  // Hydra adds `hydra.mode=<MODE>` only when it runs: --cfg, --info and --help show hydra.mode: null.
  if (!show_only) record_run_mode(composed, mode);
  request.mode = mode;

  PluginSearchPath search_path = PluginSearchPath::standard(plugin_dirs(cl, composed.config));
  check_interpolation_syntax(composed.config);  // as OmegaConf does when it loads a config
  if (show_only) return print_requested_info(cl, composed, request, search_path, now);

  // Before anything else can log: the HYDRA format on the console.
  LogManager::instance().use_hydra_logging(
      resolve(composed.config, composed.config.get_child("hydra.hydra_logging"), "hydra.hydra_logging",
              ResolveOptions{now, false}),
      composed.config.get_child("hydra.verbose", Config()));
  log_debug_info(composed, search_path);
  if (rerun) warn_experimental_rerun(*rerun);

  PluginRegistry registry(std::move(search_path), app.name);
  CallbackChain callbacks =
      CallbackChain::create(composed.config.get_child("hydra.callbacks", Config()), registry,
                            get_or<bool>(composed.config, "hydra.strict_callbacks", false));

  if (mode == RunMode::MULTIRUN) {
    MultirunRequest multirun{request, composed, app.task, now, registry.search_path().dirs};
    // Every job composes before anything runs; then the launcher, then the sweep.
    require_basic_sweeper(composed.config);
    PlannedSweep sweep = plan_jobs(multirun);
    LauncherHandle launcher = create_launcher(composed.config, registry);
    return run_multirun(multirun, sweep, callbacks, *launcher);
  }
  RunRequest run_request{Config(), composed.task_overrides, request.config_name, app.task, now};
  run_request.config.swap(composed.config);  // composed is done with
  return run_single(std::move(run_request), callbacks);
}

}  // namespace
}  // namespace hydra::internal

namespace hydra {

int run_app(int argc, char** argv, const AppSpec& app) {
  // Secure-execution mode (setuid/setgid): refused outright. An app takes paths from its command
  // line, config and environment (run/sweep dirs, log files, plugin dirs, the config search path)
  // and runs plugin code: pinning each of them safely is a policy we would get wrong somewhere.
  if (::getauxval(AT_SECURE) != 0) {
    std::cerr << "Error: " << (argc > 0 && argv[0] ? argv[0] : "this app")
              << " refuses to run setuid or setgid (secure-execution mode): a Hydra app writes where its "
                 "overrides say and loads plugin code, so it must run as the user who starts it; remove the bit "
                 "(chmod u-s,g-s) and grant access through the file system or sudo instead"
              << std::endl;
    return 1;
  }
  internal::guard_standard_streams();
  internal::install_interrupt_handlers();
  try {
    return internal::run(argc, argv, app);
  } catch (const internal::UserError& e) {
    std::cout.flush();
    std::cerr << e.what() << std::endl;
    return 1;
  } catch (const ConfigError& e) {
    // The runtime read a value of the config that cannot be had (an unresolvable
    // hydra.sweep.dir): the message names the key and the cause; the C++ type adds nothing.
    std::cout.flush();
    std::cerr << e.what() << std::endl;
    return 1;
  } catch (...) {
    // Never a crash or `terminate called...`: whatever escaped is named, exit 1.
    internal::ExceptionText thrown = internal::describe_current_exception();
    std::cout.flush();
    std::cerr << "Error: " << thrown.type << (thrown.message.empty() ? "" : ": " + thrown.message) << std::endl;
    return 1;
  }
}

}  // namespace hydra

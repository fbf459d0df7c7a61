#include "cli/command_line.hpp"

#include "util/errors.hpp"
#include "util/strings.hpp"

#include <array>
#include <functional>
#include <string_view>

namespace hydra::internal {
namespace {

enum class Arity { none, one, optional_one };

struct Flag {
  std::string_view long_name;
  std::string_view short_name;  // "" if none
  Arity arity;
  std::string_view help;
  std::function<void(CommandLine&, const std::string&)> apply;
};

const std::vector<Flag>& flags() {
  static const std::vector<Flag> table = {
      {"--help", "-h", Arity::none, "Application's help", [](CommandLine& c, const std::string&) { c.help = true; }},
      {"--hydra-help", "", Arity::none, "Hydra's help",
       [](CommandLine& c, const std::string&) { c.hydra_help = true; }},
      {"--version", "", Arity::none, "Show Hydra's version and exit",
       [](CommandLine& c, const std::string&) { c.version = true; }},
      {"--cfg", "-c", Arity::one, "Show config instead of running [job|hydra|all]",
       [](CommandLine& c, const std::string& v) {
         if (v != "job" && v != "hydra" && v != "all")
           throw UserError("--cfg: invalid choice '" + v + "' (choose from 'job', 'hydra', 'all')");
         c.cfg = v;
       }},
      {"--resolve", "", Arity::none, "Used in conjunction with --cfg, resolve config interpolations before printing.",
       [](CommandLine& c, const std::string&) { c.resolve = true; }},
      {"--package", "-p", Arity::one, "Config package to show",
       [](CommandLine& c, const std::string& v) { c.package = v; }},
      {"--run", "-r", Arity::none, "Run a job", [](CommandLine&, const std::string&) {}},
      {"--multirun", "-m", Arity::none, "Run multiple jobs with the configured launcher and sweeper",
       [](CommandLine& c, const std::string&) { c.multirun = true; }},
      {"--config-path", "-cp", Arity::one,
       "Overrides the config_path specified in HYDRA_MAIN().\n"
       "                    The config_path is absolute or relative to the executable's dir",
       [](CommandLine& c, const std::string& v) { c.config_path = v; }},
      {"--config-name", "-cn", Arity::one, "Overrides the config_name specified in HYDRA_MAIN()",
       [](CommandLine& c, const std::string& v) { c.config_name = v; }},
      {"--config-dir", "-cd", Arity::one, "Adds an additional config dir to the config search path",
       [](CommandLine& c, const std::string& v) { c.config_dirs.push_back(v); }},
      {"--experimental-rerun", "", Arity::one, "Rerun a job from its saved config (its job dir, or a file of its .hydra dir)",
       [](CommandLine& c, const std::string& v) { c.experimental_rerun = v; }},
      {"--info", "-i", Arity::optional_one,
       "Print Hydra information [all|config|defaults|defaults-tree|plugins|searchpath]",
       [](CommandLine& c, const std::string& v) {
         static constexpr std::array<std::string_view, 6> choices = {"all",     "config",        "defaults",
                                                                     "defaults-tree", "plugins", "searchpath"};
         std::string what = v.empty() ? "all" : v;
         bool ok = false;
         for (auto choice : choices) ok = ok || choice == what;
         if (!ok)
           throw UserError("--info: invalid choice '" + what +
                           "' (choose from all, config, defaults, defaults-tree, plugins, searchpath)");
         c.info = what;
       }},
      {"--plugin-dir", "", Arity::one, "Adds a dir to the front of the plugin search path (repeatable)",
       [](CommandLine& c, const std::string& v) { c.plugin_dirs.emplace_back(v); }},
      {"--run-job", "", Arity::one, "",  // internal: how process and SLURM launchers start one job
       [](CommandLine& c, const std::string& v) { c.run_job = v; }},
      {"--run-job-script", "", Arity::one, "",  // internal: a SLURM array task (`#!<app> --run-job-script`)
       [](CommandLine& c, const std::string& v) { c.run_job_script = v; }},
  };
  return table;
}

const Flag* find_flag(std::string_view name) {
  for (const auto& flag : flags())
    if (flag.long_name == name || (!flag.short_name.empty() && flag.short_name == name)) return &flag;
  return nullptr;
}

bool looks_like_flag(std::string_view arg) { return arg.size() > 1 && arg[0] == '-' && arg != "--"; }

}  // namespace

CommandLine parse_command_line(int argc, const char* const* argv) {
  CommandLine cl;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (!looks_like_flag(arg)) {
      cl.overrides.push_back(arg);
      continue;
    }
    std::string name = arg;
    std::optional<std::string> inline_value;
    if (auto eq = arg.find('='); eq != std::string::npos && starts_with(arg, "--")) {
      name = arg.substr(0, eq);
      inline_value = arg.substr(eq + 1);
    }
    const Flag* flag = find_flag(name);
    if (!flag) {
      std::vector<std::string> names;
      for (const auto& f : flags()) names.emplace_back(f.long_name);
      auto near = closest_matches(name, names, 1);
      throw UserError("Unrecognized argument '" + arg + "'" +
                      (near.empty() ? std::string() : "; did you mean " + near.front() + "?") +
                      " (see --hydra-help for Hydra's flags; overrides look like key=value)");
    }
    std::string value;
    switch (flag->arity) {
      case Arity::none:
        if (inline_value) throw UserError(std::string(flag->long_name) + " takes no value, got '" + arg + "'");
        break;
      case Arity::one:
        if (inline_value) {
          value = *inline_value;
        } else if (i + 1 < argc) {
          value = argv[++i];
        } else {
          throw UserError(std::string(flag->long_name) + " expects a value");
        }
        break;
      case Arity::optional_one:
        if (inline_value) {
          value = *inline_value;
        } else if (i + 1 < argc && !looks_like_flag(argv[i + 1]) &&
                   std::string_view(argv[i + 1]).find('=') == std::string_view::npos) {
          value = argv[++i];
        }
        break;
    }
    flag->apply(cl, value);
  }
  return cl;
}

std::string flags_help() {
  std::string out;
  for (const auto& flag : flags()) {
    if (flag.help.empty()) continue;  // internal flags are not advertised
    std::string names(flag.long_name);
    if (!flag.short_name.empty()) names += "," + std::string(flag.short_name);
    out += names + " : " + std::string(flag.help) + "\n";
  }
  out += "Overrides : Any key=value arguments to override config values (use dots for.nested=overrides)";
  return out;
}

}  // namespace hydra::internal

// Hydra's command line (docs/spec.md §7): flags plus overrides. Hand-written because Hydra's
// multi-letter short flags (-cn, -cp, -cd) do not fit getopt-style parsers such as CLI11.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace hydra::internal {

struct CommandLine {
  std::vector<std::string> overrides;
  std::optional<std::string> cfg;       // --cfg/-c job|hydra|all
  std::optional<std::string> package;   // --package/-p
  bool resolve = false;                 // --resolve
  std::optional<std::string> info;      // --info/-i [all|config|defaults|defaults-tree|plugins|searchpath]
  bool help = false;                    // --help/-h
  bool hydra_help = false;              // --hydra-help
  bool version = false;                 // --version
  bool multirun = false;                // --multirun/-m
  std::optional<std::string> config_name;  // --config-name/-cn
  std::optional<std::string> config_path;  // --config-path/-cp
  std::vector<std::string> config_dirs;    // --config-dir/-cd (repeatable)
  std::optional<std::string> experimental_rerun;
  std::vector<std::filesystem::path> plugin_dirs;  // --plugin-dir (repeatable)
  std::optional<std::string> run_job;  // --run-job <spec file>: hidden, used by out-of-process launchers
  std::optional<std::string> run_job_script;  // --run-job-script <file>: hidden, the SLURM launcher's batch script
};

// Throws UserError ("<flag>: ..." with what to do) for an unknown flag or a missing value.
CommandLine parse_command_line(int argc, const char* const* argv);

// The flags help, as --hydra-help lists them.
std::string flags_help();

}  // namespace hydra::internal

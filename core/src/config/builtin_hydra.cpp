// Hydra's own configs (C++-adapted Hydra 1.3 defaults), served as the lowest-priority config
// source: the texts of Hydra 1.3.5's hydra/conf (hydra/config is a structured config there, written
// out here). `hydra/config.yaml` is the `hydra` node; its defaults list pulls the built-in groups
// in, so `hydra/job_logging=disabled` is an ordinary group override.
#include "config/builtin_hydra.hpp"

#ifndef HYDRA_VERSION
#define HYDRA_VERSION "0.0.0"
#endif

namespace hydra::internal {

namespace {

// Hydra 1.3.5's hydra/config defaults list, `_self_` last as Hydra appends it: the groups fill
// run/sweep (output), launcher, sweeper, help, hydra_help, hydra_logging, job_logging and env in
// that order, then this node's own keys follow (a key a group already set keeps its place).
constexpr std::string_view kHydraConfig = R"yaml(defaults:
  - output: default
  - launcher: basic
  - sweeper: basic
  - help: default
  - hydra_help: default
  - hydra_logging: default
  - job_logging: default
  - callbacks: null
  - env: default
  - _self_

hydra_help:
  hydra_help: ???
mode: null
searchpath: []
callbacks: {}
# beyond Hydra: a callback hook that raises fails the run (per callback: `_strict_: true`)
strict_callbacks: false
# beyond Hydra: plugin dirs searched before HYDRA_PLUGIN_PATH (like --plugin-dir)
plugin_path: []
output_subdir: .hydra
overrides:
  hydra: []
  task: []
job:
  name: ???
  chdir: null
  override_dirname: ''
  id: ???
  num: ???
  config_name: ???
  env_set: {}
  env_copy: []
  config:
    override_dirname:
      kv_sep: '='
      item_sep: ','
      exclude_keys: []
runtime:
  version: '@VERSION@'
  version_base: '1.3'
  cwd: ???
  config_sources: []
  output_dir: ???
  choices: {}
verbose: false
)yaml";

// hydra/output/default: where a RUN and a MULTIRUN write.
constexpr std::string_view kOutputDefault = R"yaml(# @package hydra

run:
  dir: outputs/${now:%Y-%m-%d}/${now:%H-%M-%S}
sweep:
  dir: multirun/${now:%Y-%m-%d}/${now:%H-%M-%S}
  subdir: ${hydra.job.num}
)yaml";

// hydra/help/default: `--help` renders `template` ($APP_CONFIG_GROUPS, $CONFIG, $FLAGS_HELP and
// $HYDRA_CONFIG_GROUPS are filled in, cli/config_printer.cpp).
constexpr std::string_view kHelpDefault = R"yaml(# App name, override to match the name your app is known by
app_name: ${hydra.job.name}

# Help header, customize to describe your app to your users
header: |
  ${hydra.help.app_name} is powered by Hydra.

footer: |
  Powered by Hydra (https://hydra.cc)
  Use --hydra-help to view Hydra specific help

# Basic Hydra flags:
#   $FLAGS_HELP
#
# Config groups, choose one of:
#   $APP_CONFIG_GROUPS: All config groups that does not start with hydra/.
#   $HYDRA_CONFIG_GROUPS: All the Hydra config groups (starts with hydra/)
#
# Configuration generated with overrides:
#   $CONFIG : Generated config
#
template: |
  ${hydra.help.header}
  == Configuration groups ==
  Compose your configuration from those groups (group=option)

  $APP_CONFIG_GROUPS

  == Config ==
  Override anything in the config (foo.bar=value)

  $CONFIG

  ${hydra.help.footer}
)yaml";

// hydra/hydra_help/default: `--hydra-help`.
constexpr std::string_view kHydraHelpDefault = R"yaml(# Help header.
#
# Basic Hydra flags:
#   $FLAGS_HELP
#
# Config groups, choose one of:
#   $APP_CONFIG_GROUPS: All config groups that does not start with hydra/.
#   $HYDRA_CONFIG_GROUPS: All the Hydra config groups (starts with hydra/)
#
# Configuration generated with overrides:
#   $CONFIG : Generated config
#
template: |
  Hydra (${hydra.runtime.version})
  See https://hydra.cc for more info.

  == Flags ==
  $FLAGS_HELP

  == Configuration groups ==
  Compose your configuration from those groups (For example, append hydra/job_logging=disabled to command line)

  $HYDRA_CONFIG_GROUPS

  Use '--cfg hydra' to Show the Hydra config.
)yaml";

constexpr std::string_view kHydraLoggingDefault = R"yaml(version: 1
formatters:
  simple:
    format: "[%(asctime)s][HYDRA] %(message)s"
handlers:
  console:
    class: logging.StreamHandler
    formatter: simple
    stream: ext://sys.stdout
root:
  level: INFO
  handlers: [console]

loggers:
  logging_example:
    level: DEBUG

disable_existing_loggers: false
)yaml";

// Hydra's verbose logging to a file (hydra-<job name>.log in the launch dir).
constexpr std::string_view kHydraLoggingHydraDebug = R"yaml(# A logger config that directs hydra verbose logging to a file
version: 1
formatters:
  simple:
    format: '[%(asctime)s][%(name)s][%(levelname)s] - %(message)s'
handlers:
  file:
    class: logging.FileHandler
    mode: w
    formatter: simple
    # relative to the job log directory
    filename: hydra-${hydra.job.name}.log
    delay: true
root:
  level: ERROR
  handlers: [file]

loggers:
  hydra:
    level: DEBUG

disable_existing_loggers: false
)yaml";

constexpr std::string_view kJobLoggingDefault = R"yaml(# python logging configuration for tasks
version: 1
formatters:
  simple:
    format: '[%(asctime)s][%(name)s][%(levelname)s] - %(message)s'
handlers:
  console:
    class: logging.StreamHandler
    formatter: simple
    stream: ext://sys.stdout
  file:
    class: logging.FileHandler
    formatter: simple
    # absolute file path
    filename: ${hydra.runtime.output_dir}/${hydra.job.name}.log
root:
  level: INFO
  handlers: [console, file]

disable_existing_loggers: false
)yaml";

constexpr std::string_view kJobLoggingStdout = R"yaml(# python logging configuration for tasks
version: 1
formatters:
  simple:
    format: '%(message)s'
handlers:
  console:
    class: logging.StreamHandler
    formatter: simple
    stream: ext://sys.stdout
root:
  level: INFO
  handlers: [console]

disable_existing_loggers: false
)yaml";

// Every logger silenced (the loggers exist already, and disable_existing_loggers disables them).
constexpr std::string_view kLoggingDisabled = R"yaml(version: 1
root:
  level: ERROR
disable_existing_loggers: true
)yaml";

// `root: null`: logging is left as it is (for job_logging: the HYDRA setup, and no log file).
constexpr std::string_view kLoggingNone = R"yaml(version: 1
root: null
disable_existing_loggers: false
)yaml";

constexpr std::string_view kBasicLauncher = "_target_: hydra.launchers.BasicLauncher\n";

constexpr std::string_view kBasicSweeper = R"yaml(_target_: hydra.sweepers.BasicSweeper
max_batch_size: null
params: null
)yaml";

}  // namespace

void add_default_builtin_files(std::map<std::string, std::string_view>& files, std::deque<std::string>& storage) {
  std::string hydra_config(kHydraConfig);
  std::string marker = "@VERSION@";
  hydra_config.replace(hydra_config.find(marker), marker.size(), HYDRA_VERSION);
  storage.push_back(std::move(hydra_config));
  files["hydra/config.yaml"] = storage.back();
  files["hydra/output/default.yaml"] = kOutputDefault;
  files["hydra/help/default.yaml"] = kHelpDefault;
  files["hydra/hydra_help/default.yaml"] = kHydraHelpDefault;
  files["hydra/env/default.yaml"] = "";
  files["hydra/hydra_logging/default.yaml"] = kHydraLoggingDefault;
  files["hydra/hydra_logging/disabled.yaml"] = kLoggingDisabled;
  files["hydra/hydra_logging/hydra_debug.yaml"] = kHydraLoggingHydraDebug;
  files["hydra/hydra_logging/none.yaml"] = kLoggingNone;
  files["hydra/job_logging/default.yaml"] = kJobLoggingDefault;
  files["hydra/job_logging/disabled.yaml"] = kLoggingDisabled;
  files["hydra/job_logging/none.yaml"] = kLoggingNone;
  files["hydra/job_logging/stdout.yaml"] = kJobLoggingStdout;
  files["hydra/launcher/basic.yaml"] = kBasicLauncher;
  files["hydra/sweeper/basic.yaml"] = kBasicSweeper;
}

}  // namespace hydra::internal

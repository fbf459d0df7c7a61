// Hydra's own configs (C++-adapted Hydra 1.3 defaults), served as the lowest-priority config
// source. `hydra/config.yaml` is the `hydra` node; its defaults list pulls the built-in groups
// in, so `hydra/job_logging=disabled` is an ordinary group override.
#include "config/builtin_hydra.hpp"

#ifndef HYDRA_VERSION
#define HYDRA_VERSION "0.0.0"
#endif

namespace hydra::internal {

namespace {

// `_self_` first and `{}` placeholders: keeps the documented key order of the hydra node while
// the groups fill launcher/sweeper/hydra_logging/job_logging in place.
constexpr std::string_view kHydraConfig = R"yaml(defaults:
  - _self_
  - launcher: basic
  - sweeper: basic
  - hydra_logging: default
  - job_logging: default

run:
  dir: outputs/${now:%Y-%m-%d}/${now:%H-%M-%S}
sweep:
  dir: multirun/${now:%Y-%m-%d}/${now:%H-%M-%S}
  subdir: ${hydra.job.num}
launcher: {}
sweeper: {}
help:
  app_name: ${hydra.job.name}
  header: |
    ${hydra.help.app_name} is powered by Hydra.
  footer: |
    Powered by Hydra (https://hydra.cc)
    Use --hydra-help to view Hydra specific help
  template: |
    ${hydra.help.header}
    == Configuration groups ==
    Compose your configuration from those groups (group=option)

    $APP_CONFIG_GROUPS

    == Config ==
    Override anything in the config (foo.bar=value)

    $CONFIG

    ${hydra.help.footer}
hydra_help:
  template: |
    Hydra (${hydra.runtime.version})
    See https://hydra.cc for more info.

    == Flags ==
    $FLAGS_HELP

    == Configuration groups ==
    Compose your configuration from those groups (For example, append hydra/job_logging=disabled to command line)

    $HYDRA_CONFIG_GROUPS

    Use '--cfg hydra' to Show the Hydra config.
  hydra_help: ???
hydra_logging: {}
job_logging: {}
env: {}
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

constexpr std::string_view kHydraLoggingDefault = R"yaml(version: 1
formatters:
  simple:
    format: '[%(asctime)s][HYDRA] %(message)s'
handlers:
  console:
    class: logging.StreamHandler
    formatter: simple
    stream: ext://sys.stdout
root:
  level: INFO
  handlers:
  - console
loggers:
  logging_example:
    level: DEBUG
disable_existing_loggers: false
)yaml";

constexpr std::string_view kJobLoggingDefault = R"yaml(version: 1
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
    filename: ${hydra.runtime.output_dir}/${hydra.job.name}.log
root:
  level: INFO
  handlers:
  - console
  - file
disable_existing_loggers: false
)yaml";

// `disabled: true` is the marker the logging runtime looks for.
constexpr std::string_view kLoggingDisabled = R"yaml(version: 1
disable_existing_loggers: true
disabled: true
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
  files["hydra/hydra_logging/default.yaml"] = kHydraLoggingDefault;
  files["hydra/hydra_logging/disabled.yaml"] = kLoggingDisabled;
  files["hydra/job_logging/default.yaml"] = kJobLoggingDefault;
  files["hydra/job_logging/disabled.yaml"] = kLoggingDisabled;
  files["hydra/launcher/basic.yaml"] = kBasicLauncher;
  files["hydra/sweeper/basic.yaml"] = kBasicSweeper;
}

}  // namespace hydra::internal

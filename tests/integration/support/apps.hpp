// The test apps of the integration suite, as the tests start them. Header-only: the paths are
// compile definitions of each test executable (LIFECYCLE_APP, HYDRA_TEST_PLUGIN_ROOT).
#pragma once

#include "support/process.hpp"

#include <string>
#include <vector>

namespace hydra::testing {

// The dir holding the Recorder test plugin (module lifecycle.recorder).
inline std::string lifecycle_plugin_dir() { return std::string(HYDRA_TEST_PLUGIN_ROOT) + "/lifecycle"; }

// argv of lifecycle_app with the Recorder's plugin dir, then `args`.
inline std::vector<std::string> lifecycle_argv(std::vector<std::string> args) {
  std::vector<std::string> argv = {LIFECYCLE_APP, "--plugin-dir", lifecycle_plugin_dir()};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

inline ProcessResult run_lifecycle(const std::filesystem::path& cwd, std::vector<std::string> args) {
  return run_process(lifecycle_argv(std::move(args)), cwd);
}

// The files of each job dir and of the sweep dir itself (the launcher's own .launcher/ left out):
// what every launcher must produce alike.
inline std::vector<std::string> record_files(const std::filesystem::path& sweep) {
  std::vector<std::string> out;
  for (const auto& f : list_files(sweep))
    if (f.rfind(".launcher/", 0) != 0) out.push_back(f);
  return out;
}

}  // namespace hydra::testing

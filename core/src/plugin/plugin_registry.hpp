// The plugin host: `_target_` -> module -> library file -> factory -> callback object.
// Contracts: docs/design.md "Contracts" and "Plugin host rules"; error texts: docs/spec.md §4.
#pragma once

#include <hydra/callback.hpp>
#include <hydra/config.hpp>
#include <hydra/launcher.hpp>
#include <hydra/plugin_abi.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace hydra::internal {

// Plugin dirs, highest priority first.
struct PluginSearchPath {
  std::vector<std::filesystem::path> dirs;

  // --plugin-dir (repeatable) and hydra.plugin_path, then HYDRA_PLUGIN_PATH (':'-separated,
  // ignored when getauxval(AT_SECURE)), then <exe dir>/plugins, then the installed
  // <prefix>/lib/hydra-cpp/plugins (next to libhydra_core, and the configured install prefix).
  static PluginSearchPath standard(const std::vector<std::filesystem::path>& cli_and_config_dirs);
};

// A callback made by a plugin. Its deleter owns the plugin library, so the library stays
// loaded while the object lives, and destroys the object inside the plugin.
using CallbackHandle = std::shared_ptr<Callback>;
using LauncherHandle = std::shared_ptr<Launcher>;

class PluginRegistry {
 public:
  // `app_module`: the module name that resolves to the factories of the app binary itself.
  PluginRegistry(PluginSearchPath search_path, std::string app_module);
  ~PluginRegistry();
  PluginRegistry(const PluginRegistry&) = delete;
  PluginRegistry& operator=(const PluginRegistry&) = delete;

  // Resolves `target` ("module.path.Factory") and constructs the callback with `params`.
  // `full_key` ("hydra.callbacks.my_callback") is named in errors. Throws UserError with the
  // docs/spec.md §4 message: "Error locating target '<target>'" / "Error in call to target '<target>':",
  // "full_key: <full_key>", then what would help (files tried, did-you-mean, dlerror, ABI).
  CallbackHandle create_callback(const std::string& target, const Config& params, const std::string& full_key);
  // The same for a launcher (hydra.launcher): the factory must be a HYDRA_LAUNCHER.
  LauncherHandle create_launcher(const std::string& target, const Config& params, const std::string& full_key);

  const PluginSearchPath& search_path() const;

  // Canonical paths of the library files this registry has loaded, in load order (each once).
  std::vector<std::filesystem::path> loaded_libraries() const;

 private:
  // Resolves, checks that the factory makes `kind`, constructs. The handle holds the library.
  std::shared_ptr<void> create(const std::string& target, const Config& params, const std::string& full_key,
                               plugin_abi::FactoryKind kind);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hydra::internal

// Where config files come from: the app's conf dir on disk, or the copy embedded into the
// binary at build time (so an installed app runs from any directory).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hydra::internal {

class ConfigSource {
 public:
  // A directory on disk.
  static ConfigSource directory(std::filesystem::path dir);
  // The files registered by hydra::register_embedded_config (paths relative to the conf dir).
  static ConfigSource embedded();
  // Same, naming the app in describe() ("embedded://<app>").
  static ConfigSource embedded(std::string app_name);
  // Hydra's own configs (the `hydra` node and the groups hydra/job_logging, hydra/hydra_logging,
  // hydra/launcher, hydra/sweeper). compose() always searches it last.
  static ConfigSource builtin();
  // Files held in memory (rel path -> content); `files` must outlive the source. For tests and tools.
  static ConfigSource in_memory(const std::map<std::string, std::string_view>& files, std::string name);

  // `rel` like "config.yaml" or "hydra/callbacks/my_callback.yaml".
  std::optional<std::string> read(const std::string& rel) const;
  bool is_group(const std::string& group) const;                      // "hydra/callbacks"
  std::vector<std::string> group_options(const std::string& group) const;  // names without .yaml, sorted
  std::string describe() const;
  // Every .yaml file of the source, as rel paths ("config.yaml", "db/mysql.yaml"), sorted.
  std::vector<std::string> list_files() const;  // for errors and hydra.runtime.config_sources: the dir or "embedded://<app>"
  bool is_embedded() const { return embedded_; }
  bool is_builtin() const { return builtin_; }
  bool is_directory() const { return files_ == nullptr && !builtin_; }
  // Who added the source, as hydra.runtime.config_sources names it: "main" (the app's conf),
  // "command-line" (--config-dir), "hydra.searchpath in main|command-line", "hydra" (built-in).
  const std::string& provider() const { return provider_; }
  ConfigSource& with_provider(std::string provider) {
    provider_ = std::move(provider);
    return *this;
  }
  // The path as the user wrote it (hydra.searchpath entries), shown in config_sources.
  const std::string& shown_path() const { return shown_path_; }
  ConfigSource& with_shown_path(std::string path) {
    shown_path_ = std::move(path);
    return *this;
  }
  // For in-memory sources (embedded, built-in): the stored text, valid for the process
  // lifetime; nullopt if absent or if this is a directory source.
  std::optional<std::string_view> read_view(const std::string& rel) const;
  // For the built-in source: the tree of `rel` parsed at build time (TreeWriter encoding, valid
  // for the process lifetime), if `text` (from read_view) is still the text it was parsed from.
  std::optional<std::string_view> prebuilt_tree(const std::string& rel, std::string_view text) const;

 private:
  std::optional<std::string> read_from_disk(const std::string& rel) const;
  std::filesystem::path dir_;
  bool embedded_ = false;
  bool builtin_ = false;
  std::string name_;
  std::string provider_ = "main";
  std::string shown_path_;
  const std::map<std::string, std::string_view>* files_ = nullptr;
};

// Adds (or replaces) a file of the built-in source, e.g. "hydra/launcher/process.yaml" with
// `_target_: hydra.launchers.ProcessLauncher` ... so that `hydra/launcher=process` composes.
// Call before compose() (e.g. at startup). Thread-safe.
void register_builtin_config(const std::string& rel, std::string content);

// From now on every file of a dir source is read from disk once and kept: a sweep composes each
// job from the conf files as they were when it first read them, whatever is edited later.
void snapshot_config_reads();

// The embedded files, registered before main() by generated code.
const std::map<std::string, std::string_view>& embedded_config_files();

}  // namespace hydra::internal

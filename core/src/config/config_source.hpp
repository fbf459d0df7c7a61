// Where config files come from: the app's conf dir on disk, or the copy embedded into the
// binary at build time (so an installed app runs from any directory).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hydra::internal {

class ConfigSource {
 public:
  // A directory on disk.
  static ConfigSource directory(std::filesystem::path dir);
  // The files registered by hydra::register_embedded_config (paths relative to the conf dir).
  static ConfigSource embedded();

  // `rel` like "config.yaml" or "hydra/callbacks/my_callback.yaml".
  std::optional<std::string> read(const std::string& rel) const;
  bool is_group(const std::string& group) const;                      // "hydra/callbacks"
  std::vector<std::string> group_options(const std::string& group) const;  // names without .yaml, sorted
  std::string describe() const;  // for errors and hydra.runtime.config_sources: the dir or "embedded://<app>"
  bool is_embedded() const { return embedded_; }

 private:
  std::filesystem::path dir_;
  bool embedded_ = false;
};

// The embedded files, registered before main() by generated code.
const std::map<std::string, std::string_view>& embedded_config_files();

}  // namespace hydra::internal

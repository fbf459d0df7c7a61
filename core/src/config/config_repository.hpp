// The config files of a search path, as Hydra's ConfigRepository sees them: each file loaded
// once per repository (one compose, or all the jobs of a sweep's ComposeSession), its
// `# @package` header and its defaults list parsed.
#pragma once

#include "config/config_source.hpp"

#include <hydra/config.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hydra::internal {

// One entry of a defaults list, as written.
struct DefaultEntry {
  enum class Type { Self, Config, Group };
  Type type = Type::Self;
  std::string path;                     // Config: path as written; Group: group as written
  std::optional<std::string> package;   // "@pkg"
  std::vector<std::string> options;     // Group: chosen option(s)
  bool multi = false;                   // group: [a, b]
  bool optional = false;
  bool is_override = false;
  bool null_value = false;              // group: null
  bool external = false;                // +group=option from the command line
};

struct LoadedFile {
  std::shared_ptr<const Config> tree;
  std::vector<DefaultEntry> defaults;
  std::optional<std::string> header;  // "# @package <pkg>", as written
  std::string origin;                 // for messages: full path or <source>/<rel>
};

// "a/b/c" -> "a/b"; "c" -> "".
std::string dir_of(const std::string& path);
std::string strip_slash(std::string s);

class ConfigRepository {
 public:
  explicit ConfigRepository(std::vector<ConfigSource> sources) : sources_(std::move(sources)) {}

  // `rel` is "db/mysql.yaml"; nullptr when no source has it.
  std::shared_ptr<LoadedFile> load(const std::string& rel);
  std::vector<std::string> options_of(const std::string& group) const;  // sorted, unique
  bool is_group(const std::string& group) const;
  // "Config search path: <a>, <b>"
  std::string search_path_text() const;
  // ". Available options in 'g': a, b. Did you mean g=a?" (or why there is no such group).
  std::string options_message(const std::string& group, const std::string& wanted) const;

  const std::vector<ConfigSource>& sources() const { return sources_; }
  // hydra.searchpath: searched after the app's sources, before the built-in one (searched last).
  void insert_before_builtin(const std::vector<ConfigSource>& added);

 private:
  std::vector<ConfigSource> sources_;
  std::map<std::string, std::shared_ptr<LoadedFile>> cache_;
};

}  // namespace hydra::internal

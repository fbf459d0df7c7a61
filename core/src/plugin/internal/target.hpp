// `_target_` parsing, plugin search path parsing and the candidate checks of the plugin host
// (DESIGN.md "Contracts": target resolution, search path, security). Private to core.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hydra::internal::plugin {

// `a.b.Name`: module path {a, b} (module "a.b"), factory "Name".
struct TargetName {
  std::vector<std::string> module_parts;
  std::string module;
  std::string factory;
};

// [A-Za-z_][A-Za-z0-9_]*
bool is_identifier(std::string_view text);

// Parses a `_target_`. Every dotted component must be an identifier and there must be a
// module part; otherwise returns nullopt and sets `why` to a user-facing explanation.
// Pure string work: never touches the filesystem.
std::optional<TargetName> parse_target(std::string_view target, std::string& why);

// The library file of `module_parts` under `dir`: <dir>/a/lib<b>.so for module a.b.
std::filesystem::path module_file(const std::filesystem::path& dir, const std::vector<std::string>& module_parts);

// HYDRA_PLUGIN_PATH: ':'-separated dirs, empty parts ignored; nothing when `value` is null
// or `secure` (getauxval(AT_SECURE): a setuid/setgid process must not take plugin dirs from
// the environment).
std::vector<std::filesystem::path> plugin_path_from_env(const char* value, bool secure);

// Whether `file` (an existing directory entry under `search_dir`) may be loaded: the
// canonical file stays inside the canonical search dir, is a regular file, and it and every
// directory from the search dir down to it are owned by root or the effective user and not
// group- or world-writable. Returns nullopt when fine, else why it is refused and how to fix it.
std::optional<std::string> check_candidate(const std::filesystem::path& search_dir, const std::filesystem::path& file);

// HYDRA_DEBUG_PLUGINS set (and not "0"): every decision of the host goes to stderr.
bool debug_enabled();
// Prints "[hydra plugins] <message>" to stderr when debug_enabled().
void debug_log(const std::string& message);

}  // namespace hydra::internal::plugin

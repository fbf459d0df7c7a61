// Plugin diagnostics: every candidate file on the plugin search path with its factories, ABI
// and status, or the exact reason the host would refuse it (issue 6). Used by `<app> --info
// plugins` and by the `hydra-plugins` tool. Listing reads symbols, ELF sections and manifests and
// loads no library: loading runs a library's static initializers, which is running its code.
// Only an explicit `hydra-plugins inspect FILE` loads (InventoryOptions::load): to check that it
// loads, and to list a stripped library without a manifest (Boost 1.74's library_info then lists
// nothing).
#pragma once

#include "plugin/internal/library.hpp"
#include "plugin/internal/manifest.hpp"
#include "plugin/plugin_registry.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace hydra::internal {

struct PluginCandidate {
  enum class Status {
    ok,
    shadowed,           // the same module is found earlier on the search path: that file wins
    unreachable,        // a .so no `_target_` can name (not <dir>/a/lib<b>.so with identifier parts)
    bad_permissions,    // owner, mode, symlink escape, not a regular file
    not_a_library,
    not_a_plugin,       // no hydracb section
    abi_mismatch,       // ABI major/minor, or build key
    manifest_mismatch,  // the manifest beside it disagrees with the library, or cannot be read
    load_error,         // dlopen failed: `reason` is the dlerror text
  };
  std::filesystem::path search_dir;  // empty for a file inspected on its own
  std::filesystem::path file;
  std::string module;  // "a.b" for <dir>/a/libb.so; "" when unreachable or inspected on its own
  Status status = Status::ok;
  std::string reason;  // why (with how to fix) unless ok
  std::vector<plugin::ManifestFactory> factories;  // kind "?" when not known without loading
  std::optional<plugin::AbiVersion> abi;
  std::string build_key;    // "" when not known without loading
  std::string listed_from;  // "symbol table", "manifest (stripped library)", "dynamic symbols (loaded: ...)"
  bool has_manifest = false;
  bool loaded = false;
};

const char* to_string(PluginCandidate::Status status);

struct InventoryOptions {
  bool load = false;  // dlopen each plugin that passes the other checks (inspect only): load errors, stripped lists
};

struct PluginDirReport {
  std::filesystem::path dir;
  std::string problem;  // "" or e.g. "no such directory"
  std::vector<PluginCandidate> candidates;  // sorted by path
};

// Every `*.so` file under each search dir (recursively, symlinked dirs followed to depth 8).
std::vector<PluginDirReport> scan_plugins(const PluginSearchPath& search_path, const InventoryOptions& options = {});

// One file on its own (`hydra-plugins inspect`): the security checks use its own directory.
PluginCandidate inspect_plugin_file(const std::filesystem::path& file, const InventoryOptions& options = {});

// The text of `--info plugins` (after the "Plugin search path" section): one block per dir,
// one entry per candidate, then a summary line.
std::string describe_plugins(const PluginSearchPath& search_path, const InventoryOptions& options = {});
std::string describe_plugin_reports(const std::vector<PluginDirReport>& reports);
// The text of `hydra-plugins inspect <file>`.
std::string describe_plugin_file(const PluginCandidate& candidate);

}  // namespace hydra::internal

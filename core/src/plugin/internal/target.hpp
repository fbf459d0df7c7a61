// `_target_` parsing, plugin search path parsing and the candidate checks of the plugin host
// (docs/design.md "Contracts": target resolution, search path, security). Private to core.
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

// `target` with control characters (a NUL from a YAML "\0" would cut a C string short) as \xNN.
std::string printable_target(std::string_view target);

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

// A plugin file open on the descriptor its checks were made through: loading and reading it by
// open_path() (/proc/self/fd/N) gets exactly the file that was checked, whatever happens to its
// name afterwards.
class CheckedFile {
 public:
  CheckedFile() = default;
  ~CheckedFile();
  CheckedFile(CheckedFile&& other) noexcept;
  CheckedFile& operator=(CheckedFile&& other) noexcept;
  CheckedFile(const CheckedFile&) = delete;
  CheckedFile& operator=(const CheckedFile&) = delete;

  bool is_open() const { return fd_ >= 0; }
  std::filesystem::path open_path() const;                      // /proc/self/fd/N
  const std::filesystem::path& path() const { return path_; }  // the canonical path that was checked

 private:
  friend std::optional<std::string> check_candidate(const std::filesystem::path&, const std::filesystem::path&,
                                                    CheckedFile*);
  int fd_ = -1;
  std::filesystem::path path_;
};

// Whether `file` (an existing directory entry under `search_dir`) may be loaded: the canonical
// file stays inside the canonical search dir and is a regular file; it and every directory from
// the search dir down to it are owned by root or the effective user and writable by nobody else
// (a shared sticky dir such as /tmp is refused as a plugin dir); every parent of the search dir up
// to / is owned by root or the effective user and writable by nobody else unless sticky. The walk
// goes by descriptor (openat, O_NOFOLLOW) and the file is checked through its open descriptor,
// handed out in `opened`. Returns nullopt when fine, else why it is refused and how to fix it.
std::optional<std::string> check_candidate(const std::filesystem::path& search_dir, const std::filesystem::path& file,
                                           CheckedFile* opened = nullptr);

// Tests only: called with the checked file's path right after a successful check, before the
// caller loads it (the deterministic window for a swap attempt).
void set_after_check_hook_for_tests(void (*hook)(const std::filesystem::path& checked_file));

// HYDRA_DEBUG_PLUGINS set (and not "0"): every decision of the host goes to stderr.
bool debug_enabled();
// Prints "[hydra plugins] <message>" to stderr when debug_enabled().
void debug_log(const std::string& message);

}  // namespace hydra::internal::plugin

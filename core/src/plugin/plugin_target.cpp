#include "plugin/internal/target.hpp"

#include "util/strings.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <system_error>

namespace fs = std::filesystem;

namespace hydra::internal::plugin {

bool is_identifier(std::string_view text) {
  if (text.empty()) return false;
  auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (!alpha(text[0])) return false;
  for (char c : text.substr(1))
    if (!alpha(c) && !(c >= '0' && c <= '9')) return false;
  return true;
}

std::optional<TargetName> parse_target(std::string_view target, std::string& why) {
  const char* shape = "a target is a dotted path of identifiers ([A-Za-z_][A-Za-z0-9_]*), module.Factory, "
                      "e.g. my_plugins.MyCallback";
  if (target.empty()) {
    why = "'_target_' is empty; " + std::string(shape);
    return std::nullopt;
  }
  std::vector<std::string> parts = split(target, '.');
  for (const auto& part : parts) {
    if (part.empty()) {
      why = "'" + std::string(target) + "' has an empty component; " + shape;
      return std::nullopt;
    }
    if (!is_identifier(part)) {
      why = "'" + part + "' is not an identifier; " + shape;
      return std::nullopt;
    }
  }
  if (parts.size() < 2) {
    why = "'" + std::string(target) + "' has no module part: write <module>." + parts.front() +
          " (the module names the plugin library, e.g. my_plugins." + parts.front() + ")";
    return std::nullopt;
  }
  TargetName name;
  name.factory = parts.back();
  parts.pop_back();
  name.module = join(parts, ".");
  name.module_parts = std::move(parts);
  return name;
}

fs::path module_file(const fs::path& dir, const std::vector<std::string>& module_parts) {
  fs::path file = dir;
  for (std::size_t i = 0; i + 1 < module_parts.size(); ++i) file /= module_parts[i];
  // Boost.DLL's decorations (shared_library::decorate), spelled out so errors name the exact file.
#if defined(_WIN32)
  return file / (module_parts.back() + ".dll");
#elif defined(__APPLE__)
  return file / ("lib" + module_parts.back() + ".dylib");
#else
  return file / ("lib" + module_parts.back() + ".so");
#endif
}

std::vector<fs::path> plugin_path_from_env(const char* value, bool secure) {
  std::vector<fs::path> dirs;
  if (value == nullptr || secure) return dirs;
  for (auto& part : split(value, ':'))
    if (!part.empty()) dirs.emplace_back(part);
  return dirs;
}

namespace {

std::string octal_mode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// Owner root or euid, not group/world-writable.
std::optional<std::string> check_owner_and_mode(const fs::path& path, bool is_dir) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return "cannot stat " + path.string() + ": " + std::strerror(errno);
  const char* what = is_dir ? "directory " : "file ";
  uid_t euid = ::geteuid();
  if (st.st_uid != 0 && st.st_uid != euid)
    return what + path.string() + " is owned by uid " + std::to_string(st.st_uid) + ", not by root or you (uid " +
           std::to_string(euid) + "), so someone else could replace it; chown it to root or to yourself";
  if (st.st_mode & (S_IWGRP | S_IWOTH)) {
    std::string who = (st.st_mode & S_IWOTH) ? ((st.st_mode & S_IWGRP) ? "group and others" : "others") : "group";
    return what + path.string() + " is writable by " + who + " (mode " + octal_mode(st.st_mode) +
           "), so someone else could replace the plugin; fix with: chmod go-w '" + path.string() + "'";
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> check_candidate(const fs::path& search_dir, const fs::path& file) {
  std::error_code ec;
  fs::path dir_c = fs::canonical(search_dir, ec);
  if (ec) return "cannot resolve the search dir " + search_dir.string() + ": " + ec.message();
  fs::path file_c = fs::canonical(file, ec);
  if (ec)
    return "cannot resolve " + file.string() + " (" + ec.message() +
           "; a dangling symlink?); point it at an existing library or remove it";

  // Inside the search dir, component by component.
  auto [dir_end, file_it] = std::mismatch(dir_c.begin(), dir_c.end(), file_c.begin(), file_c.end());
  if (dir_end != dir_c.end() || file_it == file_c.end())
    return "it resolves to " + file_c.string() + ", outside the search dir " + dir_c.string() +
           " (a symlink escapes it); copy the library into the search dir, or add its real directory to the "
           "plugin path";

  struct stat st {};
  if (::stat(file_c.c_str(), &st) != 0) return "cannot stat " + file_c.string() + ": " + std::strerror(errno);
  if (!S_ISREG(st.st_mode)) return file_c.string() + " is not a regular file; a plugin must be a library file";

  // The search dir and every directory below it on the way to the file, then the file.
  fs::path dir = dir_c;
  if (auto why = check_owner_and_mode(dir, true)) return why;
  fs::path parent = file_c.parent_path();
  for (auto it = file_it; it != file_c.end(); ++it) {
    if (dir == parent) break;
    dir /= *it;
    if (auto why = check_owner_and_mode(dir, true)) return why;
  }
  return check_owner_and_mode(file_c, false);
}

bool debug_enabled() {
  const char* value = std::getenv("HYDRA_DEBUG_PLUGINS");
  return value != nullptr && *value != '\0' && std::strcmp(value, "0") != 0;
}

void debug_log(const std::string& message) {
  if (debug_enabled()) std::cerr << "[hydra plugins] " << message << std::endl;
}

}  // namespace hydra::internal::plugin

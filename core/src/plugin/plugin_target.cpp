#include "plugin/internal/target.hpp"

#include "util/strings.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <system_error>
#include <utility>

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

std::string printable_target(std::string_view target) {
  std::string out;
  for (char c : target) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", byte);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<TargetName> parse_target(std::string_view target, std::string& why) {
  const char* shape = "a target is a dotted path of identifiers ([A-Za-z_][A-Za-z0-9_]*), module.Factory, "
                      "e.g. my_plugins.MyCallback";
  for (std::size_t i = 0; i < target.size(); ++i) {
    const auto byte = static_cast<unsigned char>(target[i]);
    if (byte < 0x20 || byte == 0x7f) {
      why = "'" + printable_target(target) + "' holds a control character (" + printable_target(target.substr(i, 1)) +
            " at offset " + std::to_string(i) + "); " + shape;
      return std::nullopt;
    }
  }
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

std::string who_can_write(mode_t mode) {
  return (mode & S_IWOTH) ? ((mode & S_IWGRP) ? "group and others" : "others") : "group";
}

// Owner root or euid: nobody else can chmod it or (for a dir) replace what is in it.
std::optional<std::string> check_owner(const fs::path& path, const struct stat& st, const char* what) {
  const uid_t euid = ::geteuid();
  if (st.st_uid == 0 || st.st_uid == euid) return std::nullopt;
  return what + path.string() + " is owned by uid " + std::to_string(st.st_uid) + ", not by root or you (uid " +
         std::to_string(euid) + "), so someone else could replace it; chown it to root or to yourself";
}

// The search dir, the dirs below it on the way to the file, and the file: owned by root or euid
// and writable by nobody else. A shared sticky dir such as /tmp fails here with its own advice:
// anyone may add a library to it, and chmod go-w would break it for everybody.
std::optional<std::string> check_strict(const fs::path& path, const struct stat& st, bool is_dir) {
  const char* what = is_dir ? "directory " : "file ";
  if (auto why = check_owner(path, st, what)) return why;
  if (!(st.st_mode & (S_IWGRP | S_IWOTH))) return std::nullopt;
  if (is_dir && (st.st_mode & S_ISVTX))
    return what + path.string() + " is a shared directory (mode " + octal_mode(st.st_mode) + ": sticky, writable by " +
           who_can_write(st.st_mode) + "), so anyone can put a library in it; keep plugins in a directory only you "
           "can write, e.g. mkdir -m 0755 " + (path / "my-plugins").string() + ", and name that one";
  return what + path.string() + " is writable by " + who_can_write(st.st_mode) + " (mode " + octal_mode(st.st_mode) +
         "), so someone else could replace the plugin; fix with: chmod go-w '" + path.string() + "'";
}

// A parent of the search dir, up to /: owned by root or euid, and writable by nobody else unless
// sticky (as sudo checks). In a sticky dir others cannot rename or remove an entry they do not
// own, and the entry below it (the next dir down) is itself checked to be root's or ours.
std::optional<std::string> check_parent(const fs::path& path, const struct stat& st, const fs::path& search_dir) {
  if (auto why = check_owner(path, st, "directory ")) return *why + " (it is a parent of the search dir " + search_dir.string() + ")";
  if (!(st.st_mode & (S_IWGRP | S_IWOTH)) || (st.st_mode & S_ISVTX)) return std::nullopt;
  return "directory " + path.string() + ", a parent of the search dir " + search_dir.string() + ", is writable by " +
         who_can_write(st.st_mode) + " (mode " + octal_mode(st.st_mode) + "), so someone else could move the plugin "
         "directory away and put another in its place; fix with: chmod go-w '" + path.string() +
         "' (or chmod +t), or keep plugins elsewhere";
}

}  // namespace

CheckedFile::~CheckedFile() {
  if (fd_ >= 0) ::close(fd_);
}

CheckedFile::CheckedFile(CheckedFile&& other) noexcept : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

CheckedFile& CheckedFile::operator=(CheckedFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

fs::path CheckedFile::open_path() const { return "/proc/self/fd/" + std::to_string(fd_); }

namespace {
void (*after_check_hook)(const fs::path&) = nullptr;
}

void set_after_check_hook_for_tests(void (*hook)(const fs::path& checked_file)) { after_check_hook = hook; }

std::optional<std::string> check_candidate(const fs::path& search_dir, const fs::path& file, CheckedFile* opened) {
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

  // Walk from / down to the file by descriptor (openat, O_NOFOLLOW: nothing on the way can be
  // swapped for a symlink between two steps), checking each dir as it is opened; the file is
  // then checked through the very descriptor that is loaded (/proc/self/fd/N).
  const fs::path root = file_c.root_path();
  int dir_fd = ::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return "cannot open " + root.string() + ": " + std::strerror(errno);
  auto close_dir = [&dir_fd] {
    if (dir_fd >= 0) ::close(dir_fd);
  };
  fs::path at = root;
  std::vector<std::string> parts;
  for (const auto& part : file_c.relative_path()) parts.push_back(part.string());
  for (std::size_t i = 0;; ++i) {
    struct stat st {};
    if (::fstat(dir_fd, &st) != 0) {
      std::string why = "cannot stat " + at.string() + ": " + std::strerror(errno);
      close_dir();
      return why;
    }
    const bool below_search_dir = std::distance(dir_c.begin(), dir_c.end()) <= static_cast<long>(i) + 1;
    auto why = below_search_dir ? check_strict(at, st, true) : check_parent(at, st, dir_c);
    if (why) {
      close_dir();
      return why;
    }
    if (i + 1 == parts.size()) break;
    const int next = ::openat(dir_fd, parts[i].c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    at /= parts[i];
    if (next < 0) {
      std::string why = "cannot open directory " + at.string() + " (" + std::strerror(errno) +
                        "): it changed while the plugin host checked it";
      close_dir();
      return why;
    }
    ::close(dir_fd);
    dir_fd = next;
  }
  const int fd = ::openat(dir_fd, parts.back().c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  const int open_errno = errno;
  close_dir();
  if (fd < 0) return "cannot open " + file_c.string() + ": " + std::strerror(open_errno);
  CheckedFile checked;
  checked.fd_ = fd;
  checked.path_ = file_c;
  struct stat st {};
  if (::fstat(fd, &st) != 0) return "cannot stat " + file_c.string() + ": " + std::strerror(errno);
  if (!S_ISREG(st.st_mode)) return file_c.string() + " is not a regular file; a plugin must be a library file";
  if (auto why = check_strict(file_c, st, false)) return why;
  if (after_check_hook) after_check_hook(file_c);
  if (opened) *opened = std::move(checked);
  return std::nullopt;
}

bool debug_enabled() {
  const char* value = std::getenv("HYDRA_DEBUG_PLUGINS");
  return value != nullptr && *value != '\0' && std::strcmp(value, "0") != 0;
}

void debug_log(const std::string& message) {
  if (debug_enabled()) std::cerr << "[hydra plugins] " << message << std::endl;
}

}  // namespace hydra::internal::plugin

// Writing output files the way the runtime does: never a half-written file.
#pragma once

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unistd.h>

namespace hydra {

// "No space left on device (ENOSPC)": the text and the errno name, so a failure can be looked up.
inline std::string describe_errno(int err) {
  std::string text = std::strerror(err);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
  if (const char* name = ::strerrorname_np(err)) text += std::string(" (") + name + ")";
#endif
  return text;
}

namespace files_detail {

inline void write_all(int fd, std::string_view content, const std::filesystem::path& path) {
  const char* data = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("Cannot write " + path.string() + ": " + describe_errno(errno));
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
}

// Closes `fd` when it goes out of scope.
struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace files_detail

// The temp name of an atomic write: `<path>.tmp.<pid>.<n>` (is_stale_temp_file recognises it).
inline std::string atomic_temp_name(const std::filesystem::path& path) {
  static std::atomic<int> counter{0};
  return path.string() + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(++counter);
}

// Writes through a temp file in the same dir + rename, so readers (and a crash) never see a
// half file. Creates the parent dir. Throws std::runtime_error naming the path.
// Where the file system has O_TMPFILE, the content is written to an unnamed file that gets its
// temp name only once complete, just before the rename: a SIGKILL while writing leaves nothing.
inline void write_file_atomic(const std::filesystem::path& path, std::string_view content) {
  std::error_code ec;
  const std::filesystem::path parent = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  if (path.has_parent_path()) std::filesystem::create_directories(parent, ec);
  if (ec) throw std::runtime_error("Cannot create " + parent.string() + ": " + describe_errno(ec.value()));
  const std::string tmp = atomic_temp_name(path);
  auto fail = [&](int err) -> void {
    ::unlink(tmp.c_str());
    throw std::runtime_error("Cannot write " + path.string() + ": " + describe_errno(err));
  };
#ifdef O_TMPFILE
  int unnamed = ::open(parent.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
  if (unnamed >= 0) {
    {
      files_detail::FdCloser closer{unnamed};
      files_detail::write_all(unnamed, content, path);
      // An O_TMPFILE file is created with mode 0644 & ~umask, like open(O_CREAT) below.
      const std::string proc = "/proc/self/fd/" + std::to_string(unnamed);
      if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, tmp.c_str(), AT_SYMLINK_FOLLOW) != 0) fail(errno);
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) fail(errno);
    return;
  }
  if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL && errno != ENOENT)
    throw std::runtime_error("Cannot write " + path.string() + ": " + describe_errno(errno));
#endif
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("Cannot write " + path.string() + ": " + describe_errno(errno));
  try {
    files_detail::write_all(fd, content, path);
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  if (::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) fail(errno);
}

}  // namespace hydra

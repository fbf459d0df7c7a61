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

// Writes through a temp file in the same dir + rename, so readers (and a crash) never see a
// half file. Creates the parent dir. Throws std::runtime_error naming the path.
inline void write_file_atomic(const std::filesystem::path& path, std::string_view content) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) throw std::runtime_error("Cannot create " + path.parent_path().string() + ": " + describe_errno(ec.value()));
  static std::atomic<int> counter{0};
  std::string tmp = path.string() + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(++counter);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("Cannot write " + path.string() + ": " + describe_errno(errno));
  const char* data = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw std::runtime_error("Cannot write " + path.string() + ": " + describe_errno(err));
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    throw std::runtime_error("Cannot write " + path.string() + ": " + describe_errno(err));
  }
}

}  // namespace hydra

// Test support for the disk-fault tests: a mount over a dir for the length of a test (a tiny or
// full tmpfs, or a read-only bind), undone when it goes out of scope. Mounting needs root; the
// tests GTEST_SKIP with why_not() where it is not allowed. Header-only.
#pragma once

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/mount.h>

namespace hydra::testing {

class ScopedMount {
 public:
  ScopedMount() = default;
  ScopedMount(const ScopedMount&) = delete;
  ScopedMount& operator=(const ScopedMount&) = delete;
  ~ScopedMount() { undo(); }

  // A tmpfs of `bytes` at `target`.
  bool tiny_tmpfs(const std::filesystem::path& target, std::size_t bytes) {
    std::filesystem::create_directories(target);
    const std::string options = "size=" + std::to_string(bytes);
    if (::mount("tmpfs", target.c_str(), "tmpfs", 0, options.c_str()) != 0) return fail("tmpfs", target);
    target_ = target;
    return true;
  }
  // A tmpfs at `target`, filled up: no write there succeeds.
  bool full_tmpfs(const std::filesystem::path& target) {
    if (!tiny_tmpfs(target, 64 * 1024)) return false;
    std::ofstream filler(target / "filler", std::ios::binary);
    const std::string block(4096, 'x');
    while (filler.write(block.data(), static_cast<std::streamsize>(block.size())) && filler.flush()) {
    }
    return true;
  }
  // `target` bound onto itself, read-only (it may be in use: what is open stays open).
  bool read_only(const std::filesystem::path& target) {
    std::filesystem::create_directories(target);
    if (::mount(target.c_str(), target.c_str(), nullptr, MS_BIND, nullptr) != 0) return fail("bind", target);
    target_ = target;
    if (::mount(nullptr, target.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) != 0)
      return fail("read-only remount", target);
    return true;
  }
  void undo() {
    if (!target_.empty()) ::umount2(target_.c_str(), MNT_DETACH);
    target_.clear();
  }
  const std::string& why_not() const { return why_not_; }

 private:
  bool fail(const std::string& what, const std::filesystem::path& target) {
    why_not_ = "cannot " + what + " mount " + target.string() + ": " + std::strerror(errno) +
               " (needs root and mount permission)";
    return false;
  }
  std::filesystem::path target_;
  std::string why_not_;
};

}  // namespace hydra::testing

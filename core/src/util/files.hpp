// File helpers shared by every area that writes outputs.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace hydra::internal {

// hydra::write_file_atomic (SDK), with a failure as an OutputError naming the path.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);

// create_directories, with a failure as an OutputError: "Cannot create <what> <dir>: <errno text>".
void create_dirs(const std::filesystem::path& dir, const std::string& what = "");

// Creates `dir` as a dir of this run's own: mkdir of the leaf is the atomic claim. When the leaf
// already exists (another run computed the same time-stamped path), claims the first free
// `<dir>_1`, `<dir>_2`... instead and returns the dir it claimed.
std::filesystem::path claim_new_dir(const std::filesystem::path& dir);

// Removes what atomic writes of dead processes left under `dir` (`<name>.tmp.<pid>.<n>`, down to
// `depth` levels): a SIGKILL between naming a temp file and renaming it. Temp files of live
// processes are theirs and stay. Returns how many were removed.
std::size_t remove_stale_temp_files(const std::filesystem::path& dir, int depth);

// An exclusive flock(2) on the dir `dir` for this object's lifetime: one sweep at a time in a
// dir. The kernel releases it when the holder dies, so a dead holder never blocks, and no file is
// left. `on_wait()` is called once if another process holds it, then this waits until it is free.
// Throws OutputError if the dir cannot be opened.
class DirLock {
 public:
  template <class OnWait>
  DirLock(const std::filesystem::path& dir, OnWait&& on_wait) : dir_(dir) {
    if (!try_lock()) {
      on_wait();
      wait();
    }
  }
  ~DirLock();
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;

 private:
  bool try_lock();
  void wait();
  std::filesystem::path dir_;
  int fd_ = -1;
};

// The whole file, or nullopt when it cannot be opened or is not a regular file. Composition reads
// config files through it: every compose looks up each of Hydra's group files in the app's dirs
// first, so a miss costs one failed open(); a hit, one fstat and one read (no stream buffer, no copy).
std::optional<std::string> read_regular_file(const std::filesystem::path& path);

// The whole file, or throws UserError naming the path.
std::string read_file(const std::filesystem::path& path);

}  // namespace hydra::internal

#include "util/files.hpp"

#include "util/errors.hpp"

#include <hydra/files.hpp>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hydra::internal {

void write_file_atomic(const std::filesystem::path& path, std::string_view content) {
  try {
    hydra::write_file_atomic(path, content);
  } catch (const std::runtime_error& e) {
    throw OutputError(e.what());
  }
}

namespace {

// mkdir says only "File exists" when a dangling symlink is in the way: name it.
std::string in_the_way(const std::filesystem::path& dir, const std::string& otherwise) {
  std::error_code ec;
  for (std::filesystem::path at = dir; !at.empty() && at != at.root_path(); at = at.parent_path()) {
    if (std::filesystem::is_symlink(std::filesystem::symlink_status(at, ec)) && !std::filesystem::exists(at, ec))
      return at.string() + " is a dangling symlink (to " + std::filesystem::read_symlink(at, ec).string() +
             "); remove it or point it at a directory";
  }
  return otherwise;
}

}  // namespace

void create_dirs(const std::filesystem::path& dir, const std::string& what) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw OutputError("Cannot create " + (what.empty() ? "" : what + " ") + dir.string() + ": " +
                            in_the_way(dir, hydra::describe_errno(ec.value())));
}

std::filesystem::path claim_new_dir(const std::filesystem::path& dir) {
  if (dir.has_parent_path()) create_dirs(dir.parent_path());
  for (int n = 0;; ++n) {
    std::filesystem::path candidate = n == 0 ? dir : std::filesystem::path(dir.string() + "_" + std::to_string(n));
    if (::mkdir(candidate.c_str(), 0777) == 0) return candidate;
    const int err = errno;
    // EEXIST on a dir: another run's (or an earlier one's), try the next name; else a real failure.
    if (err == EEXIST && std::filesystem::is_directory(candidate)) continue;
    throw OutputError("Cannot create the output dir " + candidate.string() + ": " +
                      in_the_way(candidate, err == EEXIST ? "a file of that name is in the way" : hydra::describe_errno(err)));
  }
}

namespace {

// `<name>.tmp.<pid>.<n>` as hydra::write_file_atomic names its temp files: the pid, else 0.
long temp_file_owner(const std::string& name) {
  const auto tmp = name.rfind(".tmp.");
  if (tmp == std::string::npos) return 0;
  const std::string rest = name.substr(tmp + 5);
  const auto dot = rest.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == rest.size()) return 0;
  if (rest.find_first_not_of("0123456789.") != std::string::npos || rest.find('.', dot + 1) != std::string::npos)
    return 0;
  try {
    return std::stol(rest.substr(0, dot));
  } catch (const std::exception&) {
    return 0;
  }
}

bool process_is_gone(long pid) { return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH; }

}  // namespace

std::size_t remove_stale_temp_files(const std::filesystem::path& dir, int depth) {
  namespace fs = std::filesystem;
  std::size_t removed = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    if (it.depth() >= depth) it.disable_recursion_pending();
    const long owner = temp_file_owner(it->path().filename().string());
    if (owner <= 0 || owner == ::getpid() || !process_is_gone(owner)) continue;
    std::error_code ignored;
    if (it->is_regular_file(ignored) && fs::remove(it->path(), ignored)) ++removed;
  }
  return removed;
}

bool DirLock::try_lock() {
  fd_ = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd_ < 0) throw OutputError("Cannot lock " + dir_.string() + ": " + hydra::describe_errno(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) return true;
  if (errno == EWOULDBLOCK) return false;
  const int err = errno;
  ::close(fd_);
  throw OutputError("Cannot lock " + dir_.string() + ": " + hydra::describe_errno(err));
}

void DirLock::wait() {
  while (::flock(fd_, LOCK_EX) != 0)
    if (errno != EINTR) throw OutputError("Cannot lock " + dir_.string() + ": " + hydra::describe_errno(errno));
}

DirLock::~DirLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the lock
}

std::optional<std::string> read_regular_file(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat info {};
  std::optional<std::string> text;
  if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode)) {
    text.emplace();
    text->resize(static_cast<std::size_t>(info.st_size));
    std::size_t filled = 0;
    for (;;) {
      if (filled == text->size()) text->resize(filled + 4096);  // the file grew since fstat
      ssize_t got = ::read(fd, text->data() + filled, text->size() - filled);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) break;
      filled += static_cast<std::size_t>(got);
    }
    text->resize(filled);
  }
  ::close(fd);
  return text;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError("Cannot read " + path.string() + ": " + std::strerror(errno));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace hydra::internal

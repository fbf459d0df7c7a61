#include "util/files.hpp"

#include "util/errors.hpp"

#include <hydra/files.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
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

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError("Cannot read " + path.string() + ": " + std::strerror(errno));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace hydra::internal

#include "util/files.hpp"

#include "util/errors.hpp"

#include <hydra/files.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace hydra::internal {

void write_file_atomic(const std::filesystem::path& path, std::string_view content) {
  try {
    hydra::write_file_atomic(path, content);
  } catch (const std::runtime_error& e) {
    throw UserError(e.what());
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

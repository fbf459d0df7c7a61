// Errors that stop a run before (or instead of) the job: the message is shown as is, exit 1.
#pragma once

#include <stdexcept>
#include <string>

namespace hydra::internal {

// Bad input from the user (config, command line, plugin). what() is the complete message,
// possibly several lines; the first names the file/key/target, the rest say what would help.
class UserError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An output file or dir could not be written (disk full, read-only file system...): what()
// names the path and the errno. In a job it fails that job rather than the whole sweep.
class OutputError : public UserError {
 public:
  using UserError::UserError;
};

}  // namespace hydra::internal

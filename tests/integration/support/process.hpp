// Test support: run the real binaries (posix_spawn, no shell) in a scratch dir and capture
// stdout, stderr and the exit status; send signals to a running child.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <sys/types.h>

namespace hydra::testing {

struct ProcessResult {
  int exit_code = -1;  // -1 if killed by a signal
  int signal = 0;
  std::string out;
  std::string err;
};

class ChildProcess {
 public:
  // env: variables to set (an empty value unsets). The child inherits the rest.
  ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
               const std::map<std::string, std::string>& env = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Reads until stdout contains `marker` `times` times (true) or the timeout passes / the child
  // closes it (false).
  bool wait_for_output(const std::string& marker, std::chrono::milliseconds timeout, std::size_t times = 1);
  void send_signal(int sig);
  // What the child wrote to stdout so far (grows with wait_for_output and wait).
  const std::string& out_so_far() const { return result_.out; }
  // Reads everything and reaps the child; kills it after `timeout`.
  ProcessResult wait(std::chrono::milliseconds timeout = std::chrono::seconds(60));

 private:
  bool pump(std::chrono::milliseconds timeout);  // one poll round; false when both pipes closed

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  ProcessResult result_;
  bool reaped_ = false;
};

ProcessResult run_process(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                          const std::map<std::string, std::string>& env = {});

// `argv` run by /bin/sh after `setup` (`ulimit -n 64`, `unset SLURM_CONF`): what a test needs
// the shell for, with every argument quoted.
ProcessResult run_after_shell_setup(const std::string& setup, const std::vector<std::string>& argv,
                                    const std::filesystem::path& cwd);

// A fresh empty dir under the build tree, removed when the test ends.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Every regular file under `root`, relative to it, sorted ('/'-separated).
std::vector<std::string> list_files(const std::filesystem::path& root);
std::string read_text(const std::filesystem::path& path);
// Lines of `text` without the trailing newline.
std::vector<std::string> lines_of(const std::string& text);

}  // namespace hydra::testing

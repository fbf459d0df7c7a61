// hydra.launchers.SlurmLauncher: a batch of jobs as one SLURM job array (docs/spec.md §9; issue #5).
//
// Submission: `sbatch --parsable --array=<indices>%<array_parallelism> ... <script>`, where the
// script is NOT a shell script: its first line is `#!<app> --run-job-script`, so each array task
// execs the app itself, which reads the job spec path from the script's next lines
// (core/src/launch/job_process.hpp). Array index i runs the job with num i + task_offset.
// Task output: <sweep dir>/.launcher/slurm_<array id>_<task>.out.
//
// Waiting: poll `squeue -h -r -t all -j <id>` (bounded interval) until every task is in a final
// state (COMPLETING is not final), read each final task with `scontrol show job -o <id>`, and
// decide on the STATE, never on the exit code alone. Never `sbatch --wait` (see
// the SLURM notes in docs/design.md). Every external command runs from an argv through
// posix_spawnp — no shell — with a time bound; every wait has an overall bound.
#include <hydra/launcher.hpp>
#include <hydra/logging.hpp>
#include <hydra/plugin.hpp>

#include "slurm_output.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <poll.h>
#include <spawn.h>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;
using Seconds = std::chrono::duration<double>;

// ------------------------------------------------------------------------------------------------
// External commands: argv -> posix_spawnp, stdout/stderr captured, bounded in time.

struct CommandResult {
  int spawn_error = 0;  // errno of posix_spawnp (ENOENT: not on PATH)
  bool timed_out = false;
  int exit_code = -1;   // -1 if it died by a signal
  int signal = 0;
  std::string out;
  std::string err;
  bool ok() const { return spawn_error == 0 && !timed_out && exit_code == 0; }
};

std::string join_argv(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) out += (out.empty() ? "" : " ") + a;
  return out;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r' || s.back() == '\t')) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t')) ++i;
  return s.substr(i);
}

CommandResult run_command(const std::vector<std::string>& argv, Seconds timeout) {
  CommandResult result;
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    result.spawn_error = errno;
    return result;
  }
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    result.spawn_error = errno;
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return result;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Own process group: the terminal's Ctrl-C reaches only us, so our scancel is not killed by it.
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  std::vector<char*> args;
  std::vector<std::string> copy = argv;
  for (auto& a : copy) args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (rc != 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    result.spawn_error = rc;
    return result;
  }
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(timeout);
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_fds = 2;
  char buf[8192];
  while (open_fds > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      result.timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    int n = ::poll(fds, 2, static_cast<int>(std::min<long long>(left, 1000)));
    if (n < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got > 0) {
        sinks[i]->append(buf, static_cast<std::size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) ::close(f.fd);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

// "`sbatch ...` failed (exit 1): <stderr>" — what the host prints as the error.
std::string command_error(const std::vector<std::string>& argv, const CommandResult& r) {
  std::string what = "SLURM launcher: `" + join_argv(argv) + "` ";
  if (r.spawn_error == ENOENT)
    return what + "cannot run: '" + argv[0] +
           "' not found on PATH (install SLURM's client tools — Debian: slurm-client; in this repo: "
           "cmake/setup-deps.sh --slurm — and set SLURM_CONF for the cluster)";
  if (r.spawn_error != 0) return what + "cannot run: " + std::strerror(r.spawn_error);
  if (r.timed_out) return what + "did not finish in time (is the SLURM controller reachable? SLURM_CONF?)";
  std::string detail = trim(r.err.empty() ? r.out : r.err);
  if (r.signal) return what + "died by signal " + std::to_string(r.signal) + (detail.empty() ? "" : ": " + detail);
  return what + "failed (exit " + std::to_string(r.exit_code) + ")" + (detail.empty() ? "" : ": " + detail);
}

// ------------------------------------------------------------------------------------------------
// SLURM's answers.

// "[D-]HH:MM:SS" -> seconds
double parse_run_time(const std::string& s) {
  int d = 0, h = 0, m = 0, sec = 0;
  if (std::sscanf(s.c_str(), "%d-%d:%d:%d", &d, &h, &m, &sec) == 4) return ((d * 24 + h) * 60 + m) * 60.0 + sec;
  if (std::sscanf(s.c_str(), "%d:%d:%d", &h, &m, &sec) == 3) return (h * 60 + m) * 60.0 + sec;
  return 0;
}

// "2026-11-29T18:24:58" (local time)
std::optional<std::chrono::system_clock::time_point> parse_slurm_time(const std::string& s) {
  std::tm tm{};
  const char* end = ::strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!end || *end != '\0') return std::nullopt;
  tm.tm_isdst = -1;
  std::time_t t = std::mktime(&tm);
  if (t == static_cast<std::time_t>(-1)) return std::nullopt;
  return std::chrono::system_clock::from_time_t(t);
}

std::string signal_name(int sig) {
  const char* abbrev = ::sigabbrev_np(sig);
  return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

// "0-3,5,7-9": sorted, distinct indices as SLURM's --array takes them.
std::string array_ranges(std::vector<long> indices) {
  std::sort(indices.begin(), indices.end());
  std::string out;
  for (std::size_t i = 0; i < indices.size();) {
    std::size_t j = i;
    while (j + 1 < indices.size() && indices[j + 1] == indices[j] + 1) ++j;
    out += (out.empty() ? "" : ",") + std::to_string(indices[i]);
    if (j > i) out += "-" + std::to_string(indices[j]);
    i = j + 1;
  }
  return out;
}

// "3/10 done, 1 failed, 2 running" on stderr, redrawn in place, only on a terminal.
class ProgressLine {
 public:
  explicit ProgressLine(std::size_t total) : total_(total), enabled_(::isatty(STDERR_FILENO) == 1) {}
  void update(std::size_t done, std::size_t failed, std::size_t running) {
    if (!enabled_ || (done == done_ && failed == failed_ && running == running_ && drawn_)) return;
    done_ = done, failed_ = failed, running_ = running, drawn_ = true;
    std::fprintf(stderr, "\r\033[K[hydra] SLURM: %zu/%zu done, %zu failed, %zu running, %zu queued", done, total_,
                 failed, running, total_ - done - running);
    std::fflush(stderr);
  }
  void finish() {
    if (!enabled_ || !drawn_) return;
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
  }

 private:
  std::size_t total_;
  bool enabled_;
  std::size_t done_ = 0, failed_ = 0, running_ = 0;
  bool drawn_ = false;
};

// One sbatch --array: jobs whose num - offset is the array index.
struct Array {
  std::string id;
  long offset = 0;
  std::vector<std::size_t> jobs;  // indices into the batch
};

struct Task {
  std::size_t array = 0;  // into arrays
  long task_id = 0;
  std::string state = "PENDING";  // last state squeue reported
  bool in_rest = false;           // ended in the array's own record (cancelled while pending)
  int final_polls = 0;            // polls squeue said final but scontrol did not (yet)
  bool done = false;
};

enum class StopCause { none, interrupt, max_wait };

}  // namespace

class SlurmLauncher : public hydra::Launcher {
 public:
  explicit SlurmLauncher(const hydra::Config& params) {
    partition_ = hydra::get_or<std::string>(params, "partition", "");
    timeout_min_ = hydra::get_or<long>(params, "timeout_min", 0);
    if (timeout_min_ < 0) throw std::invalid_argument("hydra.launcher.timeout_min must be >= 1 minute (or null: the partition's limit)");
    cpus_per_task_ = hydra::get_or<long>(params, "cpus_per_task", 0);
    if (cpus_per_task_ < 0) throw std::invalid_argument("hydra.launcher.cpus_per_task must be a positive number (or null)");
    mem_gb_ = hydra::get_or<double>(params, "mem_gb", 0.0);
    if (mem_gb_ < 0 || !std::isfinite(mem_gb_)) throw std::invalid_argument("hydra.launcher.mem_gb must be a positive number of GiB (or null)");
    array_parallelism_ = hydra::get_or<long>(params, "array_parallelism", 256);
    if (array_parallelism_ < 1) throw std::invalid_argument("hydra.launcher.array_parallelism must be >= 1");
    max_array_size_ = hydra::get_or<long>(params, "max_array_size", 1000);
    if (max_array_size_ < 1) throw std::invalid_argument("hydra.launcher.max_array_size must be >= 1");
    poll_interval_s_ = hydra::get_or<double>(params, "poll_interval_s", 1.0);
    if (!(poll_interval_s_ >= 0.05 && poll_interval_s_ <= 60))
      throw std::invalid_argument("hydra.launcher.poll_interval_s must be between 0.05 and 60 seconds");
    max_wait_min_ = hydra::get_or<double>(params, "max_wait_min", 0.0);
    if (max_wait_min_ < 0 || !std::isfinite(max_wait_min_))
      throw std::invalid_argument("hydra.launcher.max_wait_min must be > 0 minutes (or null: derived from timeout_min)");
    interrupt_grace_s_ = hydra::get_or<double>(params, "interrupt_grace_s", 20.0);
    if (!(interrupt_grace_s_ >= 0 && interrupt_grace_s_ <= 3600))
      throw std::invalid_argument("hydra.launcher.interrupt_grace_s must be between 0 and 3600 seconds");
    command_timeout_s_ = hydra::get_or<double>(params, "command_timeout_s", 60.0);
    if (!(command_timeout_s_ >= 1 && command_timeout_s_ <= 3600))
      throw std::invalid_argument("hydra.launcher.command_timeout_s must be between 1 and 3600 seconds");
    if (auto extra = params.get_child_optional("additional_parameters")) {
      if (extra->data().kind() != hydra::NodeKind::Null && !hydra::is_map(*extra))
        throw std::invalid_argument("hydra.launcher.additional_parameters must be a map of sbatch options");
      for (const auto& [key, value] : *extra) add_parameter(key, value);
    }
  }

  std::vector<hydra::JobReturn> launch(std::span<const hydra::JobRequest> jobs,
                                       hydra::LaunchContext& context) override {
    if (jobs.empty()) return {};
    auto log = hydra::get_logger("hydra");
    // sbatch retries a missing config file for 60 s before it gives up: say so at once.
    if (const char* conf = std::getenv("SLURM_CONF"); conf && *conf && !fs::exists(conf))
      throw std::runtime_error(std::string("SLURM launcher: SLURM_CONF=") + conf +
                               " does not exist (is the cluster set up? cmake/slurm/start-local-slurm.sh starts a local one)");
    const fs::path launcher_dir = context.launcher_dir();

    // Spec files first (one per job), then one array per max_array_size jobs. The spec files
    // are named job_<num><sweep identity>.spec: the array script names them all with %a.
    std::string app;
    std::string spec_identity;  // what follows job_<num> in every spec file name of this sweep
    for (const auto& job : jobs) {
      std::vector<std::string> argv = context.job_command(job);
      const std::string prefix = "job_" + std::to_string(job.num);
      const fs::path spec = argv.size() == 3 ? fs::path(argv[2]) : fs::path();
      const std::string name = spec.filename().string();
      const bool expected = argv.size() == 3 && argv[1] == "--run-job" && spec.parent_path() == launcher_dir &&
                            name.starts_with(prefix) && name.ends_with(".spec") &&
                            (spec_identity.empty() || name.substr(prefix.size()) == spec_identity);
      if (!expected)
        throw std::logic_error("SLURM launcher: unexpected job command for job #" + std::to_string(job.num) + ": " +
                               join_argv(argv) + " (expected <app> --run-job " + (launcher_dir / prefix).string() +
                               (spec_identity.empty() ? "<sweep id>.spec" : spec_identity) + ")");
      spec_identity = name.substr(prefix.size());
      app = argv[0];
    }
    check_interpreter(app);
    const std::string spec_pattern = (launcher_dir / ("job_%a" + spec_identity)).string();
    if (spec_pattern.find('\n') != std::string::npos)
      throw std::invalid_argument("SLURM launcher: the sweep dir must not contain a newline: " + launcher_dir.string());
    // The array scripts carry the sweep's identity too (job_<num>.<id>.spec -> array_<num>.<id>.job).
    const std::string script_identity = spec_identity.substr(0, spec_identity.size() - std::string(".spec").size());

    std::vector<Array> arrays;
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      const long num = jobs[i].num;
      if (arrays.empty() || static_cast<long>(arrays.back().jobs.size()) >= max_array_size_ ||
          num - arrays.back().offset >= max_array_size_ || num < arrays.back().offset) {
        arrays.push_back(Array{"", num, {}});
      }
      arrays.back().jobs.push_back(i);
    }

    const std::string job_name = hydra::get_or<std::string>(context.sweep_config(), "hydra.job.name", "hydra");
    std::vector<std::optional<hydra::JobReturn>> unsubmitted(jobs.size());
    for (std::size_t a = 0; a < arrays.size(); ++a) {
      Array& array = arrays[a];
      const fs::path script =
          launcher_dir / ("array_" + std::to_string(jobs[array.jobs.front()].num) + script_identity + ".job");
      write_script(script, app, spec_pattern, array.offset);
      std::vector<long> indices;
      for (std::size_t i : array.jobs) indices.push_back(jobs[i].num - array.offset);
      std::vector<std::string> argv = sbatch_argv(array_ranges(indices), job_name, launcher_dir, script);
      CommandResult r = run_command(argv, Seconds(command_timeout_s_));
      const std::optional<std::string> id = hydra_slurm::parse_sbatch_id(r.out);
      // sbatch ran and said no (rather than failing to run, hanging or dying).
      const bool refused = r.spawn_error == 0 && !r.timed_out && r.signal == 0 && r.exit_code != 0;
      if (refused && hydra_slurm::sbatch_found_no_cluster(r.err)) {
        cancel_all(arrays);  // arrays submitted before this one
        throw std::runtime_error("SLURM launcher: no SLURM cluster is reachable (sbatch: " +
                                 hydra_slurm::sbatch_reason(r.err) +
                                 "). Point SLURM_CONF at your cluster's slurm.conf, or start a local one: see the "
                                 "README's 'Try the SLURM launcher locally' (cmake/slurm/start-local-slurm.sh)");
      }
      if (refused) {
        // sbatch refused (bad partition, too much memory, ...): every job not submitted
        // is FAILED with sbatch's reason; the arrays already submitted are waited for as usual.
        reject_unsubmitted(jobs, arrays, a, join_argv(argv), command_error(argv, r), hydra_slurm::sbatch_reason(r.err), context,
                           unsubmitted);
        break;
      }
      if (!r.ok() || !id) {
        std::string message = r.ok() ? "SLURM launcher: `" + join_argv(argv) + "` printed no job id: '" + trim(r.out) + "'"
                                     : command_error(argv, r);
        cancel_all(arrays);  // arrays submitted before this one
        throw std::runtime_error(message);
      }
      array.id = *id;
      log->info("Submitted SLURM job array {} ({} tasks; output: {}/slurm_{}_<task>.out)", *id, array.jobs.size(),
                launcher_dir.string(), *id);
      for (std::size_t i : array.jobs) {
        std::string overrides;
        for (const auto& o : jobs[i].overrides) overrides += (overrides.empty() ? "" : " ") + o;
        log->info("\t#{} : {}", jobs[i].num, overrides);
      }
    }
    return wait_for(jobs, arrays, context, launcher_dir, std::move(unsubmitted));
  }

 private:
  // ----------------------------------------------------------------------------- submission --

  // sbatch refused arrays[first]: it and the arrays after it (which would be refused alike) are
  // not submitted; each of their jobs gets a FAILED JobReturn naming sbatch's reason.
  void reject_unsubmitted(std::span<const hydra::JobRequest> jobs, std::vector<Array>& arrays, std::size_t first,
                          const std::string& argv, const std::string& error, const std::string& reason,
                          hydra::LaunchContext& context,
                          std::vector<std::optional<hydra::JobReturn>>& results) const {
    const std::string message = "not submitted: sbatch refused the job array: " + (reason.empty() ? error : reason);
    hydra::get_logger("hydra")->error("SLURM launcher: sbatch refused the job array ({}): `{}`", reason, argv);
    for (std::size_t a = first; a < arrays.size(); ++a)
      for (std::size_t i : arrays[a].jobs) {
        results[i] = context.failed_job_return(
            jobs[i], hydra::JobError{hydra::FailureReason::cancelled, "sbatch", message, 0},
            std::chrono::system_clock::now(), Seconds(0));
        context.job_finished(*results[i]);
      }
    arrays.resize(first);
  }

  void add_parameter(const std::string& key, const hydra::Config& value) {
    if (key.empty() || key.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != std::string::npos)
      throw std::invalid_argument("hydra.launcher.additional_parameters: '" + key + "' is not an sbatch option name");
    std::string option = key;
    std::replace(option.begin(), option.end(), '_', '-');  // as submitit: mail_type -> --mail-type
    if (option == "wait" || option == "wrap")
      throw std::invalid_argument("hydra.launcher.additional_parameters: --" + option +
                                  " is not allowed (the launcher polls squeue instead of sbatch --wait, and tasks run "
                                  "the app without a shell)");
    static const char* const reserved[] = {"array", "parsable", "output", "error", "chdir", "job-name"};
    for (const char* r : reserved)
      if (option == r)
        throw std::invalid_argument("hydra.launcher.additional_parameters: --" + option +
                                    " is set by the SLURM launcher itself and cannot be overridden");
    const hydra::Value& v = value.data();
    if (!v.is_scalar() && v.kind() != hydra::NodeKind::Null)
      throw std::invalid_argument("hydra.launcher.additional_parameters." + key + " must be a scalar (sbatch --" + option + "=<value>)");
    if (v.kind() == hydra::NodeKind::Null) return;
    if (v.kind() == hydra::NodeKind::Bool) {
      if (auto on = value.get_value_optional<bool>(); on && *on) extra_.push_back("--" + option);
      return;
    }
    extra_.push_back("--" + option + "=" + v.text());
  }

  std::vector<std::string> sbatch_argv(const std::string& indices, const std::string& job_name,
                                       const fs::path& launcher_dir, const fs::path& script) const {
    const std::string output = (launcher_dir / "slurm_%A_%a.out").string();
    std::vector<std::string> argv = {"sbatch",
                                     "--parsable",
                                     "--array=" + indices + "%" + std::to_string(array_parallelism_),
                                     "--job-name=" + job_name,
                                     "--output=" + output,
                                     "--error=" + output,
                                     "--chdir=" + fs::current_path().string()};
    if (!partition_.empty()) argv.push_back("--partition=" + partition_);
    if (timeout_min_ > 0) argv.push_back("--time=" + std::to_string(timeout_min_));
    if (cpus_per_task_ > 0) argv.push_back("--cpus-per-task=" + std::to_string(cpus_per_task_));
    if (mem_gb_ > 0) {
      const double mib = mem_gb_ * 1024;
      argv.push_back(mem_gb_ == std::floor(mem_gb_) ? "--mem=" + std::to_string(static_cast<long long>(mem_gb_)) + "G"
                                                    : "--mem=" + std::to_string(static_cast<long long>(std::ceil(mib))) + "M");
    }
    argv.insert(argv.end(), extra_.begin(), extra_.end());
    argv.push_back(script.string());
    return argv;
  }

  // The kernel runs `#!<interpreter> <one optional argument>`: the app path must be one word and
  // the line must fit the kernel's limit.
  static void check_interpreter(const std::string& app) {
    if (app.empty() || app[0] != '/' || app.find_first_of(" \t\n") != std::string::npos)
      throw std::invalid_argument("SLURM launcher: the app's path '" + app +
                                  "' must be absolute and free of spaces: the array tasks run it as a script interpreter (#!)");
    if (app.size() + std::strlen("#! --run-job-script") > 254)
      throw std::invalid_argument("SLURM launcher: the app's path is longer than the kernel allows on a #! line (" +
                                  std::to_string(app.size()) + " chars): " + app);
  }

  static void write_script(const fs::path& script, const std::string& app, const std::string& spec_pattern, long offset) {
    const fs::path tmp = script.string() + ".tmp";
    {
      std::ofstream out(tmp, std::ios::trunc);
      out << "#!" << app << " --run-job-script\n"
          << "# hydra-cpp SLURM array task. Not a shell script: the kernel runs the app above with this file;\n"
          << "# the app runs the job spec below, %a = $SLURM_ARRAY_TASK_ID + task_offset.\n"
          << "spec: " << spec_pattern << "\n"
          << "task_offset: " << offset << "\n";
      out.close();
      if (!out) throw std::runtime_error("SLURM launcher: cannot write " + tmp.string());
    }
    fs::permissions(tmp, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                             fs::perms::others_exec);
    fs::rename(tmp, script);
  }

  // ------------------------------------------------------------------------------- waiting ---

  CommandResult slurm(const std::vector<std::string>& argv) const { return run_command(argv, Seconds(command_timeout_s_)); }

  std::string ids_of(const std::vector<Array>& arrays) const {
    std::string ids;
    for (const auto& a : arrays)
      if (!a.id.empty()) ids += (ids.empty() ? "" : ",") + a.id;
    return ids;
  }

  // Best effort (errors only logged): the cluster may be the very thing that failed.
  void cancel_all(const std::vector<Array>& arrays, const std::vector<std::string>& options = {}) const {
    std::vector<std::string> argv = {"scancel"};
    argv.insert(argv.end(), options.begin(), options.end());
    bool any = false;
    for (const auto& a : arrays)
      if (!a.id.empty()) argv.push_back(a.id), any = true;
    if (!any) return;
    CommandResult r = slurm(argv);
    if (!r.ok()) hydra::get_logger("hydra")->debug("{}", command_error(argv, r));
  }

  // Seconds to wait for the arrays at most: max_wait_min, or every task one after another at its
  // time limit plus an hour of queueing, or a week when there is no time limit.
  double max_wait_s(std::size_t tasks) const {
    if (max_wait_min_ > 0) return max_wait_min_ * 60;
    if (timeout_min_ > 0) return (static_cast<double>(timeout_min_) * static_cast<double>(tasks) + 60) * 60;
    return 7 * 24 * 3600.0;
  }

  // `results`: the jobs already decided (sbatch refused their array); the rest are in `arrays`.
  std::vector<hydra::JobReturn> wait_for(std::span<const hydra::JobRequest> jobs, const std::vector<Array>& arrays,
                                         hydra::LaunchContext& context, const fs::path& launcher_dir,
                                         std::vector<std::optional<hydra::JobReturn>> results) {
    auto log = hydra::get_logger("hydra");
    std::vector<Task> tasks(jobs.size());
    TaskIndex by_task;
    for (std::size_t a = 0; a < arrays.size(); ++a)
      for (std::size_t i : arrays[a].jobs) {
        tasks[i] = Task{a, jobs[i].num - arrays[a].offset};
        by_task[{arrays[a].id, tasks[i].task_id}] = i;
      }
    std::size_t done = 0, failed = 0;
    for (std::size_t i = 0; i < jobs.size(); ++i)
      if (results[i]) tasks[i].done = true, ++done, ++failed;
    ProgressLine progress(jobs.size());

    const std::string ids = ids_of(arrays);
    const std::vector<std::string> squeue = {"squeue", "-h", "-r", "-t", "all", "-j", ids, "-o", "%F %K %T"};
    const auto started = Clock::now();
    const auto wait_deadline = started + std::chrono::duration_cast<Clock::duration>(Seconds(max_wait_s(jobs.size())));
    const Seconds unreachable_bound(std::max(60.0, 5 * command_timeout_s_ / 2));
    Clock::time_point failing_since{};
    bool failing = false;
    StopCause stop = StopCause::none;
    Clock::time_point hard_cancel_at{}, give_up_at{};
    bool hard_cancel_due = false, given_up_due = false;
    const Seconds min_interval(std::min(0.1, poll_interval_s_));
    Seconds interval = min_interval;

    auto finalize = [&](std::size_t i, const std::map<std::string, std::string>& record) {
      tasks[i].done = true;
      std::optional<hydra::JobReturn> ret =
          to_job_return(jobs[i], tasks[i], arrays[tasks[i].array], record, context, launcher_dir, stop);
      ++done;
      if (!ret) return;  // cancelled before it started, because we were interrupted
      failed += ret->status == hydra::JobStatus::FAILED ? 1 : 0;
      context.job_finished(*ret);
      results[i] = std::move(ret);
    };

    while (done < jobs.size()) {
      // Interrupt: pending tasks are cancelled, running ones get SIGINT (the job ends
      // "interrupted" and writes its JobReturn); after interrupt_grace_s, scancel the rest.
      if (stop == StopCause::none && context.interrupted()) {
        stop = StopCause::interrupt;
        log->warn("Interrupted: cancelling the pending tasks of SLURM job array {} and sending SIGINT to the running ones", ids);
        cancel_all(arrays, {"--state=PENDING"});
        cancel_all(arrays, {"--batch", "--signal=INT"});
        hard_cancel_at = Clock::now() + std::chrono::duration_cast<Clock::duration>(Seconds(interrupt_grace_s_));
        hard_cancel_due = true;
      }
      if (stop == StopCause::none && Clock::now() > wait_deadline) {
        stop = StopCause::max_wait;
        log->error("SLURM job array {} not finished after {:.0f} min (hydra.launcher.max_wait_min): cancelling it", ids,
                   max_wait_s(jobs.size()) / 60);
        hard_cancel_at = Clock::now();
        hard_cancel_due = true;
      }
      if (hard_cancel_due && !given_up_due && Clock::now() >= hard_cancel_at) {
        cancel_all(arrays);
        give_up_at = Clock::now() + std::chrono::duration_cast<Clock::duration>(unreachable_bound);
        given_up_due = true;
      }
      if (given_up_due && Clock::now() > give_up_at) {
        log->error("SLURM job array {}: {} tasks still not final {:.0f} s after scancel; giving up on them", ids,
                   jobs.size() - done, unreachable_bound.count());
        for (std::size_t i = 0; i < jobs.size(); ++i)
          if (!tasks[i].done) finalize(i, {{"JobState", "UNKNOWN"}});
        break;
      }

      // Poll.
      CommandResult r = slurm(squeue);
      std::vector<std::size_t> newly_final;
      std::size_t running = 0;
      bool changed = false;
      if (!r.ok()) {
        if (r.exit_code == 1 && r.err.find("Invalid job id") != std::string::npos) {
          // SLURM forgot the array (MinJobAge passed): whatever is not final is lost.
          for (std::size_t i = 0; i < jobs.size(); ++i)
            if (!tasks[i].done) finalize(i, {{"JobState", "PURGED"}});
          break;
        }
        if (!failing) failing = true, failing_since = Clock::now();
        if (Clock::now() - failing_since > unreachable_bound) {
          cancel_all(arrays);
          progress.finish();
          throw std::runtime_error(command_error(squeue, r) + " — for " + std::to_string(static_cast<int>(unreachable_bound.count())) +
                                   " s; the job array " + ids + " was cancelled");
        }
      } else {
        failing = false;
        for (const auto& [i, seen] : queue_states(hydra_slurm::parse_squeue(r.out), arrays, tasks, by_task)) {
          Task& task = tasks[i];
          if (task.state != seen.state || task.in_rest != seen.in_rest) changed = true;
          task.state = seen.state, task.in_rest = seen.in_rest;
          const auto kind = hydra_slurm::classify_state(seen.state);
          if (kind == hydra_slurm::StateClass::final) newly_final.push_back(i);
          else if (kind == hydra_slurm::StateClass::active) ++running;
        }
      }

      // Read the final ones with scontrol, one call per array that has any.
      for (std::size_t a = 0; a < arrays.size() && !newly_final.empty(); ++a) {
        if (std::none_of(newly_final.begin(), newly_final.end(), [&](std::size_t i) { return tasks[i].array == a; }))
          continue;
        std::vector<std::string> argv = {"scontrol", "show", "job", "-o", arrays[a].id};
        CommandResult s = slurm(argv);
        if (!s.ok()) log->debug("{}", command_error(argv, s));
        const auto records = hydra_slurm::ArrayRecords::parse(s.ok() ? s.out : std::string(), arrays[a].id);
        for (std::size_t i : newly_final) {
          if (tasks[i].array != a) continue;
          const hydra_slurm::Record* record = records.find(tasks[i].task_id);
          if (!record && tasks[i].in_rest) record = records.rest();
          // scontrol must agree that the task is final (it may lag squeue by a moment); if it
          // never does, squeue's state decides.
          if (record && hydra_slurm::is_final_state(field_of(*record, "JobState"))) finalize(i, *record);
          else if (++tasks[i].final_polls >= 20) finalize(i, {{"JobState", tasks[i].state}});
        }
      }
      progress.update(done, failed, running);
      if (done >= jobs.size()) break;

      // Sleep: short right after a change, growing up to poll_interval_s while nothing moves;
      // in slices, so that an interrupt is acted on at once.
      interval = changed ? min_interval : std::min(Seconds(poll_interval_s_), interval * 1.5);
      const auto wake = Clock::now() + std::chrono::duration_cast<Clock::duration>(interval);
      while (Clock::now() < wake && (stop != StopCause::none || !context.interrupted()))
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    progress.finish();
    std::vector<hydra::JobReturn> out;
    for (auto& r : results)
      if (r) out.push_back(std::move(*r));
    return out;
  }

  static std::string field_of(const hydra_slurm::Record& record, const char* key) {
    auto it = record.find(key);
    return it == record.end() ? std::string() : it->second;
  }

  struct SeenState {
    std::string state;
    bool in_rest = false;  // only the array's own record (no task ids) speaks for it
  };

  // What one squeue poll says of each task not yet done: its own row, else the row of a range
  // holding it (pending tasks: "1-3%1"), else the array's own record without task ids. Tasks
  // squeue does not list are left out.
  using TaskIndex = std::map<std::pair<std::string, long>, std::size_t>;  // (array id, task id) -> job index

  static std::map<std::size_t, SeenState> queue_states(const std::vector<hydra_slurm::QueueRow>& rows,
                                                       const std::vector<Array>& arrays, const std::vector<Task>& tasks,
                                                       const TaskIndex& by_task) {
    std::map<std::size_t, SeenState> seen;
    std::map<std::size_t, int> rank;  // 2: own row, 1: range row, 0: the array's own record
    auto note = [&](std::size_t i, int r, const hydra_slurm::QueueRow& row) {
      if (tasks[i].done) return;
      auto [it, fresh] = rank.emplace(i, r);
      if (!fresh && it->second >= r) return;
      it->second = r;
      seen[i] = SeenState{row.state, !row.tasks};
    };
    for (const auto& row : rows) {
      const bool single = row.tasks && row.tasks->size() == 1 && row.tasks->front().first == row.tasks->front().last;
      if (single) {
        if (auto it = by_task.find({row.array_id, row.tasks->front().first}); it != by_task.end()) note(it->second, 2, row);
        continue;
      }
      for (const auto& array : arrays) {
        if (array.id != row.array_id) continue;
        for (std::size_t i : array.jobs)
          if (!row.tasks) note(i, 0, row);
          else if (hydra_slurm::contains(*row.tasks, tasks[i].task_id)) note(i, 1, row);
      }
    }
    return seen;
  }

  // SLURM's verdict on one final task -> its JobReturn (nullopt: never started, we cancelled it).
  std::optional<hydra::JobReturn> to_job_return(const hydra::JobRequest& job, const Task& task, const Array& array,
                                                const std::map<std::string, std::string>& record,
                                                hydra::LaunchContext& context, const fs::path& launcher_dir,
                                                StopCause stop) const {
    auto field = [&](const char* key) {
      auto it = record.find(key);
      return it == record.end() ? std::string() : it->second;
    };
    const std::string state = hydra_slurm::state_name(field("JobState"));
    const std::string exit_code = field("ExitCode");  // "exit:signal"
    const std::string slurm_id = array.id + "_" + std::to_string(task.task_id);
    const std::string described = "SLURM job " + slurm_id + " ended " + state + (exit_code.empty() ? "" : " (ExitCode " + exit_code + ")");
    std::optional<hydra::JobReturn> own = context.read_job_return(job);
    const bool started = own || fs::exists(launcher_dir / ("slurm_" + slurm_id + ".out"));

    // Times: the job's own, else SLURM's.
    const double run_s = parse_run_time(field("RunTime"));
    auto start_time = parse_slurm_time(field("StartTime")).value_or(std::chrono::system_clock::now() -
                                                                     std::chrono::duration_cast<std::chrono::system_clock::duration>(Seconds(run_s)));
    Seconds duration(run_s);
    if (own) start_time = own->start_time, duration = own->duration;

    auto failed = [&](hydra::FailureReason reason, std::string type, std::string message, int code) {
      return context.failed_job_return(job, hydra::JobError{reason, std::move(type), std::move(message), code}, start_time, duration);
    };

    if (state == "COMPLETED" || state == "FAILED") {
      if (own) return own;  // the job's own verdict: it ran to its end
      int code = 0, sig = 0;
      std::sscanf(exit_code.c_str(), "%d:%d", &code, &sig);
      if (stop == StopCause::interrupt)
        return failed(hydra::FailureReason::interrupted, "interrupted", "interrupted: " + described + " without a JobReturn", sig);
      if (sig == 0 && code >= 128 && code < 128 + 65) sig = code - 128;  // a child of a shell died by a signal
      if (sig != 0)
        return failed(hydra::FailureReason::signal, signal_name(sig),
                      "signal " + std::to_string(sig) + " (" + signal_name(sig) + ")", sig);
      return failed(hydra::FailureReason::exit_code, "exit code",
                    "exit code " + std::to_string(code) + " without a JobReturn (" + described + ")", code);
    }
    if (state == "CANCELLED" && stop == StopCause::interrupt) {
      if (!started) return std::nullopt;  // still pending when we were interrupted: never ran
      return failed(hydra::FailureReason::interrupted, "interrupted", "interrupted: " + described, 0);
    }
    if (state == "CANCELLED" && stop == StopCause::max_wait)
      return failed(hydra::FailureReason::timeout, "CANCELLED",
                    "timeout: cancelled after hydra.launcher.max_wait_min (" + described + ")", 0);
    if (state == "CANCELLED") return failed(hydra::FailureReason::cancelled, state, "cancelled: " + described, 0);
    if (state == "TIMEOUT")
      return failed(hydra::FailureReason::timeout, state,
                    "timeout: " + described + ", over its time limit (hydra.launcher.timeout_min=" + std::to_string(timeout_min_) + ")", 0);
    if (state == "DEADLINE") return failed(hydra::FailureReason::timeout, state, "timeout: " + described, 0);
    if (state == "PREEMPTED") return failed(hydra::FailureReason::preempted, state, "preempted: " + described, 0);
    if (state == "OUT_OF_MEMORY")
      return failed(hydra::FailureReason::signal, state, "out of memory: " + described, SIGKILL);
    if (state == "REVOKED") return failed(hydra::FailureReason::cancelled, state, "revoked: " + described + " (it runs on another cluster of the federation)", 0);
    if (state == "NODE_FAIL" || state == "BOOT_FAIL")
      return failed(hydra::FailureReason::cancelled, state, "node failure: " + described, 0);
    if (state == "PURGED")
      return own ? own : failed(hydra::FailureReason::cancelled, "UNKNOWN",
                               "lost: SLURM no longer knows job " + slurm_id + " (purged after MinJobAge?)", 0);
    if (state == "UNKNOWN")
      return failed(stop == StopCause::interrupt ? hydra::FailureReason::interrupted : hydra::FailureReason::timeout,
                    "UNKNOWN", "SLURM job " + slurm_id + " not final long after scancel (last seen " + task.state + ")", 0);
    // SPECIAL_EXIT and anything else final
    if (own) return own;
    return failed(hydra::FailureReason::exit_code, state, described + " without a JobReturn", 0);
  }

  std::string partition_;
  long timeout_min_ = 0;
  long cpus_per_task_ = 0;
  double mem_gb_ = 0;
  long array_parallelism_ = 256;
  long max_array_size_ = 1000;
  double poll_interval_s_ = 1.0;
  double max_wait_min_ = 0;
  double interrupt_grace_s_ = 20;
  double command_timeout_s_ = 60;
  std::vector<std::string> extra_;
};
HYDRA_LAUNCHER(SlurmLauncher)

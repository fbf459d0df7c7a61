// hydra.launchers.ProcessLauncher: each job in a fresh process of the app (`--run-job`), up to
// hydra.launcher.n_jobs at a time. A job that crashes, exits without a JobReturn or outlives
// hydra.launcher.timeout is FAILED with that reason; the sweep goes on (docs/spec.md §9). A job that
// cannot be started or collected (disk full, no file descriptor left...) is FAILED with the
// reason too. No child outlives the sweep: killed when launch() unwinds, and each child has
// the kernel kill it if this process dies (HYDRA_JOB_PARENT_PID, see job_process.cpp).
#include <hydra/launcher.hpp>
#include <hydra/logging.hpp>
#include <hydra/plugin.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <optional>
#include <poll.h>
#include <spawn.h>
#include <stdexcept>
#include <string>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

// glibc 2.36's <sys/pidfd.h> declares pidfd_open without C linkage, so a C++ call does not link.
int open_pidfd(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }

// The app's own binary as it was when the sweep started: jobs exec it through /proc/self/exe,
// which stays that file even if a rebuild replaces the path mid-sweep.
std::string own_executable() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

// How many children may hold a pidfd: the rest are polled, so a low `ulimit -n` leaves file
// descriptors for spec files, logs and config files (a pidfd per child ran out at 64 fds).
std::size_t pidfd_budget() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 1024;
  constexpr rlim_t kKeepFree = 32;
  return limit.rlim_cur > 2 * kKeepFree ? static_cast<std::size_t>(limit.rlim_cur - kKeepFree)
                                        : static_cast<std::size_t>(limit.rlim_cur / 2);
}

// The environment of every job: this process's, plus HYDRA_JOB_PARENT_PID=<our pid>.
class JobEnvironment {
 public:
  JobEnvironment() : parent_("HYDRA_JOB_PARENT_PID=" + std::to_string(::getpid())) {
    for (char** e = environ; *e; ++e)
      if (std::strncmp(*e, "HYDRA_JOB_PARENT_PID=", 21) != 0) vars_.push_back(*e);
    vars_.push_back(parent_.data());
    vars_.push_back(nullptr);
  }
  char** get() { return vars_.data(); }

 private:
  std::string parent_;
  std::vector<char*> vars_;
};

std::string signal_name(int sig) {
  const char* abbrev = ::sigabbrev_np(sig);
  return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

struct Running {
  std::size_t index;  // into the batch
  pid_t pid;
  Clock::time_point started;
  std::chrono::system_clock::time_point start_time;
  int pidfd = -1;  // readable once the child has ended; -1 where the kernel has no pidfd_open
  bool timed_out = false;
  bool interrupted = false;
};

// "3/10 done, 1 failed, 2 running" on stderr, redrawn in place, only on a terminal.
class ProgressLine {
 public:
  explicit ProgressLine(std::size_t total) : total_(total), enabled_(::isatty(STDERR_FILENO) == 1) {}
  void update(std::size_t done, std::size_t failed, std::size_t running) {
    if (!enabled_) return;
    std::fprintf(stderr, "\r\033[K[hydra] %zu/%zu done, %zu failed, %zu running", done, total_, failed, running);
    std::fflush(stderr);
  }
  void finish() {
    if (!enabled_) return;
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
  }

 private:
  std::size_t total_;
  bool enabled_;
};

}  // namespace

class ProcessLauncher : public hydra::Launcher {
 public:
  explicit ProcessLauncher(const hydra::Config& params) {
    long cores = static_cast<long>(std::thread::hardware_concurrency());
    long n_jobs = hydra::get_or<long>(params, "n_jobs", cores > 0 ? cores : 1);
    if (n_jobs == -1) n_jobs = cores > 0 ? cores : 1;  // joblib's "all cores"
    if (n_jobs < 1)
      throw std::invalid_argument("hydra.launcher.n_jobs must be a positive number of processes (or -1 for all cores), got " +
                                  std::to_string(n_jobs));
    n_jobs_ = static_cast<std::size_t>(n_jobs);
    own_exe_ = own_executable();
    timeout_s_ = hydra::get_or<double>(params, "timeout", 0.0);
    if (!(timeout_s_ >= 0))  // NaN too: it compares false with everything, which read as "no timeout"
      throw std::invalid_argument("hydra.launcher.timeout must be a number of seconds >= 0 (0 or null: none), not " +
                                  hydra::get_or<std::string>(params, "timeout", "?"));
  }

  std::vector<hydra::JobReturn> launch(std::span<const hydra::JobRequest> jobs,
                                       hydra::LaunchContext& context) override {
    auto log = hydra::get_logger("hydra");
    log->info("Launching {} jobs locally in up to {} processes", jobs.size(), n_jobs_);
    std::vector<Running> running;
    KillOnUnwind guard{running};  // an exception out of here leaves no child behind
    JobEnvironment env;
    std::size_t next = 0, done = 0, failed = 0;
    bool forwarded_interrupt = false;
    ProgressLine progress(jobs.size());
    auto hand_over = [&](hydra::JobReturn&& ret) {
      failed += ret.status == hydra::JobStatus::FAILED ? 1 : 0;
      ++done;
      context.collect(std::move(ret));
    };

    for (;;) {
      const bool interrupted = context.interrupted();
      if (running.empty() && (interrupted || next == jobs.size())) break;
      if (interrupted && !forwarded_interrupt) {
        // Children run in their own process group, so the terminal's SIGINT reached only us:
        // hand it to each running job once, so it ends as "interrupted" with its end events.
        for (auto& r : running) {
          ::kill(-r.pid, SIGINT);
          r.interrupted = true;
        }
        forwarded_interrupt = true;
      }
      while (!interrupted && running.size() < n_jobs_ && next < jobs.size()) {
        const hydra::JobRequest& job = jobs[next];
        std::string overrides;
        for (const auto& o : job.overrides) overrides += (overrides.empty() ? "" : " ") + o;
        log->info("\t#{} : {}", job.num, overrides);
        const auto start_time = std::chrono::system_clock::now();
        try {
          running.push_back(start(job, context, next, env.get(), running.size()));
        } catch (const std::exception& e) {
          // This job could not be started (its spec not written, no process): it fails, saying why.
          hand_over(context.failed_job_return(job, {hydra::FailureReason::exception, "LaunchError",
                                                    std::string("cannot start the job: ") + e.what(), 0},
                                              start_time, std::chrono::duration<double>(0)));
        }
        ++next;
      }
      progress.update(done, failed, running.size());

      bool reaped = false;
      for (auto it = running.begin(); it != running.end();) {
        int status = 0;
        pid_t got = ::waitpid(it->pid, &status, WNOHANG);
        if (got == 0) {
          if (timeout_s_ > 0 && !it->timed_out &&
              std::chrono::duration<double>(Clock::now() - it->started).count() > timeout_s_) {
            ::kill(-it->pid, SIGKILL);
            it->timed_out = true;
          }
          ++it;
          continue;
        }
        if (it->pidfd >= 0) ::close(it->pidfd);
        const Running ended = *it;
        it = running.erase(it);
        hand_over(finish(jobs[ended.index], context, ended, got < 0 ? -1 : status));
        reaped = true;
      }
      if (!reaped && !running.empty()) wait_for_a_child(running);
    }
    progress.finish();
    return {};  // every job was collect()ed as it ended
  }

 private:
  // Until a running child ends, the nearest timeout is due, or a signal (SIGINT) arrives: woken
  // by the children's pidfds, so a slot is refilled the moment its job ends. Polling by time
  // instead left each slot idle for half the period on average (10-20% of short jobs' time).
  void wait_for_a_child(const std::vector<Running>& running) const {
    std::vector<pollfd> fds;
    for (const auto& r : running)
      if (r.pidfd >= 0) fds.push_back({r.pidfd, POLLIN, 0});
    if (fds.size() != running.size()) {  // no pidfd for some child: look again shortly
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      return;
    }
    int wait_ms = 100;  // an interrupt that lands just before poll() is seen within this
    if (timeout_s_ > 0)
      for (const auto& r : running) {
        if (r.timed_out) continue;
        auto left = std::chrono::duration<double, std::milli>(r.started + std::chrono::duration<double>(timeout_s_) -
                                                              Clock::now()).count();
        wait_ms = std::min(wait_ms, std::max(1, static_cast<int>(left) + 1));
      }
    ::poll(fds.data(), fds.size(), wait_ms);  // EINTR on a signal: the loop looks at the interrupt
  }

  // Kills (SIGKILL, the whole process group) and reaps every child still running when launch()
  // is left by an exception, and says so.
  struct KillOnUnwind {
    std::vector<Running>& running;
    ~KillOnUnwind() {
      if (running.empty()) return;
      for (const auto& r : running) ::kill(-r.pid, SIGKILL);
      for (const auto& r : running) {
        while (::waitpid(r.pid, nullptr, 0) < 0 && errno == EINTR) {
        }
        if (r.pidfd >= 0) ::close(r.pidfd);
      }
      hydra::get_logger("hydra")->error("The process launcher failed: killed its {} running jobs", running.size());
      running.clear();
    }
  };

  Running start(const hydra::JobRequest& job, hydra::LaunchContext& context, std::size_t index, char** env,
                std::size_t already_running) {
    std::vector<std::string> argv = context.job_command(job);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    pid_t pid = -1;
    auto start_time = std::chrono::system_clock::now();
    // The app itself: the binary this sweep started with, even if rebuilt in place since.
    const char* path = !own_exe_.empty() && argv[0] == own_exe_ ? "/proc/self/exe" : args[0];
    int rc = ::posix_spawn(&pid, path, nullptr, &attr, args.data(), env);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) throw std::runtime_error("cannot run " + argv[0] + ": " + std::strerror(rc));
    const int pidfd = already_running < pidfd_budget_ ? open_pidfd(pid) : -1;
    return Running{index, pid, Clock::now(), start_time, pidfd};
  }

  hydra::JobReturn finish(const hydra::JobRequest& job, hydra::LaunchContext& context, const Running& r, int status) {
    std::chrono::duration<double> duration = Clock::now() - r.started;
    hydra::JobError error;
    if (!r.timed_out) {
      try {
        if (auto ret = context.read_job_return(job)) return *ret;
      } catch (const std::exception& e) {
        // Its JobReturn is there but cannot be read (damaged, no fd left...): FAILED, saying why.
        error = {hydra::FailureReason::exception, "CollectError", std::string("cannot collect the job: ") + e.what(), 0};
        return context.failed_job_return(job, error, r.start_time, duration);
      }
    }
    if (r.timed_out) {
      error = {hydra::FailureReason::timeout, "timeout",
               fmt::format("timeout: still running after {:g} s (hydra.launcher.timeout)", timeout_s_), 0};
    } else if (status >= 0 && WIFSIGNALED(status)) {
      int sig = WTERMSIG(status);
      error = {r.interrupted ? hydra::FailureReason::interrupted : hydra::FailureReason::signal, signal_name(sig),
               "signal " + std::to_string(sig) + " (" + signal_name(sig) + ")", sig};
    } else if (status >= 0 && WIFEXITED(status)) {
      int code = WEXITSTATUS(status);
      error = {r.interrupted ? hydra::FailureReason::interrupted : hydra::FailureReason::exit_code, "exit code",
               "exit code " + std::to_string(code) + " without a JobReturn", code};
    } else {
      error = {hydra::FailureReason::exit_code, "lost", "the job process could not be waited for", 0};
    }
    return context.failed_job_return(job, error, r.start_time, duration);
  }

  std::size_t n_jobs_ = 1;
  double timeout_s_ = 0;
  std::string own_exe_;
  std::size_t pidfd_budget_ = pidfd_budget();
};
HYDRA_LAUNCHER(ProcessLauncher)

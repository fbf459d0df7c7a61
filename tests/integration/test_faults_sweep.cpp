// Sweep fault tolerance through the real binaries (issue 15 §1, §2): no run takes another run's
// data, and an error outside a job never aborts a sweep silently. Each test waits on events (a
// line on a pipe, a file, a pidfd), never on a fixed sleep.
#include "support/apps.hpp"
#include "support/mounts.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <regex>
#include <set>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace hydra::testing;

namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

std::string job_status(const fs::path& job_dir) {
  return YAML::LoadFile((job_dir / ".hydra/job_return.yaml").string())["status"].as<std::string>();
}

std::string job_foo(const fs::path& job_dir) {
  return YAML::LoadFile((job_dir / ".hydra/config.yaml").string())["foo"].as<std::string>();
}

// The lifecycle app's conf tree, copied into the scratch dir so a test can edit it.
fs::path copy_of_conf(const fs::path& scratch) {
  const fs::path conf = scratch / "conf";
  fs::copy(fs::path(HYDRA_TEST_SOURCE_DIR) / "apps/lifecycle_app/conf", conf, fs::copy_options::recursive);
  return conf;
}

void touch(const fs::path& file) { std::ofstream(file) << "go\n"; }

// Whether process `pid` (not necessarily our child) ends within `timeout`: its pidfd turns readable.
bool dies_within(pid_t pid, std::chrono::milliseconds timeout) {
  const int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0) return errno == ESRCH;  // gone already
  pollfd p{fd, POLLIN, 0};
  const bool ended = ::poll(&p, 1, static_cast<int>(timeout.count())) == 1;
  ::close(fd);
  return ended;
}

// The pids the lifecycle app's waiting tasks printed ("WAITING pid=N") so far.
std::vector<pid_t> waiting_pids(const std::string& out) {
  std::vector<pid_t> pids;
  static const std::regex line(R"(WAITING pid=(\d+))");
  for (std::sregex_iterator it(out.begin(), out.end(), line), end; it != end; ++it)
    pids.push_back(static_cast<pid_t>(std::stoi((*it)[1])));
  return pids;
}

// Reads `app`'s stdout until `n` tasks wait; their pids.
std::vector<pid_t> wait_for_waiting_tasks(ChildProcess& app, std::size_t n) {
  if (!app.wait_for_output("WAITING pid=", std::chrono::seconds(30), n)) return {};
  return waiting_pids(app.out_so_far());
}

// How a test starts the app with a stdout of its own making.
enum class Stdout { closed, reader_gone };

// Runs `argv` in `cwd` with stdout closed (`>&-`) or a pipe nobody reads (`| head -1` once head
// has exited); stderr goes to <cwd>/stderr.txt. The wait status.
int run_with_stdout(const std::vector<std::string>& argv, const fs::path& cwd, Stdout how) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  const std::string err = (cwd / "stderr.txt").string();
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int pipe_fds[2] = {-1, -1};
  if (how == Stdout::closed) {
    posix_spawn_file_actions_addclose(&actions, 1);
  } else {
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return -1;
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  }
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  for (int fd : pipe_fds)
    if (fd >= 0) ::close(fd);  // the reader is gone before the app writes its first line
  if (rc != 0) return -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}


const std::vector<std::string> kLaunchers = {"basic", "process"};

}  // namespace

// ---- §1. No run ever takes another run's data ----

// Two sweeps into one fixed sweep dir (the user's explicit choice): the second one says it waits,
// runs once the first has finished, and each reports exactly its own jobs.
TEST(SharedSweepDir, SecondSweepWaitsForTheFirstAndEachReportsItsOwnJobs) {
  for (const std::string& launcher : kLaunchers) {
    SCOPED_TRACE(launcher);
    ScratchDir dir;
    const fs::path go = dir.path() / "go";
    ChildProcess first(lifecycle_argv({"-m", "hydra/launcher=" + launcher, "hydra.sweep.dir=shared", "foo=a,b",
                                       "fail=wait_for_file", "+wait_file=" + go.string()}),
                       dir.path());
    ASSERT_TRUE(first.wait_for_output("WAITING", std::chrono::seconds(30))) << first.out_so_far();
    ChildProcess second(lifecycle_argv({"-m", "hydra/launcher=" + launcher, "hydra.sweep.dir=shared", "foo=c,d,e"}),
                        dir.path());
    const bool waited = second.wait_for_output("is in use by another sweep: waiting", std::chrono::seconds(30));
    touch(go);
    auto a = first.wait(), b = second.wait();
    ASSERT_TRUE(waited) << b.out << b.err;
    ASSERT_EQ(a.exit_code, 0) << a.out << a.err;
    ASSERT_EQ(b.exit_code, 0) << b.out << b.err;
    EXPECT_NE(a.out.find("cb1.on_multirun_end config_name=config jobs=2\n"), std::string::npos) << a.out;
    EXPECT_NE(b.out.find("cb1.on_multirun_end config_name=config jobs=3\n"), std::string::npos) << b.out;
    EXPECT_EQ(count(a.out, "cb1.on_job_end status=COMPLETED value=ret-a"), 1u) << a.out;
    EXPECT_EQ(count(a.out, "value=ret-c"), 0u) << a.out;
    EXPECT_EQ(count(b.out, "value=ret-a"), 0u) << b.out;
    // The second sweep ran after the first: the dir holds its records (Hydra reuses a fixed dir).
    for (auto [n, foo] : {std::pair{0, "c"}, {1, "d"}, {2, "e"}}) {
      EXPECT_EQ(job_status(dir.path() / "shared" / std::to_string(n)), "COMPLETED");
      EXPECT_EQ(job_foo(dir.path() / "shared" / std::to_string(n)), foo);
    }
    EXPECT_TRUE(record_files(dir.path() / "shared") == list_files(dir.path() / "shared"))
        << "the launcher's spec and return files are removed once read";
  }
}

// A time-stamped dir reached through interpolation (`hydra.run.dir=${out}`) is claimed like one
// written with `${now:...}` directly: the second run gets `<dir>_1`, not the first run's dir.
TEST(TimeStampedThroughInterpolation, RunDirIsClaimed) {
  ScratchDir dir;
  const std::vector<std::string> args = {"hydra.run.dir=${out}", "+out=out/${now:%Y}"};
  auto first = run_lifecycle(dir.path(), {args[0], args[1], "foo=first"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto second = run_lifecycle(dir.path(), {args[0], args[1], "foo=second"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.out.find("is already used by another run; this run writes to"), std::string::npos) << second.out;
  std::set<std::string> foos;
  for (const auto& d : fs::directory_iterator(dir.path() / "out")) foos.insert(job_foo(d.path()));
  EXPECT_EQ(foos, (std::set<std::string>{"first", "second"}));
}

TEST(TimeStampedThroughInterpolation, SweepDirIsClaimed) {
  for (const std::string& launcher : kLaunchers) {
    SCOPED_TRACE(launcher);
    ScratchDir dir;
    const std::vector<std::string> args = {"-m", "hydra/launcher=" + launcher, "hydra.sweep.dir=${out}",
                                           "+out=sweeps/${now:%Y}"};
    auto first = args, second = args;
    first.push_back("foo=a,b");
    second.push_back("foo=c,d");
    ASSERT_EQ(run_lifecycle(dir.path(), first).exit_code, 0);
    auto r = run_lifecycle(dir.path(), second);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::set<std::string> foos;
    std::size_t sweeps = 0;
    for (const auto& sweep : fs::directory_iterator(dir.path() / "sweeps")) {
      ++sweeps;
      for (std::string n : {"0", "1"}) foos.insert(job_foo(sweep.path() / n));
    }
    EXPECT_EQ(sweeps, 2u);
    EXPECT_EQ(foos, (std::set<std::string>{"a", "b", "c", "d"}));
  }
}

// ---- §2. An error outside a job never aborts a sweep silently ----

// The disk under the launcher's dir is full: the process launcher cannot write a job's spec. Every
// job is FAILED saying so, on_multirun_end sees all of them, the exit code is 1.
TEST(LaunchFailure, FullDiskForTheJobSpecsFailsEveryJobWithTheReason) {
  ScratchDir dir;
  ScopedMount mount;
  if (!mount.full_tmpfs(dir.path() / "sweep/.launcher")) GTEST_SKIP() << mount.why_not();
  auto r = run_lifecycle(dir.path(), {"-m", "hydra/launcher=process", "hydra.sweep.dir=sweep", "foo=a,b,c"});
  ASSERT_EQ(r.signal, 0) << r.err;
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(count(r.out, "cb1.on_multirun_end config_name=config jobs=3\n"), 1u) << r.out;
  EXPECT_EQ(count(r.out, "cb2.on_multirun_end"), 1u) << r.out;
  for (std::string n : {"0", "1", "2"}) {
    EXPECT_TRUE(std::regex_search(r.out, std::regex("#" + n + " FAILED \\(foo=\\w\\): [^\n]*cannot start the job: "
                                                    "Cannot write [^\n]*\\(ENOSPC\\)")))
        << r.out;
    EXPECT_EQ(job_status(dir.path() / "sweep" / n), "FAILED");
  }
  EXPECT_EQ(count(r.err, "Error executing job with overrides"), 3u) << r.err;
}

// The sweep dir made read-only while job 0 runs (after on_multirun_start): job 0, which cannot
// write its record, and the jobs that cannot be started are FAILED naming EROFS; on_multirun_end
// sees all of them once; the exit code is 1.
TEST(LaunchFailure, SweepDirMadeReadOnlyMidSweepFailsEveryJobLeftWithTheReason) {
  for (const std::string& launcher : kLaunchers) {
    SCOPED_TRACE(launcher);
    ScratchDir dir;
    const fs::path go = dir.path() / "go";
    std::vector<std::string> args = {"-m", "hydra/launcher=" + launcher, "hydra.sweep.dir=sweep", "foo=a,b,c",
                                     "fail=wait_for_file", "+wait_file=" + go.string()};
    if (launcher == "process") args.push_back("hydra.launcher.n_jobs=1");
    ChildProcess sweep(lifecycle_argv(args), dir.path());
    ASSERT_TRUE(sweep.wait_for_output("WAITING", std::chrono::seconds(30))) << sweep.out_so_far();
    ScopedMount mount;
    if (!mount.read_only(dir.path() / "sweep")) {
      touch(go);
      sweep.wait();
      GTEST_SKIP() << mount.why_not();
    }
    touch(go);
    auto r = sweep.wait();
    ASSERT_EQ(r.signal, 0) << r.err;
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_EQ(count(r.out, "cb1.on_multirun_end config_name=config jobs=3\n"), 1u) << r.out;
    // Out of process, job 0 cannot hand its JobReturn back either (its return file is in the
    // sweep dir): its record says so, and its own line names EROFS.
    const std::string job0_reason = launcher == "process" ? "exit code 1 without a JobReturn" : "\\(EROFS\\)";
    EXPECT_TRUE(std::regex_search(r.out, std::regex("#0 FAILED \\([^)]*\\): [^\n]*" + job0_reason))) << r.out;
    if (launcher == "process") {
      EXPECT_TRUE(std::regex_search(r.out, std::regex("#0: Cannot write [^\n]*job_return.yaml: [^\n]*\\(EROFS\\)")))
          << r.out;
    }
    for (std::string n : {"1", "2"})
      EXPECT_TRUE(std::regex_search(r.out, std::regex("#" + n + " FAILED \\([^)]*\\): [^\n]*\\(EROFS\\)"))) << n << "\n" << r.out;
    EXPECT_EQ((r.out + r.err).find("terminate called"), std::string::npos) << r.err;
  }
}

// A sweep dir that cannot be created: one error line, exit 1, nothing run, and on_multirun_end
// still fires once, with every job (FAILED).
TEST(LaunchFailure, SweepDirThatCannotBeCreatedStillEndsTheMultirun) {
  for (const std::string& launcher : kLaunchers) {
    SCOPED_TRACE(launcher);
    ScratchDir dir;
    touch(dir.path() / "taken");
    auto r = run_lifecycle(dir.path(), {"-m", "hydra/launcher=" + launcher, "hydra.sweep.dir=taken", "foo=a,b"});
    ASSERT_EQ(r.signal, 0) << r.err;
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_TRUE(std::regex_search(r.err, std::regex("^Cannot create the sweep dir \\S+/taken: ")));
    EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
    EXPECT_EQ(count(r.out, "cb1.on_multirun_end config_name=config jobs=2\n"), 1u) << r.out;
    EXPECT_EQ(count(r.out, "TASK foo="), 0u) << r.out;
  }
}

// `ulimit -n 64` with 60 jobs at once: every job runs (or fails naming the real reason), never
// "Cannot find primary config".
TEST(LaunchFailure, FewFileDescriptorsAndSixtyJobsAtOnce) {
  ScratchDir dir;
  auto r = run_after_shell_setup("ulimit -n 64",
                                 lifecycle_argv({"-m", "hydra/launcher=process", "hydra.launcher.n_jobs=60",
                                                 "hydra.sweep.dir=sweep", "+n=range(60)"}),
                                 dir.path());
  ASSERT_EQ(r.signal, 0) << r.err;
  EXPECT_EQ((r.out + r.err).find("Cannot find primary config"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(count(r.out, "cb2.on_job_end status=COMPLETED"), 60u) << r.out;
  EXPECT_EQ(count(r.out, "cb1.on_multirun_end config_name=config jobs=60\n"), 1u) << r.out;
}

// The app binary replaced in place while a process-launcher sweep runs (a rebuild): the jobs still
// run the binary the sweep started with.
TEST(LaunchFailure, BinaryRebuiltMidSweepStillRunsEveryJob) {
  ScratchDir dir;
  const fs::path app = dir.path() / "app";
  fs::copy_file(LIFECYCLE_APP, app);
  const fs::path conf = copy_of_conf(dir.path());
  const fs::path go = dir.path() / "go";
  std::vector<std::string> argv = lifecycle_argv({"-cp", conf.string(), "-m", "hydra/launcher=process",
                                                  "hydra.sweep.dir=sweep", "fail=wait_for_file,none,none",
                                                  "+wait_file=" + go.string()});
  argv[0] = app.string();
  ChildProcess sweep(argv, dir.path());
  ASSERT_TRUE(sweep.wait_for_output("WAITING", std::chrono::seconds(30))) << sweep.out_so_far();
  const fs::path rebuilt = dir.path() / "app.new";
  std::ofstream(rebuilt) << "#!/bin/sh\nexit 7\n";
  fs::permissions(rebuilt, fs::perms::owner_all);
  fs::rename(rebuilt, app);
  touch(go);
  auto r = sweep.wait();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(count(r.out, "cb2.on_job_end status=COMPLETED"), 3u) << r.out;
}

// "Every job's config is composed before anything runs": conf/ edited while job 0 runs changes
// nothing for jobs 1 and 2; they run the config multirun.yaml recorded.
TEST(ConfigComposedAtLaunch, EditingConfMidSweepChangesNoJob) {
  for (const std::string& launcher : kLaunchers) {
    SCOPED_TRACE(launcher);
    ScratchDir dir;
    const fs::path conf = copy_of_conf(dir.path());
    const fs::path go = dir.path() / "go";
    ChildProcess sweep(lifecycle_argv({"-cp", conf.string(), "-m", "hydra/launcher=" + launcher,
                                       "hydra.sweep.dir=sweep", "fail=wait_for_file,none,none",
                                       "+wait_file=" + go.string()}),
                       dir.path());
    ASSERT_TRUE(sweep.wait_for_output("WAITING", std::chrono::seconds(30))) << sweep.out_so_far();
    std::string text = read_text(conf / "config.yaml");
    text.replace(text.find("foo: bar"), 8, "foo: edited");
    std::ofstream(conf / "config.yaml") << text;
    touch(go);
    auto r = sweep.wait();
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    for (std::string n : {"0", "1", "2"}) EXPECT_EQ(job_foo(dir.path() / "sweep" / n), "bar") << "job " << n;
    EXPECT_EQ(YAML::LoadFile((dir.path() / "sweep/multirun.yaml").string())["foo"].as<std::string>(), "bar");
  }
}

// No process-launcher child outlives its sweep: a SIGKILL of the parent, or a double Ctrl-C,
// takes the running jobs with it (their tasks here ignore signals and wait for a file).
namespace {

// A process-launcher sweep of two jobs that wait, deaf to signals, for a file that never comes;
// `stop` ends the sweep (the parent) from outside. Then the parent and both jobs must be gone
// within seconds (not when the tasks give up, 60 s later). Returns the sweep's result.
template <class Stop>
ProcessResult expect_jobs_die_with_the_sweep(Stop stop) {
  ScratchDir dir;
  ChildProcess sweep(lifecycle_argv({"-m", "hydra/launcher=process", "hydra.launcher.n_jobs=2",
                                     "hydra.sweep.dir=sweep", "foo=a,b", "fail=wait_for_file",
                                     "+wait_file=" + (dir.path() / "never").string()}),
                     dir.path());
  const std::vector<pid_t> jobs = wait_for_waiting_tasks(sweep, 2);
  EXPECT_EQ(jobs.size(), 2u) << sweep.out_so_far();
  stop(sweep);
  EXPECT_TRUE(dies_within(sweep.pid(), std::chrono::seconds(10))) << "the sweep did not end";
  for (pid_t job : jobs) EXPECT_TRUE(dies_within(job, std::chrono::seconds(10))) << "job pid " << job << " outlived";
  return sweep.wait();
}

}  // namespace

TEST(ChildrenDieWithTheSweep, SigkillOfTheParent) {
  auto r = expect_jobs_die_with_the_sweep([](ChildProcess& sweep) { sweep.send_signal(SIGKILL); });
  EXPECT_EQ(r.signal, SIGKILL);
}

TEST(ChildrenDieWithTheSweep, DoubleCtrlC) {
  auto r = expect_jobs_die_with_the_sweep([](ChildProcess& sweep) {
    sweep.send_signal(SIGINT);
    // The first one reached both jobs (forwarded by the launcher); they go on waiting.
    EXPECT_TRUE(sweep.wait_for_output("INTERRUPTED, still waiting", std::chrono::seconds(30), 2)) << sweep.out_so_far();
    sweep.send_signal(SIGINT);
  });
  EXPECT_EQ(r.exit_code, 130) << r.err;
}

// Runs a sweep of `jobs` jobs (`sweep_override`) into <dir>/sweep with `how` as its stdout: it is
// not killed by a signal, exits 0, and every job is COMPLETED.
void expect_sweep_completes(const fs::path& dir, const std::string& launcher, const std::string& sweep_override,
                            Stdout how, int jobs) {
  const int status = run_with_stdout(
      lifecycle_argv({"-m", "hydra/launcher=" + launcher, "hydra.sweep.dir=sweep", sweep_override}), dir, how);
  ASSERT_FALSE(WIFSIGNALED(status)) << "killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0) << read_text(dir / "stderr.txt");
  for (int n = 0; n < jobs; ++n) EXPECT_EQ(job_status(dir / "sweep" / std::to_string(n)), "COMPLETED") << n;
}

// `app -m ... | head -1`: the reader gone, the sweep still finishes with every record written.
TEST(ConsoleGone, BrokenPipeOnStdoutLetsTheSweepFinish) {
  for (const std::string& launcher : kLaunchers) {
    SCOPED_TRACE(launcher);
    ScratchDir dir;
    expect_sweep_completes(dir.path(), launcher, "foo=a,b,c", Stdout::reader_gone, 3);
  }
}

// `app -m ... >&-`: no console line or task output lands in a file through a reused descriptor 1.
TEST(ConsoleGone, ClosedStdoutLeaksNothingIntoTheSweepFiles) {
  for (const std::string& launcher : kLaunchers) {
    SCOPED_TRACE(launcher);
    ScratchDir dir;
    expect_sweep_completes(dir.path(), launcher, "foo=a,b", Stdout::closed, 2);
    for (const auto& file : list_files(dir.path() / "sweep")) {
      const std::string text = read_text(dir.path() / "sweep" / file);
      EXPECT_EQ(text.find("TASK foo="), std::string::npos) << file << ":\n" << text;
      EXPECT_EQ(text.find("cb1.on_"), std::string::npos) << file << ":\n" << text;
    }
  }
}

// What an atomic write of a process killed mid-write left in a fixed dir goes with the next run
// there; a live process's temp file stays.
TEST(StaleTempFiles, NextRunInTheFixedDirRemovesThem) {
  ScratchDir dir;
  ASSERT_EQ(run_lifecycle(dir.path(), {"hydra.run.dir=fixed"}).exit_code, 0);
  ChildProcess probe({"/bin/true"}, dir.path());
  const pid_t dead = probe.pid();
  probe.wait();
  const std::string hydra_dir = (dir.path() / "fixed/.hydra").string();
  const fs::path stale = hydra_dir + "/config.yaml.tmp." + std::to_string(dead) + ".1";
  const fs::path live = hydra_dir + "/config.yaml.tmp." + std::to_string(::getpid()) + ".1";
  touch(stale);
  touch(live);
  ASSERT_EQ(run_lifecycle(dir.path(), {"hydra.run.dir=fixed"}).exit_code, 0);
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(live));
}

// The SLURM launcher (docs/spec.md §9; issue #5) through the real binaries against the REAL local cluster
// (cmake/slurm/start-local-slurm.sh, found through SLURM_CONF as cmake/run-tests.sh exports it).
// Without the cluster these tests FAIL with a message saying how to get it; they are never
// skipped. ctest label `slurm`; they share the cluster, so they do not run in parallel.
#include "support/apps.hpp"
#include "support/slurm.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>

namespace fs = std::filesystem;
using namespace hydra::testing;
using namespace std::chrono_literals;

namespace {

// lifecycle_app sweeping on the local cluster.
std::vector<std::string> slurm_argv(std::vector<std::string> args) {
  args.insert(args.begin(), {"-m", "hydra/launcher=slurm", "hydra.launcher.poll_interval_s=0.2"});
  return lifecycle_argv(std::move(args));
}

// A job_return.yaml / hydra.yaml without what legitimately differs between two sweeps run from
// two dirs: times, the dir, and the launcher choice itself (its node, its override, its choice).
std::string comparable(const fs::path& file, const fs::path& cwd) {
  std::string text;
  std::size_t skip_deeper_than = std::string::npos;
  for (const auto& line : lines_of(read_text(file))) {
    const std::size_t indent = line.find_first_not_of(' ');
    if (skip_deeper_than != std::string::npos && indent != std::string::npos && indent > skip_deeper_than) continue;
    skip_deeper_than = std::string::npos;
    if (line.rfind("start_time:", 0) == 0 || line.rfind("duration_s:", 0) == 0) continue;
    if (line.find("launcher") != std::string::npos) {
      if (line.back() == ':') skip_deeper_than = indent;
      continue;
    }
    std::string l = line;
    for (auto pos = l.find(cwd.string()); pos != std::string::npos; pos = l.find(cwd.string()))
      l.replace(pos, cwd.string().size(), "<CWD>");
    if (l.size() >= 9 && l.compare(l.size() - 9, 9, "hydra: []") == 0) l.resize(l.size() - 3);
    text += l + "\n";
  }
  return std::regex_replace(text, std::regex(R"(\d{4}-\d\d-\d\d/\d\d-\d\d-\d\d)"), "<DATE>/<TIME>");
}

// The job array id, from the launcher's task output files (<sweep>/.launcher/slurm_<id>_<task>.out).
std::string array_id(const fs::path& sweep) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(sweep / ".launcher", ec)) {
    std::smatch m;
    const std::string name = entry.path().filename().string();
    if (std::regex_match(name, m, std::regex(R"(slurm_(\d+)_\d+\.out)"))) return m[1];
  }
  return "";
}

std::string task_output(const fs::path& sweep, const std::string& id, int task) {
  const fs::path file = sweep / ".launcher" / ("slurm_" + id + "_" + std::to_string(task) + ".out");
  return fs::exists(file) ? read_text(file) : std::string();
}

// The array id once its task 0 runs the job ("" if it did not start within 30 s).
std::string started_array(const fs::path& sweep) {
  std::string id;
  const bool started = eventually(
      [&] {
        id = array_id(sweep);
        return !id.empty() && task_output(sweep, id, 0).find("TASK foo=") != std::string::npos;
      },
      30s);
  return started ? id : std::string();
}

class SlurmLauncher : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string problem = slurm_cluster_problem();
    ASSERT_TRUE(problem.empty()) << "No SLURM cluster: " << problem;
  }
  ScratchDir dir;
};

}  // namespace

TEST_F(SlurmLauncher, SameRecordsAsTheBasicLauncher) {
  // The same sweep dir name, run from two dirs, so the records can be compared as they are.
  const fs::path basic_cwd = dir.path() / "basic", slurm_cwd = dir.path() / "slurm";
  fs::create_directories(basic_cwd);
  fs::create_directories(slurm_cwd);
  auto basic = run_process({MY_APP, "-m", "foo=a,b,c,d", "hydra.sweep.dir=s"}, basic_cwd);
  ASSERT_EQ(basic.exit_code, 0) << basic.err;
  auto slurm = run_process({MY_APP, "-m", "hydra/launcher=slurm", "foo=a,b,c,d", "hydra.sweep.dir=s"}, slurm_cwd);
  ASSERT_EQ(slurm.exit_code, 0) << slurm.out << slurm.err;
  EXPECT_EQ(slurm.err, "");
  EXPECT_NE(slurm.out.find("Submitted SLURM job array "), std::string::npos) << slurm.out;
  for (std::string n : {"0", "1", "2", "3"}) EXPECT_NE(slurm.out.find("\t#" + n + " : foo="), std::string::npos) << slurm.out;
  EXPECT_EQ(record_files(basic_cwd / "s"), record_files(slurm_cwd / "s"));
  for (std::string n : {"0", "1", "2", "3"}) {
    for (std::string f : {"/.hydra/config.yaml", "/.hydra/overrides.yaml"})
      EXPECT_EQ(read_text(basic_cwd / "s" / (n + f)), read_text(slurm_cwd / "s" / (n + f))) << n << f;
    for (std::string f : {"/.hydra/job_return.yaml", "/.hydra/hydra.yaml"})
      EXPECT_EQ(comparable(basic_cwd / "s" / (n + f), basic_cwd), comparable(slurm_cwd / "s" / (n + f), slurm_cwd)) << n << f;
    EXPECT_NE(read_text(slurm_cwd / "s" / (n + "/.hydra/job_return.yaml")).find("status: COMPLETED\n"), std::string::npos);
  }
  // The task's output went to the array task's output file, not to the launcher's stdout.
  const std::string id = array_id(slurm_cwd / "s");
  ASSERT_FALSE(id.empty());
  EXPECT_NE(task_output(slurm_cwd / "s", id, 2).find("foo: c"), std::string::npos);
  EXPECT_EQ(slurm.out.find("foo: c"), std::string::npos) << slurm.out;
}

TEST_F(SlurmLauncher, JobEventsRunInTheJobsProcess) {
  auto r = run_process(slurm_argv({"foo=a,b", "hydra.sweep.dir=s"}), dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex(R"(cb1\.__init__ pid=(\d+)\n(?:.*\n)*?cb1\.on_multirun_start)")))
      << r.out;
  const std::string launcher_pid = m[1];
  EXPECT_EQ(r.out.find("on_job_start"), std::string::npos) << "job events ran in the launcher:\n" << r.out;
  EXPECT_NE(r.out.find("cb1.on_multirun_end config_name=config jobs=2"), std::string::npos) << r.out;
  const std::string id = array_id(dir.path() / "s");
  ASSERT_FALSE(id.empty());
  std::set<std::string> job_pids;
  for (int task : {0, 1}) {
    const std::string out = task_output(dir.path() / "s", id, task);
    ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(cb1\.on_job_start pid=(\d+))"))) << out;
    job_pids.insert(m[1]);
    EXPECT_NE(out.find("cb1.on_job_end status=COMPLETED value=ret-"), std::string::npos) << out;
    EXPECT_EQ(out.find("on_multirun"), std::string::npos) << out;
  }
  EXPECT_EQ(job_pids.size(), 2u);
  EXPECT_EQ(job_pids.count(launcher_pid), 0u);
}

TEST_F(SlurmLauncher, ASegfaultingJobFailsWithTheSignalAndTheOthersComplete) {
  // Under ASan the sanitizer would turn the SIGSEGV into exit 1: let the signal through (the env
  // reaches the array tasks through sbatch's --export=ALL).
  const char* asan = std::getenv("ASAN_OPTIONS");
  const std::string asan_options = std::string(asan ? asan : "") + (asan && *asan ? ":" : "") + "handle_segv=0";
  auto r = run_process(slurm_argv({"fail=none,segfault,none,none", "hydra.sweep.dir=s"}), dir.path(),
                       {{"ASAN_OPTIONS", asan_options}});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("#1 FAILED (fail=segfault): signal 11 (SIGSEGV); log: "), std::string::npos) << r.out;
  const std::string end = "cb1.on_multirun_end config_name=config jobs=4";
  ASSERT_NE(r.out.find(end), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(end), r.out.rfind(end)) << "on_multirun_end ran more than once\n" << r.out;
  const std::string failed = read_text(dir.path() / "s/1/.hydra/job_return.yaml");
  EXPECT_NE(failed.find("status: FAILED\n"), std::string::npos) << failed;
  EXPECT_NE(failed.find("  reason: signal\n  type: SIGSEGV\n"), std::string::npos) << failed;
  EXPECT_NE(failed.find("  code: 11\n"), std::string::npos) << failed;
  for (std::string n : {"0", "2", "3"})
    EXPECT_NE(read_text(dir.path() / ("s/" + n + "/.hydra/job_return.yaml")).find("status: COMPLETED\n"), std::string::npos) << n;
  EXPECT_NE(r.err.find("Error executing job with overrides: ['fail=segfault']\n"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("signal 11 (SIGSEGV)\n"), std::string::npos) << r.err;
}

TEST_F(SlurmLauncher, ATaskExceptionKeepsTheJobsOwnReturn) {
  auto r = run_process(slurm_argv({"fail=none,exception"}), dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("#1 FAILED (fail=exception): std::invalid_argument: task failed"), std::string::npos) << r.out;
  EXPECT_EQ(r.err, "Error executing job with overrides: ['fail=exception']\nstd::invalid_argument: task failed\n");
}

// One sweep, three jobs: #0 is scancel'd while it runs, #1 outlives timeout_min=1, #2 completes.
TEST_F(SlurmLauncher, ScancelAndTimeLimitAreFailedWithSlurmsState) {
  const auto t0 = std::chrono::steady_clock::now();
  ChildProcess child(slurm_argv({"fail=sleep,sleep,none", "+sleep_s=600", "hydra.launcher.timeout_min=1",
                               "hydra.sweep.dir=s"}),
                     dir.path());
  const fs::path sweep = dir.path() / "s";
  const std::string id = started_array(sweep);
  ASSERT_FALSE(id.empty()) << "task 0 did not start";
  auto cancel = slurm_command({"scancel", id + "_0"});
  ASSERT_EQ(cancel.exit_code, 0) << cancel.err;
  // SLURM checks time limits every 30 s, then allows KillWait (5 s): TIMEOUT lands 60-100 s in.
  auto r = child.wait(std::chrono::seconds(200));
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(r.signal, 0) << "the launcher hung and was killed";
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_LT(took, 150) << "a 1-minute time limit should end the sweep within 2.5 minutes";
  EXPECT_NE(r.out.find("#0 FAILED (fail=sleep +sleep_s=600): cancelled: SLURM job " + id + "_0 ended CANCELLED"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("#1 FAILED (fail=sleep +sleep_s=600): timeout: SLURM job " + id + "_1 ended TIMEOUT"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("cb1.on_multirun_end config_name=config jobs=3"), std::string::npos) << r.out;
  const std::string cancelled = read_text(sweep / "0/.hydra/job_return.yaml");
  EXPECT_NE(cancelled.find("status: FAILED\n"), std::string::npos) << cancelled;
  EXPECT_NE(cancelled.find("  reason: cancelled\n  type: CANCELLED\n"), std::string::npos) << cancelled;
  const std::string timed_out = read_text(sweep / "1/.hydra/job_return.yaml");
  EXPECT_NE(timed_out.find("  reason: timeout\n  type: TIMEOUT\n"), std::string::npos) << timed_out;
  EXPECT_NE(read_text(sweep / "2/.hydra/job_return.yaml").find("status: COMPLETED\n"), std::string::npos);
  // Nothing of the array is left on the cluster.
  auto q = slurm_command({"squeue", "-h", "-r", "-j", id, "-o", "%K %T"});
  EXPECT_EQ(q.out, "") << q.err;
}

TEST_F(SlurmLauncher, SigintCancelsTheArrayAndTheRunningJobEndsInterrupted) {
  ChildProcess child(slurm_argv({"hydra.launcher.array_parallelism=1", "fail=wait_for_signal,none,none", "hydra.sweep.dir=s"}),
                     dir.path());
  const fs::path sweep = dir.path() / "s";
  std::string id;
  ASSERT_TRUE(eventually(
      [&] {
        id = array_id(sweep);
        return !id.empty() && task_output(sweep, id, 0).find("WAITING") != std::string::npos;
      },
      30s));
  child.send_signal(SIGINT);
  auto r = child.wait(std::chrono::seconds(60));
  EXPECT_EQ(r.exit_code, 130) << r.out << r.err;
  EXPECT_NE(task_output(sweep, id, 0).find("cb1.on_job_end status=FAILED value=ret-bar error=interrupted:"),
            std::string::npos)
      << task_output(sweep, id, 0);
  // The two queued tasks never started: cancelled, not reported as jobs.
  EXPECT_NE(r.out.find("cb1.on_multirun_end config_name=config jobs=1"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(sweep / "1")) << r.out;
  auto q = slurm_command({"squeue", "-h", "-r", "-t", "all", "-j", id, "-o", "%K %T"});
  EXPECT_EQ(q.exit_code, 0) << q.err;
  for (const auto& line : lines_of(q.out))
    EXPECT_TRUE(line.find("CANCELLED") != std::string::npos || line.find("FAILED") != std::string::npos) << q.out;
}

TEST_F(SlurmLauncher, ParametersReachSbatch) {
  auto r = run_process(slurm_argv({"foo=a,b", "hydra.sweep.dir=s", "hydra.launcher.partition=debug",
                                 "hydra.launcher.timeout_min=7", "hydra.launcher.cpus_per_task=2",
                                 "hydra.launcher.mem_gb=1", "hydra.launcher.array_parallelism=1",
                                 "+hydra.launcher.additional_parameters.comment=hydra-cpp-test"}),
                       dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string id = array_id(dir.path() / "s");
  ASSERT_FALSE(id.empty());
  auto s = slurm_command({"scontrol", "show", "job", "-o", id});
  ASSERT_EQ(s.exit_code, 0) << s.err;
  for (std::string expected : {"Partition=debug", "TimeLimit=00:07:00", "NumCPUs=2", "MinMemoryNode=1G",
                               "Comment=hydra-cpp-test", "JobName=lifecycle_app"})
    EXPECT_NE(s.out.find(expected), std::string::npos) << expected << "\n" << s.out;
  EXPECT_NE(s.out.find("ArrayTaskThrottle=1"), std::string::npos) << s.out;
}

// sbatch refusing the array: every job FAILED with sbatch's own reason, the sweep ends normally
// (on_multirun_end once) and exits 1.
TEST_F(SlurmLauncher, SbatchRejectingTheArrayFailsEveryJobWithItsReason) {
  auto r = run_process(slurm_argv({"foo=a,b,c", "hydra.launcher.partition=nope", "hydra.sweep.dir=s"}), dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("SLURM launcher: sbatch refused the job array (invalid partition specified: nope; "), std::string::npos)
      << r.out;
  for (std::string job : {"#0 FAILED (foo=a)", "#1 FAILED (foo=b)", "#2 FAILED (foo=c)"})
    EXPECT_NE(r.out.find(job + ": not submitted: sbatch refused the job array: invalid partition specified: nope; "
                               "Batch job submission failed: Invalid partition name specified"),
              std::string::npos)
        << job << "\n" << r.out;
  const std::string end = "cb1.on_multirun_end config_name=config jobs=3";
  ASSERT_NE(r.out.find(end), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(end), r.out.rfind(end)) << r.out;
  EXPECT_EQ(r.out.find("on_job_start"), std::string::npos) << r.out;
  const std::string ret = read_text(dir.path() / "s/2/.hydra/job_return.yaml");
  EXPECT_NE(ret.find("status: FAILED\n"), std::string::npos) << ret;
  EXPECT_NE(ret.find("  type: sbatch\n"), std::string::npos) << ret;
  EXPECT_NE(r.err.find("Error executing job with overrides: ['foo=a']\n"), std::string::npos) << r.err;
  auto mem = run_process(slurm_argv({"foo=a,b", "hydra.launcher.mem_gb=100000"}), dir.path());
  EXPECT_EQ(mem.exit_code, 1);
  EXPECT_NE(mem.out.find("not submitted: sbatch refused the job array: Memory specification can not be satisfied"),
            std::string::npos)
      << mem.out;
}

// Tasks still pending (array_parallelism=1 keeps #1 and #2 queued) end in the array's range record
// (ArrayTaskId=1-2%1): an scancel of the array must give every task FAILED cancelled at once.
TEST_F(SlurmLauncher, ScancelOfAnArrayWithPendingTasksFailsEveryTaskCancelled) {
  ChildProcess child(slurm_argv({"hydra.launcher.array_parallelism=1", "fail=sleep,sleep,sleep", "+sleep_s=600",
                                 "hydra.launcher.max_wait_min=3", "hydra.sweep.dir=s"}),
                     dir.path());
  const fs::path sweep = dir.path() / "s";
  const std::string id = started_array(sweep);
  ASSERT_FALSE(id.empty()) << "task 0 did not start";
  const auto t0 = std::chrono::steady_clock::now();
  auto cancel = slurm_command({"scancel", id});
  ASSERT_EQ(cancel.exit_code, 0) << cancel.err;
  auto r = child.wait(std::chrono::seconds(60));
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(r.signal, 0) << "the launcher hung and was killed\n" << r.out;
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_LT(took, 20) << r.out;
  for (int n : {0, 1, 2}) {
    EXPECT_NE(r.out.find("#" + std::to_string(n) + " FAILED (fail=sleep +sleep_s=600): cancelled: SLURM job " + id + "_" +
                         std::to_string(n) + " ended CANCELLED"),
              std::string::npos)
        << n << "\n" << r.out;
    const std::string ret = read_text(sweep / (std::to_string(n) + "/.hydra/job_return.yaml"));
    EXPECT_NE(ret.find("  reason: cancelled\n  type: CANCELLED\n"), std::string::npos) << n << "\n" << ret;
  }
  const std::string end = "cb1.on_multirun_end config_name=config jobs=3";
  ASSERT_NE(r.out.find(end), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(end), r.out.rfind(end)) << r.out;
}

// Two sweeps into one fixed sweep dir on the cluster: the second waits for the first, and each
// reports exactly its own jobs (the array's spec files are named for their sweep).
TEST_F(SlurmLauncher, SecondSweepIntoTheSameDirWaitsAndEachReportsItsOwnJobs) {
  const fs::path go = dir.path() / "go";
  ChildProcess first(slurm_argv({"hydra.sweep.dir=shared", "foo=a,b", "fail=wait_for_file", "+wait_file=" + go.string()}),
                     dir.path());
  const fs::path sweep = dir.path() / "shared";
  ASSERT_TRUE(eventually(
      [&] {
        const std::string id = array_id(sweep);
        return !id.empty() && task_output(sweep, id, 0).find("WAITING") != std::string::npos;
      },
      30s))
      << "task 0 of the first sweep did not start";
  ChildProcess second(slurm_argv({"hydra.sweep.dir=shared", "foo=c,d,e"}), dir.path());
  const bool waited = second.wait_for_output("is in use by another sweep: waiting", std::chrono::seconds(30));
  std::ofstream(go).put('\n');
  auto a = first.wait(std::chrono::seconds(90));
  auto b = second.wait(std::chrono::seconds(90));
  ASSERT_TRUE(waited) << b.out << b.err;
  ASSERT_EQ(a.exit_code, 0) << a.out << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.out << b.err;
  EXPECT_NE(a.out.find("cb1.on_multirun_end config_name=config jobs=2"), std::string::npos) << a.out;
  EXPECT_NE(b.out.find("cb1.on_multirun_end config_name=config jobs=3"), std::string::npos) << b.out;
  EXPECT_EQ(b.out.find("ret-a"), std::string::npos) << b.out;
  EXPECT_EQ(a.out.find("ret-c"), std::string::npos) << a.out;
  for (auto [n, foo] : {std::pair{0, "c"}, {1, "d"}, {2, "e"}}) {
    const std::string ret = read_text(sweep / std::to_string(n) / ".hydra/job_return.yaml");
    EXPECT_NE(ret.find("status: COMPLETED\n"), std::string::npos) << n << "\n" << ret;
    EXPECT_NE(ret.find(std::string("foo=") + foo), std::string::npos) << n << "\n" << ret;
  }
}

// A task requeued while it runs (scontrol requeue: REQUEUED, then PENDING) is waited for again and
// reported from its second run; SLURM holds a requeued task back 120 s, which StartTime=now lifts.
TEST_F(SlurmLauncher, ARequeuedTaskIsReportedFromItsSecondRun) {
  const fs::path go = dir.path() / "go";
  ChildProcess child(slurm_argv({"fail=wait_for_file,none", "+wait_file=" + go.string(), "hydra.sweep.dir=s"}),
                     dir.path());
  const fs::path sweep = dir.path() / "s";
  std::string id, pid;
  ASSERT_TRUE(eventually(
      [&] {
        id = array_id(sweep);
        const std::string out = id.empty() ? std::string() : task_output(sweep, id, 0);
        std::smatch m;
        if (std::regex_search(out, m, std::regex(R"(WAITING pid=(\d+))"))) pid = m[1].str();
        return !pid.empty();
      },
      30s))
      << "task 0 did not start";
  const fs::path first_run = fs::path("/proc") / pid;
  auto requeue = slurm_command({"scontrol", "requeue", id + "_0"});
  ASSERT_EQ(requeue.exit_code, 0) << requeue.err;
  // Only once the first run is gone may the file let a run finish: the second one must.
  ASSERT_TRUE(eventually([&] { return !fs::exists(first_run); }, 30s)) << "the first run was not stopped";
  std::ofstream(go).put('\n');
  // The hold is set when the requeue completes, which may be after a first StartTime=now: lift it
  // while the task is pending, until it runs (or has run).
  ASSERT_TRUE(eventually(
      [&] {
        const std::string state = slurm_command({"squeue", "-h", "-j", id + "_0", "-o", "%T"}).out;
        if (state.find("PENDING") == std::string::npos) return state.find("REQUEUED") == std::string::npos;
        slurm_command({"scontrol", "update", "JobId=" + id + "_0", "StartTime=now"});
        return false;
      },
      60s))
      << "the requeued task did not start again";
  auto r = child.wait(std::chrono::seconds(90));
  EXPECT_EQ(r.signal, 0) << "the launcher hung and was killed\n" << r.out;
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("cb1.on_multirun_end config_name=config jobs=2"), std::string::npos) << r.out;
  for (int n : {0, 1}) {
    const std::string ret = read_text(sweep / (std::to_string(n) + "/.hydra/job_return.yaml"));
    EXPECT_NE(ret.find("status: COMPLETED\n"), std::string::npos) << n << "\n" << ret;
  }
  auto restarts = slurm_command({"scontrol", "show", "job", "-o", id + "_0"});
  EXPECT_NE(restarts.out.find("Restarts=1"), std::string::npos) << restarts.out;
}

// Ctrl-C with tasks still pending: they are cancelled and never reported; the sweep ends in seconds.
TEST_F(SlurmLauncher, SigintWithPendingTasksEndsInSeconds) {
  ChildProcess child(slurm_argv({"hydra.launcher.array_parallelism=1", "fail=sleep,sleep,sleep", "+sleep_s=600",
                                 "hydra.launcher.interrupt_grace_s=2", "hydra.sweep.dir=s"}),
                     dir.path());
  const fs::path sweep = dir.path() / "s";
  const std::string id = started_array(sweep);
  ASSERT_FALSE(id.empty()) << "task 0 did not start";
  const auto t0 = std::chrono::steady_clock::now();
  child.send_signal(SIGINT);
  auto r = child.wait(std::chrono::seconds(60));
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(r.exit_code, 130) << r.out << r.err;
  EXPECT_LT(took, 30) << r.out;
  EXPECT_EQ(r.out.find("UNKNOWN"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(sweep / "1")) << r.out;
}

TEST_F(SlurmLauncher, MissingClusterOrClientToolsAreClearErrors) {
  auto no_conf = run_process(slurm_argv({"foo=a"}), dir.path(), {{"SLURM_CONF", "/nonexistent/slurm.conf"}});
  EXPECT_EQ(no_conf.exit_code, 1);
  EXPECT_NE(no_conf.err.find("SLURM_CONF=/nonexistent/slurm.conf does not exist"), std::string::npos) << no_conf.err;
  auto no_sbatch = run_process(slurm_argv({"foo=a"}), dir.path(), {{"PATH", "/nonexistent"}});
  EXPECT_EQ(no_sbatch.exit_code, 1);
  EXPECT_NE(no_sbatch.err.find("'sbatch' not found on PATH"), std::string::npos) << no_sbatch.err;
  // No cluster to be found at all (SLURM_CONF unset, no /etc/slurm/slurm.conf, no DNS SRV
  // record): one line that says so and where to get one, every job FAILED with it, exit 1.
  if (!fs::exists("/etc/slurm/slurm.conf")) {
    auto none = run_after_shell_setup("unset SLURM_CONF", slurm_argv({"foo=a,b"}), dir.path());
    EXPECT_EQ(none.exit_code, 1) << none.out << none.err;
    const std::string line = "SLURM launcher: no SLURM cluster is reachable (sbatch: ";
    EXPECT_NE(none.err.find(line), std::string::npos) << none.err;
    EXPECT_NE(none.err.find("see the README's 'Try the SLURM launcher locally' (cmake/slurm/start-local-slurm.sh)"),
              std::string::npos)
        << none.err;
    EXPECT_NE(none.out.find("cb1.on_multirun_end config_name=config jobs=2"), std::string::npos) << none.out;
    EXPECT_TRUE(std::regex_search(none.out, std::regex("#1 FAILED \\(foo=b\\): [^\n]*not run: the launcher failed: "
                                                         "SLURM launcher: no SLURM cluster is reachable")))
        << none.out;
  }
  auto bad = run_process(slurm_argv({"foo=a", "+hydra.launcher.additional_parameters.wait=true"}), dir.path());
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("--wait is not allowed"), std::string::npos) << bad.err;
}

// Batches and max_array_size: several arrays, each numbering its tasks from 0 (task_offset in
// the job file); every job still runs its own spec.
TEST_F(SlurmLauncher, SeveralArraysPerSweepRunTheRightJobs) {
  auto r = run_process(slurm_argv({"foo=a,b,c,d,e", "hydra.sweeper.max_batch_size=3", "hydra.launcher.max_array_size=2",
                                 "hydra.sweep.dir=s"}),
                       dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::set<std::string> ids;
  std::string out = r.out;
  std::regex submitted(R"(Submitted SLURM job array (\d+) \((\d) tasks)");
  for (std::sregex_iterator it(out.begin(), out.end(), submitted), end; it != end; ++it) ids.insert((*it)[1]);
  EXPECT_EQ(ids.size(), 3u) << r.out;  // batch 1: jobs 0-1 and 2; batch 2: jobs 3-4
  const std::string foos = "abcde";
  for (int n = 0; n < 5; ++n) {
    const std::string ret = read_text(dir.path() / ("s/" + std::to_string(n) + "/.hydra/job_return.yaml"));
    EXPECT_NE(ret.find("num: " + std::to_string(n) + "\n"), std::string::npos) << ret;
    EXPECT_NE(ret.find("- foo=" + foos.substr(static_cast<std::size_t>(n), 1) + "\n"), std::string::npos) << ret;
    EXPECT_NE(ret.find("status: COMPLETED\n"), std::string::npos) << ret;
  }
  EXPECT_NE(r.out.find("cb1.on_multirun_end config_name=config jobs=5"), std::string::npos) << r.out;
}

// The overall bound: a sweep that outlives max_wait_min is cancelled and its jobs FAILED (timeout).
TEST_F(SlurmLauncher, MaxWaitBoundsTheWholeWait) {
  const auto t0 = std::chrono::steady_clock::now();
  auto r = run_process(slurm_argv({"fail=sleep,none", "+sleep_s=600", "hydra.launcher.max_wait_min=0.05", "hydra.sweep.dir=s"}),
                       dir.path());
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_LT(took, 30) << r.out;
  EXPECT_NE(r.out.find("(hydra.launcher.max_wait_min): cancelling it"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("#0 FAILED (fail=sleep +sleep_s=600): timeout: cancelled after hydra.launcher.max_wait_min"),
            std::string::npos)
      << r.out;
  EXPECT_NE(read_text(dir.path() / "s/0/.hydra/job_return.yaml").find("  reason: timeout\n"), std::string::npos);
  EXPECT_NE(read_text(dir.path() / "s/1/.hydra/job_return.yaml").find("status: COMPLETED\n"), std::string::npos);
}

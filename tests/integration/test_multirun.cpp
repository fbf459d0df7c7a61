// MULTIRUN through the real binaries (docs/spec.md §3; issue #4): sweep dirs, event order, failures,
// batches, interrupts, the JobReturn record.
#include "support/apps.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <regex>
#include <thread>

namespace fs = std::filesystem;
using namespace hydra::testing;

namespace {

// multirun/<date>/<time>: exactly one.
fs::path single_sweep_dir(const fs::path& cwd) {
  std::vector<fs::path> found;
  if (fs::exists(cwd / "multirun"))
    for (const auto& day : fs::directory_iterator(cwd / "multirun"))
      for (const auto& time : fs::directory_iterator(day.path())) found.push_back(time.path());
  EXPECT_EQ(found.size(), 1u);
  return found.empty() ? fs::path() : found.front();
}

// Lines of interest, timestamps dropped: HYDRA lines as "HYDRA <msg>", callback events as
// "<label>.<hook>", task lines as "TASK foo=x".
std::vector<std::string> events(const std::string& out) {
  std::vector<std::string> result;
  static const std::regex hydra_line(R"(^\[[^\]]+\]\[HYDRA\] (.*)$)");
  for (const auto& line : lines_of(out)) {
    std::smatch m;
    if (std::regex_match(line, m, hydra_line)) {
      result.push_back("HYDRA " + m[1].str());
    } else if (line.rfind("TASK ", 0) == 0) {
      result.push_back(line);
    } else if (line.rfind("cb", 0) == 0) {
      result.push_back(line.substr(0, line.find(' ')));
    }
  }
  return result;
}

}  // namespace

TEST(Multirun, SeedSweepOfThree) {
  ScratchDir dir;
  auto r = run_process({MY_APP, "-m", "foo=a,b,c"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  std::vector<std::string> expected = {"HYDRA Launching 3 jobs locally", "HYDRA \t#0 : foo=a"};
  auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 13u) << r.out;
  EXPECT_TRUE(std::regex_match(lines[0], std::regex(R"(\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\]\[HYDRA\] Launching 3 jobs locally)")));
  for (int job = 0; job < 3; ++job) {
    std::string foo(1, static_cast<char>('a' + job));
    EXPECT_NE(lines[1 + 4 * job].find("[HYDRA] \t#" + std::to_string(job) + " : foo=" + foo), std::string::npos);
    EXPECT_EQ(lines[2 + 4 * job], "foo: " + foo);
    EXPECT_EQ(lines[3 + 4 * job], "");
    EXPECT_EQ(lines[4 + 4 * job], "Job ended,uploading...");
  }
  fs::path sweep = single_sweep_dir(dir.path());
  std::vector<std::string> files = list_files(sweep);
  std::vector<std::string> want = {"multirun.log", "multirun.yaml"};
  for (std::string n : {"0", "1", "2"})
    for (std::string f : {"/.hydra/config.yaml", "/.hydra/hydra.yaml", "/.hydra/job_return.yaml",
                          "/.hydra/overrides.yaml", "/my_app.log"})
      want.push_back(n + f);
  std::sort(want.begin(), want.end());
  EXPECT_EQ(files, want);
  EXPECT_EQ(read_text(sweep / "1/.hydra/config.yaml"), "foo: b\n");
  EXPECT_EQ(read_text(sweep / "1/.hydra/overrides.yaml"), "- foo=b\n");
  std::string hydra_yaml = read_text(sweep / "2/.hydra/hydra.yaml");
  EXPECT_NE(hydra_yaml.find("    num: 2\n"), std::string::npos) << hydra_yaml;
  EXPECT_NE(hydra_yaml.find("    id: 2\n"), std::string::npos) << hydra_yaml;
  EXPECT_NE(read_text(sweep / "multirun.yaml").find("foo: bar\n"), std::string::npos);
  std::string log = read_text(sweep / "multirun.log");
  EXPECT_NE(log.find("[HYDRA] Launching 3 jobs locally\n"), std::string::npos) << log;
  EXPECT_NE(log.find("[HYDRA] \t#2 : foo=c\n"), std::string::npos) << log;
}

TEST(Multirun, TwoCallbacksInATwoJobSweep) {
  ScratchDir dir;
  auto r = run_process(lifecycle_argv({"-m", "foo=a,b"}), dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> expected = {
      "cb1.__init__", "cb2.__init__", "cb1.on_multirun_start", "cb2.on_multirun_start",
      "HYDRA Launching 2 jobs locally", "HYDRA \t#0 : foo=a", "cb1.on_job_start", "cb2.on_job_start", "TASK foo=a",
      "cb2.on_job_end", "cb1.on_job_end", "HYDRA \t#1 : foo=b", "cb1.on_job_start", "cb2.on_job_start", "TASK foo=b",
      "cb2.on_job_end", "cb1.on_job_end", "cb2.on_multirun_end", "cb1.on_multirun_end"};
  EXPECT_EQ(events(r.out), expected) << r.out;
  EXPECT_NE(r.out.find("cb1.on_multirun_end config_name=config jobs=2\n"), std::string::npos);
}

TEST(Multirun, FailingJobDoesNotStopItsBatchAndIsReportedAtOnce) {
  ScratchDir dir;
  auto r = run_process(lifecycle_argv({"-m", "fail=none,exception,none"}), dir.path());
  EXPECT_EQ(r.exit_code, 1);
  auto ev = events(r.out);
  auto failure = std::find_if(ev.begin(), ev.end(), [](const std::string& e) { return e.find("#1 FAILED") != std::string::npos; });
  auto job2 = std::find(ev.begin(), ev.end(), "HYDRA \t#2 : fail=none");
  ASSERT_NE(failure, ev.end()) << r.out;
  ASSERT_NE(job2, ev.end()) << r.out;
  EXPECT_LT(failure, job2);
  EXPECT_TRUE(std::regex_search(*failure, std::regex(R"(#1 FAILED \(fail=exception\): std::invalid_argument: task failed; log: /.*/1/lifecycle_app\.log)")))
      << *failure;
  EXPECT_EQ(std::count(ev.begin(), ev.end(), "cb1.on_multirun_end"), 1);
  EXPECT_NE(r.out.find("cb1.on_multirun_end config_name=config jobs=3\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.err, "Error executing job with overrides: ['fail=exception']\nstd::invalid_argument: task failed\n");

  fs::path sweep = single_sweep_dir(dir.path());
  std::string failed = read_text(sweep / "1/.hydra/job_return.yaml");
  EXPECT_NE(failed.find("status: FAILED\n"), std::string::npos) << failed;
  EXPECT_NE(failed.find("  reason: exception\n  type: std::invalid_argument\n  message: task failed\n"), std::string::npos)
      << failed;
  EXPECT_NE(failed.find("num: 1\n"), std::string::npos);
  EXPECT_NE(read_text(sweep / "2/.hydra/job_return.yaml").find("status: COMPLETED\n"), std::string::npos);
  EXPECT_NE(read_text(sweep / "multirun.log").find("#1 FAILED (fail=exception)"), std::string::npos);
}

TEST(Multirun, MaxBatchSizeOneStopsAfterTheFailingBatch) {
  ScratchDir dir;
  auto r = run_process(lifecycle_argv({"-m", "fail=none,exception,none", "hydra.sweeper.max_batch_size=1"}), dir.path());
  EXPECT_EQ(r.exit_code, 1);
  auto ev = events(r.out);
  EXPECT_EQ(std::count(ev.begin(), ev.end(), "HYDRA Launching 1 jobs locally"), 2) << r.out;
  EXPECT_EQ(std::find(ev.begin(), ev.end(), "HYDRA \t#2 : fail=none"), ev.end()) << r.out;
  EXPECT_NE(r.out.find("cb1.on_multirun_end config_name=config jobs=2\n"), std::string::npos) << r.out;
  EXPECT_EQ(list_files(single_sweep_dir(dir.path())).size(), 2u + 2 * 5);
}

TEST(Multirun, BatchesOfTwo) {
  ScratchDir dir;
  auto r = run_process(lifecycle_argv({"-m", "foo=a,b,c", "hydra.sweeper.max_batch_size=2"}), dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto ev = events(r.out);
  EXPECT_EQ(std::count(ev.begin(), ev.end(), "HYDRA Launching 2 jobs locally"), 1);
  EXPECT_EQ(std::count(ev.begin(), ev.end(), "HYDRA Launching 1 jobs locally"), 1);
}

TEST(Multirun, CartesianProductInTheOrderGiven) {
  ScratchDir dir;
  auto r = run_process(lifecycle_argv({"-m", "foo=a,b", "+x=range(0,3)", "hydra/job_logging=disabled"}), dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> launched;
  for (const auto& e : events(r.out))
    if (e.rfind("HYDRA \t#", 0) == 0) launched.push_back(e.substr(7));
  EXPECT_EQ(launched, (std::vector<std::string>{"#0 : foo=a +x=0", "#1 : foo=a +x=1", "#2 : foo=a +x=2",
                                                 "#3 : foo=b +x=0", "#4 : foo=b +x=1", "#5 : foo=b +x=2"}));
}

TEST(Multirun, SweeperParamsFromConfigAndChoice) {
  ScratchDir dir;
  auto r = run_process(lifecycle_argv({"-m", "+hydra.sweeper.params.foo='choice(p,q)'"}), dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("TASK foo=p\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("TASK foo=q\n"), std::string::npos) << r.out;
}

TEST(Multirun, ModeFromConfigAndSingleJobWithoutSweep) {
  ScratchDir dir;
  auto r = run_process(lifecycle_argv({"hydra.mode=MULTIRUN"}), dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Launching 1 jobs locally"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(single_sweep_dir(dir.path()) / "0/.hydra/config.yaml"));
}

TEST(Multirun, GroupSweepsWithListAndGlob) {
  ScratchDir dir;
  auto listed = run_process(lifecycle_argv({"-m", "+db=mysql,postgres", "hydra.sweep.dir=s1"}), dir.path());
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(read_text(dir.path() / "s1/1/.hydra/config.yaml"),
            "foo: bar\nfail: none\ndb:\n  driver: postgres\n  port: 5432\n");
  auto excluded = run_process(lifecycle_argv({"-m", "+db=glob(*,exclude=my*)", "hydra.sweep.dir=s2"}), dir.path());
  ASSERT_EQ(excluded.exit_code, 0) << excluded.err;
  EXPECT_NE(excluded.out.find("Launching 1 jobs locally"), std::string::npos) << excluded.out;
  EXPECT_NE(excluded.out.find("#0 : +db=postgres"), std::string::npos) << excluded.out;
  auto globbed2 = run_process(lifecycle_argv({"-m", "+db=glob(*)", "hydra.sweep.dir=s3"}), dir.path());
  ASSERT_EQ(globbed2.exit_code, 0) << globbed2.err;
  EXPECT_NE(globbed2.out.find("#0 : +db=mysql"), std::string::npos) << globbed2.out;
  EXPECT_NE(globbed2.out.find("#1 : +db=postgres"), std::string::npos) << globbed2.out;
}

TEST(Multirun, SweepWithoutMultirunIsAnError) {
  ScratchDir dir;
  auto r = run_process(lifecycle_argv({"foo=a,b"}), dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("foo=a,b"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--multirun"), std::string::npos) << r.err;
  EXPECT_TRUE(list_files(dir.path()).empty());
}

TEST(Multirun, AJobThatDoesNotComposeStopsEverythingBeforeLaunch) {
  ScratchDir dir;
  // Job #0 is fine, job #1 names a group option that does not exist.
  auto r = run_process(lifecycle_argv({"-m", "+db=mysql,nonexistent"}), dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Job #1 (+db=nonexistent) does not compose"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nonexistent"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("on_multirun_start"), std::string::npos) << r.out;
  EXPECT_TRUE(list_files(dir.path()).empty());
}

TEST(Multirun, BadSweepsAreClearErrors) {
  ScratchDir dir;
  for (std::string bad : {"foo=range(a,b)", "foo=interval(0,1)", "foo=glob(*)", "foo=a,,b", "foo=range(0,3,0)"}) {
    auto r = run_process(lifecycle_argv({"-m", bad}), dir.path());
    EXPECT_EQ(r.exit_code, 1) << bad;
    // A malformed value is the grammar's error, a function called with bad arguments Hydra's
    // "Error parsing override", one the basic sweeper cannot run the sweeper's.
    const std::string headline = bad == "foo=a,,b"         ? "Invalid override '"
                                 : bad == "foo=range(a,b)" ? "Error parsing override '"
                                                           : "Invalid sweep '";
    EXPECT_NE(r.err.find(headline + bad + "'"), std::string::npos)
        << bad << ": " << r.err;
  }
  EXPECT_TRUE(list_files(dir.path()).empty());
}

TEST(Multirun, SigintMidSweepStopsLaunchingAndExits130) {
  ScratchDir dir;
  ChildProcess child(lifecycle_argv({"-m", "fail=none,wait_for_signal,none"}), dir.path());
  ASSERT_TRUE(child.wait_for_output("WAITING", std::chrono::seconds(20)));
  child.send_signal(SIGINT);
  auto r = child.wait();
  EXPECT_EQ(r.exit_code, 130) << r.out << r.err;
  EXPECT_NE(r.out.find("cb1.on_job_end status=FAILED value=ret-bar error=interrupted:"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("#2 :"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cb1.on_multirun_end config_name=config jobs=2\n"), std::string::npos) << r.out;
}

TEST(Multirun, JobEventsRunInThisProcessWithTheBasicLauncher) {
  ScratchDir dir;
  auto r = run_process(lifecycle_argv({"-m", "foo=a,b"}), dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::smatch init, job;
  ASSERT_TRUE(std::regex_search(r.out, init, std::regex(R"(cb1\.__init__ pid=(\d+))")));
  ASSERT_TRUE(std::regex_search(r.out, job, std::regex(R"(cb1\.on_job_start pid=(\d+))")));
  EXPECT_EQ(init[1], job[1]);
}

// The multirun hooks too: a raising hook is warned and everything else runs; strict makes it exit 1.
class RaisingMultirunHook : public ::testing::TestWithParam<std::string> {};

TEST_P(RaisingMultirunHook, IsWarnedAndEverythingElseRuns) {
  const std::string hook = GetParam();
  ScratchDir dir;
  auto r = run_process(lifecycle_argv({"-m", "foo=a,b", "hydra.callbacks.cb1.raise_in=[" + hook + "]"}), dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Callback Recorder." + hook + " raised std::runtime_error: boom in " + hook), std::string::npos)
      << r.out;
  auto ev = events(r.out);
  EXPECT_EQ(std::count(ev.begin(), ev.end(), "TASK foo=b"), 1) << r.out;
  EXPECT_EQ(std::count(ev.begin(), ev.end(), "cb2.on_multirun_end"), 1) << r.out;
  EXPECT_EQ(std::count(ev.begin(), ev.end(), "cb1.on_multirun_end"), 1) << r.out;

  auto strict = run_process(
      lifecycle_argv({"-m", "foo=a,b", "hydra.callbacks.cb1.raise_in=[" + hook + "]", "+hydra.callbacks.cb1._strict_=true"}),
      dir.path());
  EXPECT_EQ(strict.exit_code, 1) << strict.out << strict.err;
  EXPECT_NE(strict.err.find("Error: strict callback Recorder." + hook + " raised std::runtime_error"), std::string::npos)
      << strict.err;
}

INSTANTIATE_TEST_SUITE_P(MultirunHooks, RaisingMultirunHook,
                         ::testing::Values("on_multirun_start", "on_job_start", "on_job_end", "on_multirun_end"));

TEST(Multirun, ASecondSignalExitsAtOnce) {
  ScratchDir dir;
  // The task sleeps without looking at hydra::interrupted(): only the second signal ends it.
  ChildProcess child(lifecycle_argv({"-m", "fail=sleep,none", "+sleep_s=30"}), dir.path());
  ASSERT_TRUE(child.wait_for_output("TASK foo=bar", std::chrono::seconds(20)));
  auto start = std::chrono::steady_clock::now();
  child.send_signal(SIGINT);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  child.send_signal(SIGINT);
  auto r = child.wait(std::chrono::seconds(20));
  EXPECT_EQ(r.exit_code, 130) << r.out << r.err;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_NE(r.err.find("Interrupted twice"), std::string::npos) << r.err;
}

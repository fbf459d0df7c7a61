// The process launcher (docs/spec.md §9; issue #5) through the real binaries: same records as the basic
// launcher, job events in the job's process, crash/exit/timeout isolation, interrupts.
#include "support/apps.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <regex>
#include <set>

namespace fs = std::filesystem;
using namespace hydra::testing;

namespace {

// job_return.yaml without what differs between two runs (times, the working dir in paths).
std::string stable_job_return(const fs::path& file, const fs::path& sweep) {
  std::string text;
  for (const auto& line : lines_of(read_text(file))) {
    if (line.rfind("start_time:", 0) == 0 || line.rfind("duration_s:", 0) == 0) continue;
    std::string l = line;
    for (auto pos = l.find(sweep.string()); pos != std::string::npos; pos = l.find(sweep.string()))
      l.replace(pos, sweep.string().size(), "<CWD>");
    text += l + "\n";
  }
  return std::regex_replace(text, std::regex(R"(\d{4}-\d\d-\d\d/\d\d-\d\d-\d\d)"), "<DATE>/<TIME>");
}

}  // namespace

TEST(ProcessLauncher, SameRecordsAsTheBasicLauncher) {
  ScratchDir dir;
  // Same relative sweep dir, in two working dirs, so paths differ only by the working dir.
  fs::create_directories(dir.path() / "basic");
  fs::create_directories(dir.path() / "process");
  auto basic = run_process({MY_APP, "-m", "foo=a,b,c,d", "hydra.sweep.dir=s"}, dir.path() / "basic");
  ASSERT_EQ(basic.exit_code, 0) << basic.err;
  auto process = run_process(
      {MY_APP, "-m", "hydra/launcher=process", "hydra.launcher.n_jobs=2", "foo=a,b,c,d", "hydra.sweep.dir=s"},
      dir.path() / "process");
  ASSERT_EQ(process.exit_code, 0) << process.err;
  EXPECT_EQ(std::count(process.out.begin(), process.out.end(), '\n'), basic.out.size() ? 4 * 3 + 5 : 0) << process.out;
  EXPECT_EQ(record_files(dir.path() / "basic/s"), record_files(dir.path() / "process/s"));
  for (std::string n : {"0", "1", "2", "3"}) {
    for (std::string f : {"/.hydra/config.yaml", "/.hydra/overrides.yaml"})
      EXPECT_EQ(read_text(dir.path() / "basic/s" / (n + f)), read_text(dir.path() / "process/s" / (n + f))) << n << f;
    std::string b = stable_job_return(dir.path() / "basic/s" / n / ".hydra/job_return.yaml", dir.path() / "basic");
    std::string p = stable_job_return(dir.path() / "process/s" / n / ".hydra/job_return.yaml", dir.path() / "process");
    // The launcher choice itself differs (hydra.launcher, hydra.runtime.choices, hydra.overrides).
    auto without_launcher = [](const std::string& s) {
      std::string out;
      bool skip = false;
      for (const auto& line : lines_of(s)) {
        if (line.find("launcher") != std::string::npos && line.find("_target_") == std::string::npos) {
          skip = line.back() == ':';
          continue;
        }
        if (skip && line.rfind("      ", 0) == 0) continue;
        skip = false;
        if (line.find("hydra.launcher.n_jobs") != std::string::npos || line.find("_target_: hydra.launchers.") != std::string::npos ||
            line.find("n_jobs:") != std::string::npos || line.find("timeout:") != std::string::npos)
          continue;
        out += line + "\n";
      }
      return out;
    };
    auto bl = lines_of(without_launcher(b)), pl = lines_of(without_launcher(p));
    for (std::size_t i = 0; i < std::max(bl.size(), pl.size()); ++i) {
      std::string x = i < bl.size() ? bl[i] : "<none>", y = i < pl.size() ? pl[i] : "<none>";
      if (x != y) {
        ADD_FAILURE() << "job " << n << " line " << i << ": basic '" << x << "' vs process '" << y << "'";
        break;
      }
    }
  }
}

TEST(ProcessLauncher, JobEventsRunInTheJobsProcess) {
  ScratchDir dir;
  auto r = run_process(lifecycle_argv({"-m", "hydra/launcher=process", "hydra.launcher.n_jobs=2", "foo=a,b"}), dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex(R"(cb1\.__init__ pid=(\d+)\n(?:.*\n)*?cb1\.on_multirun_start)")))
      << r.out;
  std::string launcher_pid = m[1];
  std::set<std::string> job_pids;
  std::string out = r.out;
  std::regex job_start(R"(cb1\.on_job_start pid=(\d+))");
  for (std::sregex_iterator it(out.begin(), out.end(), job_start), end; it != end; ++it) job_pids.insert((*it)[1]);
  EXPECT_EQ(job_pids.size(), 2u) << r.out;
  EXPECT_EQ(job_pids.count(launcher_pid), 0u) << r.out;
  EXPECT_NE(r.out.find("cb1.on_multirun_end config_name=config jobs=2"), std::string::npos) << r.out;
}

TEST(ProcessLauncher, ASegfaultingJobFailsWithTheSignalAndTheSweepGoesOn) {
  ScratchDir dir;
  // Under ASan the sanitizer would catch the SIGSEGV and exit 1: let the job die by the signal.
  const char* asan = std::getenv("ASAN_OPTIONS");
  const std::string asan_options = std::string(asan ? asan : "") + (asan && *asan ? ":" : "") + "handle_segv=0";
  auto r = run_process(lifecycle_argv({"-m", "hydra/launcher=process", "hydra.launcher.n_jobs=2",
                                 "fail=none,segfault,none,none", "hydra.sweep.dir=s"}),
                       dir.path(), {{"ASAN_OPTIONS", asan_options}});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("#1 FAILED (fail=segfault): signal 11 (SIGSEGV); log: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cb1.on_multirun_end config_name=config jobs=4"), std::string::npos) << r.out;
  std::string failed = read_text(dir.path() / "s/1/.hydra/job_return.yaml");
  EXPECT_NE(failed.find("status: FAILED\n"), std::string::npos) << failed;
  EXPECT_NE(failed.find("  reason: signal\n  type: SIGSEGV\n"), std::string::npos) << failed;
  EXPECT_NE(failed.find("  code: 11\n"), std::string::npos) << failed;
  for (std::string n : {"0", "2", "3"})
    EXPECT_NE(read_text(dir.path() / ("s/" + n + "/.hydra/job_return.yaml")).find("status: COMPLETED\n"), std::string::npos) << n;
  EXPECT_NE(r.err.find("Error executing job with overrides: ['fail=segfault']\nsignal 11 (SIGSEGV)\n"),
            std::string::npos)
      << r.err;
}

TEST(ProcessLauncher, ExitWithoutAJobReturnAndTimeout) {
  ScratchDir dir;
  auto r = run_process(lifecycle_argv({"-m", "hydra/launcher=process", "hydra.launcher.timeout=1", "fail=exit3,sleep",
                                 "+sleep_s=30", "hydra.sweep.dir=s"}),
                       dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("#0 FAILED (fail=exit3 +sleep_s=30): exit code 3 without a JobReturn"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("#1 FAILED (fail=sleep +sleep_s=30): timeout: still running after 1 s"), std::string::npos) << r.out;
  EXPECT_NE(read_text(dir.path() / "s/1/.hydra/job_return.yaml").find("  reason: timeout\n"), std::string::npos);
  EXPECT_NE(read_text(dir.path() / "s/0/.hydra/job_return.yaml").find("  reason: exit_code\n"), std::string::npos);
}

TEST(ProcessLauncher, TaskExceptionKeepsTheJobsOwnReturn) {
  ScratchDir dir;
  auto r = run_process(lifecycle_argv({"-m", "hydra/launcher=process", "fail=none,exception"}), dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("#1 FAILED (fail=exception): std::invalid_argument: task failed"), std::string::npos) << r.out;
  EXPECT_EQ(r.err, "Error executing job with overrides: ['fail=exception']\nstd::invalid_argument: task failed\n");
}

TEST(ProcessLauncher, SigintStopsLaunchingAndTheRunningJobEndsInterrupted) {
  ScratchDir dir;
  ChildProcess child(lifecycle_argv({"-m", "hydra/launcher=process", "hydra.launcher.n_jobs=1",
                               "fail=wait_for_signal,none,none"}),
                     dir.path());
  ASSERT_TRUE(child.wait_for_output("WAITING", std::chrono::seconds(20)));
  child.send_signal(SIGINT);
  auto r = child.wait();
  EXPECT_EQ(r.exit_code, 130) << r.out << r.err;
  EXPECT_NE(r.out.find("cb1.on_job_end status=FAILED value=ret-bar error=interrupted:"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("#1 :"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cb1.on_multirun_end config_name=config jobs=1"), std::string::npos) << r.out;
}

TEST(ProcessLauncher, BadParametersAreClearErrors) {
  ScratchDir dir;
  auto r = run_process(lifecycle_argv({"-m", "hydra/launcher=process", "hydra.launcher.n_jobs=0", "foo=a,b"}), dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Error in call to target 'hydra.launchers.ProcessLauncher'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("n_jobs must be a positive number"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("full_key: hydra.launcher"), std::string::npos) << r.err;
  EXPECT_TRUE(list_files(dir.path()).empty());
}

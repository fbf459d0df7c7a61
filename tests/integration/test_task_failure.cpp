// A task that fails or is interrupted, in RUN mode (docs/spec.md §3).
#include "support/apps.hpp"

#include <gtest/gtest.h>

#include <csignal>

namespace fs = std::filesystem;
using namespace hydra::testing;

TEST(TaskFailure, ExceptionFailsTheJobButEndEventsRun) {
  ScratchDir dir;
  auto r = run_process(lifecycle_argv({"fail=exception"}), dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("cb2.on_job_end status=FAILED value=null error=std::invalid_argument:task failed\n"
                       "cb1.on_job_end status=FAILED"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("cb2.on_run_end config_name=config status=FAILED"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cb1.on_run_end config_name=config status=FAILED"), std::string::npos) << r.out;
  EXPECT_EQ(r.err, "Error executing job with overrides: ['fail=exception']\nstd::invalid_argument: task failed\n");
  EXPECT_TRUE(fs::exists(dir.path() / "outputs"));
}

TEST(TaskFailure, NonStdExceptionIsNamed) {
  ScratchDir dir;
  auto r = run_process(lifecycle_argv({"fail=int"}), dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("cb1.on_job_end status=FAILED value=null error=int:"), std::string::npos) << r.out;
  EXPECT_EQ(r.err,
            "Error executing job with overrides: ['fail=int']\n"
            "int: <unknown exception type: not a std::exception, no message>\n");
}

TEST(TaskFailure, MissingConfigKeyNamesTheKey) {
  ScratchDir dir;
  auto r = run_process(lifecycle_argv({"fail=missing_key"}), dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("hydra::ConfigError: Missing key divisor"), std::string::npos) << r.err;
}

TEST(TaskFailure, SigintEndsTheJobAsInterruptedWithExit130) {
  ScratchDir dir;
  ChildProcess child(lifecycle_argv({"fail=wait_for_signal"}), dir.path());
  ASSERT_TRUE(child.wait_for_output("WAITING", std::chrono::seconds(20)));
  child.send_signal(SIGINT);
  auto r = child.wait();
  EXPECT_EQ(r.exit_code, 130) << r.out << r.err;
  EXPECT_NE(r.out.find("cb1.on_job_end status=FAILED value=ret-bar error=interrupted:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cb1.on_run_end config_name=config status=FAILED"), std::string::npos) << r.out;
}

TEST(TaskFailure, TaskLogLinesGoToConsoleAndJobLog) {
  ScratchDir dir;
  auto r = run_process(lifecycle_argv({}), dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("][lifecycle_app][INFO] - task log line foo=bar\n"), std::string::npos) << r.out;
  std::vector<std::string> logs;
  for (const auto& f : list_files(dir.path()))
    if (f.size() > 4 && f.substr(f.size() - 4) == ".log") logs.push_back(f);
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_NE(logs[0].find("lifecycle_app.log"), std::string::npos);
  std::string log = read_text(dir.path() / logs[0]);
  EXPECT_NE(log.find("][lifecycle_app][INFO] - task log line foo=bar\n"), std::string::npos) << log;
}

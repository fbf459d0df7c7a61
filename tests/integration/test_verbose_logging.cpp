// hydra.verbose and the built-in logging groups, through examples/plugin_app: its task logs a
// debug line on `plugin_app`, its callback (hydra_examples.timer) one on `hydra_examples.timer`,
// and Hydra's own `hydra` logger prints its debug dump (as --info all shows it) before the run.
// Python Hydra 1.3.5 behaves the same (recorded with a Python app logging on __main__): DEBUG
// only for the loggers named (and the loggers below them), in the console and the job log;
// hydra/job_logging=none keeps the HYDRA console logging and writes no log file.
#include "support/process.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace hydra::testing;

namespace {

struct AppRun {
  std::string console;
  std::string job_log;  // "" if none was written
  bool job_log_written = false;
};

AppRun run_plugin_app(const std::vector<std::string>& overrides) {
  ScratchDir dir;
  std::vector<std::string> argv{PLUGIN_APP, "hydra.run.dir=out"};
  argv.insert(argv.end(), overrides.begin(), overrides.end());
  ProcessResult r = run_process(argv, dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  AppRun run{r.out, "", fs::exists(dir.path() / "out" / "plugin_app.log")};
  if (run.job_log_written) run.job_log = read_text(dir.path() / "out" / "plugin_app.log");
  return run;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const std::string kAppDebug = "][plugin_app][DEBUG] - config has 2 keys\n";
const std::string kTimerDebug = "][hydra_examples.timer][DEBUG] - training starting\n";
const std::string kHydraDump = "][HYDRA] Defaults Tree\n";  // the `hydra` logger's DEBUG, HYDRA format

}  // namespace

TEST(Verbose, OffByDefault) {
  AppRun run = run_plugin_app({});
  EXPECT_FALSE(has(run.console, "DEBUG")) << run.console;
  EXPECT_FALSE(has(run.console, kHydraDump)) << run.console;
  ASSERT_TRUE(run.job_log_written);
  EXPECT_FALSE(has(run.job_log, "DEBUG")) << run.job_log;
  EXPECT_TRUE(has(run.job_log, "][plugin_app][INFO] - training resnet for 3 epochs\n")) << run.job_log;
}

TEST(Verbose, TrueTurnsOnEveryLogger) {
  AppRun run = run_plugin_app({"hydra.verbose=true"});
  for (const auto& line : {kAppDebug, kTimerDebug, kHydraDump}) EXPECT_TRUE(has(run.console, line)) << line << run.console;
  EXPECT_TRUE(has(run.job_log, kAppDebug)) << run.job_log;
  EXPECT_TRUE(has(run.job_log, kTimerDebug)) << run.job_log;
  EXPECT_FALSE(has(run.job_log, "Defaults Tree")) << "the dump is HYDRA logging, before the job\n" << run.job_log;
}

TEST(Verbose, ALoggerNameTurnsOnThatLoggerOnly) {
  AppRun run = run_plugin_app({"hydra.verbose=plugin_app"});
  EXPECT_TRUE(has(run.console, kAppDebug)) << run.console;
  EXPECT_TRUE(has(run.job_log, kAppDebug)) << run.job_log;
  EXPECT_FALSE(has(run.console, kTimerDebug)) << run.console;
  EXPECT_FALSE(has(run.job_log, kTimerDebug)) << run.job_log;
  EXPECT_FALSE(has(run.console, kHydraDump)) << run.console;
}

TEST(Verbose, AListOfNamesCoversTheLoggersBelowEach) {
  // `hydra_examples` is the parent of `hydra_examples.timer`, as in Python's logger tree.
  AppRun run = run_plugin_app({"hydra.verbose=[hydra_examples,hydra]"});
  EXPECT_TRUE(has(run.console, kTimerDebug)) << run.console;
  EXPECT_TRUE(has(run.job_log, kTimerDebug)) << run.job_log;
  EXPECT_TRUE(has(run.console, kHydraDump)) << run.console;
  EXPECT_FALSE(has(run.console, kAppDebug)) << run.console;
  EXPECT_FALSE(has(run.job_log, kAppDebug)) << run.job_log;
}

TEST(Verbose, AMapIsAnErrorNamingTheKey) {
  ScratchDir dir;
  ProcessResult r = run_process({PLUGIN_APP, "hydra.run.dir=out", "hydra.verbose={a: 1}"}, dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "hydra.verbose must be true, false, a logger name or a list of logger names")) << r.err;
  EXPECT_TRUE(list_files(dir.path()).empty());
}

TEST(JobLoggingNone, KeepsTheHydraConsoleLoggingAndWritesNoLogFile) {
  AppRun run = run_plugin_app({"hydra/job_logging=none", "hydra.verbose=plugin_app"});
  EXPECT_FALSE(run.job_log_written);
  EXPECT_TRUE(has(run.console, "][HYDRA] training resnet for 3 epochs\n")) << run.console;
  EXPECT_TRUE(has(run.console, "][HYDRA] config has 2 keys\n")) << run.console;  // verbose still applies
}

TEST(HydraLoggingNone, LeavesHydraLinesOutAndTheJobLoggingAsIs) {
  AppRun run = run_plugin_app({"hydra/hydra_logging=none", "hydra.verbose=hydra"});
  EXPECT_FALSE(has(run.console, "[HYDRA]")) << run.console;  // unconfigured: WARNING and up only
  EXPECT_TRUE(has(run.job_log, "][plugin_app][INFO] - training resnet for 3 epochs\n")) << run.job_log;
}

TEST(JobLoggingStdout, MessagesOnlyAndNoLogFile) {
  AppRun run = run_plugin_app({"hydra/job_logging=stdout"});
  EXPECT_FALSE(run.job_log_written);
  EXPECT_TRUE(has(run.console, "\ntraining resnet for 3 epochs\n")) << run.console;
}

TEST(HydraLoggingHydraDebug, WritesHydrasDebugLinesToAFileInTheLaunchDir) {
  ScratchDir dir;
  ProcessResult r = run_process({PLUGIN_APP, "hydra.run.dir=out", "hydra/hydra_logging=hydra_debug"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(has(r.out, "[HYDRA]")) << r.out;
  std::string debug_log = read_text(dir.path() / "hydra-plugin_app.log");
  EXPECT_TRUE(has(debug_log, "][hydra][DEBUG] - Defaults Tree\n")) << debug_log;
  EXPECT_FALSE(has(debug_log, "plugin_app][")) << debug_log;
}

TEST(HydraLoggingHydraDebug, ASweepKeepsTheDumpWhenItSwitchesBackAndItsJobProcessesAppend) {
  // mode: w starts the file once per run: not again when the sweep returns to HYDRA logging after
  // each job, nor in the process launcher's job processes.
  ScratchDir dir;
  ProcessResult r = run_process({PLUGIN_APP, "-m", "epochs=1,2", "hydra/launcher=process",
                                 "hydra/hydra_logging=hydra_debug", "hydra.sweep.dir=sweep"},
                                dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string debug_log = read_text(dir.path() / "hydra-plugin_app.log");
  EXPECT_TRUE(has(debug_log, "][hydra][DEBUG] - Defaults Tree\n")) << debug_log;
  EXPECT_TRUE(has(debug_log, "][hydra][INFO] - Launching 2 jobs locally")) << debug_log;
}

// Callback order and isolation (docs/spec.md §2), through the real lifecycle_app and the Recorder plugin.
#include "support/apps.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace fs = std::filesystem;
using namespace hydra::testing;

namespace {

// "cb1.on_run_start config_name=..." -> "cb1.on_run_start"; other lines as they are.
std::vector<std::string> events(const std::string& out) {
  std::vector<std::string> result;
  for (const auto& line : lines_of(out)) {
    if (line.rfind("TASK ", 0) == 0) {
      result.push_back("TASK");
    } else if (line.rfind("cb", 0) == 0) {
      result.push_back(line.substr(0, line.find(' ')));
    }
  }
  return result;
}

const std::vector<std::string> kRunOrder = {
    "cb1.__init__",    "cb2.__init__",   "cb1.on_run_start", "cb2.on_run_start", "cb1.on_job_start",
    "cb2.on_job_start", "TASK",          "cb2.on_job_end",   "cb1.on_job_end",   "cb2.on_run_end",
    "cb1.on_run_end"};

}  // namespace

TEST(CallbackOrder, RunModeStartForwardEndReversed) {
  ScratchDir dir;
  auto r = run_lifecycle(dir.path(), {});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(events(r.out), kRunOrder) << r.out;
  EXPECT_EQ(r.err, "");
}

TEST(CallbackOrder, HooksSeeHydraStateAsSpecified) {
  ScratchDir dir;
  auto r = run_lifecycle(dir.path(), {});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // on_run_start: output dir unset; on_job_start/on_run_end: set; on_job_end: COMPLETED with the value.
  EXPECT_NE(r.out.find("cb1.on_run_start config_name=config output_dir=unset\n"), std::string::npos) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("cb1.on_job_start pid=\\d+ task=set output_dir=/.*/outputs/")));
  EXPECT_NE(r.out.find("cb2.on_job_end status=COMPLETED value=ret-bar\n"), std::string::npos) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("cb1.on_run_end config_name=config status=COMPLETED output_dir=/")));
}

TEST(CallbackOrder, DefaultsListOrderIsKept) {
  ScratchDir dir;
  auto r = run_lifecycle(dir.path(), {"--config-name", "via_defaults_reversed"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> expected = {
      "cb2.__init__",    "cb1.__init__",   "cb2.on_run_start", "cb1.on_run_start", "cb2.on_job_start",
      "cb1.on_job_start", "TASK",          "cb1.on_job_end",   "cb2.on_job_end",   "cb1.on_run_end",
      "cb2.on_run_end"};
  EXPECT_EQ(events(r.out), expected) << r.out;
}

TEST(CallbackOrder, CommandLineAdditionGoesLast) {
  ScratchDir dir;
  auto r = run_lifecycle(dir.path(), {"+hydra.callbacks.cb0={_target_:lifecycle.recorder.Recorder,label:cb3}"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto ev = events(r.out);
  ASSERT_GE(ev.size(), 3u);
  EXPECT_EQ(ev[2], "cb3.__init__");
  EXPECT_NE(r.out.find("cb3.on_job_end status=COMPLETED value=ret-bar\ncb2.on_job_end"), std::string::npos) << r.out;
}

TEST(CallbackOrder, ModifiedEntryKeepsItsPlaceAndDeletedEntryIsGone) {
  ScratchDir dir;
  auto modified = run_lifecycle(dir.path(), {"hydra.callbacks.cb1.label=cbX"});
  ASSERT_EQ(modified.exit_code, 0) << modified.err;
  EXPECT_EQ(modified.out.rfind("cbX.__init__", 0), 0u) << modified.out;

  auto deleted = run_lifecycle(dir.path(), {"~hydra.callbacks.cb1"});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
  EXPECT_EQ(deleted.out.find("cb1."), std::string::npos) << deleted.out;
  EXPECT_NE(deleted.out.find("cb2.on_run_end"), std::string::npos);
}

TEST(CallbackOrder, CallbacksGivenAsAListAreACompositionError) {
  ScratchDir dir;
  auto r = run_lifecycle(dir.path(), {"hydra.callbacks=[{_target_:lifecycle.recorder.Recorder}]"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("hydra.callbacks"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir.path() / "outputs"));
}

// A callback that throws in any one hook: warned with docs/spec.md §2's text, everything else still runs.
class RaisingHook : public ::testing::TestWithParam<std::string> {};

TEST_P(RaisingHook, IsWarnedAndEverythingElseRuns) {
  const std::string hook = GetParam();
  ScratchDir dir;
  auto r = run_lifecycle(dir.path(), {"hydra.callbacks.cb1.raise_in=[" + hook + "]"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(events(r.out), kRunOrder) << r.out;
  std::string warning = "Callback Recorder." + hook + " raised std::runtime_error: boom in " + hook;
  EXPECT_NE(r.out.find(warning), std::string::npos) << r.out;
  EXPECT_FALSE(std::regex_search(r.out + r.err, std::regex("terminate called")));
}

TEST_P(RaisingHook, NonStdExceptionIsWarnedToo) {
  const std::string hook = GetParam();
  ScratchDir dir;
  auto r = run_lifecycle(dir.path(), {"hydra.callbacks.cb2.raise_in=[" + hook + "]", "+hydra.callbacks.cb2.raise_type=int"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(events(r.out), kRunOrder) << r.out;
  EXPECT_NE(r.out.find("Callback Recorder." + hook + " raised int: "), std::string::npos) << r.out;
}

TEST_P(RaisingHook, StrictSwitchTurnsItIntoAFailure) {
  const std::string hook = GetParam();
  ScratchDir dir;
  auto global = run_lifecycle(dir.path(), {"hydra.callbacks.cb1.raise_in=[" + hook + "]", "hydra.strict_callbacks=true"});
  EXPECT_EQ(global.exit_code, 1) << global.out << global.err;
  EXPECT_NE((global.out + global.err).find("Recorder." + hook), std::string::npos);

  auto per_callback = run_lifecycle(dir.path(), {"hydra.callbacks.cb1.raise_in=[" + hook + "]", "+hydra.callbacks.cb1._strict_=true"});
  EXPECT_EQ(per_callback.exit_code, 1) << per_callback.out << per_callback.err;
  // The other callback's end events still ran.
  EXPECT_NE(per_callback.out.find("cb2.on_run_end"), std::string::npos) << per_callback.out;
}

INSTANTIATE_TEST_SUITE_P(AllRunHooks, RaisingHook,
                         ::testing::Values("on_run_start", "on_job_start", "on_job_end", "on_run_end"));

TEST(CallbackOrder, AppModuleResolvesToTheAppsOwnFactories) {
  ScratchDir dir;
  auto r = run_lifecycle(dir.path(), {"+hydra.callbacks.own={_target_:lifecycle_app.AppRecorder,label:own}"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("own.on_job_end status=COMPLETED\ncb2.on_job_end"), std::string::npos) << r.out;
}

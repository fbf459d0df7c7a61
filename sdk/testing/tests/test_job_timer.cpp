// Our shipped job timer plugin (plugins/job_timer), unit-tested as a plugin author would:
// HydraCpp::sdk_testing drives it, no app and no plugin loading.
#include HYDRA_JOB_TIMER_SOURCE

#include <hydra/testing.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ht = hydra::testing;
using ::testing::ContainsRegex;
using ::testing::SizeIs;

namespace {

TEST(JobTimer, TimesARun) {
  ht::LogCapture logs;
  JobTimerCallback timer(ht::config({{"label", "training"}}));
  ht::Record r = ht::Driver().add(timer).run(ht::Scenario{});
  EXPECT_TRUE(r.warnings.empty());
  EXPECT_THAT(logs.text(), ContainsRegex("training COMPLETED took [0-9.]+ ms"));
  EXPECT_THAT(logs.text(), ContainsRegex("run took [0-9.]+ ms"));
}

TEST(JobTimer, TimesEveryJobOfAMultirun) {
  ht::LogCapture logs;
  JobTimerCallback timer(hydra::Config{});
  ht::FakeJob ok{.overrides = {"x=1"}};
  ht::FakeJob failed{.overrides = {"x=2"}, .status = hydra::JobStatus::FAILED};
  ht::Record r = ht::Driver().add(timer).multirun(ht::Scenario{}, {ok, failed});
  EXPECT_TRUE(r.warnings.empty());
  EXPECT_THAT(r.job_returns, SizeIs(2));
  auto lines = logs.lines();
  ASSERT_THAT(lines, SizeIs(6));  // the capture keeps every level: each job's debug line too
  EXPECT_THAT(lines[1], ContainsRegex("job starting$"));
  EXPECT_THAT(lines[2], ContainsRegex("COMPLETED took [0-9.]+ ms$"));
  EXPECT_THAT(lines[3], ContainsRegex("job starting$"));
  EXPECT_THAT(lines[4], ContainsRegex("FAILED took [0-9.]+ ms$"));
  EXPECT_THAT(lines[5], ContainsRegex("run took [0-9.]+ ms$"));
}

}  // namespace

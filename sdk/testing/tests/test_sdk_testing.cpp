// HydraCpp::sdk_testing: the event sequences it drives are the host's (docs/spec.md §1-§3).
#include <hydra/testing.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace ht = hydra::testing;
using ::testing::ElementsAre;

namespace {

// Records what it receives.
class Probe : public hydra::Callback {
 public:
  explicit Probe(const hydra::Config&) {}
  std::vector<std::string> seen;
  std::vector<std::string> output_dirs;
  std::string thrown_from;

  void on_run_start(const hydra::Config& c, const hydra::RunInfo& r) override { note("run_start:" + r.config_name, c); }
  void on_run_end(const hydra::Config& c, const hydra::RunInfo& r) override {
    note(std::string("run_end:") + hydra::to_string(r.job_return->status), c);
  }
  void on_multirun_start(const hydra::Config& c, const hydra::RunInfo&) override { note("multirun_start", c); }
  void on_multirun_end(const hydra::Config& c, const hydra::RunInfo& r) override {
    note("multirun_end:" + std::to_string(r.job_returns.size()), c);
  }
  void on_job_start(const hydra::Config& c, const hydra::TaskFunction&) override {
    note("job_start:" + hydra::get_or<std::string>(c, "hydra.job.id", "none"), c);
  }
  void on_job_end(const hydra::Config& c, const hydra::JobReturn& r) override {
    note("job_end:" + std::to_string(r.num) + ":" + hydra::to_string(r.status), c);
  }

 private:
  void note(const std::string& what, const hydra::Config& c) {
    seen.push_back(what);
    output_dirs.push_back(hydra::get_or<std::string>(c, "hydra.runtime.output_dir", "<unset>"));
    if (what.rfind(thrown_from, 0) == 0 && !thrown_from.empty()) throw std::runtime_error("boom in " + what);
  }
};

TEST(Driver, RunFiresTheHooksInOrderWithTheHostsConfigs) {
  Probe probe{hydra::Config()};
  ht::Scenario s;
  s.task_config = ht::config({{"lr", "0.1"}, {"model.name", "resnet"}});
  ht::Record r = ht::Driver().add(probe, "probe").run(s);
  EXPECT_THAT(probe.seen, ElementsAre("run_start:config", "job_start:none", "job_end:0:COMPLETED", "run_end:COMPLETED"));
  EXPECT_THAT(r.events, ElementsAre("probe.on_run_start", "probe.on_job_start", "probe.on_job_end", "probe.on_run_end"));
  // output_dir unset before the job, set from the job on.
  EXPECT_THAT(probe.output_dirs, ElementsAre("<unset>", s.output_dir, s.output_dir, s.output_dir));
  ASSERT_EQ(r.job_returns.size(), 1u);
  const hydra::JobReturn& jr = r.job_returns[0];
  EXPECT_EQ(jr.status, hydra::JobStatus::COMPLETED);
  EXPECT_EQ(jr.task_name, "my_app");
  EXPECT_FALSE(jr.cfg.get_child_optional("hydra"));
  EXPECT_EQ(hydra::get<double>(jr.cfg, "lr"), 0.1);
  EXPECT_EQ(hydra::get<std::string>(jr.hydra_cfg, "hydra.runtime.output_dir"), s.output_dir);
  EXPECT_EQ(hydra::get<std::string>(r.configs[0], "hydra.mode"), "RUN");
}

TEST(Driver, MultirunRunsEveryJobAndEndsInReverseChainOrder) {
  Probe a{hydra::Config()}, b{hydra::Config()};
  ht::Scenario s;
  s.task_config = ht::config({{"lr", "0.1"}});
  ht::FakeJob ok{.overrides = {"lr=0.5"}};
  ht::FakeJob failed{.overrides = {"lr=0.7"}, .status = hydra::JobStatus::FAILED};
  ht::Record r = ht::Driver().add(a, "a").add(b, "b").multirun(s, {ok, failed});
  EXPECT_THAT(r.events, ElementsAre("a.on_multirun_start", "b.on_multirun_start", "a.on_job_start", "b.on_job_start",
                                    "b.on_job_end", "a.on_job_end", "a.on_job_start", "b.on_job_start",
                                    "b.on_job_end", "a.on_job_end", "b.on_multirun_end", "a.on_multirun_end"));
  EXPECT_THAT(a.seen, ElementsAre("multirun_start", "job_start:0", "job_end:0:COMPLETED", "job_start:1",
                                  "job_end:1:FAILED", "multirun_end:2"));
  EXPECT_THAT(a.output_dirs, ElementsAre("<unset>", s.output_dir + "/0", s.output_dir + "/0", s.output_dir + "/1",
                                         s.output_dir + "/1", "<unset>"));
  ASSERT_EQ(r.job_returns.size(), 2u);
  EXPECT_EQ(hydra::get<double>(r.job_returns[0].cfg, "lr"), 0.5);  // the override applied
  EXPECT_EQ(r.job_returns[1].error.reason, hydra::FailureReason::exception);
  EXPECT_EQ(hydra::get<std::string>(r.configs[0], "hydra.sweep.dir"), s.output_dir);
}

TEST(Driver, AThrowingHookIsAWarningAndTheRunGoesOn) {
  Probe a{hydra::Config()}, b{hydra::Config()};
  a.thrown_from = "job_start";
  ht::Record r = ht::Driver().add(a, "a").add(b, "b").run(ht::Scenario{});
  EXPECT_THAT(r.warnings, ElementsAre("Callback a.on_job_start raised std::runtime_error: boom in job_start:none"));
  EXPECT_THAT(b.seen, ElementsAre("run_start:config", "job_start:none", "job_end:0:COMPLETED", "run_end:COMPLETED"));
  EXPECT_EQ(a.seen.size(), 4u);
  Probe strict{hydra::Config()};
  strict.thrown_from = "run_end";
  EXPECT_THROW(ht::Driver().add(strict).strict().run(ht::Scenario{}), std::runtime_error);
}

TEST(Driver, ATaskDecidesTheOutcome) {
  Probe probe{hydra::Config()};
  ht::Scenario s;
  s.task = [](const hydra::Config& cfg) -> hydra::Config {
    if (cfg.get_child_optional("hydra")) throw std::logic_error("the task saw the hydra node");
    if (hydra::get<int>(cfg, "x") == 2) throw std::invalid_argument("x=2 is bad");
    return hydra::make_node(hydra::get<int>(cfg, "x") * 10);
  };
  s.task_config = ht::config({{"x", "1"}});
  ht::Record r = ht::Driver().add(probe).multirun(s, {ht::FakeJob{.overrides = {"x=1"}}, ht::FakeJob{.overrides = {"x=2"}}});
  EXPECT_EQ(r.job_returns[0].status, hydra::JobStatus::COMPLETED);
  EXPECT_EQ(hydra::get<int>(r.job_returns[0].return_value, ""), 10);
  EXPECT_EQ(r.job_returns[1].status, hydra::JobStatus::FAILED);
  EXPECT_EQ(r.job_returns[1].error.type, "std::invalid_argument");
  EXPECT_EQ(r.job_returns[1].error.message, "x=2 is bad");
  EXPECT_THAT(r.events.front(), ::testing::EndsWith("::Probe.on_multirun_start"));  // default name: the class
}

TEST(Config, PlainScalarsAreTypedAsYamlTypesThem) {
  hydra::Config c = ht::config({{"i", "3"}, {"f", "0.5"}, {"b", "true"}, {"s", "text"}, {"n", "null"}, {"a.b", "x"}});
  EXPECT_EQ(c.get_child("i").data().kind(), hydra::NodeKind::Int);
  EXPECT_EQ(c.get_child("f").data().kind(), hydra::NodeKind::Float);
  EXPECT_EQ(c.get_child("b").data().kind(), hydra::NodeKind::Bool);
  EXPECT_EQ(c.get_child("s").data().kind(), hydra::NodeKind::String);
  EXPECT_EQ(c.get_child("n").data().kind(), hydra::NodeKind::Null);
  EXPECT_EQ(hydra::get<std::string>(c, "a.b"), "x");
}

TEST(LogCapture, CapturesLoggersMadeInItsScope) {
  {
    ht::LogCapture logs;
    hydra::get_logger("my.plugin")->info("hello {}", 42);
    hydra::get_logger("my.plugin")->debug("detail");
    EXPECT_THAT(logs.lines(), ElementsAre("my.plugin: hello 42", "my.plugin: detail"));
  }
  ht::LogCapture again;
  hydra::get_logger("my.plugin")->info("second");
  EXPECT_THAT(again.lines(), ElementsAre("my.plugin: second"));
}

}  // namespace

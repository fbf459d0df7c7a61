// hydra.experimental.callbacks through the real binaries (docs/spec.md §6; issue #7): LogJobReturnCallback
// in RUN and in a sweep, PickleJobInfoCallback's files, the sweep report of a sweep with a failure.
// The plugin is found where the runtime installs it (<build>/lib/hydra-cpp/plugins), by default.
#include "support/apps.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <sstream>

namespace fs = std::filesystem;
using namespace hydra::testing;

namespace {

const std::string kLjr = "+hydra.callbacks.ljr={_target_: hydra.experimental.callbacks.LogJobReturnCallback}";
const std::string kPickle = "+hydra.callbacks.pickle={_target_: hydra.experimental.callbacks.PickleJobInfoCallback}";
const std::string kReport = "+hydra.callbacks.report={_target_: hydra.experimental.callbacks.SweepReportCallback}";
const std::string kLjrLine = "][hydra.experimental.callbacks.LogJobReturnCallback]";

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto pos = text.find(part); pos != std::string::npos; pos = text.find(part, pos + 1)) ++n;
  return n;
}

// Comma-separated fields of one CSV line (our report quotes only what needs it).
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}

}  // namespace

TEST(LogJobReturnCallback, RunFailingOnAMissingKeyLogsTheErrorInTheJobLog) {
  ScratchDir dir;
  auto r = run_process(lifecycle_argv({"fail=missing_key", "hydra.run.dir=out", kLjr}), dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::string line = kLjrLine + "[ERROR] - Failed with hydra::ConfigError: Missing key divisor\n";
  EXPECT_TRUE(contains(r.out, line)) << r.out;
  std::string log = read_text(dir.path() / "out" / "lifecycle_app.log");
  EXPECT_TRUE(contains(log, line)) << log;
  EXPECT_FALSE(contains(log, "Succeeded")) << log;
  EXPECT_TRUE(contains(r.err, "hydra::ConfigError: Missing key divisor")) << r.err;
}

TEST(LogJobReturnCallback, RunSucceedingLogsTheReturnValue) {
  ScratchDir dir;
  auto r = run_process(lifecycle_argv({"hydra.run.dir=out", kLjr}), dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string line = kLjrLine + "[INFO] - Succeeded with return value: ret-bar\n";
  EXPECT_TRUE(contains(r.out, line)) << r.out;
  EXPECT_TRUE(contains(read_text(dir.path() / "out" / "lifecycle_app.log"), line));
}

TEST(LogJobReturnCallback, SweepWhoseFirstJobFailsRunsBothAndEachLogHoldsItsOutcome) {
  ScratchDir dir;
  auto r = run_process(lifecycle_argv({"-m", "fail=missing_key,none", "hydra.sweep.dir=sweep", kLjr}), dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(count(r.out, "TASK foo=bar\n"), 2u) << r.out;  // both jobs ran
  std::string log0 = read_text(dir.path() / "sweep" / "0" / "lifecycle_app.log");
  std::string log1 = read_text(dir.path() / "sweep" / "1" / "lifecycle_app.log");
  EXPECT_TRUE(contains(log0, kLjrLine + "[ERROR] - Failed with hydra::ConfigError: Missing key divisor\n")) << log0;
  EXPECT_FALSE(contains(log0, "Succeeded")) << log0;
  EXPECT_TRUE(contains(log1, kLjrLine + "[INFO] - Succeeded with return value: ret-bar\n")) << log1;
  EXPECT_FALSE(contains(log1, "[ERROR]")) << log1;
}

TEST(PickleJobInfoCallback, SavesTheWholeConfigAndTheJobReturnAsYaml) {
  ScratchDir dir;
  auto r = run_process(lifecycle_argv({"hydra.run.dir=out", kPickle}), dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path info = fs::canonical(dir.path()) / "out" / ".hydra";
  const std::string logger = "][hydra.experimental.callbacks.PickleJobInfoCallback][INFO] - ";
  EXPECT_TRUE(contains(r.out, logger + "Saving job configs in " + (info / "job_config.yaml").string() + "\n")) << r.out;
  EXPECT_TRUE(contains(r.out, logger + "Saving job_return in " + (info / "job_info.yaml").string() + "\n")) << r.out;
  // Hydra's order: config saved before the task, job_return after it.
  EXPECT_LT(r.out.find("Saving job configs"), r.out.find("TASK foo=bar"));
  EXPECT_GT(r.out.find("Saving job_return"), r.out.find("TASK foo=bar"));

  std::string config = read_text(info / "job_config.yaml");
  EXPECT_EQ(config.rfind("hydra:\n", 0), 0u) << config;  // the whole config: hydra and the task keys
  EXPECT_TRUE(contains(config, "\nfoo: bar\n")) << config;
  EXPECT_TRUE(contains(config, "    output_dir: " + (fs::canonical(dir.path()) / "out").string() + "\n")) << config;
  std::string job_info = read_text(info / "job_info.yaml");
  EXPECT_TRUE(contains(job_info, "status: COMPLETED\n")) << job_info;
  EXPECT_TRUE(contains(job_info, "return_value: ret-bar\n")) << job_info;
  // The runtime's own files are untouched: config.yaml is the task part only.
  EXPECT_EQ(read_text(info / "config.yaml").rfind("foo: bar\n", 0), 0u);
  EXPECT_TRUE(fs::exists(info / "job_return.yaml"));
}

TEST(PickleJobInfoCallback, NullOutputSubdirWarnsOnceAndTheRunSucceeds) {
  ScratchDir dir;
  auto r = run_process(lifecycle_argv({"hydra.run.dir=out", "hydra.output_subdir=null", kPickle}), dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(count(r.out, "[WARNING] - PickleJobInfoCallback: hydra.output_subdir is null"), 1u) << r.out;
  EXPECT_FALSE(fs::exists(dir.path() / "out" / ".hydra"));
  EXPECT_TRUE(contains(r.out, "TASK foo=bar\n"));
}

TEST(PickleJobInfoCallback, EveryJobOfASweepGetsItsFiles) {
  ScratchDir dir;
  auto r = run_process(lifecycle_argv({"-m", "foo=a,b", "hydra.sweep.dir=sweep", kPickle}), dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* num : {"0", "1"}) {
    fs::path info = dir.path() / "sweep" / num / ".hydra";
    EXPECT_TRUE(contains(read_text(info / "job_config.yaml"), std::string("\nfoo: ") + (num[0] == '0' ? "a" : "b")));
    EXPECT_TRUE(contains(read_text(info / "job_info.yaml"), std::string("num: ") + num + "\n"));
  }
}

TEST(SweepReportCallback, ThreeJobsOneFailed) {
  ScratchDir dir;
  // fail=nope is no failure mode: jobs #0 and #2 complete, #1 fails on the missing key.
  auto r = run_process(lifecycle_argv({"-m", "fail=none,missing_key,nope", "hydra.sweep.dir=sweep", kReport}), dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const fs::path sweep = dir.path() / "sweep";

  // The logged table, in the HYDRA format (on_multirun_end runs after the jobs).
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\]\[HYDRA\] Sweep report: 3 jobs, 2 completed, 1 failed; job time \S+, wall \S+, slowest #\d \(\S+\)\n)")))
      << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\]\[HYDRA\]   #1  FAILED +\S+  fail=missing_key +hydra::ConfigError: Missing key divisor\n)")))
      << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\]\[HYDRA\]   #0  COMPLETED +\S+  fail=none +ret-bar\n)")))
      << r.out;

  // report.csv: a header and three rows with the right statuses and sane durations.
  auto lines = lines_of(read_text(sweep / "report.csv"));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "num,overrides,status,error,start_time,duration_s,return_value,log_path\r");
  const char* statuses[] = {"COMPLETED", "FAILED", "COMPLETED"};
  const char* overrides[] = {"fail=none", "fail=missing_key", "fail=nope"};
  std::string previous_start;
  for (int i = 0; i < 3; ++i) {
    auto f = csv_fields(lines[static_cast<std::size_t>(i) + 1]);
    ASSERT_EQ(f.size(), 8u) << lines[static_cast<std::size_t>(i) + 1];
    EXPECT_EQ(f[0], std::to_string(i));
    EXPECT_EQ(f[1], overrides[i]);
    EXPECT_EQ(f[2], statuses[i]);
    EXPECT_EQ(f[3], i == 1 ? "hydra::ConfigError: Missing key divisor" : "");
    EXPECT_TRUE(std::regex_match(f[4], std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)"))) << f[4];
    EXPECT_GE(f[4], previous_start);  // jobs run in order
    previous_start = f[4];
    double duration = std::stod(f[5]);
    EXPECT_GE(duration, 0.0);
    EXPECT_LT(duration, 30.0);
    EXPECT_EQ(f[6], i == 1 ? "" : "ret-bar");
    EXPECT_EQ(fs::path(f[7]), fs::canonical(sweep) / std::to_string(i) / "lifecycle_app.log");
  }

  std::string yaml = read_text(sweep / "report.yaml");
  EXPECT_TRUE(contains(yaml, "totals:\n  jobs: 3\n  completed: 2\n  failed: 1\n  unknown: 0\n")) << yaml;
  EXPECT_EQ(count(yaml, "  status: COMPLETED\n"), 2u) << yaml;
  EXPECT_EQ(count(yaml, "  status: FAILED\n"), 1u) << yaml;
  EXPECT_TRUE(contains(yaml, "  error: 'hydra::ConfigError: Missing key divisor'\n")) << yaml;
  for (const auto& file : list_files(sweep)) EXPECT_FALSE(contains(file, ".tmp")) << file;
}

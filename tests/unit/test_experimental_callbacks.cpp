// hydra.experimental.callbacks, constructed directly and fed fake JobReturns: the sweep report
// (rows, totals, CSV quoting, atomic files), PickleJobInfoCallback's files, parameter checks.
#include "callbacks.hpp"
#include "support.hpp"

#include <hydra/config.hpp>
#include <hydra/logging.hpp>

#include <spdlog/sinks/ostream_sink.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace hydra;
using namespace hydra::experimental;
using namespace std::chrono_literals;

namespace {

class TempDir {
 public:
  TempDir() {
    static int n = 0;
    path_ = fs::temp_directory_path() /
            ("hydra_cb_" + std::to_string(::getpid()) + "_" + std::to_string(++n));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Captures what the callbacks log (they log through hydra::get_logger, i.e. the default sinks).
class LogCapture {
 public:
  LogCapture() : sink_(std::make_shared<spdlog::sinks::ostream_sink_mt>(out_)) {
    sink_->set_pattern("%n|%l|%v");
    for (const char* name : {"hydra.experimental.callbacks.SweepReportCallback",
                             "hydra.experimental.callbacks.LogJobReturnCallback",
                             "hydra.experimental.callbacks.PickleJobInfoCallback"})
      get_logger(name)->sinks().push_back(sink_);
  }
  ~LogCapture() {
    for (const char* name : {"hydra.experimental.callbacks.SweepReportCallback",
                             "hydra.experimental.callbacks.LogJobReturnCallback",
                             "hydra.experimental.callbacks.PickleJobInfoCallback"}) {
      auto& sinks = get_logger(name)->sinks();
      sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
    }
  }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
};

JobReturn job(int num, std::vector<std::string> overrides, JobStatus status, std::chrono::duration<double> duration,
              std::chrono::system_clock::time_point start) {
  JobReturn r;
  r.num = num;
  r.id = "job_" + std::to_string(num);
  r.overrides = std::move(overrides);
  r.status = status;
  r.duration = duration;
  r.start_time = start;
  r.log_path = "/runs/" + std::to_string(num) + "/app.log";
  if (status == JobStatus::COMPLETED) r.return_value = make_node(num * 10);
  return r;
}

Config multirun_config(const fs::path& sweep_dir) {
  Config c;
  c.put("hydra.sweep.dir", sweep_dir.string());
  c.put("foo", "bar");
  return c;
}

std::vector<JobReturn> three_jobs_one_failed() {
  auto t0 = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  std::vector<JobReturn> jobs = {
      job(0, {"lr=0.1", "name=a,b"}, JobStatus::COMPLETED, 0.25s, t0),
      job(1, {"lr=0.2", "name=\"quoted\""}, JobStatus::FAILED, 1.5s, t0 + 250ms),
      job(2, {"lr=0.3"}, JobStatus::COMPLETED, 0.5s, t0 + 1750ms),
  };
  jobs[1].error = {FailureReason::exception, "hydra::ConfigError", "Missing key divisor", 0};
  return jobs;
}

}  // namespace

TEST(SweepReport, RowsTotalsAndSlowest) {
  TempDir dir;
  auto jobs = three_jobs_one_failed();
  RunInfo run{"config", nullptr, jobs};
  SweepReport report = SweepReport::build(multirun_config(dir.path()), run);
  EXPECT_EQ(report.sweep_dir, dir.path());
  ASSERT_EQ(report.rows.size(), 3u);
  EXPECT_EQ(report.completed, 2);
  EXPECT_EQ(report.failed, 1);
  EXPECT_DOUBLE_EQ(report.total_duration_s, 2.25);
  EXPECT_NEAR(report.wall_s, 2.25, 1e-6);  // 0 .. 1.75 + 0.5
  ASSERT_TRUE(report.slowest);
  EXPECT_EQ(report.rows[*report.slowest].num, 1);
  EXPECT_EQ(report.rows[1].status, "FAILED");
  EXPECT_EQ(report.rows[1].error, "hydra::ConfigError: Missing key divisor");
  EXPECT_EQ(report.rows[0].error, "");
  EXPECT_EQ(report.rows[0].start_time, "2027-01-15T08:00:00.000000Z");
}

TEST(SweepReport, RowsAreOrderedByJobNum) {
  TempDir dir;
  auto jobs = three_jobs_one_failed();
  std::swap(jobs[0], jobs[2]);
  RunInfo run{"config", nullptr, jobs};
  SweepReport report = SweepReport::build(multirun_config(dir.path()), run);
  EXPECT_EQ(report.rows[0].num, 0);
  EXPECT_EQ(report.rows[2].num, 2);
}

TEST(SweepReport, CsvIsQuotedAsRfc4180) {
  TempDir dir;
  auto jobs = three_jobs_one_failed();
  jobs[2].return_value = make_node(std::string("line1\nline2"));
  RunInfo run{"config", nullptr, jobs};
  std::string csv = SweepReport::build(multirun_config(dir.path()), run).to_csv();
  std::istringstream in(csv);
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header, "num,overrides,status,error,start_time,duration_s,return_value,log_path\r");
  EXPECT_NE(csv.find("\r\n0,\"lr=0.1 name=a,b\",COMPLETED,,2027-01-15T08:00:00.000000Z,0.250000,0,/runs/0/app.log\r\n"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find("\r\n1,\"lr=0.2 name=\"\"quoted\"\"\",FAILED,hydra::ConfigError: Missing key divisor,"
                     "2027-01-15T08:00:00.250000Z,1.500000,,/runs/1/app.log\r\n"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find(",\"line1\nline2\","), std::string::npos) << csv;
}

TEST(SweepReport, YamlHoldsEveryJob) {
  TempDir dir;
  auto jobs = three_jobs_one_failed();
  RunInfo run{"config", nullptr, jobs};
  std::string yaml = SweepReport::build(multirun_config(dir.path()), run).to_yaml();
  EXPECT_NE(yaml.find("totals:\n  jobs: 3\n  completed: 2\n  failed: 1\n  unknown: 0\n  duration_s: 2.25\n"),
            std::string::npos)
      << yaml;
  EXPECT_NE(yaml.find("  slowest:\n    num: 1\n    duration_s: 1.5\n"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("- num: 1\n  overrides:\n  - lr=0.2\n  - name=\"quoted\"\n  status: FAILED\n"
                      "  error: 'hydra::ConfigError: Missing key divisor'\n"),
            std::string::npos)
      << yaml;
  EXPECT_NE(yaml.find("  status: COMPLETED\n  error: null\n"), std::string::npos) << yaml;
}

TEST(SweepReport, TableListsFailedJobsFirstWhenRowsAreCapped) {
  TempDir dir;
  auto jobs = three_jobs_one_failed();
  RunInfo run{"config", nullptr, jobs};
  auto lines = SweepReport::build(multirun_config(dir.path()), run).table(1);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "Sweep report: 3 jobs, 2 completed, 1 failed; job time 2.25s, wall 2.25s, slowest #1 (1.50s)");
  EXPECT_NE(lines[2].find("#1  FAILED"), std::string::npos) << lines[2];
  EXPECT_NE(lines[2].find("hydra::ConfigError: Missing key divisor"), std::string::npos) << lines[2];
  EXPECT_EQ(lines[3], "  ... 2 more (report.csv lists every job)");
}

TEST(SweepReport, UnresolvedSweepDirFallsBackToTheJobsHydraConfig) {
  TempDir dir;
  auto jobs = three_jobs_one_failed();
  for (auto& j : jobs) j.hydra_cfg.put("hydra.sweep.dir", dir.path().string());
  Config config;
  config.put("hydra.sweep.dir", "multirun/${now:%Y-%m-%d}");
  RunInfo run{"config", nullptr, jobs};
  EXPECT_EQ(SweepReport::build(config, run).sweep_dir, dir.path());
  Config none;
  RunInfo no_jobs{"config", nullptr, {}};
  EXPECT_THROW(SweepReport::build(none, no_jobs), std::runtime_error);
}

TEST(SweepReportCallback, WritesBothFilesAtomicallyAndLogsTheTable) {
  TempDir dir;
  LogCapture log;
  auto jobs = three_jobs_one_failed();
  RunInfo run{"config", nullptr, jobs};
  SweepReportCallback callback{Config()};
  callback.on_multirun_end(multirun_config(dir.path() / "sweep"), run);
  EXPECT_TRUE(fs::exists(dir.path() / "sweep" / "report.yaml"));
  EXPECT_TRUE(fs::exists(dir.path() / "sweep" / "report.csv"));
  for (const auto& entry : fs::directory_iterator(dir.path() / "sweep"))
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
  std::string text = log.text();
  EXPECT_NE(text.find("|info|Sweep report: 3 jobs, 2 completed, 1 failed;"), std::string::npos) << text;
  EXPECT_NE(text.find("#0  COMPLETED"), std::string::npos) << text;
  EXPECT_NE(text.find("#1  FAILED"), std::string::npos) << text;
}

TEST(SweepReportCallback, RejectsUnknownAndBadParams) {
  Config bad;
  bad.put("max_rowz", 3);
  EXPECT_THROW(SweepReportCallback{bad}, std::invalid_argument);
  Config negative;
  negative.put("max_rows", -1);
  EXPECT_THROW(SweepReportCallback{negative}, std::invalid_argument);
  Config strict;  // host keys beside _target_ are ignored
  strict.put("_strict_", true);
  EXPECT_NO_THROW(LogJobReturnCallback{strict});
}

TEST(LogJobReturnCallback, SuccessAndFailureLines) {
  LogCapture log;
  LogJobReturnCallback callback{Config()};
  auto t0 = std::chrono::system_clock::now();
  JobReturn ok = job(0, {}, JobStatus::COMPLETED, 1s, t0);
  ok.return_value = make_node(0.5);
  callback.on_job_end(Config(), ok);
  JobReturn none = job(0, {}, JobStatus::COMPLETED, 1s, t0);
  none.return_value = make_null();
  callback.on_job_end(Config(), none);
  JobReturn failed = job(1, {}, JobStatus::FAILED, 1s, t0);
  failed.error = {FailureReason::exception, "std::runtime_error", "boom", 0};
  callback.on_job_end(Config(), failed);
  JobReturn killed = job(2, {}, JobStatus::FAILED, 1s, t0);
  killed.error = {FailureReason::signal, "SIGSEGV", "killed by signal 11 (SIGSEGV)", 11};
  callback.on_job_end(Config(), killed);
  std::string text = log.text();
  const std::string name = "hydra.experimental.callbacks.LogJobReturnCallback";
  EXPECT_NE(text.find(name + "|info|Succeeded with return value: 0.5\n"), std::string::npos) << text;
  EXPECT_NE(text.find(name + "|info|Succeeded with return value: None\n"), std::string::npos) << text;
  EXPECT_NE(text.find(name + "|error|Failed with std::runtime_error: boom\n"), std::string::npos) << text;
  EXPECT_NE(text.find(name + "|error|Failed (signal: killed by signal 11 (SIGSEGV))\n"), std::string::npos) << text;
}

TEST(PickleJobInfoCallback, SavesWholeConfigAndJobReturnBesideTheRuntimesFiles) {
  TempDir dir;
  LogCapture log;
  Config config;
  config.put("hydra.runtime.output_dir", dir.path().string());
  config.put("hydra.output_subdir", ".hydra");
  config.put("foo", "bar");
  PickleJobInfoCallback callback{Config()};
  callback.on_job_start(config, TaskFunction());
  JobReturn ret = job(0, {"foo=bar"}, JobStatus::COMPLETED, 1s, std::chrono::system_clock::now());
  ret.return_value = make_node("hello world");
  callback.on_job_end(config, ret);
  std::string saved = slurp(dir.path() / ".hydra" / "job_config.yaml");
  EXPECT_EQ(saved, to_yaml(config));
  std::string info = slurp(dir.path() / ".hydra" / "job_info.yaml");
  EXPECT_NE(info.find("status: COMPLETED\n"), std::string::npos) << info;
  EXPECT_NE(info.find("return_value: hello world\n"), std::string::npos) << info;
  EXPECT_FALSE(fs::exists(dir.path() / ".hydra" / "job_return.yaml"));  // the runtime's, never ours
  std::string text = log.text();
  EXPECT_NE(text.find("|info|Saving job configs in " + (dir.path() / ".hydra" / "job_config.yaml").string()),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("|info|Saving job_return in " + (dir.path() / ".hydra" / "job_info.yaml").string()),
            std::string::npos)
      << text;
}

TEST(PickleJobInfoCallback, NullOutputSubdirWarnsOncePerJobAndWritesNothing) {
  TempDir dir;
  LogCapture log;
  Config config;
  config.put("hydra.runtime.output_dir", dir.path().string());
  config.put_child("hydra.output_subdir", make_null());
  PickleJobInfoCallback callback{Config()};
  callback.on_job_start(config, TaskFunction());
  callback.on_job_end(config, JobReturn());
  EXPECT_TRUE(fs::is_empty(dir.path()));
  std::string text = log.text();
  auto first = text.find("|warning|PickleJobInfoCallback: hydra.output_subdir is null");
  ASSERT_NE(first, std::string::npos) << text;
  EXPECT_EQ(text.find("|warning|", first + 1), std::string::npos) << text;
}

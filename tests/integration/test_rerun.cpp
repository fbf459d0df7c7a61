// --experimental-rerun through the real binaries (docs/spec.md §6; issue #7): the job's saved config is
// replayed — edits to conf/ in between cannot change it — with callbacks, job logging and extra
// overrides, into the original job dir; a sweep's job the same; bad inputs are one-line errors.
//
// The app is copied with its conf/ into the scratch dir, so conf/ can be edited there (an app
// reads the conf/ next to its binary; the embedded copy only when there is none).
#include "support/apps.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace fs = std::filesystem;
using namespace hydra::testing;

namespace {

// libhydra_core of this build (<build>/lib), for the copied binary.
const fs::path kCoreLibDir = fs::path(HYDRA_TEST_PLUGIN_ROOT).parent_path().parent_path() / "lib";

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto pos = text.find(part); pos != std::string::npos; pos = text.find(part, pos + 1)) ++n;
  return n;
}

void replace_in_file(const fs::path& file, const std::string& from, const std::string& to) {
  std::string text = read_text(file);
  auto pos = text.find(from);
  ASSERT_NE(pos, std::string::npos) << file << " has no '" << from << "'";
  text.replace(pos, from.size(), to);
  std::ofstream(file, std::ios::trunc) << text;
}

// A scratch dir holding a copy of lifecycle_app and its conf/ (in app/), runs from the scratch dir.
class RerunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(app_dir());
    fs::copy_file(LIFECYCLE_APP, app());
    fs::copy(fs::path(LIFECYCLE_APP).parent_path() / "conf", app_dir() / "conf", fs::copy_options::recursive);
  }
  fs::path app_dir() const { return dir_.path() / "app"; }
  fs::path app() const { return app_dir() / "lifecycle_app"; }
  fs::path root() const { return fs::canonical(dir_.path()); }

  ProcessResult run(std::vector<std::string> args) {
    std::vector<std::string> argv = {app().string(), "--plugin-dir", lifecycle_plugin_dir()};
    argv.insert(argv.end(), args.begin(), args.end());
    const char* old = std::getenv("LD_LIBRARY_PATH");
    std::string path = kCoreLibDir.string() + (old && *old ? ":" + std::string(old) : "");
    return run_process(argv, dir_.path(), {{"LD_LIBRARY_PATH", path}});
  }
  void edit_conf() { replace_in_file(app_dir() / "conf" / "config.yaml", "foo: bar", "foo: edited"); }

  ScratchDir dir_;
};

}  // namespace

TEST_F(RerunTest, ReplaysTheSavedConfigIntoTheJobDirAfterConfEdits) {
  auto first = run({"hydra.run.dir=out/run1"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const fs::path job = root() / "out" / "run1";
  const fs::path log = job / "lifecycle_app.log";
  ASSERT_TRUE(fs::exists(log));
  fs::remove(log);
  edit_conf();
  auto fresh = run({"hydra.run.dir=out/fresh"});  // a normal run does see the edit
  ASSERT_TRUE(contains(fresh.out, "TASK foo=edited\n")) << fresh.out;

  auto r = run({"--experimental-rerun", "out/run1"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(contains(r.out, "TASK foo=bar\n")) << r.out;
  EXPECT_FALSE(contains(r.out, "edited")) << r.out;
  EXPECT_EQ(count(r.out, "Experimental rerun"), 1u) << r.out;
  EXPECT_TRUE(contains(r.out, "][HYDRA] Experimental rerun CLI option: replaying the saved config from " +
                                  (job / ".hydra").string() + " (config files are not read)\n"))
      << r.out;
  // Callbacks fired, as in a RUN (on_run_start before the output dir is set).
  EXPECT_TRUE(contains(r.out, "cb1.on_run_start config_name=config output_dir=unset\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "cb1.on_job_start pid=")) << r.out;
  EXPECT_TRUE(contains(r.out, "output_dir=" + job.string() + "\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "cb2.on_job_end status=COMPLETED value=ret-bar\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "cb1.on_run_end config_name=config status=COMPLETED output_dir=" + job.string() + "\n"))
      << r.out;
  // The log was re-created with the task's line.
  std::string text = read_text(log);
  EXPECT_EQ(count(text, "][lifecycle_app][INFO] - task log line foo=bar\n"), 1u) << text;

  // Run again: the log is appended to.
  auto again = run({"--experimental-rerun", "out/run1"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(count(read_text(log), "task log line foo=bar\n"), 2u);
}

TEST_F(RerunTest, ExtraOverridesReachTheTaskConfig) {
  ASSERT_EQ(run({"hydra.run.dir=out/run1"}).exit_code, 0);
  edit_conf();
  auto r = run({"--experimental-rerun", "out/run1", "+x=1"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "TASK foo=bar\n")) << r.out;
  const fs::path info = root() / "out" / "run1" / ".hydra";
  // The task config the task was called with (JobReturn.cfg) and the job's saved config.
  std::string ret = read_text(info / "job_return.yaml");
  EXPECT_TRUE(contains(ret, "cfg:\n  foo: bar\n  fail: none\n  x: 1\n")) << ret;
  EXPECT_TRUE(contains(ret, "overrides:\n- +x=1\n")) << ret;
  EXPECT_EQ(read_text(info / "config.yaml"), "foo: bar\nfail: none\nx: 1\n");
}

TEST_F(RerunTest, RunDirOverrideAndChdirAreHonoured) {
  ASSERT_EQ(run({"hydra.run.dir=out/run1", "hydra.job.chdir=true"}).exit_code, 0);
  const std::string original_log = read_text(root() / "out" / "run1" / "lifecycle_app.log");
  auto r = run({"--experimental-rerun", "out/run1", "hydra.run.dir=out/other"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const fs::path other = root() / "out" / "other";
  EXPECT_TRUE(contains(r.out, "TASKENV cwd=" + other.string() + " ")) << r.out;  // hydra.job.chdir kept
  EXPECT_TRUE(contains(read_text(other / "lifecycle_app.log"), "task log line foo=bar\n"));
  EXPECT_EQ(read_text(root() / "out" / "run1" / "lifecycle_app.log"), original_log);
}

TEST_F(RerunTest, RerunsOneJobOfASweepByItsDir) {
  auto sweep = run({"-m", "foo=a,b,c", "hydra.sweep.dir=sweep"});
  ASSERT_EQ(sweep.exit_code, 0) << sweep.err;
  const fs::path job1 = root() / "sweep" / "1";
  const std::string log0 = read_text(root() / "sweep" / "0" / "lifecycle_app.log");
  const std::string log2 = read_text(root() / "sweep" / "2" / "lifecycle_app.log");
  fs::remove(job1 / "lifecycle_app.log");
  edit_conf();

  auto r = run({"--experimental-rerun", "sweep/1", "+x=1"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "TASK foo=b\n")) << r.out;
  EXPECT_FALSE(contains(r.out, "Launching")) << r.out;  // a RUN, not a sweep
  EXPECT_TRUE(contains(r.out, "cb1.on_run_end config_name=config status=COMPLETED output_dir=" + job1.string() + "\n"))
      << r.out;
  EXPECT_EQ(count(read_text(job1 / "lifecycle_app.log"), "task log line foo=b\n"), 1u);
  EXPECT_TRUE(contains(read_text(job1 / ".hydra" / "job_return.yaml"), "cfg:\n  foo: b\n  fail: none\n  x: 1\n"));
  EXPECT_EQ(read_text(root() / "sweep" / "0" / "lifecycle_app.log"), log0);
  EXPECT_EQ(read_text(root() / "sweep" / "2" / "lifecycle_app.log"), log2);
}

TEST_F(RerunTest, PickleJobInfoCallbacksWholeConfigFileReplaysToo) {
  ASSERT_EQ(run({"hydra.run.dir=out/run1", "foo=pickled",
                 "+hydra.callbacks.pickle={_target_: hydra.experimental.callbacks.PickleJobInfoCallback}"})
                .exit_code,
            0);
  auto r = run({"--experimental-rerun", "out/run1/.hydra/job_config.yaml", "hydra.run.dir=out/again"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "TASK foo=pickled\n")) << r.out;
  EXPECT_TRUE(contains(read_text(root() / "out" / "again" / "lifecycle_app.log"), "task log line foo=pickled\n"));
}

TEST_F(RerunTest, BadInputsAreOneLineErrorsWithExit1) {
  auto missing = run({"--experimental-rerun", "nope"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err,
            "--experimental-rerun: 'nope' does not exist (give a job dir, e.g. outputs/<date>/<time>, or its "
            ".hydra/config.yaml)\n");
  EXPECT_EQ(missing.out, "");

  fs::create_directories(dir_.path() / "not_a_job");
  auto no_hydra = run({"--experimental-rerun", "not_a_job"});
  EXPECT_EQ(no_hydra.exit_code, 1);
  EXPECT_EQ(no_hydra.err,
            "--experimental-rerun: 'not_a_job' is not a job dir: it has no .hydra/config.yaml and .hydra/hydra.yaml "
            "(was hydra.output_subdir null when the job ran?)\n");

  ASSERT_EQ(run({"hydra.run.dir=out/run1"}).exit_code, 0);
  const fs::path config = root() / "out" / "run1" / ".hydra" / "config.yaml";
  std::ofstream(config, std::ios::trunc) << "foo: [bar\n";
  auto garbled = run({"--experimental-rerun", "out/run1"});
  EXPECT_EQ(garbled.exit_code, 1);
  EXPECT_EQ(garbled.err.rfind("--experimental-rerun: cannot read the saved config: " + config.string() + ":", 0), 0u)
      << garbled.err;
  EXPECT_EQ(count(garbled.err, "\n"), 1u) << garbled.err;
  EXPECT_FALSE(contains(garbled.out, "TASK")) << garbled.out;

  std::ofstream(config, std::ios::trunc) << "foo: bar\n";
  auto sweep = run({"--experimental-rerun", "out/run1", "foo=a,b"});
  EXPECT_EQ(sweep.exit_code, 1);
  EXPECT_TRUE(contains(sweep.err, "Override 'foo=a,b' is a sweep; --experimental-rerun runs one job.")) << sweep.err;
  auto multirun = run({"--experimental-rerun", "out/run1", "-m"});
  EXPECT_EQ(multirun.exit_code, 1);
  EXPECT_EQ(multirun.err, "--experimental-rerun reruns one job; it cannot be combined with --multirun (-m)\n");
}

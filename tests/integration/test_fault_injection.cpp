// Fault injection through the real binaries (issue 8): callbacks throwing anything in every hook,
// a job SIGKILLed mid-sweep, two runs claiming the same time-stamped dir, and a job whose dir is
// full (ENOSPC) or read-only (EROFS). Whatever happens: no crash, no lost or half-written record.
#include "support/apps.hpp"
#include "support/mounts.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <regex>
#include <set>
#include <tuple>
#include <sys/mount.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace hydra::testing;

namespace {

const std::string kNoMessage = "<unknown exception type: not a std::exception, no message>";

// What Recorder throws for `raise_type: <raise_type>` and how the warning names it.
struct Thrown {
  std::string raise_type;
  std::string type;     // demangled, as the warning prints it
  std::string message;  // "" = "boom in <hook>"
  bool is_std;
};

const Thrown kThrown[] = {
    {"std", "std::runtime_error", "", true},
    {"logic_error", "std::logic_error", "", true},
    {"bad_alloc", "std::bad_alloc", "std::bad_alloc", true},
    {"custom", "CustomError", "", true},
    {"int", "int", kNoMessage, false},
    {"string", "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >", "", false},
    {"cstring", "char const*", "C string boom", false},
    {"struct", "NotAnException", kNoMessage, false},
};

// How the app is started: RUN, or a two-job sweep on the basic or the process launcher.
struct Mode {
  std::string name;
  std::vector<std::string> args;
  std::vector<std::string> hooks;
  std::string last_event;  // cb2's last hook: it must still run
  int jobs;
};

const Mode kModes[] = {
    {"run", {}, {"on_run_start", "on_job_start", "on_job_end", "on_run_end"}, "cb2.on_run_end", 1},
    {"basic", {"-m", "foo=a,b"}, {"on_multirun_start", "on_job_start", "on_job_end", "on_multirun_end"},
     "cb2.on_multirun_end", 2},
    {"process", {"-m", "hydra/launcher=process", "hydra.launcher.n_jobs=1", "foo=a,b"},
     {"on_multirun_start", "on_job_start", "on_job_end", "on_multirun_end"}, "cb2.on_multirun_end", 2},
};

// Readable test parameters in gtest's and ctest's output.
void PrintTo(const Thrown& thrown, std::ostream* os) { *os << thrown.raise_type; }
void PrintTo(const Mode& mode, std::ostream* os) { *os << mode.name; }

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

// Every file under `root` parses as YAML if it is one; no temp file of an atomic write is left.
void expect_clean_yaml_tree(const fs::path& root) {
  for (const auto& file : list_files(root)) {
    EXPECT_EQ(file.find(".tmp."), std::string::npos) << "leftover temp file " << file;
    if (fs::path(file).extension() != ".yaml") continue;
    EXPECT_NO_THROW(YAML::LoadFile((root / file).string())) << file << " does not parse";
  }
}

// A finished job's dir: its four .hydra files complete, the status, and the task's log line.
void expect_complete_job_dir(const fs::path& dir, const std::string& status) {
  for (std::string name : {"config.yaml", "hydra.yaml", "overrides.yaml", "job_return.yaml"})
    ASSERT_TRUE(fs::exists(dir / ".hydra" / name)) << dir / ".hydra" / name;
  YAML::Node ret = YAML::LoadFile((dir / ".hydra/job_return.yaml").string());
  EXPECT_EQ(ret["status"].as<std::string>(), status) << dir;
  EXPECT_TRUE(YAML::LoadFile((dir / ".hydra/config.yaml").string())["foo"]) << dir;
  EXPECT_TRUE(YAML::LoadFile((dir / ".hydra/hydra.yaml").string())["hydra"]["runtime"]) << dir;
  if (status == "COMPLETED") {
    EXPECT_NE(read_text(dir / "lifecycle_app.log").find("task log line"), std::string::npos) << dir;
  }
}

std::vector<fs::path> subdirs(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_directory()) out.push_back(entry.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

// ---- 1. Callbacks throwing anything, in every hook, on every launcher ----

class ThrowingCallback : public ::testing::TestWithParam<std::tuple<Mode, Thrown>> {};

TEST_P(ThrowingCallback, IsWarnedAndTheRunGoesOnUnlessStrict) {
  const auto& [mode, thrown] = GetParam();
  for (const std::string& hook : mode.hooks) {
    SCOPED_TRACE(hook);
    ScratchDir dir;
    std::vector<std::string> args = mode.args;
    args.push_back("hydra.callbacks.cb1.raise_in=[" + hook + "]");
    args.push_back("+hydra.callbacks.cb1.raise_type=" + thrown.raise_type);
    auto r = run_lifecycle(dir.path(), args);
    const std::string all = r.out + r.err;
    ASSERT_EQ(r.signal, 0) << all;
    EXPECT_EQ(r.exit_code, 0) << all;
    EXPECT_EQ(all.find("terminate called"), std::string::npos) << all;
    const std::string message = thrown.message.empty() ? "boom in " + hook : thrown.message;
    std::string warning = "Callback Recorder." + hook + " raised " + thrown.type + ": " + message;
    if (!thrown.is_std) warning += " (hydra.callbacks.cb1, _target_: lifecycle.recorder.Recorder)";
    EXPECT_NE(all.find(warning), std::string::npos) << all;
    // The other callback and the jobs did not notice.
    EXPECT_EQ(count(r.out, "cb2.on_job_end status=COMPLETED"), static_cast<std::size_t>(mode.jobs)) << r.out;
    EXPECT_NE(r.out.find(mode.last_event), std::string::npos) << r.out;

    args.push_back("hydra.strict_callbacks=true");
    auto strict = run_lifecycle(dir.path(), args);
    ASSERT_EQ(strict.signal, 0) << strict.out << strict.err;
    EXPECT_EQ(strict.exit_code, 1) << strict.out << strict.err;
    EXPECT_NE(strict.err.find("Error: strict callback Recorder." + hook + " raised " + thrown.type), std::string::npos)
        << strict.out << strict.err;
    EXPECT_EQ((strict.out + strict.err).find("terminate called"), std::string::npos);
  }
}

INSTANTIATE_TEST_SUITE_P(EveryHookAndType, ThrowingCallback,
                         ::testing::Combine(::testing::ValuesIn(kModes), ::testing::ValuesIn(kThrown)),
                         [](const auto& info) {
                           return std::get<0>(info.param).name + "_" + std::get<1>(info.param).raise_type;
                         });

TEST(ThrowingCallback, NonStdThrowFromAConstructorIsAClearError) {
  for (const std::string type : {"int", "struct", "string", "cstring"}) {
    ScratchDir dir;
    auto r = run_lifecycle(dir.path(), {"hydra.callbacks.cb1.raise_in=[__init__]", "+hydra.callbacks.cb1.raise_type=" + type});
    ASSERT_EQ(r.signal, 0) << r.err;
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("Error in call to target 'lifecycle.recorder.Recorder':"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("full_key: hydra.callbacks.cb1"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir.path() / "outputs")) << type;
  }
}

// ---- 2. A job SIGKILLed in the middle of a process-launcher sweep ----

TEST(KilledJob, IsFailedAndEveryFinishedJobIsComplete) {
  ScratchDir dir;
  ChildProcess app(lifecycle_argv({"-m", "hydra/launcher=process", "hydra.launcher.n_jobs=2", "hydra.sweep.dir=sweep",
                                   "fail=none,none,wait_for_signal,none,none,none"}),
                   dir.path());
  ASSERT_TRUE(app.wait_for_output("WAITING", std::chrono::seconds(30))) << app.out_so_far();
  std::smatch pid;
  const std::string so_far = app.out_so_far();
  ASSERT_TRUE(std::regex_search(so_far, pid, std::regex(R"(cb1\.on_job_start pid=(\d+) \S+ output_dir=\S+/sweep/2\n)")))
      << so_far;
  ASSERT_EQ(::kill(std::stoi(pid[1]), SIGKILL), 0);
  auto r = app.wait();

  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // docs/spec.md §3: 1 if any job failed
  EXPECT_TRUE(std::regex_search(r.out + r.err, std::regex(R"(#2 FAILED \(fail=wait_for_signal\): signal 9 \(SIGKILL\))")))
      << r.out << r.err;
  EXPECT_NE(r.err.find("Error executing job with overrides: ['fail=wait_for_signal']\nsignal 9 (SIGKILL)"),
            std::string::npos)
      << r.err;
  const fs::path sweep = dir.path() / "sweep";
  for (int n : {0, 1, 3, 4, 5}) expect_complete_job_dir(sweep / std::to_string(n), "COMPLETED");
  YAML::Node killed = YAML::LoadFile((sweep / "2/.hydra/job_return.yaml").string());
  EXPECT_EQ(killed["status"].as<std::string>(), "FAILED");
  EXPECT_NE(YAML::Dump(killed).find("SIGKILL"), std::string::npos) << YAML::Dump(killed);
  expect_clean_yaml_tree(sweep);
}

// ---- 3. Two runs started in the same second ----

// `${now:%Y}` makes every run of the year compute the same dir: the same-second case, for sure.
TEST(SameSecond, TwoRunsClaimTwoDirs) {
  ScratchDir dir;
  const std::string run_dir = "hydra.run.dir=out/${now:%Y}";
  ChildProcess first(lifecycle_argv({run_dir, "foo=first"}), dir.path());
  ChildProcess second(lifecycle_argv({run_dir, "foo=second"}), dir.path());
  auto a = first.wait(), b = second.wait();
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  auto third = run_lifecycle(dir.path(), {run_dir, "foo=third"});
  ASSERT_EQ(third.exit_code, 0) << third.err;
  EXPECT_TRUE(std::regex_search(third.out, std::regex(R"(Output dir \S+/out/\d{4} is already used by another run; this run writes to \S+/out/\d{4}_2)")))
      << third.out;

  std::vector<fs::path> dirs = subdirs(dir.path() / "out");
  ASSERT_EQ(dirs.size(), 3u);
  std::set<std::string> foos;
  for (const auto& d : dirs) {
    expect_complete_job_dir(d, "COMPLETED");
    foos.insert(YAML::LoadFile((d / ".hydra/config.yaml").string())["foo"].as<std::string>());
    // The record says where it really went, and the log holds that run's lines only.
    EXPECT_EQ(YAML::LoadFile((d / ".hydra/hydra.yaml").string())["hydra"]["runtime"]["output_dir"].as<std::string>(),
              d.string());
    EXPECT_EQ(count(read_text(d / "lifecycle_app.log"), "task log line"), 1u) << d;
  }
  EXPECT_EQ(foos, (std::set<std::string>{"first", "second", "third"}));
  expect_clean_yaml_tree(dir.path() / "out");
}

TEST(SameSecond, TwoSweepsClaimTwoDirs) {
  ScratchDir dir;
  for (const std::string launcher : {"basic", "process"}) {
    SCOPED_TRACE(launcher);
    const std::string sweep_dir = "hydra.sweep.dir=" + launcher + "/${now:%Y}";
    ChildProcess first(lifecycle_argv({"-m", "hydra/launcher=" + launcher, sweep_dir, "foo=a,b"}), dir.path());
    ChildProcess second(lifecycle_argv({"-m", "hydra/launcher=" + launcher, sweep_dir, "foo=c,d"}), dir.path());
    auto a = first.wait(), b = second.wait();
    ASSERT_EQ(a.exit_code, 0) << a.err;
    ASSERT_EQ(b.exit_code, 0) << b.err;
    std::vector<fs::path> sweeps = subdirs(dir.path() / launcher);
    ASSERT_EQ(sweeps.size(), 2u);
    std::set<std::string> foos;
    for (const auto& sweep : sweeps) {
      EXPECT_TRUE(fs::exists(sweep / "multirun.yaml")) << sweep;
      for (std::string n : {"0", "1"}) {
        expect_complete_job_dir(sweep / n, "COMPLETED");
        foos.insert(YAML::LoadFile((sweep / n / ".hydra/config.yaml").string())["foo"].as<std::string>());
      }
      expect_clean_yaml_tree(sweep);
    }
    EXPECT_EQ(foos, (std::set<std::string>{"a", "b", "c", "d"}));
  }
}

// The default `${now:%Y-%m-%d}/${now:%H-%M-%S}`: whether or not the two land in the same second,
// each has a dir of its own.
TEST(SameSecond, DefaultDirsOfTwoRunsStartedTogether) {
  ScratchDir dir;
  ChildProcess first(lifecycle_argv({"foo=first"}), dir.path());
  ChildProcess second(lifecycle_argv({"foo=second"}), dir.path());
  auto a = first.wait(), b = second.wait();
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  std::vector<fs::path> dirs;
  for (const auto& day : subdirs(dir.path() / "outputs"))
    for (const auto& d : subdirs(day)) dirs.push_back(d);
  ASSERT_EQ(dirs.size(), 2u);
  for (const auto& d : dirs) expect_complete_job_dir(d, "COMPLETED");
}

// A fixed hydra.run.dir is the user's explicit choice: reused, as Hydra does (the record is the
// latest run's, replaced atomically; the log keeps both runs' lines).
TEST(SameSecond, FixedRunDirIsReused) {
  ScratchDir dir;
  ASSERT_EQ(run_lifecycle(dir.path(), {"hydra.run.dir=fixed", "foo=one"}).exit_code, 0);
  auto again = run_lifecycle(dir.path(), {"hydra.run.dir=fixed", "foo=two"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out.find("already used"), std::string::npos) << again.out;
  EXPECT_EQ(subdirs(dir.path()).size(), 1u);
  expect_complete_job_dir(dir.path() / "fixed", "COMPLETED");
  EXPECT_EQ(YAML::LoadFile((dir.path() / "fixed/.hydra/config.yaml").string())["foo"].as<std::string>(), "two");
  EXPECT_EQ(count(read_text(dir.path() / "fixed/lifecycle_app.log"), "task log line"), 2u);
}

// ---- 4. A job's dir full (ENOSPC) or read-only (EROFS) during a sweep ----

namespace {

// A 3-job sweep whose job 1 has `mount` over its dir: job 1 fails naming `errno_name` and the
// path, jobs 0 and 2 complete, and nothing half-written is left.
void expect_only_job_1_fails(const fs::path& scratch, const std::string& launcher, const std::string& errno_name) {
  auto r = run_lifecycle(scratch, {"-m", "hydra/launcher=" + launcher, "hydra.sweep.dir=sweep", "foo=a,b,c"});
  ASSERT_EQ(r.signal, 0) << r.err;
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::string job1 = (scratch / "sweep/1").string();
  EXPECT_TRUE(std::regex_search(r.err, std::regex("Error executing job with overrides: \\['foo=b'\\]\nOSError: Cannot [\\w ]+ " +
                                                      job1 + "\\S*: [^\n]*\\(" + errno_name + "\\)")))
      << r.err;
  EXPECT_EQ(count(r.err, "Error executing job"), 1u) << r.err;
  EXPECT_EQ((r.out + r.err).find("terminate called"), std::string::npos);
  expect_complete_job_dir(scratch / "sweep/0", "COMPLETED");
  expect_complete_job_dir(scratch / "sweep/2", "COMPLETED");
  expect_clean_yaml_tree(scratch / "sweep");
}

}  // namespace

class FullOrReadOnlyJobDir : public ::testing::TestWithParam<std::string> {};

TEST_P(FullOrReadOnlyJobDir, DiskFullFailsThatJobOnly) {
  ScratchDir dir;
  ScopedMount mount;
  // One page: the first .hydra file fits, the next one does not.
  if (!mount.tiny_tmpfs(dir.path() / "sweep/1", 4096)) GTEST_SKIP() << mount.why_not();
  expect_only_job_1_fails(dir.path(), GetParam(), "ENOSPC");
}

TEST_P(FullOrReadOnlyJobDir, ReadOnlyFailsThatJobOnly) {
  ScratchDir dir;
  ScopedMount mount;
  if (!mount.read_only(dir.path() / "sweep/1")) GTEST_SKIP() << mount.why_not();
  expect_only_job_1_fails(dir.path(), GetParam(), "EROFS");
}

INSTANTIATE_TEST_SUITE_P(Launchers, FullOrReadOnlyJobDir, ::testing::Values("basic", "process"));

// The whole sweep dir on a tiny disk: it fills up after a few jobs; every job either completed
// with its whole record or failed saying ENOSPC, on_multirun_end still ran, no temp files are left.
TEST(FullOrReadOnlyJobDir, SweepDirFillingUpStopsCleanly) {
  ScratchDir dir;
  ScopedMount mount;
  if (!mount.tiny_tmpfs(dir.path() / "sweep", 64 * 1024)) GTEST_SKIP() << mount.why_not();
  auto r = run_lifecycle(dir.path(), {"-m", "hydra.sweep.dir=sweep", "foo=a,b,c,d,e,f,g,h,i,j,k,l"});
  ASSERT_EQ(r.signal, 0) << r.err;
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("(ENOSPC)"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("cb2.on_multirun_end"), std::string::npos) << r.out;
  EXPECT_EQ((r.out + r.err).find("terminate called"), std::string::npos);
  EXPECT_GE(count(r.out, "cb2.on_job_end status=COMPLETED"), 1u) << r.out;
  EXPECT_GE(count(r.out, "cb2.on_job_end status=FAILED"), 1u) << r.out;
  for (int n = 0; n < 12; ++n) {
    const fs::path job = dir.path() / "sweep" / std::to_string(n);
    if (!fs::exists(job / ".hydra/job_return.yaml")) continue;  // failed before its record
    if (YAML::LoadFile((job / ".hydra/job_return.yaml").string())["status"].as<std::string>() == "COMPLETED")
      expect_complete_job_dir(job, "COMPLETED");
  }
  expect_clean_yaml_tree(dir.path() / "sweep");
}

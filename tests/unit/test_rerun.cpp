// --experimental-rerun's loader (launch/rerun.hpp) and key overrides on a composed tree
// (config/apply_overrides.hpp), on job dirs written here by hand.
#include "config/apply_overrides.hpp"
#include "config/yaml_io.hpp"
#include "launch/rerun.hpp"
#include "util/errors.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace hydra;
using namespace hydra::internal;

namespace {

class TempDir {
 public:
  TempDir() {
    static int n = 0;
    path_ = fs::temp_directory_path() / ("hydra_rerun_" + std::to_string(::getpid()) + "_" + std::to_string(++n));
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

void write(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file) << text;
}

const char* kHydraYaml = R"(hydra:
  run:
    dir: outputs/${now:%Y-%m-%d}
  output_subdir: .hydra
  mode: MULTIRUN
  overrides:
    hydra:
    - hydra.mode=MULTIRUN
    task:
    - foo=b
  job:
    name: app
    config_name: config
    num: 1
  runtime:
    output_dir: /somewhere/else/1
    choices:
      db: mysql
  job_logging:
    handlers:
      file:
        filename: ${hydra.runtime.output_dir}/${hydra.job.name}.log
  callbacks:
    rec:
      _target_: x.Y
)";

fs::path make_job(const fs::path& root) {
  fs::path job = root / "sweep" / "1";
  write(job / ".hydra" / "config.yaml", "foo: b\ndb:\n  host: h\nref: ${foo}\n");
  write(job / ".hydra" / "hydra.yaml", kHydraYaml);
  write(job / ".hydra" / "overrides.yaml", "- foo=b\n");
  return job;
}

std::string text_at(const Config& c, const std::string& key) { return c.get_child(key).data().text(); }

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const UserError& e) {
    return e.what();
  }
  return "<no error>";
}

}  // namespace

TEST(Rerun, RebuildsTheSavedConfigAsARunIntoTheJobDir) {
  TempDir dir;
  fs::path job = make_job(dir.path());
  RerunJob r = load_rerun(job.string(), {}, false);
  EXPECT_EQ(r.job_dir, job);
  EXPECT_EQ(r.saved_from, job / ".hydra");
  EXPECT_EQ(r.config_name, "config");
  const Config& c = r.composed.config;
  EXPECT_EQ(c.begin()->first, "hydra");  // hydra first, then the task keys in their order
  EXPECT_EQ(std::next(c.begin())->first, "foo");
  EXPECT_EQ(text_at(c, "foo"), "b");
  EXPECT_EQ(text_at(c, "ref"), "${foo}");  // as saved: resolved when the job runs
  EXPECT_EQ(text_at(c, "hydra.run.dir"), job.string());
  EXPECT_EQ(text_at(c, "hydra.mode"), "RUN");
  EXPECT_EQ(c.get_child("hydra.runtime.output_dir").data().kind(), NodeKind::Missing);
  EXPECT_EQ(text_at(c, "hydra.job_logging.handlers.file.filename"), "${hydra.runtime.output_dir}/${hydra.job.name}.log");
  EXPECT_EQ(r.composed.task_overrides, std::vector<std::string>{"foo=b"});
  EXPECT_EQ(r.composed.hydra_overrides, std::vector<std::string>{"hydra.mode=RUN"});
}

TEST(Rerun, ExtraOverridesApplyOnTopAndAreRecorded) {
  TempDir dir;
  fs::path job = make_job(dir.path());
  RerunJob r = load_rerun(job.string(), parse_overrides({"+x=1", "db.host=other", "~ref", "hydra.run.dir=elsewhere"}), false);
  const Config& c = r.composed.config;
  EXPECT_EQ(text_at(c, "x"), "1");
  EXPECT_EQ(c.get_child("x").data().kind(), NodeKind::Int);
  EXPECT_EQ(text_at(c, "db.host"), "other");
  EXPECT_FALSE(c.get_child_optional("ref"));
  EXPECT_EQ(text_at(c, "hydra.run.dir"), "elsewhere");
  EXPECT_EQ(r.composed.task_overrides, (std::vector<std::string>{"foo=b", "+x=1", "db.host=other", "~ref"}));
  EXPECT_EQ(r.composed.hydra_overrides, (std::vector<std::string>{"hydra.mode=RUN", "hydra.run.dir=elsewhere"}));
  EXPECT_EQ(to_yaml(c.get_child("hydra.overrides")),
            "hydra:\n- hydra.mode=RUN\n- hydra.run.dir=elsewhere\ntask:\n- foo=b\n- +x=1\n- db.host=other\n- ~ref\n");
}

TEST(Rerun, AcceptsTheHydraDirItsFilesAndAWholeConfigFile) {
  TempDir dir;
  fs::path job = make_job(dir.path());
  EXPECT_EQ(load_rerun((job / ".hydra").string(), {}, false).job_dir, job);
  EXPECT_EQ(load_rerun((job / ".hydra" / "config.yaml").string(), {}, false).job_dir, job);
  EXPECT_EQ(load_rerun((job / ".hydra" / "overrides.yaml").string(), {}, false).job_dir, job);
  EXPECT_EQ(load_rerun(job.string() + "/", {}, false).job_dir, job);

  // PickleJobInfoCallback's job_config.yaml: the whole config, resolved.
  write(job / ".hydra" / "job_config.yaml",
        "hydra:\n  output_subdir: .hydra\n  job:\n    config_name: config\n  runtime:\n    output_dir: /old/1\n"
        "  job_logging:\n    handlers:\n      file:\n        filename: /old/1/app.log\n"
        "  overrides:\n    task:\n    - foo=c\nfoo: c\n");
  RerunJob r = load_rerun((job / ".hydra" / "job_config.yaml").string(), {}, false);
  EXPECT_EQ(r.job_dir, job);
  EXPECT_EQ(r.saved_from, job / ".hydra" / "job_config.yaml");
  EXPECT_EQ(text_at(r.composed.config, "foo"), "c");
  EXPECT_EQ(text_at(r.composed.config, "hydra.job_logging.handlers.file.filename"),
            "${hydra.runtime.output_dir}/app.log");
  EXPECT_EQ(r.composed.task_overrides, std::vector<std::string>{"foo=c"});
}

TEST(Rerun, FindsACustomOutputSubdir) {
  TempDir dir;
  fs::path job = dir.path() / "job";
  write(job / "meta" / "config.yaml", "a: 1\n");
  write(job / "meta" / "hydra.yaml", "hydra:\n  output_subdir: meta\n");
  RerunJob r = load_rerun(job.string(), {}, false);
  EXPECT_EQ(r.job_dir, job);
  EXPECT_EQ(r.saved_from, job / "meta");
  EXPECT_TRUE(r.composed.task_overrides.empty());
}

TEST(Rerun, BadInputsAreOneLineErrorsNamingTheFile) {
  TempDir dir;
  fs::path job = make_job(dir.path());
  auto one_line = [](const std::string& msg) { return msg.find('\n') == std::string::npos; };

  std::string missing = error_of([&] { load_rerun((dir.path() / "nope").string(), {}, false); });
  EXPECT_NE(missing.find("--experimental-rerun: '" + (dir.path() / "nope").string() + "' does not exist"),
            std::string::npos)
      << missing;
  EXPECT_TRUE(one_line(missing));

  std::string no_hydra = error_of([&] { load_rerun(dir.path().string(), {}, false); });
  EXPECT_NE(no_hydra.find("is not a job dir: it has no .hydra/config.yaml"), std::string::npos) << no_hydra;

  write(dir.path() / "sweep" / "multirun.yaml", "a: 1\n");
  std::string sweep = error_of([&] { load_rerun((dir.path() / "sweep").string(), {}, false); });
  EXPECT_NE(sweep.find("is a sweep dir; rerun one of its jobs by its dir"), std::string::npos) << sweep;

  write(job / ".hydra" / "config.yaml", "foo: [b\n");
  std::string garbled = error_of([&] { load_rerun(job.string(), {}, false); });
  EXPECT_NE(garbled.find("--experimental-rerun: cannot read the saved config: " +
                         (job / ".hydra" / "config.yaml").string() + ":"),
            std::string::npos)
      << garbled;
  EXPECT_TRUE(one_line(garbled)) << garbled;

  write(job / ".hydra" / "config.yaml", "- a\n- b\n");
  std::string list = error_of([&] { load_rerun(job.string(), {}, false); });
  EXPECT_NE(list.find((job / ".hydra" / "config.yaml").string() + "' is not a saved job config"), std::string::npos)
      << list;

  write(job / ".hydra" / "config.yaml", "foo: b\n");
  write(job / ".hydra" / "hydra.yaml", "nothing: here\n");
  std::string no_node = error_of([&] { load_rerun(job.string(), {}, false); });
  EXPECT_NE(no_node.find((job / ".hydra" / "hydra.yaml").string() + "' is not a saved job config: expected a map "
                                                                     "with a 'hydra' node"),
            std::string::npos)
      << no_node;

  write(dir.path() / "other.yaml", "a: 1\n");
  std::string other = error_of([&] { load_rerun((dir.path() / "other.yaml").string(), {}, false); });
  EXPECT_NE(other.find("has no 'hydra' node and is not one of a job's .hydra/ files"), std::string::npos) << other;
}

TEST(Rerun, RejectsSweepsGroupOverridesAndMultirun) {
  TempDir dir;
  fs::path job = make_job(dir.path());
  EXPECT_NE(error_of([&] { load_rerun(job.string(), {}, true); }).find("cannot be combined with --multirun"),
            std::string::npos);
  EXPECT_NE(error_of([&] { load_rerun(job.string(), parse_overrides({"foo=a,b"}), false); }).find("is a sweep"), std::string::npos);
  std::string group = error_of([&] { load_rerun(job.string(), parse_overrides({"db=postgres"}), false); });
  EXPECT_NE(group.find("Override 'db=postgres': 'db' is a config group"), std::string::npos) << group;
  EXPECT_NE(error_of([&] { load_rerun(job.string(), parse_overrides({"hydra/launcher=basic"}), false); }).find("is a config group"),
            std::string::npos);
  EXPECT_NE(error_of([&] { load_rerun(job.string(), parse_overrides({"nope=1"}), false); }).find("Could not override 'nope'"),
            std::string::npos);
  EXPECT_NE(error_of([&] { load_rerun(job.string(), parse_overrides({"hydra.mode=MULTIRUN"}), false); }).find("reruns one job as a RUN"),
            std::string::npos);
}

TEST(ApplyOverrides, KeyOverridesFollowComposeRules) {
  Config c = parse_yaml("a: 1\nm:\n  x: 1\nl: [1, 2]\nnil: null\n", "test");
  auto applied = apply_key_overrides(c, parse_overrides({"a=2", "+m={w: 2}", "l=[3]", "+nil=5", "++a=3", "+new.deep=x", "~m.x"}),
                                     nullptr, "test");
  EXPECT_EQ(to_yaml(c), "a: 3\nm:\n  w: 2\nl:\n- 3\nnil: 5\nnew:\n  deep: x\n");
  EXPECT_EQ(applied.task.size(), 7u);
  EXPECT_TRUE(applied.hydra.empty());
  EXPECT_NE(error_of([&] { apply_key_overrides(c, parse_overrides({"+a=4"}), nullptr, "test"); }).find("Could not append to config"),
            std::string::npos);
  EXPECT_NE(error_of([&] { apply_key_overrides(c, parse_overrides({"m=[1]"}), nullptr, "test"); }).find("Error merging override m=[1]"),
            std::string::npos);
  EXPECT_NE(error_of([&] { apply_key_overrides(c, parse_overrides({"m={q: 1}"}), nullptr, "test"); }).find("Could not override 'm'"),
            std::string::npos);
  EXPECT_NE(error_of([&] { apply_key_overrides(c, parse_overrides({"~zz"}), nullptr, "test"); }).find("'zz' does not exist"),
            std::string::npos);
}

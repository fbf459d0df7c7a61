// The seed page's example (seed/callbacks.md), run through the real my_app binary.
#include "support/process.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace fs = std::filesystem;
using namespace hydra::testing;

namespace {

// outputs/<date>/<time>/ created by one run: exactly one such dir.
fs::path single_output_dir(const fs::path& cwd) {
  std::vector<fs::path> found;
  for (const auto& day : fs::directory_iterator(cwd / "outputs"))
    for (const auto& time : fs::directory_iterator(day.path())) found.push_back(time.path());
  EXPECT_EQ(found.size(), 1u);
  return found.empty() ? fs::path() : found.front();
}

}  // namespace

TEST(SeedExample, RunPrintsConfigThenCallbackAndWritesHydraFiles) {
  ScratchDir dir;
  auto r = run_process({MY_APP}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "foo: bar\n\nJob ended,uploading...\n");
  EXPECT_EQ(r.err, "");
  fs::path out = single_output_dir(dir.path());
  EXPECT_TRUE(std::regex_match(fs::relative(out, dir.path()).generic_string(),
                               std::regex(R"(outputs/\d{4}-\d{2}-\d{2}/\d{2}-\d{2}-\d{2})")));
  // Hydra's three files, plus (beyond Hydra) the JobReturn, so every job dir is a complete record.
  EXPECT_EQ(list_files(out), (std::vector<std::string>{".hydra/config.yaml", ".hydra/hydra.yaml",
                                                       ".hydra/job_return.yaml", ".hydra/overrides.yaml",
                                                       "my_app.log"}));
  std::string job_return = read_text(out / ".hydra/job_return.yaml");
  EXPECT_NE(job_return.find("status: COMPLETED\n"), std::string::npos) << job_return;
  EXPECT_EQ(read_text(out / ".hydra/config.yaml"), "foo: bar\n");
  EXPECT_EQ(read_text(out / ".hydra/overrides.yaml"), "[]\n");
  std::string hydra_yaml = read_text(out / ".hydra/hydra.yaml");
  EXPECT_NE(hydra_yaml.find("  callbacks:\n    my_callback:\n      _target_: my_app.MyCallback\n"), std::string::npos)
      << hydra_yaml;
  EXPECT_NE(hydra_yaml.find("output_dir: " + out.string() + "\n"), std::string::npos) << hydra_yaml;
  EXPECT_EQ(read_text(out / "my_app.log"), "");
}

TEST(SeedExample, CfgHydraPackageCallbacksPrintsFiveLinesAndCreatesNothing) {
  ScratchDir dir;
  auto r = run_process({MY_APP, "--cfg", "hydra", "-p", "hydra.callbacks"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "# @package hydra.callbacks\n"
            "my_callback:\n"
            "  _target_: my_app.MyCallback\n"
            "  bucket: my_s3_bucket\n"
            "  file_path: ./test.pt\n");
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(list_files(dir.path()).empty());
}

TEST(SeedExample, CfgConstructsNoCallback) {
  // A target that cannot resolve proves nothing was constructed: --cfg still succeeds.
  ScratchDir dir;
  auto r = run_process({MY_APP, "hydra.callbacks.my_callback._target_=my_app.DoesNotExist", "--cfg", "hydra", "-p",
                        "hydra.callbacks"},
                       dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("_target_: my_app.DoesNotExist"), std::string::npos);
  EXPECT_TRUE(list_files(dir.path()).empty());
}

TEST(SeedExample, CfgJobPrintsTaskConfigOnly) {
  ScratchDir dir;
  auto r = run_process({MY_APP, "--cfg", "job"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "foo: bar\n");
}

TEST(SeedExample, OverrideReachesTheTask) {
  ScratchDir dir;
  auto r = run_process({MY_APP, "foo=baz"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "foo: baz\n\nJob ended,uploading...\n");
  fs::path out = single_output_dir(dir.path());
  EXPECT_EQ(read_text(out / ".hydra/overrides.yaml"), "- foo=baz\n");
}

TEST(SeedExample, BadTargetIsAClearErrorWithNoOutputDir) {
  ScratchDir dir;
  auto r = run_process({MY_APP, "hydra.callbacks.my_callback._target_=my_app.DoesNotExist"}, dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err.rfind("Error locating target 'my_app.DoesNotExist'\nfull_key: hydra.callbacks.my_callback\n", 0), 0u)
      << r.err;
  EXPECT_NE(r.err.find("MyCallback"), std::string::npos) << r.err;  // did you mean
  EXPECT_FALSE(fs::exists(dir.path() / "outputs"));
}

TEST(SeedExample, RunsFromAnyDirectoryWithTheEmbeddedConfig) {
  // Copy the binary away from its conf/: it must fall back to the config embedded at build time.
  ScratchDir dir;
  fs::copy_file(MY_APP, dir.path() / "my_app_copy");
  auto r = run_process({(dir.path() / "my_app_copy").string()}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "foo: bar\n\nJob ended,uploading...\n");
}

TEST(SeedExample, HelpListsConfigAndCreatesNothing) {
  ScratchDir dir;
  auto r = run_process({MY_APP, "--help"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("my_app is powered by Hydra."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("== Config ==\nOverride anything in the config (foo.bar=value)\n\nfoo: bar\n"), std::string::npos)
      << r.out;
  EXPECT_TRUE(list_files(dir.path()).empty());
}

TEST(SeedExample, UnknownFlagIsAnErrorNamingIt) {
  ScratchDir dir;
  auto r = run_process({MY_APP, "--cfgg", "job"}, dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Unrecognized argument '--cfgg'; did you mean --cfg?"), std::string::npos) << r.err;
  EXPECT_TRUE(list_files(dir.path()).empty());
}

TEST(PluginExample, TheExampleAppLoadsItsCallbackFromThePluginDir) {
  // examples/plugin_app names `hydra_examples.timer.JobTimerCallback`: found in the shipped
  // plugin dir beside libhydra_core, no --plugin-dir needed.
  ScratchDir dir;
  auto r = run_process({PLUGIN_APP}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("][HYDRA] run of 'config' started"), std::string::npos) << r.out;  // before the job: HYDRA format
  EXPECT_NE(r.out.find("][plugin_app][INFO] - training resnet for 3 epochs"), std::string::npos) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\]\[hydra_examples\.timer\]\[INFO\] - training COMPLETED took [0-9.]+ ms)")))
      << r.out;
}

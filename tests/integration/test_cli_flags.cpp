// Issue 3's "Done when" lines through the seed's my_app: overrides reach the task typed as
// Hydra types them, --cfg/--resolve print the composed config, bad input is one clear error.
#include "support/process.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using namespace hydra::testing;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST(CliFlags, OverrideReachesTheTask) {
  ScratchDir dir;
  auto r = run_process({MY_APP, "foo=baz"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "foo: baz\n\nJob ended,uploading...\n");
}

TEST(CliFlags, QuotedValueStaysAString) {
  ScratchDir dir;
  auto r = run_process({MY_APP, "+s='1'", "--cfg", "job"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "foo: bar\ns: '1'\n");
  EXPECT_TRUE(list_files(dir.path()).empty());
}

TEST(CliFlags, ResolveInterpolatesAddedKeys) {
  ScratchDir dir;
  auto r = run_process({MY_APP, "+a=1", "+b=${a}", "--cfg", "job", "--resolve"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "foo: bar\na: 1\nb: 1\n");
  // Without --resolve the interpolation is printed as written.
  auto raw = run_process({MY_APP, "+a=1", "+b=${a}", "--cfg", "job"}, dir.path());
  EXPECT_EQ(raw.out, "foo: bar\na: 1\nb: ${a}\n");
}

TEST(CliFlags, TypedValues) {
  ScratchDir dir;
  auto r = run_process({MY_APP, "+i=1", "+f=1.0", "+t=true", "+n=null", "+l=[1,'1']", "+d={k: v}", "--cfg", "job"},
                       dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "foo: bar\ni: 1\nf: 1.0\nt: true\n'n': null\nl:\n- 1\n- '1'\nd:\n  k: v\n");
}

TEST(CliFlags, MissingKeyIsOneClearErrorAndCreatesNothing) {
  ScratchDir dir;
  auto r = run_process({MY_APP, "x=1"}, dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "Could not override 'x'. To append to your config use +x=1\n");
  EXPECT_TRUE(list_files(dir.path()).empty());
}

TEST(CliFlags, MissingGroupOptionListsOptions) {
  ScratchDir dir;
  auto r = run_process({MY_APP, "hydra/job_logging=nope"}, dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "Could not find 'hydra/job_logging/nope'")) << r.err;
  EXPECT_TRUE(contains(r.err, "Available options in 'hydra/job_logging': default, disabled")) << r.err;
  EXPECT_TRUE(list_files(dir.path()).empty());
}

TEST(CliFlags, TypeMismatchNamesTheKey) {
  ScratchDir dir;
  auto r = run_process({MY_APP, "hydra.job.chdir=sometimes"}, dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "'hydra.job.chdir'")) << r.err;
  EXPECT_TRUE(list_files(dir.path()).empty());
}

TEST(CliFlags, CfgAllShowsRuntimeNode) {
  ScratchDir dir;
  auto r = run_process({MY_APP, "--cfg", "all", "foo=baz"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "    task:\n    - foo=baz\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "    override_dirname: foo=baz\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "    cwd: " + dir.path().string() + "\n")) << r.out;
  // hydra/callbacks: [my_callback] is a multi-select; Python Hydra 1.3.5 still records the choice of
  // hydra/config's own `callbacks: null` entry (run on the seed's conf tree).
  EXPECT_TRUE(contains(r.out, "      hydra/callbacks: null\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "\n  callbacks:\n    my_callback:\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "\nfoo: baz\n")) << r.out;
}

TEST(CliFlags, HydraYamlHoldsTheRuntimeNode) {
  ScratchDir dir;
  auto r = run_process({MY_APP, "foo=baz"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> files = list_files(dir.path());
  auto it = std::find_if(files.begin(), files.end(),
                         [](const std::string& f) { return f.find(".hydra/hydra.yaml") != std::string::npos; });
  ASSERT_NE(it, files.end());
  std::string hydra_yaml = read_text(dir.path() / *it);
  EXPECT_TRUE(contains(hydra_yaml, "    task:\n    - foo=baz\n")) << hydra_yaml;
  EXPECT_TRUE(contains(hydra_yaml, "    name: my_app\n")) << hydra_yaml;
  EXPECT_TRUE(contains(hydra_yaml, "    config_sources:\n")) << hydra_yaml;
}

TEST(CliFlags, HelpListsGroupsAndConfig) {
  ScratchDir dir;
  auto r = run_process({MY_APP, "--help"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "my_app is powered by Hydra.\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "== Config ==\nOverride anything in the config (foo.bar=value)\n\nfoo: bar\n")) << r.out;
  EXPECT_FALSE(contains(r.out, "hydra/job_logging")) << r.out;
  auto h = run_process({MY_APP, "--hydra-help"}, dir.path());
  ASSERT_EQ(h.exit_code, 0) << h.err;
  EXPECT_TRUE(contains(h.out, "hydra/job_logging: default, disabled")) << h.out;
  EXPECT_TRUE(list_files(dir.path()).empty());
}

TEST(CliFlags, VersionAndInfo) {
  ScratchDir dir;
  auto v = run_process({MY_APP, "--version"}, dir.path());
  ASSERT_EQ(v.exit_code, 0) << v.err;
  EXPECT_TRUE(contains(v.out, "Hydra ")) << v.out;
  auto i = run_process({MY_APP, "--info", "defaults"}, dir.path());
  ASSERT_EQ(i.exit_code, 0) << i.err;
  EXPECT_TRUE(contains(i.out, "| hydra/callbacks/my_callback")) << i.out;
  EXPECT_TRUE(list_files(dir.path()).empty());
}

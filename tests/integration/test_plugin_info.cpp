// `--info plugins` through the real app: every candidate file, with factories or the refusal reason.
#include "support/process.hpp"

#include <gtest/gtest.h>

#include <map>

namespace fs = std::filesystem;

using namespace hydra::testing;

TEST(PluginInfo, ListsGoodPluginsAndWhyOthersAreRefused) {
  ScratchDir dir;
  const std::string lifecycle = std::string(HYDRA_TEST_PLUGIN_ROOT) + "/lifecycle";
  const std::string host = std::string(HYDRA_TEST_PLUGIN_ROOT) + "/host";
  auto r = run_process({LIFECYCLE_APP, "--plugin-dir", lifecycle, "--info", "plugins"}, dir.path(),
                       {{"HYDRA_PLUGIN_PATH", host}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("lifecycle.recorder: " + lifecycle + "/lifecycle/librecorder.so\n      status: ok\n      factories: Recorder (callback)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("host_plugins.abi3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ABI 3.0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("not a shared library"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("hydra.launchers"), std::string::npos) << r.out;
  EXPECT_TRUE(list_files(dir.path()).empty());
}

// Listing reads manifests and ELF sections and loads nothing: a plugin whose static initializer
// exits 42 (and writes a marker file) never runs, neither through `--info plugins` nor through
// `hydra-plugins list`; a stripped copy without manifest is reported as such. Only an explicit
// `hydra-plugins inspect FILE` loads it, which shows the plugin really does exit 42 when loaded.
TEST(PluginInfo, ListingRunsNoPluginCode) {
  ScratchDir dir;
  const std::string root = std::string(HYDRA_TEST_PLUGIN_ROOT) + "/on_load";
  const std::string stripped = std::string(HYDRA_TEST_PLUGIN_ROOT) + "/on_load_stripped";
  const std::string marker = (dir.path() / "loaded").string();
  const std::map<std::string, std::string> env = {{"HYDRA_TEST_LOAD_MARKER", marker}};
  const std::string module = "host_plugins.exit_on_load: ";

  auto info = run_process({LIFECYCLE_APP, "--plugin-dir", root, "--plugin-dir", stripped, "--info", "plugins"},
                          dir.path(), env);
  EXPECT_EQ(info.exit_code, 0) << info.out << info.err;
  EXPECT_FALSE(fs::exists(marker)) << "--info plugins ran the plugin's static initializer";
  EXPECT_NE(info.out.find(module + root + "/host_plugins/libexit_on_load.so\n      status: ok\n      factories: "
                          "ExitOnLoad (callback)\n"),
            std::string::npos)
      << info.out;
  EXPECT_NE(info.out.find("manifest: yes; loaded: no\n"), std::string::npos) << info.out;

  auto list = run_process({HYDRA_PLUGINS_TOOL, "list", "--plugin-dir", stripped}, dir.path(), env);
  EXPECT_EQ(list.exit_code, 0) << list.out << list.err;
  EXPECT_FALSE(fs::exists(marker)) << "hydra-plugins list ran the plugin's static initializer";
  const std::string stripped_file = stripped + "/host_plugins/libexit_on_load.so";
  EXPECT_NE(list.out.find("factories: ? (not listed without loading)\n"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("listed from: nothing: symbols stripped and no manifest; `hydra-plugins inspect " +
                          fs::canonical(stripped_file).string() + "` loads it to list its factories; manifest: no; "
                          "loaded: no\n"),
            std::string::npos)
      << list.out;

  auto inspect = run_process({HYDRA_PLUGINS_TOOL, "inspect", stripped_file}, dir.path(), env);
  EXPECT_EQ(inspect.exit_code, 42) << inspect.out << inspect.err;
  EXPECT_TRUE(fs::exists(marker));
}

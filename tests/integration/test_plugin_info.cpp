// `--info plugins` through the real app: every candidate file, with factories or the refusal reason.
#include "support/process.hpp"

#include <gtest/gtest.h>

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

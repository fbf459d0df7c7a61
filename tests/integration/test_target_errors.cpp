// Every way a callback target can fail (docs/spec.md §4; issue #2) through the real app: exit 1, a message
// naming the target and full_key plus what would help, no output dir, never a crash.
#include "support/process.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

namespace fs = std::filesystem;
using namespace hydra::testing;

namespace {

const std::string kHostPlugins = std::string(HYDRA_TEST_PLUGIN_ROOT) + "/host";

struct Case {
  std::string name;
  std::string target;
  std::string first_line;   // the docs/spec.md §4 headline
  std::string also;         // the help that must follow
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class TargetError : public ::testing::TestWithParam<Case> {};

TEST_P(TargetError, ExitsOneWithAClearMessageAndCreatesNothing) {
  const Case& c = GetParam();
  ScratchDir dir;
  auto r = run_process({LIFECYCLE_APP, "--plugin-dir", kHostPlugins, "~hydra.callbacks.cb1", "~hydra.callbacks.cb2",
                        "+hydra.callbacks.bad={_target_:" + c.target + "}"},
                       dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(r.signal, 0);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err.rfind(c.first_line + "\n", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("full_key: hydra.callbacks.bad"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(c.also), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("terminate called"), std::string::npos);
  EXPECT_TRUE(list_files(dir.path()).empty()) << "created files";
}

INSTANTIATE_TEST_SUITE_P(
    AllFailures, TargetError,
    ::testing::Values(
        Case{"UnknownModule", "no_such_module.MyCallback", "Error locating target 'no_such_module.MyCallback'",
             "no plugin library for module 'no_such_module'"},
        Case{"UnknownFactory", "host_plugins.good.GodCallback", "Error locating target 'host_plugins.good.GodCallback'",
             "did you mean 'host_plugins.good.GoodCallback'?"},
        Case{"UnresolvedSymbol", "host_plugins.unresolved.Unresolved",
             "Error locating target 'host_plugins.unresolved.Unresolved'", "undefined symbol"},
        Case{"NotALibrary", "host_plugins.notalib.Anything", "Error locating target 'host_plugins.notalib.Anything'",
             "not a shared library"},
        Case{"AbiMismatch", "host_plugins.abi3.FutureCallback", "Error locating target 'host_plugins.abi3.FutureCallback'",
             "ABI 3.0"},
        Case{"NotAPlugin", "host_plugins.plain.Anything", "Error locating target 'host_plugins.plain.Anything'",
             "no 'hydracb' section"},
        Case{"ThrowingConstructor", "host_plugins.throwing.Thrower",
             "Error in call to target 'host_plugins.throwing.Thrower':", "std::runtime_error: "},
        Case{"NonStdThrowingConstructor", "host_plugins.throwing.IntThrower",
             "Error in call to target 'host_plugins.throwing.IntThrower':", "int: "},
        Case{"MissingConstructorParameter", "host_plugins.throwing.NeedsParam",
             "Error in call to target 'host_plugins.throwing.NeedsParam':", "hydra::ConfigError: Missing key file_path"},
        Case{"PathInTarget", "../x.Y", "Error locating target '../x.Y'", "identifier"},
        Case{"NoModule", "JustAName", "Error locating target 'JustAName'", "module"},
        Case{"LauncherWhereACallbackBelongs", "hydra.launchers.BasicLauncher",
             "Error locating target 'hydra.launchers.BasicLauncher'", "needs a callback"}),
    [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(TargetErrors, WorldWritablePluginDirIsRefusedWithHowToFix) {
  ScratchDir dir;
  fs::path plugins = dir.path() / "plugins";
  fs::create_directories(plugins / "lifecycle");
  fs::copy_file(std::string(HYDRA_TEST_PLUGIN_ROOT) + "/lifecycle/lifecycle/librecorder.so",
                plugins / "lifecycle/librecorder.so");
  ::chmod((plugins / "lifecycle").c_str(), 0777);
  fs::path work = dir.path() / "work";
  fs::create_directories(work);
  auto r = run_process({LIFECYCLE_APP, "--plugin-dir", plugins.string()}, work);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(r.err.rfind("Error locating target 'lifecycle.recorder.Recorder'\nfull_key: hydra.callbacks.cb1\n", 0), 0u)
      << r.err;
  EXPECT_NE(r.err.find("writable"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("chmod"), std::string::npos) << r.err;
  EXPECT_TRUE(list_files(work).empty());
}

TEST(TargetErrors, CallbackEntryWithoutTargetIsAnError) {
  ScratchDir dir;
  auto r = run_process({LIFECYCLE_APP, "~hydra.callbacks.cb1", "~hydra.callbacks.cb2", "+hydra.callbacks.x={a:1}"},
                       dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("hydra.callbacks.x has no _target_"), std::string::npos) << r.err;
  EXPECT_TRUE(list_files(dir.path()).empty());
}

}  // namespace

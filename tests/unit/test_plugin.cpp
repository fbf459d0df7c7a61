// The plugin host: target parsing, search path, loading real test modules
// (tests/plugins/host), every refusal and error message (docs/spec.md §4, docs/design.md "Contracts").
#include "plugin/internal/library.hpp"
#include "plugin/internal/manifest.hpp"
#include "plugin/internal/target.hpp"
#include "plugin/plugin_inventory.hpp"
#include "plugin/plugin_registry.hpp"
#include "util/errors.hpp"

#include <hydra/plugin.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using hydra::Config;
using hydra::internal::CallbackHandle;
using hydra::internal::InventoryOptions;
using hydra::internal::PluginCandidate;
using hydra::internal::PluginRegistry;
using hydra::internal::PluginSearchPath;
using hydra::internal::UserError;
using namespace hydra::internal::plugin;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// The test binary is also an "app" exporting one callback of its own (module "test_app").
namespace {
class AppCallback : public hydra::Callback {
 public:
  explicit AppCallback(const Config& /*params*/) {}
  void on_run_start(const Config& /*config*/, const hydra::RunInfo& run) override {
    const_cast<hydra::RunInfo&>(run).config_name = "AppCallback";
  }
};
}  // namespace
HYDRA_CALLBACK(AppCallback)

namespace {

const fs::path kRoot = fs::path(HYDRA_TEST_PLUGIN_ROOT) / "host";
const fs::path kStrippedRoot = fs::path(HYDRA_TEST_PLUGIN_ROOT) / "host_stripped";
const fs::path kGoodLib = kRoot / "host_plugins" / "libgood.so";
const std::string kKey = "hydra.callbacks.my_callback";

PluginRegistry make_registry(std::vector<fs::path> dirs, std::string app_module = "test_app") {
  return PluginRegistry(PluginSearchPath{std::move(dirs)}, std::move(app_module));
}

// The UserError message of `fn`, or a test failure.
std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const UserError& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw a non-UserError: " << e.what();
    return {};
  }
  ADD_FAILURE() << "did not throw";
  return {};
}

std::string create_error(PluginRegistry& registry, const std::string& target, const Config& params = Config()) {
  return error_of([&] { registry.create_callback(target, params, kKey); });
}

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value)
      ::setenv(name, value, 1);
    else
      ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_)
      ::setenv(name_.c_str(), old_->c_str(), 1);
    else
      ::unsetenv(name_.c_str());
  }

 private:
  std::string name_;
  std::optional<std::string> old_;
};

// A private temp dir (mode 0700, ours), removed at the end.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "hydra-plugin-test-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path_, fs::perms::owner_all, ec);
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

  // <dir>/host_plugins/libgood.so, a copy of the good module.
  fs::path with_good_module(const std::string& sub) const {
    fs::path dir = path_ / sub / "host_plugins";
    fs::create_directories(dir);
    fs::permissions(path_ / sub, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                     fs::perms::others_read | fs::perms::others_exec);
    fs::copy_file(kGoodLib, dir / "libgood.so");
    return path_ / sub;
  }

 private:
  fs::path path_;
};

void chmod_or_fail(const fs::path& p, mode_t mode) { ASSERT_EQ(::chmod(p.c_str(), mode), 0) << p; }

bool mapped(const fs::path& file) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  std::string needle = fs::canonical(file).string();
  while (std::getline(maps, line))
    if (line.find(needle) != std::string::npos) return true;
  return false;
}

Config counter_params(int& counter) {
  Config params;
  params.put("live_counter", std::to_string(reinterpret_cast<std::uintptr_t>(&counter)));
  return params;
}

std::string run_start(const CallbackHandle& cb) {
  hydra::RunInfo info;
  cb->on_run_start(Config(), info);
  return info.config_name;
}

std::string expected_locate(const std::string& target, const std::vector<std::string>& help) {
  std::string s = "Error locating target '" + target + "'\nfull_key: " + kKey;
  for (const auto& h : help) s += "\n  " + h;
  return s;
}

// ------------------------------------------------------------------------------------------
// Target parsing

TEST(ParseTarget, SplitsModuleAndFactory) {
  std::string why;
  auto t = parse_target("a.b.Name", why);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->module, "a.b");
  EXPECT_EQ(t->module_parts, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(t->factory, "Name");
  auto u = parse_target("_m1.F_2", why);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->module, "_m1");
  EXPECT_EQ(u->factory, "F_2");
}

TEST(ParseTarget, RejectsNonIdentifiers) {
  for (const char* bad : {"../x.Y", "a..b", "a/b.C", "", ".a.B", "a.B.", "1a.B", "a.B-c", "a b.C", "a.B\n", "é.B"}) {
    std::string why;
    EXPECT_FALSE(parse_target(bad, why)) << bad;
    EXPECT_FALSE(why.empty()) << bad;
  }
  std::string why;
  EXPECT_FALSE(parse_target("a/b.C", why));
  EXPECT_EQ(why, "'a/b' is not an identifier; a target is a dotted path of identifiers ([A-Za-z_][A-Za-z0-9_]*), "
                 "module.Factory, e.g. my_plugins.MyCallback");
}

TEST(ParseTarget, RequiresAModulePart) {
  std::string why;
  EXPECT_FALSE(parse_target("x", why));
  EXPECT_THAT(why, HasSubstr("'x' has no module part: write <module>.x"));
}

TEST(ModuleFile, MapsModulePathToLibraryFile) {
  EXPECT_EQ(module_file("/d", {"a", "b"}), fs::path("/d/a/libb.so"));
  EXPECT_EQ(module_file("/d", {"a"}), fs::path("/d/liba.so"));
  EXPECT_EQ(module_file("rel", {"a", "b", "c"}), fs::path("rel/a/b/libc.so"));
}

TEST(Registry, RejectsBadTargetsBeforeTouchingTheFilesystem) {
  ScopedEnv debug("HYDRA_DEBUG_PLUGINS", "1");
  auto registry = make_registry({kRoot});
  for (const char* bad : {"../x.Y", "x", "a..b", "a/b.C"}) {
    testing::internal::CaptureStderr();
    std::string msg = create_error(registry, bad);
    std::string log = testing::internal::GetCapturedStderr();
    EXPECT_THAT(msg, StartsWith("Error locating target '" + std::string(bad) + "'\nfull_key: " + kKey + "\n  "));
    EXPECT_THAT(log, Not(HasSubstr("searching"))) << bad;
    EXPECT_THAT(log, Not(HasSubstr("tried"))) << bad;
  }
  EXPECT_EQ(create_error(registry, "x"),
            expected_locate("x", {"'x' has no module part: write <module>.x (the module names the plugin library, "
                                  "e.g. my_plugins.x)"}));
  EXPECT_TRUE(registry.loaded_libraries().empty());
}

// ------------------------------------------------------------------------------------------
// Search path

TEST(SearchPath, EnvParsing) {
  EXPECT_EQ(plugin_path_from_env("/a::/b:", false), (std::vector<fs::path>{"/a", "/b"}));
  EXPECT_EQ(plugin_path_from_env("rel", false), (std::vector<fs::path>{"rel"}));
  EXPECT_TRUE(plugin_path_from_env("", false).empty());
  EXPECT_TRUE(plugin_path_from_env(":::", false).empty());
  EXPECT_TRUE(plugin_path_from_env(nullptr, false).empty());
  // Secure-execution (setuid/setgid): the environment does not choose plugin dirs.
  EXPECT_TRUE(plugin_path_from_env("/a:/b", true).empty());
}

TEST(SearchPath, StandardOrder) {
  ScopedEnv env("HYDRA_PLUGIN_PATH", "/env/one::/env/two");
  auto sp = PluginSearchPath::standard({"/cli/one", "/cli/two"});
  fs::path exe_dir = fs::read_symlink("/proc/self/exe").parent_path();
  ASSERT_GE(sp.dirs.size(), 6u);
  EXPECT_EQ(sp.dirs[0], fs::path("/cli/one"));
  EXPECT_EQ(sp.dirs[1], fs::path("/cli/two"));
  EXPECT_EQ(sp.dirs[2], fs::path("/env/one"));
  EXPECT_EQ(sp.dirs[3], fs::path("/env/two"));
  EXPECT_EQ(sp.dirs[4], exe_dir / "plugins");
  // The plugin host's own code is linked into this test binary, so "next to libhydra_core"
  // is next to the binary here.
  EXPECT_EQ(sp.dirs[5], exe_dir / "hydra-cpp" / "plugins");
  EXPECT_LE(sp.dirs.size(), 7u);
  EXPECT_THAT(sp.dirs.back().string(), HasSubstr("hydra-cpp/plugins"));
}

TEST(SearchPath, StandardWithoutEnvAndDuplicates) {
  ScopedEnv env("HYDRA_PLUGIN_PATH", nullptr);
  auto sp = PluginSearchPath::standard({"/x", "/x/", "/y", "/x"});
  ASSERT_GE(sp.dirs.size(), 3u);
  EXPECT_EQ(sp.dirs[0], fs::path("/x"));
  EXPECT_EQ(sp.dirs[1], fs::path("/y"));
  EXPECT_EQ(sp.dirs[2], fs::read_symlink("/proc/self/exe").parent_path() / "plugins");
}

TEST(SearchPath, RelativeDirsAreMadeAbsolute) {
  ScopedEnv env("HYDRA_PLUGIN_PATH", "rel/env");
  auto sp = PluginSearchPath::standard({"rel/cli"});
  ASSERT_GE(sp.dirs.size(), 2u);
  EXPECT_EQ(sp.dirs[0], fs::current_path() / "rel/cli");
  EXPECT_EQ(sp.dirs[1], fs::current_path() / "rel/env");
}

TEST(SearchPath, KeepsNonexistentDirsAndReportsThem) {
  auto registry = make_registry({"/nonexistent/hydra-dir", kRoot});
  EXPECT_EQ(registry.search_path().dirs.size(), 2u);
  auto cb = registry.create_callback("host_plugins.good.GoodCallback", Config(), kKey);
  EXPECT_TRUE(cb);
}

TEST(SearchPath, FirstExistingFileWins) {
  TempDir tmp;
  fs::path copy_root = tmp.with_good_module("copy");
  {
    auto registry = make_registry({copy_root, kRoot});
    registry.create_callback("host_plugins.good.GoodCallback", Config(), kKey);
    ASSERT_EQ(registry.loaded_libraries().size(), 1u);
    EXPECT_EQ(registry.loaded_libraries()[0], fs::canonical(copy_root / "host_plugins" / "libgood.so"));
  }
  {
    auto registry = make_registry({kRoot, copy_root});
    registry.create_callback("host_plugins.good.GoodCallback", Config(), kKey);
    ASSERT_EQ(registry.loaded_libraries().size(), 1u);
    EXPECT_EQ(registry.loaded_libraries()[0], fs::canonical(kGoodLib));
  }
}

// ------------------------------------------------------------------------------------------
// Creating, using and destroying callbacks

TEST(Registry, CreatesUsesAndDestroysThroughTheHandle) {
  int live = 0;
  auto registry = make_registry({kRoot});
  Config params = counter_params(live);
  params.put("greeting", std::string("hi"));
  CallbackHandle cb = registry.create_callback("host_plugins.good.GoodCallback", params, kKey);
  ASSERT_TRUE(cb);
  EXPECT_EQ(live, 1);
  EXPECT_EQ(run_start(cb), "hi from GoodCallback");
  CallbackHandle copy = cb;
  cb.reset();
  EXPECT_EQ(live, 1);
  copy.reset();
  EXPECT_EQ(live, 0);  // the plugin's destroy ran the destructor
}

TEST(Registry, LoadsEachLibraryOnce) {
  ScopedEnv debug("HYDRA_DEBUG_PLUGINS", "1");
  int live = 0;
  auto registry = make_registry({kRoot});
  testing::internal::CaptureStderr();
  auto a = registry.create_callback("host_plugins.good.GoodCallback", counter_params(live), kKey);
  auto b = registry.create_callback("host_plugins.good.OtherCallback", counter_params(live), kKey);
  auto c = registry.create_callback("host_plugins.good.GoodCallback", counter_params(live), kKey);
  std::string log = testing::internal::GetCapturedStderr();
  EXPECT_EQ(live, 3);
  EXPECT_EQ(run_start(b), "OtherCallback");
  ASSERT_EQ(registry.loaded_libraries().size(), 1u);
  EXPECT_EQ(registry.loaded_libraries()[0], fs::canonical(kGoodLib));
  std::size_t loads = 0;
  for (std::size_t pos = 0; (pos = log.find("  loaded " + kGoodLib.string(), pos)) != std::string::npos; ++pos)
    ++loads;
  EXPECT_EQ(loads, 1u) << log;
}

TEST(Registry, ObjectsKeepTheirLibraryLoaded) {
  int live = 0;
  CallbackHandle cb;
  {
    auto registry = make_registry({kRoot});
    cb = registry.create_callback("host_plugins.good.OtherCallback", counter_params(live), kKey);
  }
  // The registry is gone; the object still runs plugin code.
  EXPECT_TRUE(mapped(kGoodLib));
  EXPECT_EQ(run_start(cb), "OtherCallback");
  EXPECT_EQ(live, 1);
  cb.reset();
  EXPECT_EQ(live, 0);
  // Nothing holds it now: the SDK's plugins (BOOST_DLL_USE_STD_FS, no GNU_UNIQUE) really unload.
  EXPECT_FALSE(mapped(kGoodLib));
}

TEST(Registry, ReleasesLibrariesWithTheRegistryWhenNoObjectLives) {
  {
    auto registry = make_registry({kRoot});
    registry.create_callback("host_plugins.good.GoodCallback", Config(), kKey);  // destroyed at once
    EXPECT_TRUE(mapped(kGoodLib));                                                // the cache holds it
  }
  EXPECT_FALSE(mapped(kGoodLib));
}

// ------------------------------------------------------------------------------------------
// Locating errors

TEST(Errors, UnknownFactoryListsExportsAndSuggests) {
  auto registry = make_registry({kRoot});
  EXPECT_EQ(create_error(registry, "host_plugins.good.GoodCalback"),
            expected_locate("host_plugins.good.GoodCalback",
                            {"module 'host_plugins.good' (" + kGoodLib.string() +
                                 ") exports: GoodCallback, OtherCallback",
                             "did you mean 'host_plugins.good.GoodCallback'?"}));
  // Nothing close: the list only.
  EXPECT_EQ(create_error(registry, "host_plugins.good.Zzz"),
            expected_locate("host_plugins.good.Zzz", {"module 'host_plugins.good' (" + kGoodLib.string() +
                                                      ") exports: GoodCallback, OtherCallback"}));
  EXPECT_TRUE(registry.loaded_libraries().empty());  // listed without loading
}

TEST(Errors, MissingModuleListsFilesTried) {
  auto registry = make_registry({kRoot, "/nonexistent/hydra-dir"});
  std::string msg = create_error(registry, "host_plugins.nosuch.X");
  EXPECT_EQ(msg, expected_locate("host_plugins.nosuch.X",
                                 {"no plugin library for module 'host_plugins.nosuch' in the plugin search path:",
                                  "tried " + (kRoot / "host_plugins/libnosuch.so").string() + ": not found",
                                  "tried /nonexistent/hydra-dir/host_plugins/libnosuch.so: not found (no directory "
                                  "/nonexistent/hydra-dir)",
                                  "(add the plugin's directory with --plugin-dir, hydra.plugin_path or "
                                  "HYDRA_PLUGIN_PATH; HYDRA_DEBUG_PLUGINS=1 shows every decision)"}));
}

TEST(Errors, MissingModuleSuggestsASiblingModule) {
  auto registry = make_registry({kRoot});
  std::string msg = create_error(registry, "host_plugins.god.GoodCallback");
  EXPECT_THAT(msg, HasSubstr("\n  did you mean 'host_plugins.good.GoodCallback'?\n"));
}

TEST(Errors, UnresolvedSymbolFailsAtLoadWithDlerror) {
  auto registry = make_registry({kRoot});
  fs::path lib = kRoot / "host_plugins" / "libunresolved.so";
  std::string msg = create_error(registry, "host_plugins.unresolved.Unresolved");
  EXPECT_THAT(msg, StartsWith(expected_locate("host_plugins.unresolved.Unresolved",
                                              {lib.string() + ": failed to load: " + fs::canonical(lib).string() +
                                               ": undefined symbol: "})));
  EXPECT_THAT(msg, HasSubstr("host_test_function_defined_nowhere"));
  EXPECT_THAT(msg, Not(HasSubstr("Bad file descriptor")));
  EXPECT_THAT(msg, Not(HasSubstr("boost::dll")));
  EXPECT_TRUE(registry.loaded_libraries().empty());
}

TEST(Errors, NotALibrary) {
  auto registry = make_registry({kRoot});
  fs::path file = kRoot / "host_plugins" / "libnotalib.so";
  EXPECT_EQ(create_error(registry, "host_plugins.notalib.X"),
            expected_locate("host_plugins.notalib.X",
                            {file.string() + ": not a shared library (Unsupported binary format: not an ELF file "
                                            "(a library starts with \\x7fELF))"}));
}

TEST(Errors, LibraryWithoutSection) {
  auto registry = make_registry({kRoot});
  fs::path file = kRoot / "host_plugins" / "libplain.so";
  EXPECT_EQ(create_error(registry, "host_plugins.plain.X"),
            expected_locate("host_plugins.plain.X",
                            {file.string() + ": not a hydra-cpp plugin (no 'hydracb' section); build it with "
                                             "hydra_add_callback_plugin() and export callbacks with HYDRA_CALLBACK"}));
  EXPECT_TRUE(registry.loaded_libraries().empty());
}

TEST(Errors, AbiMajorMismatchNamesBothVersions) {
  auto registry = make_registry({kRoot});
  fs::path file = kRoot / "host_plugins" / "libabi3.so";
  EXPECT_EQ(create_error(registry, "host_plugins.abi3.FutureCallback"),
            expected_locate("host_plugins.abi3.FutureCallback",
                            {file.string() + ": it was built for hydra-cpp plugin ABI 3.0, but this host has plugin ABI "
                                             "2.0 (another major version; a host serves its own major and minors up to "
                                             "its own); rebuild the plugin against this hydra-cpp's SDK"}));
  EXPECT_TRUE(registry.loaded_libraries().empty());  // refused before loading
}

TEST(Errors, AbiNewerMinorNamesBothVersions) {
  auto registry = make_registry({kRoot});
  std::string msg = create_error(registry, "host_plugins.abi_newer.FutureCallback");
  EXPECT_THAT(msg, HasSubstr("built for hydra-cpp plugin ABI 2.99, but this host has plugin ABI 2.0 (a newer minor"));
  EXPECT_TRUE(registry.loaded_libraries().empty());
}

TEST(Errors, RecordChecks) {
  hydra::plugin_abi::FactoryRecord record{HYDRA_SDK_ABI_MAJOR, HYDRA_SDK_ABI_MINOR, hydra::plugin_abi::build_key,
                                          "X", hydra::plugin_abi::FactoryKind::callback, nullptr, nullptr};
  EXPECT_FALSE(check_record(record));
  record.build_key = "gcc99;cxx11abi=0;boost=100000";
  auto why = check_record(record);
  ASSERT_TRUE(why);
  EXPECT_THAT(*why, HasSubstr("'gcc99;cxx11abi=0;boost=100000' differs from this host's '" +
                              std::string(hydra::plugin_abi::build_key) + "'"));
  record.abi_major = 7;
  record.build_key = nullptr;  // not read once the major differs
  why = check_record(record);
  ASSERT_TRUE(why);
  EXPECT_THAT(*why, HasSubstr("ABI 7." + std::to_string(HYDRA_SDK_ABI_MINOR) + ", but this host has plugin ABI 2.0"));
  EXPECT_FALSE(check_abi({2, 0}));
  EXPECT_TRUE(check_abi({2, 1}));
  EXPECT_TRUE(check_abi({1, 0}));  // built against the 1.x SDK, before RunInfo::job_returns changed
  EXPECT_TRUE(check_abi({0, 0}));
}

TEST(Errors, DlerrorTextIsExtracted) {
  EXPECT_EQ(dlerror_text("boost::dll::shared_library::load() failed (dlerror system message: /x/liba.so: undefined "
                         "symbol: _Z3foov): Bad file descriptor"),
            "/x/liba.so: undefined symbol: _Z3foov");
  EXPECT_EQ(dlerror_text("something: Bad file descriptor"), "something");
  EXPECT_EQ(dlerror_text("plain"), "plain");
}

// ------------------------------------------------------------------------------------------
// Stripped libraries (Boost 1.74's library_info lists nothing): load and ask

TEST(Stripped, LoadsAndAsks) {
  LibraryListing listing = inspect_library(kStrippedRoot / "host_plugins" / "libgood.so");
  EXPECT_EQ(listing.kind, LibraryListing::Kind::stripped);
  int live = 0;
  auto registry = make_registry({kStrippedRoot});
  auto cb = registry.create_callback("host_plugins.good.GoodCallback", counter_params(live), kKey);
  EXPECT_EQ(live, 1);
  EXPECT_EQ(run_start(cb), "hello from GoodCallback");
  cb.reset();
  EXPECT_EQ(live, 0);
}

TEST(Stripped, UnknownFactoryListsWhatItExportsAfterLoading) {
  auto registry = make_registry({kStrippedRoot});
  fs::path file = kStrippedRoot / "host_plugins" / "libgood.so";
  EXPECT_EQ(create_error(registry, "host_plugins.good.GoodCalback"),
            expected_locate("host_plugins.good.GoodCalback",
                            {"module 'host_plugins.good' (" + file.string() +
                                 ") exports: GoodCallback, OtherCallback (read after loading: its symbol table is "
                                 "stripped and it has no manifest)",
                             "did you mean 'host_plugins.good.GoodCallback'?"}));
}

TEST(Stripped, DynamicSymbolsListTheFactoriesOnceLoaded) {
  auto library = PluginLibrary::load(kStrippedRoot / "host_plugins" / "libgood.so");
  LibraryListing listing = library->exported_listing();
  EXPECT_EQ(listing.factories, (std::vector<std::string>{"GoodCallback", "OtherCallback"}));
  EXPECT_EQ(listing.abi, (std::vector<AbiVersion>{host_abi()}));
  ASSERT_NE(library->marker_build_key(host_abi()), nullptr);
  EXPECT_STREQ(library->marker_build_key(host_abi()), hydra::plugin_abi::build_key);
  EXPECT_EQ(library->marker_build_key({9, 9}), nullptr);
}

TEST(Inspect, ListsFactoriesAndAbiWithoutLoading) {
  LibraryListing listing = inspect_library(kGoodLib);
  EXPECT_EQ(listing.kind, LibraryListing::Kind::plugin);
  EXPECT_EQ(listing.factories, (std::vector<std::string>{"GoodCallback", "OtherCallback"}));
  ASSERT_EQ(listing.abi.size(), 1u);
  EXPECT_EQ(listing.abi[0], host_abi());
  EXPECT_FALSE(check_listing_abi(listing));
  EXPECT_FALSE(mapped(kGoodLib));
  EXPECT_EQ(inspect_library("/nonexistent/libx.so").kind, LibraryListing::Kind::not_a_library);
}

// ------------------------------------------------------------------------------------------
// Constructor errors

TEST(ConstructorErrors, StdException) {
  auto registry = make_registry({kRoot});
  EXPECT_EQ(create_error(registry, "host_plugins.throwing.Thrower"),
            "Error in call to target 'host_plugins.throwing.Thrower':\n"
            "std::runtime_error: constructor failed on purpose\n"
            "full_key: " + kKey);
}

TEST(ConstructorErrors, NonStdException) {
  auto registry = make_registry({kRoot});
  EXPECT_EQ(create_error(registry, "host_plugins.throwing.IntThrower"),
            "Error in call to target 'host_plugins.throwing.IntThrower':\n"
            "int: <unknown exception type: not a std::exception, no message>\n"
            "full_key: " + kKey);
}

TEST(ConstructorErrors, MissingParam) {
  auto registry = make_registry({kRoot});
  EXPECT_EQ(create_error(registry, "host_plugins.throwing.NeedsParam"),
            "Error in call to target 'host_plugins.throwing.NeedsParam':\n"
            "hydra::ConfigError: Missing key file_path\n"
            "full_key: " + kKey);
  Config params;
  params.put("file_path", std::string("/tmp/x"));
  EXPECT_TRUE(registry.create_callback("host_plugins.throwing.NeedsParam", params, kKey));
}

// ------------------------------------------------------------------------------------------
// Security

class Security : public ::testing::Test {
 protected:
  TempDir tmp;
  fs::path root = tmp.with_good_module("root");
  fs::path module_dir = root / "host_plugins";
  fs::path lib = module_dir / "libgood.so";

  std::string refusal(std::vector<fs::path> dirs) {
    auto registry = make_registry(std::move(dirs));
    std::string msg = create_error(registry, "host_plugins.good.GoodCallback");
    EXPECT_TRUE(registry.loaded_libraries().empty());
    return msg;
  }
};

TEST_F(Security, BaselineLoads) {
  auto registry = make_registry({root});
  EXPECT_TRUE(registry.create_callback("host_plugins.good.GoodCallback", Config(), kKey));
}

TEST_F(Security, WorldWritableModuleDir) {
  chmod_or_fail(module_dir, 0777);
  fs::path canon = fs::canonical(module_dir);
  EXPECT_EQ(refusal({root}),
            expected_locate("host_plugins.good.GoodCallback",
                            {"refused " + lib.string() + ": directory " + canon.string() +
                             " is writable by group and others (mode 0777), so someone else could replace the plugin; "
                             "fix with: chmod go-w '" + canon.string() + "'"}));
}

TEST_F(Security, WritableSearchDir) {
  chmod_or_fail(root, 0757);
  EXPECT_THAT(refusal({root}), HasSubstr("directory " + fs::canonical(root).string() + " is writable by others (mode 0757)"));
}

TEST_F(Security, WorldWritableFile) {
  chmod_or_fail(lib, 0757);
  EXPECT_THAT(refusal({root}), HasSubstr("\n  refused " + lib.string() + ": file " + fs::canonical(lib).string() +
                                         " is writable by others (mode 0757)"));
}

TEST_F(Security, GroupWritableFile) {
  chmod_or_fail(lib, 0775);
  EXPECT_THAT(refusal({root}), HasSubstr("is writable by group (mode 0775)"));
}

TEST_F(Security, ForeignOwner) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to chown";
  ASSERT_EQ(::chown(lib.c_str(), 65534, 65534), 0);
  EXPECT_THAT(refusal({root}), HasSubstr("file " + fs::canonical(lib).string() +
                                         " is owned by uid 65534, not by root or you (uid 0)"));
  ASSERT_EQ(::chown(lib.c_str(), 0, 0), 0);
  ASSERT_EQ(::chown(module_dir.c_str(), 65534, 65534), 0);
  EXPECT_THAT(refusal({root}), HasSubstr("directory " + fs::canonical(module_dir).string() + " is owned by uid 65534"));
}

TEST_F(Security, SymlinkEscapingTheSearchDir) {
  fs::path esc = tmp.path() / "esc";
  fs::create_directories(esc / "host_plugins");
  fs::create_symlink(kGoodLib, esc / "host_plugins" / "libgood.so");
  std::string msg = refusal({esc});
  EXPECT_THAT(msg, HasSubstr("refused " + (esc / "host_plugins/libgood.so").string() + ": it resolves to " +
                             fs::canonical(kGoodLib).string() + ", outside the search dir " +
                             fs::canonical(esc).string() + " (a symlink escapes it)"));
}

TEST_F(Security, SymlinkedDirectoryEscapingTheSearchDir) {
  fs::path esc = tmp.path() / "esc_dir";
  fs::create_directories(esc);
  fs::create_directory_symlink(kRoot / "host_plugins", esc / "host_plugins");
  EXPECT_THAT(refusal({esc}), HasSubstr("outside the search dir"));
}

TEST_F(Security, SymlinkInsideTheSearchDirIsFine) {
  fs::rename(lib, module_dir / "libgood.so.1");
  fs::create_symlink("libgood.so.1", lib);
  auto registry = make_registry({root});
  EXPECT_TRUE(registry.create_callback("host_plugins.good.GoodCallback", Config(), kKey));
  EXPECT_EQ(registry.loaded_libraries()[0], fs::canonical(module_dir / "libgood.so.1"));
}

TEST_F(Security, DanglingSymlink) {
  fs::remove(lib);
  fs::create_symlink("missing.so", lib);
  EXPECT_THAT(refusal({root}), HasSubstr("refused " + lib.string() + ": cannot resolve " + lib.string()));
}

TEST_F(Security, NotARegularFile) {
  fs::remove(lib);
  fs::create_directory(lib);
  chmod_or_fail(lib, 0755);
  EXPECT_THAT(refusal({root}), HasSubstr(fs::canonical(lib).string() + " is not a regular file"));
}

TEST_F(Security, ARefusedCandidateIsAnErrorNotAFallThrough) {
  chmod_or_fail(lib, 0777);
  std::string msg = refusal({"/nonexistent/first", root, kRoot});
  EXPECT_THAT(msg, HasSubstr("\n  tried /nonexistent/first/host_plugins/libgood.so: not found (no directory "
                             "/nonexistent/first)\n  refused " + lib.string()));
}

// ------------------------------------------------------------------------------------------
// The app module: factories exported by the program itself

TEST(AppModule, ResolvesTheAppsOwnFactories) {
  auto registry = make_registry({kRoot}, "test_app");
  auto cb = registry.create_callback("test_app.AppCallback", Config(), kKey);
  ASSERT_TRUE(cb);
  EXPECT_EQ(run_start(cb), "AppCallback");
  EXPECT_TRUE(registry.loaded_libraries().empty());
}

TEST(AppModule, UnknownFactoryListsTheAppsExports) {
  auto registry = make_registry({kRoot}, "test_app");
  std::string msg = create_error(registry, "test_app.AppCalback");
  EXPECT_EQ(msg, expected_locate("test_app.AppCalback",
                                 {"module 'test_app' is the app itself; it exports: AppCallback",
                                  "did you mean 'test_app.AppCallback'?",
                                  "(no plugin library named 'test_app' in the plugin search path either; "
                                  "HYDRA_DEBUG_PLUGINS=1 lists the files tried)"}));
}

TEST(AppModule, FallsBackToALibraryOfThatName) {
  // An app called "host_plugins.good" does not export GoodCallback: the library does.
  auto registry = make_registry({kRoot}, "host_plugins.good");
  EXPECT_TRUE(registry.create_callback("host_plugins.good.GoodCallback", Config(), kKey));
  EXPECT_EQ(registry.loaded_libraries().size(), 1u);
  std::string msg = create_error(registry, "host_plugins.good.Nope");
  EXPECT_THAT(msg, HasSubstr("\n  module 'host_plugins.good' is the app itself; it exports: AppCallback\n"));
  EXPECT_THAT(msg, HasSubstr("\n  module 'host_plugins.good' (" + kGoodLib.string() + ") exports: GoodCallback, OtherCallback"));
}

// ------------------------------------------------------------------------------------------
// HYDRA_DEBUG_PLUGINS

TEST(Debug, PrintsEveryDecision) {
  ScopedEnv debug("HYDRA_DEBUG_PLUGINS", "1");
  testing::internal::CaptureStderr();
  auto registry = make_registry({"/nonexistent/first", kRoot});
  registry.create_callback("host_plugins.good.GoodCallback", Config(), kKey);
  create_error(registry, "host_plugins.abi3.FutureCallback");
  std::string log = testing::internal::GetCapturedStderr();
  EXPECT_THAT(log, HasSubstr("[hydra plugins] search path: /nonexistent/first:" + kRoot.string() +
                             "; app module: 'test_app'\n"));
  EXPECT_THAT(log, HasSubstr("[hydra plugins] searching /nonexistent/first for module 'host_plugins.good'\n"));
  EXPECT_THAT(log, HasSubstr("[hydra plugins]   tried /nonexistent/first/host_plugins/libgood.so: not found"));
  EXPECT_THAT(log, HasSubstr("[hydra plugins]   candidate " + kGoodLib.string() + "\n"));
  EXPECT_THAT(log, HasSubstr("[hydra plugins]   " + kGoodLib.string() + " exports: GoodCallback, OtherCallback\n"));
  EXPECT_THAT(log, HasSubstr("[hydra plugins]   loaded " + kGoodLib.string()));
  EXPECT_THAT(log, HasSubstr("[hydra plugins]   found factory 'GoodCallback' in " + kGoodLib.string() + "\n"));
  EXPECT_THAT(log, HasSubstr("[hydra plugins]   refused " + (kRoot / "host_plugins/libabi3.so").string() + ": ABI: "));
  for (std::istringstream lines(log); std::getline(lines, log);) EXPECT_THAT(log, StartsWith("[hydra plugins] "));
}

TEST(Debug, SilentByDefault) {
  ScopedEnv debug("HYDRA_DEBUG_PLUGINS", nullptr);
  auto registry = make_registry({kRoot});
  testing::internal::CaptureStderr();
  registry.create_callback("host_plugins.good.GoodCallback", Config(), kKey);
  create_error(registry, "host_plugins.nosuch.X");
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  ScopedEnv zero("HYDRA_DEBUG_PLUGINS", "0");
  EXPECT_FALSE(debug_enabled());
}

// ------------------------------------------------------------------------------------------
// ABI: build key, markers

TEST(Errors, BuildKeyMismatchRefusedFromTheManifestBeforeLoading) {
  auto registry = make_registry({kRoot});
  fs::path file = kRoot / "host_plugins" / "libotherkey.so";
  EXPECT_EQ(create_error(registry, "host_plugins.otherkey.FutureCallback"),
            expected_locate("host_plugins.otherkey.FutureCallback",
                            {file.string() + ": its build key 'clang99,cxx11abi=0,boost=100000' differs from this "
                                             "host's '" + std::string(hydra::plugin_abi::build_key) +
                                             "' (compiler, C++ library ABI and Boost version must match); rebuild the "
                                             "plugin with the toolchain and Boost this hydra-cpp was built with"}));
  EXPECT_TRUE(registry.loaded_libraries().empty());
}

TEST(Errors, BuildKeyMismatchRefusedFromTheRecordWithoutAManifest) {
  TempDir tmp;
  fs::path dir = tmp.path() / "host_plugins";
  fs::create_directories(dir);
  fs::copy_file(kRoot / "host_plugins" / "libotherkey.so", dir / "libotherkey.so");
  auto registry = make_registry({tmp.path()});
  std::string msg = create_error(registry, "host_plugins.otherkey.FutureCallback");
  EXPECT_THAT(msg, HasSubstr("\n  factory 'FutureCallback' in " + fs::canonical(dir / "libotherkey.so").string() +
                             ": its build key 'clang99,cxx11abi=0,boost=100000' differs from this host's '"));
}

TEST(Errors, MarkerProblemsNameTheHostAbi) {
  LibraryListing odd;
  odd.kind = LibraryListing::Kind::plugin;
  odd.factories = {"X"};
  odd.odd_markers = {"hydracb__abi_x"};
  ASSERT_TRUE(check_listing_abi(odd));
  EXPECT_THAT(*check_listing_abi(odd), HasSubstr("its ABI marker 'hydracb__abi_x' does not name a version"));
  LibraryListing none;
  none.kind = LibraryListing::Kind::plugin;
  none.factories = {"X"};
  ASSERT_TRUE(check_listing_abi(none));
  EXPECT_THAT(*check_listing_abi(none), HasSubstr("exports factories but no ABI marker"));
  EXPECT_THAT(*check_listing_abi(none), HasSubstr("this host has plugin ABI 2.0; rebuild the plugin"));
}

// ------------------------------------------------------------------------------------------
// Manifests (<lib>.hydra-manifest, written by hydra_add_callback_plugin)

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::trunc);
  out << text;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Manifest, WrittenBesideEveryPlugin) {
  std::string error;
  auto m = read_manifest(kGoodLib, error);
  ASSERT_TRUE(m) << error;
  EXPECT_EQ(m->library, "libgood.so");
  EXPECT_EQ(m->module, "host_plugins.good");
  EXPECT_EQ(m->abi, host_abi());
  EXPECT_EQ(m->build_key, hydra::plugin_abi::build_key);
  EXPECT_EQ(m->factories, (std::vector<ManifestFactory>{{"GoodCallback", "callback"}, {"OtherCallback", "callback"}}));
  // The same as make_manifest gives now, and it round-trips.
  EXPECT_EQ(format_manifest(*m), format_manifest(make_manifest(kGoodLib, "host_plugins.good")));
  EXPECT_EQ(read_file(manifest_path(kGoodLib)), format_manifest(*m));
  EXPECT_FALSE(read_manifest(kRoot / "host_plugins" / "libplain.so", error));
  EXPECT_EQ(error, "");
}

TEST(Manifest, StrippedLibraryIsListedFromItsManifestWithoutLoading) {
  const fs::path root = fs::path(HYDRA_TEST_PLUGIN_ROOT) / "host_stripped_manifest";
  const fs::path file = root / "host_plugins" / "libgood.so";
  ASSERT_EQ(inspect_library(file).kind, LibraryListing::Kind::stripped);
  auto registry = make_registry({root});
  EXPECT_EQ(create_error(registry, "host_plugins.good.OtherCalback"),
            expected_locate("host_plugins.good.OtherCalback",
                            {"module 'host_plugins.good' (" + file.string() +
                                 ") exports: GoodCallback, OtherCallback (from its manifest)",
                             "did you mean 'host_plugins.good.OtherCallback'?"}));
  EXPECT_TRUE(registry.loaded_libraries().empty());
  EXPECT_TRUE(registry.create_callback("host_plugins.good.GoodCallback", Config(), kKey));

  PluginCandidate c = hydra::internal::inspect_plugin_file(file, InventoryOptions{false});
  EXPECT_EQ(c.status, PluginCandidate::Status::ok) << c.reason;
  EXPECT_EQ(c.listed_from, "manifest (symbols stripped)");
  EXPECT_FALSE(c.loaded);
  EXPECT_EQ(c.build_key, hydra::plugin_abi::build_key);
}

class ManifestCheck : public ::testing::Test {
 protected:
  TempDir tmp;
  fs::path root = tmp.with_good_module("root");
  fs::path lib = root / "host_plugins" / "libgood.so";
  fs::path manifest = manifest_path(lib);
  std::string good = read_file(manifest_path(kGoodLib));

  std::string refusal() {
    auto registry = make_registry({root});
    std::string msg = create_error(registry, "host_plugins.good.GoodCallback");
    return msg;
  }
  static std::string replaced(std::string text, const std::string& from, const std::string& to) {
    text.replace(text.find(from), from.size(), to);
    return text;
  }
};

TEST_F(ManifestCheck, StaleFactoryListIsRefused) {
  write_file(manifest, replaced(good, "factory callback OtherCallback\n", "factory callback Gone\n"));
  EXPECT_EQ(refusal(),
            expected_locate("host_plugins.good.GoodCallback",
                            {lib.string() + ": its manifest lists factories Gone, GoodCallback but the library "
                                            "exports GoodCallback, OtherCallback; the manifest is stale or belongs to "
                                            "another build: rebuild the plugin (hydra_add_callback_plugin rewrites "
                                            "it) or delete " + fs::canonical(lib).string() + ".hydra-manifest"}));
}

TEST_F(ManifestCheck, WrongBuildKeyIsCaughtOnLoad) {
  // The manifest says this host's key, the library another: only loading can tell.
  write_file(manifest, replaced(good, "build_key " + std::string(hydra::plugin_abi::build_key),
                                "build_key " + std::string(hydra::plugin_abi::build_key) + "-other"));
  EXPECT_THAT(refusal(), HasSubstr("its build key '" + std::string(hydra::plugin_abi::build_key) +
                                   "-other' differs from this host's"));
  write_file(manifest, replaced(good, "factory callback GoodCallback", "factory launcher GoodCallback"));
  EXPECT_THAT(refusal(), HasSubstr(": its manifest says factory 'GoodCallback' makes a launcher but it makes a "
                                   "callback; the manifest is stale"));
}

TEST_F(ManifestCheck, UnreadableManifestIsRefused) {
  write_file(manifest, "garbage\n");
  EXPECT_THAT(refusal(), HasSubstr(".hydra-manifest:1: not a hydra-cpp plugin manifest (expected "
                                   "'hydra-plugin-manifest 1'); rebuild the plugin"));
  write_file(manifest, replaced(good, "hydra-plugin-manifest 1", "hydra-plugin-manifest 7"));
  EXPECT_THAT(refusal(), HasSubstr("manifest format 7 is not the format 1 this host reads"));
  write_file(manifest, replaced(good, "library libgood.so", "library libother.so"));
  EXPECT_THAT(refusal(), HasSubstr("its manifest describes 'libother.so', not 'libgood.so'"));
}

TEST_F(ManifestCheck, ManifestAbiDisagreeingWithTheMarker) {
  write_file(manifest, replaced(good, "abi 2.0", "abi 2.1"));
  EXPECT_THAT(refusal(), HasSubstr("its manifest says ABI 2.1 but the library's marker says 2.0"));
}

// ------------------------------------------------------------------------------------------
// Inventory: --info plugins and hydra-plugins list / inspect

const PluginCandidate* find_candidate(const std::vector<hydra::internal::PluginDirReport>& reports,
                                      const fs::path& file) {
  for (const auto& r : reports)
    for (const auto& c : r.candidates)
      if (c.file == file) return &c;
  return nullptr;
}

// With loading (what `hydra-plugins inspect` does), so load errors show too.
TEST(Inventory, EveryCandidateWithItsStatusOrReason) {
  auto reports =
      hydra::internal::scan_plugins(PluginSearchPath{{kRoot, kStrippedRoot, "/nonexistent/dir"}}, InventoryOptions{true});
  ASSERT_EQ(reports.size(), 3u);
  using S = PluginCandidate::Status;
  const fs::path mod = kRoot / "host_plugins";
  struct Expect {
    std::string file;
    S status;
    std::string reason;  // substring
  };
  const std::vector<Expect> expected = {
      {"libgood.so", S::ok, ""},
      {"libthrowing.so", S::ok, ""},
      {"libabi3.so", S::abi_mismatch, "built for hydra-cpp plugin ABI 3.0, but this host has plugin ABI 2.0"},
      {"libabi_newer.so", S::abi_mismatch, "built for hydra-cpp plugin ABI 2.99, but this host has plugin ABI 2.0"},
      {"libotherkey.so", S::abi_mismatch, "its build key 'clang99,cxx11abi=0,boost=100000' differs"},
      {"libplain.so", S::not_a_plugin, "no 'hydracb' section; build it with hydra_add_callback_plugin()"},
      {"libnotalib.so", S::not_a_library, "Unsupported binary format: not an ELF file (a library starts with \\x7fELF); remove it from the plugin "
                                          "directory"},
      {"libunresolved.so", S::load_error, "undefined symbol: _Z34host_test_function_defined_nowherev"},
  };
  for (const auto& e : expected) {
    const PluginCandidate* c = find_candidate(reports, mod / e.file);
    ASSERT_TRUE(c) << e.file;
    EXPECT_EQ(c->status, e.status) << e.file << ": " << c->reason;
    EXPECT_THAT(c->reason, HasSubstr(e.reason)) << e.file;
    EXPECT_EQ(c->module, "host_plugins." + e.file.substr(3, e.file.size() - 6));
  }
  const PluginCandidate* good = find_candidate(reports, kGoodLib);
  EXPECT_EQ(good->factories, (std::vector<ManifestFactory>{{"GoodCallback", "callback"}, {"OtherCallback", "callback"}}));
  EXPECT_EQ(good->abi, host_abi());
  EXPECT_TRUE(good->has_manifest);
  const PluginCandidate* shadowed = find_candidate(reports, kStrippedRoot / "host_plugins" / "libgood.so");
  ASSERT_TRUE(shadowed);
  EXPECT_EQ(shadowed->status, S::shadowed);
  EXPECT_EQ(shadowed->reason, "module 'host_plugins.good' is also " + kGoodLib.string() +
                                  ", earlier on the search path, which wins; remove one of them or reorder the "
                                  "plugin path");
  EXPECT_EQ(reports[2].problem, "no such directory");
}

TEST(Inventory, DescribeNamesEveryFileAndSummarizes) {
  std::string text = hydra::internal::describe_plugins(PluginSearchPath{{kRoot, kStrippedRoot, "/nonexistent/dir"}},
                                                       InventoryOptions{true});
  EXPECT_THAT(text, StartsWith("Plugins (every candidate file on the plugin search path; for a module the first "
                               "file found wins)\n  " + kRoot.string() + "\n"));
  EXPECT_THAT(text, HasSubstr("    host_plugins.good: " + kGoodLib.string() +
                              "\n      status: ok\n      factories: GoodCallback (callback), OtherCallback (callback)\n"
                              "      abi: 2.0; build key: " + std::string(hydra::plugin_abi::build_key) +
                              "\n      listed from: symbol table; manifest: yes; loaded: yes\n"));
  EXPECT_THAT(text, HasSubstr("      status: REFUSED (ABI mismatch): it was built for hydra-cpp plugin ABI 3.0"));
  EXPECT_THAT(text, HasSubstr("      status: REFUSED (load error): " + fs::canonical(kRoot / "host_plugins/libunresolved.so").string() +
                              ": undefined symbol: "));
  EXPECT_THAT(text, HasSubstr("      status: SHADOWED: module 'host_plugins.good' is also "));
  EXPECT_THAT(text, HasSubstr("  /nonexistent/dir\n    (no such directory)\n"));
  EXPECT_THAT(text, HasSubstr("\n  9 plugin files: 2 ok, 6 refused, 1 shadowed\n"));
}

TEST(Inventory, WithoutLoadingNothingIsMapped) {
  TempDir tmp;
  fs::path root = tmp.with_good_module("root");
  fs::copy_file(manifest_path(kGoodLib), manifest_path(root / "host_plugins" / "libgood.so"));
  auto reports = hydra::internal::scan_plugins(PluginSearchPath{{root}}, InventoryOptions{false});
  ASSERT_EQ(reports[0].candidates.size(), 1u);
  const auto& c = reports[0].candidates[0];
  EXPECT_EQ(c.status, PluginCandidate::Status::ok) << c.reason;
  EXPECT_FALSE(c.loaded);
  EXPECT_EQ(c.factories.size(), 2u);
  EXPECT_FALSE(mapped(root / "host_plugins" / "libgood.so"));
}

TEST(Inventory, StrippedWithoutManifestIsLoadedToListOnlyWhenAsked) {
  const fs::path file = kStrippedRoot / "host_plugins" / "libgood.so";
  PluginCandidate listed = hydra::internal::inspect_plugin_file(file);
  EXPECT_EQ(listed.status, PluginCandidate::Status::ok) << listed.reason;
  EXPECT_FALSE(listed.loaded);
  EXPECT_TRUE(listed.factories.empty());
  EXPECT_EQ(listed.listed_from, "nothing: symbols stripped and no manifest; `hydra-plugins inspect " +
                                    fs::canonical(file).string() + "` loads it to list its factories");
  EXPECT_THAT(hydra::internal::describe_plugin_file(listed), HasSubstr("factories: ? (not listed without loading)\n"));
  PluginCandidate c = hydra::internal::inspect_plugin_file(file, InventoryOptions{true});
  EXPECT_EQ(c.status, PluginCandidate::Status::ok) << c.reason;
  EXPECT_TRUE(c.loaded);
  EXPECT_EQ(c.listed_from, "dynamic symbols (symbols stripped, no manifest: loaded to list)");
  EXPECT_EQ(c.factories, (std::vector<ManifestFactory>{{"GoodCallback", "callback"}, {"OtherCallback", "callback"}}));
}

TEST(Inventory, SecurityRefusalsAndUnreachableNames) {
  TempDir tmp;
  fs::path root = tmp.with_good_module("root");
  fs::path lib = root / "host_plugins" / "libgood.so";
  chmod_or_fail(lib, 0666);
  fs::create_directories(root / "not-an-identifier");
  fs::copy_file(kGoodLib, root / "not-an-identifier" / "libx.so");
  fs::copy_file(kGoodLib, root / "host_plugins" / "good.so");
  auto reports = hydra::internal::scan_plugins(PluginSearchPath{{root}});
  const PluginCandidate* c = find_candidate(reports, lib);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->status, PluginCandidate::Status::bad_permissions);
  EXPECT_EQ(c->reason, "file " + fs::canonical(lib).string() + " is writable by group and others (mode 0666), so "
                       "someone else could replace the plugin; fix with: chmod go-w '" + fs::canonical(lib).string() + "'");
  for (const char* rel : {"not-an-identifier/libx.so", "host_plugins/good.so"}) {
    const PluginCandidate* u = find_candidate(reports, root / rel);
    ASSERT_TRUE(u) << rel;
    EXPECT_EQ(u->status, PluginCandidate::Status::unreachable);
    EXPECT_THAT(u->reason, StartsWith("no _target_ names this file (module a.b is <dir>/a/libb.so"));
  }
  // A symlink out of the search dir.
  fs::path esc = tmp.path() / "esc";
  fs::create_directories(esc / "host_plugins");
  fs::create_symlink(kGoodLib, esc / "host_plugins" / "libgood.so");
  reports = hydra::internal::scan_plugins(PluginSearchPath{{esc}});
  c = find_candidate(reports, esc / "host_plugins" / "libgood.so");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->status, PluginCandidate::Status::bad_permissions);
  EXPECT_THAT(c->reason, HasSubstr("outside the search dir " + fs::canonical(esc).string() +
                                   " (a symlink escapes it); copy the library into the search dir"));
}

// Every parent of the search dir up to / (as sudo checks): owned by root or us, and writable by
// nobody else unless sticky; the search dir itself must not be a shared sticky dir such as /tmp.
TEST(HostChecks, ParentsOfTheSearchDirAreChecked) {
  TempDir tmp;
  const fs::path shared = tmp.path() / "shared";
  const fs::path root = shared / "root";
  fs::create_directories(shared);
  fs::create_directories(root / "host_plugins");
  fs::copy_file(kGoodLib, root / "host_plugins" / "libgood.so");
  const fs::path lib = root / "host_plugins" / "libgood.so";
  const fs::path shared_c = fs::canonical(shared);
  const fs::path root_c = fs::canonical(root);

  chmod_or_fail(shared, 0777);
  EXPECT_EQ(check_candidate(root, lib),
            "directory " + shared_c.string() + ", a parent of the search dir " + root_c.string() +
                ", is writable by group and others (mode 0777), so someone else could move the plugin directory "
                "away and put another in its place; fix with: chmod go-w '" + shared_c.string() +
                "' (or chmod +t), or keep plugins elsewhere");
  chmod_or_fail(shared, 01777);  // sticky: others cannot rename root (ours) away
  EXPECT_EQ(check_candidate(root, lib), std::nullopt);
  chmod_or_fail(shared, 0755);
  if (::geteuid() == 0) {
    ASSERT_EQ(::chown(shared.c_str(), 12345, static_cast<gid_t>(-1)), 0);
    EXPECT_THAT(check_candidate(root, lib).value_or(""),
                StartsWith("directory " + shared_c.string() + " is owned by uid 12345, not by root or you (uid 0)"));
    EXPECT_THAT(check_candidate(root, lib).value_or(""), HasSubstr("(it is a parent of the search dir " + root_c.string() + ")"));
    ASSERT_EQ(::chown(shared.c_str(), 0, static_cast<gid_t>(-1)), 0);
  }
  // The search dir a shared sticky dir: its own advice, not `chmod go-w` (which would break /tmp).
  chmod_or_fail(root, 01777);
  const std::string why = check_candidate(root, lib).value_or("");
  EXPECT_EQ(why, "directory " + root_c.string() + " is a shared directory (mode 1777: sticky, writable by group and "
                 "others), so anyone can put a library in it; keep plugins in a directory only you can write, e.g. "
                 "mkdir -m 0755 " + (root_c / "my-plugins").string() + ", and name that one");
}

// The host loads exactly the file it checked: the check hands out its descriptor, and the listing
// and dlopen go through /proc/self/fd/N. The hook swaps another library in under the same name
// right after the check; loading by name would then load that one (no GoodCallback in it).
fs::path swap_target, swap_source;
void swap_after_check(const fs::path& checked) {
  if (checked == swap_target) fs::rename(swap_source, swap_target);
}

TEST(HostChecks, LoadsTheFileThatWasCheckedEvenIfSwappedAfterwards) {
  TempDir tmp;
  const fs::path root = tmp.with_good_module("root");
  swap_target = fs::canonical(root / "host_plugins" / "libgood.so");
  swap_source = tmp.path() / "root" / "swapped.so.tmp";
  fs::copy_file(kRoot / "host_plugins" / "libplain.so", swap_source);
  set_after_check_hook_for_tests(swap_after_check);
  auto registry = make_registry({root});
  CallbackHandle cb;
  std::string error;
  try {
    cb = registry.create_callback("host_plugins.good.GoodCallback", Config(), kKey);
  } catch (const std::exception& e) {
    error = e.what();
  }
  set_after_check_hook_for_tests(nullptr);
  EXPECT_FALSE(fs::exists(swap_source)) << "the hook did not swap the file";
  EXPECT_EQ(error, "");
  ASSERT_TRUE(cb);
  EXPECT_EQ(registry.loaded_libraries(), (std::vector<fs::path>{swap_target}));
}

TEST(Debug, ReportsShadowedModulesAndManifestChecks) {
  ScopedEnv debug("HYDRA_DEBUG_PLUGINS", "1");
  testing::internal::CaptureStderr();
  auto registry = make_registry({kRoot, kStrippedRoot});
  registry.create_callback("host_plugins.good.GoodCallback", Config(), kKey);
  std::string log = testing::internal::GetCapturedStderr();
  EXPECT_THAT(log, HasSubstr("[hydra plugins]   shadowed " + (kStrippedRoot / "host_plugins/libgood.so").string() +
                             ": module 'host_plugins.good' is also " + kGoodLib.string() +
                             ", earlier on the search path, which wins\n"));
  EXPECT_THAT(log, HasSubstr("[hydra plugins]   " + kGoodLib.string() + " has a manifest: ABI 2.0, build key '"));
  EXPECT_THAT(log, HasSubstr("[hydra plugins]   " + kGoodLib.string() + " agrees with its manifest\n"));
}

TEST(Debug, SecureExecutionIgnoresTheEnvironment) {
  // getauxval(AT_SECURE) cannot be faked in-process; the parsing rule it feeds is what is tested.
  EXPECT_TRUE(plugin_path_from_env("/evil", true).empty());
  EXPECT_EQ(plugin_path_from_env("/ok", false), (std::vector<fs::path>{"/ok"}));
}

}  // namespace

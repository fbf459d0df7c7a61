// An app installed setuid or setgid refuses to run at all (cli/app.cpp): it takes paths from its
// command line, config and environment and loads plugin code, so it must run as its caller.
// Root makes a setuid/setgid copy of the seed app and runs it as `nobody` through setpriv.
#include "support/process.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace hydra::testing;

namespace {

std::vector<std::string> as_nobody(const fs::path& app, std::vector<std::string> args) {
  std::vector<std::string> argv = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", app.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

}  // namespace

TEST(SecureExecution, ASetuidOrSetgidAppRefusesToRun) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root, to make a setuid copy and run it as nobody";
  ScratchDir dir;
  const fs::path app = dir.path() / "my_app";
  const fs::path work = dir.path() / "work";
  fs::create_directories(work);
  fs::copy_file(MY_APP, app);
  ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);
  ASSERT_EQ(::chmod(work.c_str(), 0777), 0);
  // The control: the same copy without the bit runs as nobody and writes its run dir.
  ASSERT_EQ(::chmod(app.c_str(), 0755), 0);
  auto plain = run_process(as_nobody(app, {"hydra.run.dir=" + (work / "run").string()}), work);
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_TRUE(fs::exists(work / "run"));
  fs::remove_all(work / "run");

  // Setuid root, a run dir only root may create: the caller would write there with root's rights.
  const std::vector<std::string> args = {"hydra.run.dir=" + (dir.path() / "chosen_by_caller").string()};
  for (mode_t mode : {04755, 02755}) {
    ASSERT_EQ(::chown(app.c_str(), 0, 0), 0);
    ASSERT_EQ(::chmod(app.c_str(), mode), 0);
    auto r = run_process(as_nobody(app, args), work);
    EXPECT_EQ(r.exit_code, 1) << std::oct << mode << "\n" << r.out << r.err;
    EXPECT_EQ(r.out, "");
    // Only the first line: under the asan preset, LeakSanitizer cannot run in a secure-execution
    // process and adds its own note after ours at exit.
    const std::string first_line = r.err.substr(0, r.err.find('\n') + 1);
    EXPECT_EQ(first_line, "Error: " + app.string() +
                         " refuses to run setuid or setgid (secure-execution mode): a Hydra app writes where its "
                         "overrides say and loads plugin code, so it must run as the user who starts it; remove the "
                         "bit (chmod u-s,g-s) and grant access through the file system or sudo instead\n")
        << std::oct << mode;
    EXPECT_FALSE(fs::exists(dir.path() / "chosen_by_caller")) << std::oct << mode;
    EXPECT_TRUE(list_files(work).empty()) << std::oct << mode;
  }
}

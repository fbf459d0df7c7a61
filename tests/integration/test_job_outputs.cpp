// The job's outputs and environment (docs/spec.md §3, §5): chdir, env_set, output_subdir, log formats.
#include "support/apps.hpp"

#include <gtest/gtest.h>

namespace fs = std::filesystem;
using namespace hydra::testing;

TEST(JobOutputs, RunDirOverrideAndNoOutputSubdir) {
  ScratchDir dir;
  auto r = run_lifecycle(dir.path(), {"hydra.run.dir=out/here", "hydra.output_subdir=null"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(list_files(dir.path()), (std::vector<std::string>{"out/here/lifecycle_app.log"}));
}

TEST(JobOutputs, ChdirMovesTheTaskIntoTheOutputDir) {
  ScratchDir dir;
  auto r = run_lifecycle(dir.path(), {"hydra.run.dir=out", "hydra.job.chdir=true", "+hydra.job.env_set.PROBE=set"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("TASKENV cwd=" + (dir.path() / "out").string() + " PROBE=set\n"), std::string::npos) << r.out;
  std::string hydra_yaml = read_text(dir.path() / "out/.hydra/hydra.yaml");
  EXPECT_NE(hydra_yaml.find("chdir: true"), std::string::npos);

  auto plain = run_lifecycle(dir.path(), {"hydra.run.dir=out2"});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_NE(plain.out.find("TASKENV cwd=" + dir.path().string() + " PROBE=unset\n"), std::string::npos) << plain.out;
}

TEST(JobOutputs, JobLoggingFormatAcceptsPythonFormatStrings) {
  ScratchDir dir;
  auto r = run_lifecycle(dir.path(), {"hydra.run.dir=out", "hydra.job_logging.formatters.simple.format='[JOB] %(message)s'"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\n[JOB] task log line foo=bar\n"), std::string::npos) << r.out;
  EXPECT_EQ(read_text(dir.path() / "out/lifecycle_app.log"), "[JOB] task log line foo=bar\n");
}

TEST(JobOutputs, LevelNameAndLoggerName) {
  ScratchDir dir;
  auto r = run_lifecycle(dir.path(), {"hydra.run.dir=out",
                                "hydra.job_logging.formatters.simple.format='%(levelname)s|%(name)s|%(message)s'"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_text(dir.path() / "out/lifecycle_app.log"), "INFO|lifecycle_app|task log line foo=bar\n");
}

TEST(JobOutputs, DisabledJobLoggingWritesNoLog) {
  ScratchDir dir;
  auto r = run_lifecycle(dir.path(), {"hydra.run.dir=out", "hydra/job_logging=disabled"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("task log line"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir.path() / "out/lifecycle_app.log"));
}

TEST(JobOutputs, BadLogFormatIsAClearError) {
  ScratchDir dir;
  auto r = run_lifecycle(dir.path(), {"hydra.run.dir=out", "hydra.job_logging.formatters.simple.format='%(nonsense)s'"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("attribute 'nonsense' is not supported"), std::string::npos) << r.err;
}

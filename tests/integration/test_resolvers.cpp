// Interpolation in a real app (tests/integration/apps/resolver_app): the app's own resolvers
// (hydra::register_resolver) in its config and on its command line, values that cannot be
// resolved failing only when the task reads them, env_set in force before the task config is
// resolved, and the bound on interpolation expansion. Expectations are what Python Hydra 1.3.5
// prints for the same config with the same resolvers registered by OmegaConf.register_new_resolver.
#include "support/process.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace fs = std::filesystem;
using namespace hydra::testing;

namespace {

ProcessResult run_resolver_app(const ScratchDir& dir, std::vector<std::string> args) {
  std::vector<std::string> argv = {RESOLVER_APP};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, dir.path());
}

}  // namespace

TEST(Resolvers, AppResolversInTheConfigAndInAnOverride) {
  ScratchDir dir;
  auto r = run_resolver_app(dir, {"read=[lr,tag,good,doubled]", "+doubled='${scale:${good},2}'"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "lr=0.05\ntag=a-b-c\ngood=1\ndoubled=2\n");
  EXPECT_EQ(r.err, "");
}

TEST(Resolvers, AppResolverInAnOverrideOfAConfigValue) {
  ScratchDir dir;
  auto r = run_resolver_app(dir, {"read=[lr]", "base_lr=${scale:3,2}"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "lr=3.0\n");
}

// bad, broken and behind cannot be resolved; the task reads only `good`.
TEST(Resolvers, AValueTheTaskDoesNotReadCannotFailTheRun) {
  ScratchDir dir;
  auto r = run_resolver_app(dir, {"read=[good]"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "good=1\n");
  EXPECT_EQ(r.err, "");
}

TEST(Resolvers, ReadingAnUnresolvableValueNamesKeyInterpolationAndCause) {
  ScratchDir dir;
  auto r = run_resolver_app(dir, {"read=[good,bad]"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "good=1\n");
  EXPECT_EQ(r.err,
            "Error executing job with overrides: ['read=[good,bad]']\n"
            "hydra::ConfigError: Key 'bad' cannot be resolved: ${nope.missing}: Interpolation key 'nope.missing' "
            "not found (at bad)\n");
}

TEST(Resolvers, ReadingAValueWhoseResolverThrowsNamesTheResolversMessage) {
  ScratchDir dir;
  auto r = run_resolver_app(dir, {"read=[broken]"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "Error executing job with overrides: ['read=[broken]']\n"
            "hydra::ConfigError: Key 'broken' cannot be resolved: ${fail:the answer}: Resolver 'fail' failed in "
            "'${fail:the answer}' (at broken): cannot compute the answer\n");
}

TEST(Resolvers, ReadingAMissingValueBehindAnInterpolationFails) {
  ScratchDir dir;
  auto r = run_resolver_app(dir, {"read=[behind]"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("hydra::ConfigError: Key 'behind' cannot be resolved: ${mandatory}: Interpolation key "
                       "'mandatory' is a missing value (?\?\?)"),
            std::string::npos)
      << r.err;
  // Given on the command line, it resolves.
  ScratchDir other_dir;
  auto given = run_resolver_app(other_dir, {"read=[behind]", "mandatory=42"});
  EXPECT_EQ(given.exit_code, 0) << given.err;
  EXPECT_EQ(given.out, "behind=42\n");
}

// secret: ${oc.env:RESOLVER_APP_DB_PASS}, a variable only hydra.job.env_set sets.
TEST(Resolvers, EnvSetIsInForceWhenTheTaskConfigResolves) {
  ScratchDir dir;
  auto r = run_resolver_app(dir, {"read=[secret]"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "secret=hunter2\n");
  ScratchDir other_dir;
  auto other = run_resolver_app(other_dir, {"read=[secret]", "hydra.job.env_set.RESOLVER_APP_DB_PASS=swordfish"});
  ASSERT_EQ(other.exit_code, 0) << other.err;
  EXPECT_EQ(other.out, "secret=swordfish\n");
}

// bomb.yaml: b_0: x, then forty keys b_i: '${b_{i-1}}${b_{i-1}}' (2^39 bytes if unbounded).
TEST(Resolvers, ExpansionBombIsBoundedAndNamesTheKey) {
  ScratchDir dir;
  ScratchDir unread_dir;
  auto unread = run_resolver_app(unread_dir, {"--config-name", "bomb"});
  EXPECT_EQ(unread.exit_code, 0) << unread.err;
  auto started = std::chrono::steady_clock::now();
  auto r = run_resolver_app(dir, {"--config-name", "bomb", "read=[b_39]"});
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("hydra::ConfigError: Key 'b_39' cannot be resolved: ${b_38}${b_38}: Interpolation result "
                       "too large (at b_24): more than 8 MiB"),
            std::string::npos)
      << r.err;
  // Unbounded, this runs for minutes and ends in bad_alloc without the message above; the bound is
  // loose because an ASan build on a loaded 2-core CI machine takes ~20 s (Release: ~1 s).
  EXPECT_LT(seconds, 90.0);
}

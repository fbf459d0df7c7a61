// Runs every case of the composition corpus (tests/compose/cases/<case>/) through the real
// compose_app binary, each as its own test. A case dir holds:
//
//   conf/                     the config tree; passed as `--config-path <case>/conf` unless argv
//                             names --config-path/-cp itself
//   argv                      the arguments, one per line, no shell quoting; `<CASE>` is the case dir
//   expected_stdout           optional: stdout, exactly, after normalisation (below)
//   expected_stderr_contains  optional: each line must occur in stderr (normalised); without the
//                             file, stderr must be empty
//   expected_exit             optional: the exit code (default 0)
//   env                       optional: KEY=VALUE lines set for the run (an empty value unsets)
//   creates_files             optional marker: the run may create files in its cwd (otherwise the
//                             cwd must stay empty: --cfg, --info, --help and errors create nothing)
//
// Normalisation: the case dir -> <CASE>, the run's cwd -> <CWD>, the app's dir -> <BIN>, the
// project version -> <VERSION>, dates (YYYY-MM-DD) -> <DATE>, times (HH-MM-SS) -> <TIME>.
// Whenever a case prints a whole tree with --cfg, the output must re-parse to the same tree and
// re-print identically (key order, null, lists, scalar types).
//
// HYDRA_COMPOSE_UPDATE=1 rewrites expected_stdout/expected_exit from the actual run (review the diff!).
#include "config/yaml_io.hpp"
#include "support/corpus.hpp"
#include "support/process.hpp"

#include <hydra/config.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <regex>

namespace fs = std::filesystem;
using namespace hydra::testing;

namespace {

const fs::path kCases = COMPOSE_CASES_DIR;

std::string normalise(std::string text, const fs::path& case_dir, const fs::path& cwd) {
  replace_all(text, case_dir.string(), "<CASE>");
  replace_all(text, cwd.string(), "<CWD>");
  replace_all(text, fs::path(COMPOSE_APP).parent_path().string(), "<BIN>");
  replace_all(text, "version: " HYDRA_PROJECT_VERSION, "version: <VERSION>");
  replace_all(text, "(" HYDRA_PROJECT_VERSION ")", "(<VERSION>)");
  static const std::regex date(R"(\d{4}-\d{2}-\d{2})"), time(R"(\d{2}-\d{2}-\d{2})");
  text = std::regex_replace(text, date, "<DATE>");
  return std::regex_replace(text, time, "<TIME>");
}

std::optional<std::string> read_optional(const fs::path& path) {
  if (!fs::exists(path)) return std::nullopt;
  return read_text(path);
}

class ComposeCase : public ::testing::TestWithParam<std::string> {};

TEST_P(ComposeCase, Run) {
  const fs::path dir = kCases / GetParam();
  std::vector<std::string> args;
  auto argv_text = read_optional(dir / "argv");
  for (auto line : lines_of(argv_text.value_or(""))) {
    replace_all(line, "<CASE>", dir.string());
    args.push_back(line);
  }
  while (!args.empty() && args.back().empty()) args.pop_back();
  bool has_path = std::any_of(args.begin(), args.end(), [](const std::string& a) {
    return a == "--config-path" || a == "-cp" || a.rfind("--config-path=", 0) == 0;
  });
  std::vector<std::string> command{COMPOSE_APP};
  if (!has_path && fs::is_directory(dir / "conf")) {
    command.push_back("--config-path");
    command.push_back((dir / "conf").string());
  }
  command.insert(command.end(), args.begin(), args.end());

  std::map<std::string, std::string> env;
  for (const auto& line : lines_of(read_optional(dir / "env").value_or(""))) {
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string value = line.substr(eq + 1);
    replace_all(value, "<CASE>", dir.string());
    env[line.substr(0, eq)] = value;
  }

  ScratchDir cwd;
  ProcessResult r = run_process(command, cwd.path(), env);
  ASSERT_EQ(r.signal, 0) << "killed by signal " << r.signal << "\n" << r.err;
  const std::string out = normalise(r.out, dir, cwd.path());
  const std::string err = normalise(r.err, dir, cwd.path());

  if (std::getenv("HYDRA_COMPOSE_UPDATE")) {
    std::ofstream(dir / "expected_stdout") << out;
    if (r.exit_code != 0)
      std::ofstream(dir / "expected_exit") << r.exit_code << "\n";
    else
      fs::remove(dir / "expected_exit");
    if (!err.empty() && !fs::exists(dir / "expected_stderr_contains"))
      std::ofstream(dir / "expected_stderr_contains") << lines_of(err).front() << "\n";
  }

  int expected_exit = 0;
  if (auto text = read_optional(dir / "expected_exit")) expected_exit = std::stoi(*text);
  EXPECT_EQ(r.exit_code, expected_exit) << "stdout:\n" << out << "\nstderr:\n" << err;
  if (auto expected = read_optional(dir / "expected_stdout")) {
    EXPECT_EQ(without_table_padding(out), without_table_padding(*expected));
  }
  if (auto expected = read_optional(dir / "expected_stderr_contains")) {
    for (const auto& line : lines_of(*expected)) {
      if (!line.empty()) {
        EXPECT_NE(err.find(line), std::string::npos) << "stderr lacks: " << line << "\nstderr:\n" << err;
      }
    }
  } else {
    EXPECT_EQ(err, "");
  }
  if (r.exit_code != 0) {
    // An error is reported, never a crash.
    EXPECT_EQ(r.err.find("terminate called"), std::string::npos) << r.err;
    EXPECT_NE(r.err, "");
  }
  if (!fs::exists(dir / "creates_files")) {
    EXPECT_TRUE(list_files(cwd.path()).empty()) << "the run created files";
  }

  // --cfg output re-parses to the same tree.
  bool cfg = std::find(args.begin(), args.end(), "--cfg") != args.end() ||
             std::find(args.begin(), args.end(), "-c") != args.end();
  if (cfg && r.exit_code == 0 && r.out.rfind("# @package", 0) != 0) {
    hydra::Config parsed = hydra::internal::parse_yaml(r.out, "stdout");
    EXPECT_EQ(hydra::to_yaml(parsed), r.out) << "--cfg output does not re-print identically";
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, ComposeCase, ::testing::ValuesIn(corpus_cases(kCases)),
                         [](const ::testing::TestParamInfo<std::string>& info) { return corpus_test_name(info.param); });

}  // namespace

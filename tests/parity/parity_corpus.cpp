// The side-by-side corpus (tests/parity/README.md): every tests/parity/cases/<case>/ runs the C++
// twin of a Python Hydra app on a real conf tree and compares the outcome with Python Hydra
// 1.3.5's, recorded once by record.sh into <case>/python/. One test per case. case.yaml:
//
//   source: hydra-examples | lightning | mbrl | own
//   app: my_app                 optional (default my_app): apps/<app>.cpp, twin of apps/<app>.py
//   conf: sources/...           the config dir, relative to tests/parity (--config-path)
//   config_name: config         optional: --config-name
//   argv: [db=mysql, -m]        the arguments after those; `<PARITY>` is tests/parity
//   env: {KEY: value}           optional: set for both runs
//   status: match | deliberate | differs
//   note: ...                   why it is deliberate / what the gap is (deliberate, differs)
//   stderr_regex: ...           optional: compare stderr by this (ECMAScript) regex instead of
//                               Python's message lines
//
// status match: hydra-cpp's outcome must equal python/. deliberate: hydra-cpp differs on purpose
// (the README lists why); its own outcome, recorded in cpp/ (PARITY_UPDATE_CPP=1 rewrites it),
// must hold. differs: a known gap: the run must not crash (no signal, no uncaught exception, no
// sanitizer report), then the test is skipped with the note and the first differences, so it
// stays visible; once it matches, the skip message says so and refresh-status.sh --flip flips it.
//
// An outcome (record.py's docstring has the details): exit_code, stdout, stderr, files.txt (every
// file written), files/<path> (.hydra/config.yaml, .hydra/overrides.yaml, and a digest of each
// .hydra/hydra.yaml: job name, override_dirname, task overrides, hydra.runtime.choices).
// Compared: the exit code, stdout exactly (table padding aside), stderr (empty when Python's is; otherwise Python's
// first warning and first error line, see message_lines(), must occur in it, or stderr_regex must
// match both sides), the written files both implement (.hydra/*.yaml and the job logs; see
// compared_files()) and their recorded contents.
//
// PARITY_RESULTS=<file> appends one line per case: name, source, status, same|differs, the first
// line of each difference (refresh-status.sh reads it).
#include "support/corpus.hpp"
#include "support/process.hpp"

#include <yaml-cpp/yaml.h>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <regex>

namespace fs = std::filesystem;
using namespace hydra::testing;

namespace {

const fs::path kParity = PARITY_DIR;
const fs::path kCases = kParity / "cases";

struct Case {
  std::string name, source, app = "my_app", conf, status, note, stderr_regex;
  std::optional<std::string> config_name;
  std::vector<std::string> argv;
  std::map<std::string, std::string> env;
};

struct Outcome {
  int exit_code = 0;
  std::string out, err;
  std::vector<std::string> files;               // every file written, normalised, sorted
  std::map<std::string, std::string> contents;  // files/<path>: recorded contents
};

std::string substitute(std::string text, const fs::path& cwd) {
  replace_all(text, "<PARITY>", kParity.string());
  replace_all(text, "<CWD>", cwd.string());
  return text;
}

Case load_case(const std::string& name) {
  YAML::Node node = YAML::LoadFile((kCases / name / "case.yaml").string());
  Case c;
  c.name = name;
  c.source = node["source"].as<std::string>();
  if (node["app"]) c.app = node["app"].as<std::string>();
  c.conf = node["conf"].as<std::string>();
  if (node["config_name"] && !node["config_name"].IsNull()) c.config_name = node["config_name"].as<std::string>();
  for (const auto& arg : node["argv"]) c.argv.push_back(arg.as<std::string>());
  for (const auto& kv : node["env"]) c.env[kv.first.as<std::string>()] = kv.second.as<std::string>();
  c.status = node["status"].as<std::string>();
  if (node["note"]) c.note = node["note"].as<std::string>();
  if (node["stderr_regex"]) c.stderr_regex = node["stderr_regex"].as<std::string>();
  return c;
}

// hydra-cpp's plugin listing (hydra.verbose's dump, --info all) lists whatever plugin files this
// build holds (an ASan build, a build of some targets only): one line <PLUGINS> stands for it,
// from its heading to its "N plugin files" summary, whatever the log prefix of its lines.
std::string without_plugin_listing(const std::string& text) {
  if (text.find("Plugins (every candidate file") == std::string::npos) return text;
  static const std::regex listing(
      R"(([^\n]*)Plugins \(every candidate file on the plugin search path[^\n]*\n(?:[^\n]*\n)*?[^\n]* \d+ plugin files?\b[^\n]*)");
  return std::regex_replace(text, listing, "$1<PLUGINS>");
}

// The same rules as record.py's normalise(), hydra-cpp's build dir -> <BUILD> and its plugin
// listing -> <PLUGINS>.
std::string normalise(std::string text, const fs::path& cwd) {
  text = without_plugin_listing(text);
  replace_all(text, cwd.string(), "<CWD>");
  replace_all(text, kParity.string(), "<PARITY>");
  static const std::string build_dir = fs::path(PARITY_APP_DIR).parent_path().parent_path().parent_path().string();
  replace_all(text, build_dir, "<BUILD>");
  static const std::regex python_warning(R"((^|\n)/\S+\.py:\d+: (\w*Warning: ))");
  text = std::regex_replace(text, python_warning, "$1$2");
  static const std::regex stamp(R"(\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\])"), date(R"(\d{4}[-.]\d\d[-.]\d\d)"),
      time(R"(\d\d-\d\d-\d\d)");
  text = std::regex_replace(text, stamp, "[<TS>]");
  text = std::regex_replace(text, date, "<DATE>");
  return std::regex_replace(text, time, "<TIME>");
}

std::string normalise_path(const std::string& path, const fs::path& cwd) {
  static const std::regex hhmmss(R"((^|/)\d{6}(?=/|$))");
  return std::regex_replace(normalise(path, cwd), hhmmss, "$1<TIME>");
}

// A choice is a scalar, or a list for a multi-select group: rendered as record.py's flow().
std::string scalar(const YAML::Node& node) {
  if (node.IsNull()) return "null";
  if (!node.IsSequence()) return node.as<std::string>();
  std::string text;
  for (const auto& item : node) text += (text.empty() ? "" : ", ") + scalar(item);
  return "[" + text + "]";
}

// record.py's hydra_digest(): the parts of hydra.yaml both implementations share.
std::string hydra_digest(const fs::path& path) {
  YAML::Node hydra = YAML::LoadFile(path.string())["hydra"];
  std::vector<std::string> lines{"job.name: " + scalar(hydra["job"]["name"]),
                                 "job.override_dirname: " + scalar(hydra["job"]["override_dirname"])};
  std::string task;
  for (const auto& item : hydra["overrides"]["task"]) task += (task.empty() ? "" : ", ") + scalar(item);
  lines.push_back("overrides.task: [" + task + "]");
  for (const auto& kv : hydra["runtime"]["choices"])
    lines.push_back("runtime.choices." + kv.first.as<std::string>() + ": " + scalar(kv.second));
  std::sort(lines.begin(), lines.end());
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  return text;
}

Outcome collect(const ProcessResult& r, const fs::path& cwd) {
  Outcome o;
  o.exit_code = r.exit_code;
  o.out = normalise(r.out, cwd);
  o.err = normalise(r.err, cwd);
  for (const auto& rel : list_files(cwd)) {
    const std::string path = normalise_path(rel, cwd);
    o.files.push_back(path);
    const fs::path full = cwd / rel;
    const std::string file = full.filename().string();
    if (full.parent_path().filename() != ".hydra") continue;
    try {
      if (file == "config.yaml" || file == "overrides.yaml")
        o.contents[path] = normalise(read_text(full), cwd);
      else if (file == "hydra.yaml")
        o.contents[fs::path(path).parent_path().string() + "/hydra.digest"] = normalise(hydra_digest(full), cwd);
    } catch (const std::exception& e) {
      o.contents[path] = std::string("<unreadable: ") + e.what() + ">";
    }
  }
  std::sort(o.files.begin(), o.files.end());
  return o;
}

Outcome load_outcome(const fs::path& dir) {
  Outcome o;
  o.exit_code = std::stoi(read_text(dir / "exit_code"));
  o.out = read_text(dir / "stdout");
  o.err = read_text(dir / "stderr");
  o.files = lines_of(read_text(dir / "files.txt"));
  const fs::path files = dir / "files";
  if (fs::is_directory(files))
    for (const auto& rel : list_files(files)) o.contents[rel] = read_text(files / rel);
  return o;
}

void write_text(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

void save_outcome(const Outcome& o, const fs::path& dir) {
  fs::remove_all(dir);
  write_text(dir / "exit_code", std::to_string(o.exit_code) + "\n");
  write_text(dir / "stdout", o.out);
  write_text(dir / "stderr", o.err);
  std::string listing;
  for (const auto& f : o.files) listing += f + "\n";
  write_text(dir / "files.txt", listing);
  for (const auto& [path, text] : o.contents) write_text(dir / "files" / path, text);
}

// The written files both implementations produce: the .hydra/ records and the job's log
// (hydra-cpp also writes .hydra/job_return.yaml and a sweep's multirun.log; Python a sweep's
// multirun.yaml).
std::vector<std::string> compared_files(const std::vector<std::string>& files) {
  static const std::regex compared(R"((^|.*/)(\.hydra/(config|overrides|hydra)\.yaml|[^/]+\.log))");
  std::vector<std::string> kept;
  for (const auto& f : files)
    if (std::regex_match(f, compared) && fs::path(f).filename() != "multirun.log") kept.push_back(f);
  return kept;
}

// Python's message lines: its first warning (`UserWarning: ...`) and its first other line that is
// not a traceback or the HYDRA_FULL_ERROR hint, without the Python exception's class
// (`omegaconf.errors.XError: `). Each must occur in the other side's stderr.
std::vector<std::string> message_lines(const std::string& err) {
  static const std::regex exception_class(R"(^[\w.]+(Error|Exception): )"), warning(R"(^\w*Warning: )");
  std::string first_warning, first_message;
  for (const auto& line : lines_of(err)) {
    if (line.empty() || line.rfind("Set the environment variable HYDRA_FULL_ERROR", 0) == 0 ||
        line.rfind("Traceback", 0) == 0 || line.rfind("  ", 0) == 0)
      continue;
    std::string& slot = std::regex_search(line, warning) ? first_warning : first_message;
    if (slot.empty())
      slot = std::regex_replace(line, exception_class, "", std::regex_constants::format_first_only);
  }
  std::vector<std::string> found;
  for (auto* line : {&first_warning, &first_message})
    if (!line->empty()) found.push_back(*line);
  return found;
}

std::string excerpt(const std::string& text) {
  return text.size() > 1500 ? text.substr(0, 1500) + "\n[...]" : text;
}

std::string first_line_difference(const std::string& expected, const std::string& actual) {
  auto e = lines_of(expected), a = lines_of(actual);
  for (std::size_t i = 0; i < std::max(e.size(), a.size()); ++i) {
    std::string el = i < e.size() ? e[i] : "<end>", al = i < a.size() ? a[i] : "<end>";
    if (el != al) return "line " + std::to_string(i + 1) + ": expected '" + el + "', got '" + al + "'";
  }
  return "trailing newline";
}

std::vector<std::string> differences(const Case& c, const Outcome& expected, const Outcome& actual) {
  std::vector<std::string> diffs;
  if (expected.exit_code != actual.exit_code)
    diffs.push_back("exit code " + std::to_string(actual.exit_code) + ", expected " + std::to_string(expected.exit_code));
  if (without_table_padding(expected.out) != without_table_padding(actual.out))
    diffs.push_back("stdout differs (" + first_line_difference(expected.out, actual.out) + ")\n--- expected:\n" +
                    excerpt(expected.out) + "\n--- got:\n" + excerpt(actual.out));
  if (!c.stderr_regex.empty()) {
    const std::regex wanted(c.stderr_regex);
    if (!std::regex_search(expected.err, wanted))  // the regex must hold for the recorded side too
      diffs.push_back("the case's stderr_regex /" + c.stderr_regex + "/ does not match the recorded stderr");
    if (!std::regex_search(actual.err, wanted))
      diffs.push_back("stderr does not match /" + c.stderr_regex + "/:\n" + excerpt(actual.err));
  } else if (expected.err.empty() != actual.err.empty()) {
    diffs.push_back(actual.err.empty() ? "stderr is empty, Python's is not" : "stderr is not empty:\n" + excerpt(actual.err));
  } else {
    for (const auto& line : message_lines(expected.err))
      if (actual.err.find(line) == std::string::npos)
        diffs.push_back("stderr lacks '" + line + "':\n" + excerpt(actual.err));
  }
  if (compared_files(expected.files) != compared_files(actual.files)) {
    std::string text = "files written differ\n--- expected:\n";
    for (const auto& f : compared_files(expected.files)) text += f + "\n";
    text += "--- got:\n";
    for (const auto& f : compared_files(actual.files)) text += f + "\n";
    diffs.push_back(text);
  }
  for (const auto& [path, text] : expected.contents) {
    auto it = actual.contents.find(path);
    if (it == actual.contents.end())
      diffs.push_back(path + " missing");
    else if (it->second != text)
      diffs.push_back(path + " differs (" + first_line_difference(text, it->second) + ")\n--- expected:\n" +
                      excerpt(text) + "\n--- got:\n" + excerpt(it->second));
  }
  return diffs;
}

void report(const Case& c, const std::vector<std::string>& diffs) {
  const char* file = std::getenv("PARITY_RESULTS");
  if (file == nullptr) return;
  std::string summary;  // each difference's first line
  for (const auto& d : diffs) summary += (summary.empty() ? "" : " | ") + lines_of(d).front();
  std::string line = c.name + "\t" + c.source + "\t" + c.status + "\t" + (diffs.empty() ? "same" : "differs") + "\t" +
                     summary + "\n";
  int fd = ::open(file, O_WRONLY | O_APPEND | O_CREAT, 0644);  // one write: lines of parallel tests stay whole
  if (fd < 0) return;
  [[maybe_unused]] auto written = ::write(fd, line.data(), line.size());
  ::close(fd);
}

std::string joined(const std::vector<std::string>& diffs) {
  std::string text;
  for (const auto& d : diffs) text += "* " + d + "\n";
  return text;
}

class ParityCase : public ::testing::TestWithParam<std::string> {};

TEST_P(ParityCase, Run) {
  const Case c = load_case(GetParam());
  ScratchDir cwd;
  std::vector<std::string> command{(fs::path(PARITY_APP_DIR) / c.app).string(), "--config-path",
                                   (kParity / c.conf).string()};
  if (c.config_name) command.insert(command.end(), {"--config-name", *c.config_name});
  for (const auto& arg : c.argv) command.push_back(substitute(arg, cwd.path()));
  std::map<std::string, std::string> env{{"HYDRA_FULL_ERROR", ""}};
  for (const auto& [key, value] : c.env) env[key] = substitute(value, cwd.path());

  const ProcessResult r = run_process(command, cwd.path(), env);
  ASSERT_EQ(r.signal, 0) << "killed by signal " << r.signal << "\n" << r.err;
  ASSERT_EQ(r.err.find("terminate called"), std::string::npos) << r.err;
  ASSERT_EQ(r.err.find("AddressSanitizer"), std::string::npos) << r.err;
  ASSERT_EQ(r.err.find("runtime error:"), std::string::npos) << r.err;
  const Outcome actual = collect(r, cwd.path());

  const fs::path dir = kCases / c.name;
  if (c.status == "deliberate" && std::getenv("PARITY_UPDATE_CPP")) save_outcome(actual, dir / "cpp");
  const Outcome python = load_outcome(dir / "python");
  const auto vs_python = differences(c, python, actual);
  report(c, vs_python);

  if (c.status == "match") {
    EXPECT_TRUE(vs_python.empty()) << "hydra-cpp differs from Python Hydra:\n" << joined(vs_python);
  } else if (c.status == "deliberate") {
    ASSERT_FALSE(c.note.empty()) << "a deliberate difference needs its reason (note:)";
    const auto vs_cpp = differences(c, load_outcome(dir / "cpp"), actual);
    EXPECT_TRUE(vs_cpp.empty()) << "hydra-cpp differs from its recorded deliberate outcome (" << c.note << "):\n"
                                << joined(vs_cpp);
  } else {
    ASSERT_EQ(c.status, "differs") << "status must be match, deliberate or differs";
    if (vs_python.empty()) GTEST_SKIP() << "NOW MATCHES Python: flip it with refresh-status.sh --flip (" << c.note << ")";
    GTEST_SKIP() << "known gap: " << c.note << "\n" << joined(vs_python);
  }
}

INSTANTIATE_TEST_SUITE_P(Parity, ParityCase, ::testing::ValuesIn(corpus_cases(kCases, "case.yaml")),
                         [](const ::testing::TestParamInfo<std::string>& info) { return corpus_test_name(info.param); });

}  // namespace

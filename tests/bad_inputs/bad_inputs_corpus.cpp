// The bad-input corpus (issue #8): every tests/bad_inputs/<case>/ holding an `expected` file runs
// through the real compose_app binary as its own test, in a scratch dir of its own. A case dir holds:
//
//   conf/      optional config tree; passed as `--config-path <case>/conf` unless argv names
//              --config-path/-cp itself
//   argv       the arguments, one per line, no shell quoting
//   setup      optional: files to prepare in the scratch dir before the run, one action a line
//              (below); built test plugins are copied/damaged here, never checked in
//   env        optional: KEY=VALUE lines set for the run (an empty value unsets)
//   expected   `key: value` lines:
//                exit:     the exit code (1 for bad input)
//                error:    an ECMAScript regex the error's headline (first stderr line) must match
//                place:    what the headline names: file:line | file | key | target | path | flag |
//                          override | config (a config name)
//                where:    the text naming that place, which must occur in the headline
//                full_key: (place: target only) the `full_key: <key>` line docs/spec.md §4 puts under the headline
//                help:     optional: text the rest of the message must hold (e.g. why a plugin was refused)
//                format:   optional: `line` (default for every place but target), `target`, or
//                          `job_failure`: Hydra's two lines for a job that failed (`Error executing job
//                          with overrides: [...]`, then the error, which is then the line checked)
//
// Placeholders in argv, setup, env and expected: <CASE> (the case dir), <SCRATCH> (the scratch dir),
// <WORK> (the run's cwd, <SCRATCH>/work), <TEST_PLUGINS> (the built test plugin root); in `error`
// they stand for the regex-escaped path.
//
// What every case must show: the expected exit code, no signal; stdout empty; stderr is exactly
// one line (format line) or docs/spec.md §4's block (format target: the headline, a `full_key:` line and
// indented help lines, or a constructor's error); no `terminate called`, no sanitizer report; and
// the scratch dir exactly as the setup left it (no output dir, no .hydra files, no *.tmp.* leftovers
// anywhere, nothing half-written).
//
// setup actions (paths relative to <SCRATCH>):
//   mkdir <dir>                  copy <from> <to>               write <file> <text...>
//   empty <file>                 (a zero-byte file)
//   truncate <file> <bytes>|half (cut a file down, e.g. a copy of a built plugin)
//   elf32 <file>                 (a minimal 32-bit ELF header, ELFCLASS32, ET_DYN; no -m32 needed)
//   elf_machine <file> <number>  (set the e_machine of an ELF file, e.g. a copied plugin: 183 AArch64)
//   chmod <octal> <path>         symlink <target> <link>        chown <uid> <path>
//   readonly <dir>               a dir nothing can be created in, also for root: as root a read-only
//                                tmpfs is mounted on it (the test is skipped if mounting is not
//                                permitted); otherwise chmod 0555
#include "support/corpus.hpp"
#include "support/process.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace hydra::testing;

namespace {

const fs::path kCases = BAD_INPUTS_DIR;

std::string read_if_present(const fs::path& path) { return fs::exists(path) ? read_text(path) : std::string(); }

std::string regex_escaped(const std::string& text) {
  static const std::regex special(R"([.^$|()\[\]{}*+?\\])");
  return std::regex_replace(text, special, R"(\$&)");
}

// The placeholders of argv, setup, env and expected, and the paths they stand for.
struct Placeholders {
  std::map<std::string, std::string> paths;  // placeholder -> path

  std::string fill(std::string text) const {
    for (const auto& [name, path] : paths) replace_all(text, name, path);
    return text;
  }
  std::string fill_regex(std::string text) const {
    for (const auto& [name, path] : paths) replace_all(text, name, regex_escaped(path));
    return text;
  }
};

std::map<std::string, std::string> read_expected(const fs::path& file) {
  std::map<std::string, std::string> out;
  for (const auto& line : lines_of(read_text(file))) {
    if (line.empty() || line[0] == '#') continue;
    auto colon = line.find(": ");
    if (colon == std::string::npos) {
      ADD_FAILURE() << file << ": not a `key: value` line: " << line;
      continue;
    }
    out[line.substr(0, colon)] = line.substr(colon + 2);
  }
  return out;
}

// Snapshot of a tree: every entry (dirs too) with its type and size, so a created dir, a
// leftover temp file or a half-written file all show up as a difference.
std::map<std::string, std::string> snapshot(const fs::path& root) {
  std::map<std::string, std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::none, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const auto& entry = *it;
    std::string rel = fs::relative(entry.path(), root).generic_string();
    if (entry.is_symlink()) {
      out[rel] = "symlink";
    } else if (entry.is_directory()) {
      out[rel] = "dir";
    } else {
      std::error_code size_ec;
      out[rel] = "file " + std::to_string(fs::file_size(entry.path(), size_ec));
    }
  }
  return out;
}

std::string describe(const std::map<std::string, std::string>& tree) {
  std::string out;
  for (const auto& [path, what] : tree) out += "  " + path + " (" + what + ")\n";
  return out;
}

// A minimal ELF header of a 32-bit x86 shared object: all a host needs to see to refuse it.
std::string elf32_header() {
  std::string h(52, '\0');
  h[0] = 0x7f, h[1] = 'E', h[2] = 'L', h[3] = 'F';
  h[4] = 1;   // ELFCLASS32
  h[5] = 1;   // little endian
  h[6] = 1;   // EV_CURRENT
  h[16] = 3;  // ET_DYN
  h[18] = 3;  // EM_386
  h[20] = 1;  // e_version
  h[40] = 52; // e_ehsize
  return h;
}

// Runs the case's setup actions; returns "" or the reason to skip the case.
class ScratchSetup {
 public:
  ScratchSetup(const fs::path& scratch, const Placeholders& places) : scratch_(scratch), places_(places) {}
  ~ScratchSetup() {
    for (const auto& dir : mounts_) ::umount2(dir.c_str(), MNT_DETACH);
    for (const auto& dir : locked_) fs::permissions(dir, fs::perms::owner_all, fs::perm_options::add);
  }

  std::string run(const std::string& script) {
    for (const auto& raw : lines_of(script)) {
      std::string line = places_.fill(raw);
      std::istringstream in(line);
      std::string action;
      if (!(in >> action) || action[0] == '#') continue;
      std::vector<std::string> args;
      for (std::string a; in >> a;) args.push_back(a);
      std::string skip = apply(action, args, line);
      if (!skip.empty()) return skip;
    }
    return "";
  }

 private:
  fs::path at(const std::string& rel) const { return fs::path(rel).is_absolute() ? fs::path(rel) : scratch_ / rel; }

  std::string apply(const std::string& action, const std::vector<std::string>& args, const std::string& line) {
    auto need = [&](std::size_t n) {
      if (args.size() < n) throw std::runtime_error("setup: '" + line + "' needs " + std::to_string(n) + " arguments");
    };
    if (action == "mkdir") {
      need(1);
      fs::create_directories(at(args[0]));
    } else if (action == "copy") {
      need(2);
      fs::create_directories(at(args[1]).parent_path());
      fs::copy(at(args[0]), at(args[1]), fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    } else if (action == "write" || action == "empty") {
      need(1);
      fs::create_directories(at(args[0]).parent_path());
      std::ofstream out(at(args[0]), std::ios::binary);
      for (std::size_t i = 1; i < args.size(); ++i) out << (i > 1 ? " " : "") << args[i];
      if (action == "write") out << "\n";
    } else if (action == "truncate") {
      need(2);
      auto size = fs::file_size(at(args[0]));
      fs::resize_file(at(args[0]), args[1] == "half" ? size / 2 : std::stoull(args[1]));
    } else if (action == "elf32") {
      need(1);
      fs::create_directories(at(args[0]).parent_path());
      std::ofstream(at(args[0]), std::ios::binary) << elf32_header();
    } else if (action == "elf_machine") {
      need(2);
      const auto machine = static_cast<std::uint16_t>(std::stoi(args[1]));
      std::fstream elf(at(args[0]), std::ios::in | std::ios::out | std::ios::binary);
      elf.seekp(18);  // e_machine, little endian
      elf.put(static_cast<char>(machine & 0xff)).put(static_cast<char>(machine >> 8));
      if (!elf) throw std::runtime_error("setup: cannot patch " + args[0]);
    } else if (action == "chmod") {
      need(2);
      fs::permissions(at(args[1]), static_cast<fs::perms>(std::stoi(args[0], nullptr, 8)));
    } else if (action == "symlink") {
      need(2);
      fs::create_symlink(args[0], at(args[1]));
    } else if (action == "chown") {
      need(2);
      if (::geteuid() != 0) return "chown needs root";
      if (::lchown(at(args[1]).c_str(), static_cast<uid_t>(std::stoi(args[0])), static_cast<gid_t>(-1)) != 0)
        return "chown failed: " + std::string(std::strerror(errno));
    } else if (action == "readonly") {
      need(1);
      return read_only_dir(at(args[0]));
    } else {
      throw std::runtime_error("setup: unknown action '" + action + "'");
    }
    return "";
  }

  // Permission bits do not stop root (CI runs as root): there a read-only tmpfs does.
  std::string read_only_dir(const fs::path& dir) {
    fs::create_directories(dir);
    if (::geteuid() != 0) {
      fs::permissions(dir, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                               fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
      locked_.push_back(dir);
      return "";
    }
    if (::mount("tmpfs", dir.c_str(), "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, "size=16k") != 0)
      return "running as root and cannot mount a read-only tmpfs (" + std::string(std::strerror(errno)) +
             "), so nothing makes " + dir.string() + " read-only";
    mounts_.push_back(dir);
    return "";
  }

  fs::path scratch_;
  const Placeholders& places_;
  std::vector<fs::path> mounts_;
  std::vector<fs::path> locked_;
};

std::vector<std::string> arguments(const fs::path& dir, const Placeholders& places) {
  std::vector<std::string> args;
  for (const auto& line : lines_of(read_if_present(dir / "argv"))) args.push_back(places.fill(line));
  while (!args.empty() && args.back().empty()) args.pop_back();
  return args;
}

std::map<std::string, std::string> environment(const fs::path& dir, const Placeholders& places) {
  std::map<std::string, std::string> env;
  for (const auto& line : lines_of(read_if_present(dir / "env"))) {
    auto eq = line.find('=');
    if (eq != std::string::npos) env[line.substr(0, eq)] = places.fill(line.substr(eq + 1));
  }
  return env;
}

// Signs of a crash or of a sanitizer that must never show on stderr.
void expect_no_crash_report(const std::string& err) {
  for (const char* sign : {"terminate called", "AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer",
                           "runtime error:", "Segmentation fault", "Aborted", "core dumped"})
    EXPECT_EQ(err.find(sign), std::string::npos) << "stderr shows '" << sign << "':\n" << err;
}

// docs/spec.md §4: `Error locating target '<t>'` (or `Error in call to target '<t>':` + the error, or a
// callback entry's own headline) then `full_key: <key>`, then help lines indented by two spaces.
void expect_target_block(const std::vector<std::string>& lines, const std::string& full_key) {
  ASSERT_GE(lines.size(), 2u);
  auto key_line = std::find(lines.begin(), lines.end(), "full_key: " + full_key);
  ASSERT_NE(key_line, lines.end()) << "no 'full_key: " << full_key << "' line";
  const bool call_error = lines[0].rfind("Error in call to target '", 0) == 0;
  // A constructor's error sits between the headline and full_key (docs/spec.md §4); all else is help.
  EXPECT_LE(key_line - lines.begin(), call_error ? 2 : 1) << "full_key must follow the headline";
  for (auto it = key_line + 1; it != lines.end(); ++it)
    EXPECT_EQ(it->rfind("  ", 0), 0u) << "help lines are indented by two spaces: '" << *it << "'";
}

class BadInput : public ::testing::TestWithParam<std::string> {};

TEST_P(BadInput, FailsCleanly) {
  const fs::path dir = kCases / GetParam();
  ScratchDir scratch;
  const fs::path work = scratch.path() / "work";
  fs::create_directories(work);
  Placeholders places;
  places.paths = {{"<CASE>", dir.string()},
                  {"<SCRATCH>", scratch.path().string()},
                  {"<WORK>", work.string()},
                  {"<TEST_PLUGINS>", HYDRA_TEST_PLUGIN_ROOT}};

  ScratchSetup setup(scratch.path(), places);
  if (std::string skip = setup.run(read_if_present(dir / "setup")); !skip.empty()) GTEST_SKIP() << skip;
  const auto before = snapshot(scratch.path());

  std::vector<std::string> args = arguments(dir, places);
  bool has_path = std::any_of(args.begin(), args.end(), [](const std::string& a) {
    return a == "--config-path" || a == "-cp" || a.rfind("--config-path=", 0) == 0;
  });
  std::vector<std::string> command{BAD_INPUTS_APP};
  if (!has_path && fs::is_directory(dir / "conf")) {
    command.push_back("--config-path");
    command.push_back((dir / "conf").string());
  }
  command.insert(command.end(), args.begin(), args.end());
  ProcessResult r = run_process(command, work, environment(dir, places));

  auto expected = read_expected(dir / "expected");
  ASSERT_TRUE(expected.count("exit") && expected.count("error") && expected.count("place") && expected.count("where"))
      << "expected needs exit, error, place and where";
  ASSERT_EQ(r.signal, 0) << "killed by signal " << r.signal << "\n" << r.err;
  EXPECT_EQ(r.exit_code, std::stoi(expected["exit"])) << "stderr:\n" << r.err;
  EXPECT_EQ(r.out, "") << "bad input prints nothing on stdout";
  expect_no_crash_report(r.err);

  std::vector<std::string> lines = lines_of(r.err);
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  ASSERT_FALSE(lines.empty()) << "no error message";
  const std::string format = expected.count("format") ? expected["format"] : (expected["place"] == "target" ? "target" : "line");
  if (format == "job_failure") {
    ASSERT_EQ(lines.size(), 2u) << "a failed job is two lines:\n" << r.err;
    EXPECT_EQ(lines[0].rfind("Error executing job with overrides: [", 0), 0u) << lines[0];
  }
  const std::string& headline = format == "job_failure" ? lines[1] : lines.front();
  EXPECT_TRUE(std::regex_search(headline, std::regex(places.fill_regex(expected["error"]))))
      << "headline: " << headline << "\nregex:    " << places.fill_regex(expected["error"]);

  static const std::vector<std::string> kinds = {"file:line", "file", "key", "target", "path", "flag", "override", "config"};
  const std::string& place = expected["place"];
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), place), kinds.end()) << "unknown place kind '" << place << "'";
  const std::string where = places.fill(expected["where"]);
  EXPECT_NE(headline.find(where), std::string::npos) << "the headline does not name the " << place << " '" << where
                                                      << "': " << headline;
  if (place == "file:line") {
    EXPECT_TRUE(std::regex_search(headline, std::regex(regex_escaped(where) + R"(:\d+)")))
        << "no line number after " << where << ": " << headline;
  }

  if (format == "target") {
    ASSERT_TRUE(expected.count("full_key")) << "format target needs full_key";
    expect_target_block(lines, expected["full_key"]);
  } else if (format == "line") {
    EXPECT_EQ(lines.size(), 1u) << "the error must be one line:\n" << r.err;
  }

  if (expected.count("help")) {
    const std::string help = places.fill(expected["help"]);
    EXPECT_NE(r.err.find(help), std::string::npos) << "the message lacks '" << help << "':\n" << r.err;
  }

  const auto after = snapshot(scratch.path());
  EXPECT_EQ(after, before) << "the run changed the scratch dir; before:\n"
                           << describe(before) << "after:\n"
                           << describe(after);
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadInput, ::testing::ValuesIn(corpus_cases(kCases, "expected")),
                         [](const ::testing::TestParamInfo<std::string>& info) { return corpus_test_name(info.param); });

}  // namespace

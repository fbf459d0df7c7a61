// Replays, through the same entry code the libFuzzer targets run, every input that once crashed
// a target (tests/fuzz/regressions/<target>/) and every checked-in seed (tests/fuzz/seeds/<target>/):
// each must end in a clear UserError at most, never another exception or a sanitizer report.
#include "fuzz_entries.hpp"

#include "config/interpolation.hpp"
#include "config/sweep.hpp"
#include "config/tree.hpp"
#include "config/yaml_io.hpp"
#include "util/errors.hpp"
#include "util/files.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <filesystem>

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> inputs_in(const fs::path& dir) {
  std::vector<fs::path> files;
  if (fs::is_directory(dir))
    for (const auto& entry : fs::directory_iterator(dir))
      if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

class FuzzReplay : public ::testing::TestWithParam<hydra::fuzz::Target> {};

void replay(const hydra::fuzz::Target& target, const char* kind) {
  auto files = inputs_in(fs::path(HYDRA_FUZZ_DIR) / kind / target.name);
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    EXPECT_NO_THROW(target.entry(hydra::internal::read_file(file)));
  }
}

TEST_P(FuzzReplay, RegressionInputsEndInUserErrorAtMost) { replay(GetParam(), "regressions"); }

TEST_P(FuzzReplay, SeedsEndInUserErrorAtMost) {
  ASSERT_FALSE(inputs_in(fs::path(HYDRA_FUZZ_DIR) / "seeds" / GetParam().name).empty())
      << "every target has checked-in seeds";
  replay(GetParam(), "seeds");
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzReplay, ::testing::ValuesIn(hydra::fuzz::targets()),
                         [](const auto& info) { return std::string(info.param.name); });

// Deeply nested inputs end in a clear error rather than a stack overflow. Depths are far beyond
// what the default 8 MiB stack survives without the limits.
namespace deep {

using hydra::Config;
using hydra::internal::UserError;

std::string nested(std::string_view open, std::string_view inner, std::string_view close, int depth) {
  std::string text;
  for (int i = 0; i < depth; ++i) text += open;
  text += inner;
  for (int i = 0; i < depth; ++i) text += close;
  return text;
}

// k0: ${k1}, k1: ${k2}, ..., k<length>: end
Config reference_chain(int length) {
  Config chain;
  for (int i = 0; i < length; ++i)
    chain.push_back({"k" + std::to_string(i), Config(hydra::Value::string("${k" + std::to_string(i + 1) + "}"))});
  chain.push_back({"k" + std::to_string(length), Config(hydra::Value::string("end"))});
  return chain;
}

void expect_user_error(const std::function<void()>& run, const std::string& message_part) {
  try {
    run();
    ADD_FAILURE() << "expected a UserError saying '" << message_part << "'";
  } catch (const UserError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr(message_part));
  }
}

TEST(DeepNesting, OverrideValueListsAndDictsStopAt256Levels) {
  for (auto [open, close] : {std::pair{"[", "]"}, std::pair{"{a:", "}"}}) {
    EXPECT_NO_THROW(hydra::internal::parse_override("x=" + nested(open, "1", close, 256)));
    expect_user_error([&] { hydra::internal::parse_override("x=" + nested(open, "1", close, 257)); },
                      "Invalid override 'x=");
    expect_user_error([&] { hydra::internal::parse_override("x=" + nested(open, "1", close, 100'000)); },
                      "nested more than 256 levels deep");
  }
  EXPECT_NO_THROW(hydra::fuzz::overrides_entry("+x=" + nested("[", "", "]", 100'000)));
}

TEST(DeepNesting, YamlFlowAndBlockNestingIsAParseErrorNamingTheFile) {
  expect_user_error([] { hydra::internal::parse_yaml("a: " + nested("[", "", "]", 100'000), "deep.yaml"); },
                    "deep.yaml:1:");
  expect_user_error([] { hydra::internal::parse_yaml("a: " + nested("{b: ", "1", "}", 100'000), "deep.yaml"); },
                    "deep.yaml:1:");
  std::string block;
  for (int i = 0; i < 3000; ++i) block += std::string(2 * i, ' ') + "k:\n";
  EXPECT_NO_THROW(hydra::fuzz::yaml_entry(block));
}

TEST(DeepNesting, InterpolationDepthStopsAt256) {
  Config root = hydra::internal::parse_yaml("text: t\nx: " + nested("${", "text", "}", 5000) + "\n", "deep.yaml");
  expect_user_error([&] { hydra::internal::resolve_all(root, {}); }, "Interpolation too deep (at x)");
  expect_user_error([] { hydra::internal::resolve_all(reference_chain(20'000), {}); },
                    "Interpolation too deep (at k256)");
  std::string lines;
  for (int i = 0; i < 400; ++i) lines += "k" + std::to_string(i) + "=${k" + std::to_string(i + 1) + "}\n";
  EXPECT_NO_THROW(hydra::fuzz::interpolation_entry(lines));
}

TEST(DeepNesting, ReferenceChainsWithinTheLimitResolve) {
  Config resolved = hydra::internal::resolve_all(reference_chain(200), {});
  EXPECT_EQ(resolved.get_child("k0").data().text(), "end");
  expect_user_error([] { hydra::internal::resolve_all(reference_chain(300), {}); },
                    "more than 256 nested ${...} or chained references");
}

}  // namespace deep

// range() is checked before it generates anything (a fuzz timeout: range(0, 3.5e45) ran for minutes).
TEST(SweepRange, OversizedOrNonFiniteRangesAreErrorsAtOnce) {
  auto values = [](const std::string& value) {
    auto sweep = hydra::internal::parse_override("x=" + value);
    return hydra::internal::enumerate_sweep(sweep, [](const std::string&) { return std::vector<std::string>{}; }).values;
  };
  deep::expect_user_error([&] { values("range(0,3555555555555555555555555555555555555555555555)"); },
                    "range() integers must be within +-2^53");
  deep::expect_user_error([&] { values("range(0,1e300)"); }, "range() gives more than 1 million values");
  deep::expect_user_error([&] { values("range(0,1e-300,1e-310)"); }, "range() gives more than 1 million values");
  deep::expect_user_error([&] { values("range(-1.7e308,1.7e308,1.0)"); }, "range() gives more than 1 million values");
  deep::expect_user_error([&] { values("range(-inf)"); }, "range() takes finite numbers, got '-inf'");
  deep::expect_user_error([&] { values("range(0,1e999)"); }, "range() takes finite numbers, got 'inf'");
  EXPECT_EQ(values("range(1_000)").size(), 1000u);
  EXPECT_EQ(values("range(0,1,0.25)"), (std::vector<std::string>{"0.0", "0.25", "0.5", "0.75"}));
}

// The error parse_yaml gives for `text` (as conf.yaml), or "(parsed)".
std::string yaml_error(const std::string& text) {
  try {
    hydra::internal::parse_yaml(text, "conf.yaml");
  } catch (const hydra::internal::UserError& e) {
    return std::string(e.what());
  }
  return "(parsed)";
}

// yaml-cpp's LoadAll looped forever on a ',' outside [...] (a fuzz timeout: ", 2]").
TEST(YamlText, AStrayCommaOrTokenIsAnErrorAndASecondDocumentIsNamed) {
  EXPECT_THAT(yaml_error(", 2]\n"), ::testing::StartsWith("conf.yaml:1:1: unexpected ',' outside [...] or {...}"));
  EXPECT_THAT(yaml_error("[a], b\n"), ::testing::StartsWith("conf.yaml:1:4: unexpected ','"));
  EXPECT_THAT(yaml_error("- a\n- [b]\n, c\n"), ::testing::StartsWith("conf.yaml:3:1: unexpected ','"));
  EXPECT_EQ(yaml_error("- a\n: c\n"), "conf.yaml:2:1: unexpected ':'");
  for (const char* two : {"a: 1\n---\nb: 2\n", "a: 1\n...\nb: 2\n", "a: 1\n--- \n"})
    EXPECT_THAT(yaml_error(two), ::testing::HasSubstr("more than one YAML document")) << two;
  EXPECT_EQ(yaml_error("a: 1\n...\n"), "(parsed)");
  EXPECT_EQ(yaml_error("%YAML 1.2\n---\na: 1\n"), "(parsed)");
}

// yaml-cpp decodes \_ and \N to Latin-1 bytes; the emitted config then did not read back (fuzz crash).
TEST(YamlText, EscapesForNonBreakingSpaceAndNextLineGiveUtf8) {
  hydra::Config parsed = hydra::internal::parse_yaml("\"k\\_\": \"\\_x\\N\\u00e9\"\n", "conf.yaml");
  EXPECT_EQ(parsed.front().first, "k\xC2\xA0");
  EXPECT_EQ(parsed.front().second.data().text(), "\xC2\xA0x\xC2\x85\xC3\xA9");
  EXPECT_NO_THROW(hydra::fuzz::yaml_entry("a: \"\\_\\N\"\n"));
}

// A key spelled Null (or ~) was emitted plain and read back as "null" (fuzz crash). A plain null
// key is an error (as in OmegaConf), so a key "null" is a string and is quoted too.
TEST(YamlText, KeysSpellingNullOtherThanNullAreQuotedWhenEmitted) {
  hydra::Config config;
  for (const char* key : {"Null", "NULL", "~", "null", "1", "true"})
    config.push_back({key, hydra::Config(hydra::Value::string("v"))});
  EXPECT_EQ(hydra::to_yaml(config), "'Null': v\n'NULL': v\n'~': v\n'null': v\n1: v\ntrue: v\n");
  EXPECT_NO_THROW(hydra::fuzz::yaml_entry("di&a: int\n!!' Null\n"));
}

// A root scalar starting with "..." was emitted plain: a document end marker (fuzz crash).
TEST(YamlText, StringsStartingWithDocumentMarkersAreQuotedWhenEmitted) {
  EXPECT_EQ(hydra::to_yaml(hydra::Config(hydra::Value::string("... | !!t0-"))), "'... | !!t0-'\n");
  hydra::Config config;
  config.push_back({"... k", hydra::Config(hydra::Value::string("--- v"))});
  EXPECT_EQ(hydra::to_yaml(config), "'... k': '--- v'\n");
  EXPECT_NO_THROW(hydra::fuzz::yaml_entry(" ... | !!t0-"));
}

// "!!bool truE" kept its spelling and read back as a different bool text (fuzz crash).
TEST(YamlText, TaggedScalarsAreCanonicalLikeUntaggedOnes) {
  hydra::Config parsed =
      hydra::internal::parse_yaml("a: !!bool truE\nb: !!int 1_000\nc: !!float 1e3\nd: !!float 2\n", "conf.yaml");
  EXPECT_EQ(hydra::to_yaml(parsed), "a: true\nb: 1000\nc: 1000.0\nd: 2.0\n");
}

// An alias inside the node it names was converted forever: a stack overflow (fuzz crash).
TEST(YamlText, SelfReferencingAliasesAndAliasBombsAreErrors) {
  deep::expect_user_error([] { hydra::internal::parse_yaml("a: &b\n  f: *b\n", "conf.yaml"); },
                          "an alias (*name) inside the node it names repeats that node forever");
  std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 8; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + prev;
    for (int k = 0; k < 9; ++k) bomb += ", " + prev;
    bomb += "]\n";
  }
  deep::expect_user_error([&] { hydra::internal::parse_yaml(bomb, "conf.yaml"); }, "expands to more than 200000 values");
  EXPECT_NO_THROW(hydra::fuzz::yaml_entry("ab {-.inas/e: &b\n    f2: *b\n    z: 6\n"));
}

// A key over YAML's 1024-character limit for implicit keys did not read back (fuzz crash).
TEST(YamlText, KeysLongerThanYamlAllowsInlineAreExplicitKeys) {
  std::string long_key(1500, 'k');
  hydra::Config inner;
  inner.push_back({long_key, hydra::Config(hydra::Value::string("v"))});
  hydra::Config config;
  config.push_back({"a", inner});
  config.push_back({long_key, inner});
  hydra::Config list(hydra::Value::sequence());
  list.push_back({"", hydra::Config(hydra::Value::string("x"))});
  config.push_back({long_key + "2", list});
  std::string emitted = hydra::to_yaml(config);
  EXPECT_THAT(emitted, ::testing::StartsWith("a:\n  ? " + long_key + "\n  : v\n? " + long_key + "\n: ? " + long_key + "\n  : v\n"));
  EXPECT_TRUE(hydra::internal::same_tree(hydra::internal::parse_yaml(emitted, "emitted.yaml"), config)) << emitted;
}

// A document null by its tag was a null root; emitted as "null" it read back as an empty map (fuzz crash).
TEST(YamlText, ADocumentNullOnlyByItsTagIsEmpty) {
  EXPECT_TRUE(hydra::internal::same_tree(hydra::internal::parse_yaml("!!null '~'\n", "conf.yaml"), hydra::Config()));
  EXPECT_NO_THROW(hydra::fuzz::yaml_entry("!!null '~'\n"));
}

TEST(YamlText, InvalidUtf8AndControlCharactersAreErrorsNamingLineAndColumn) {
  EXPECT_EQ(yaml_error("a: 1\nb: x\xfe\n"), "conf.yaml:2:5: invalid UTF-8 byte 0xFE. Save the file as UTF-8");
  EXPECT_EQ(yaml_error("a: \xc3\n"), "conf.yaml:1:4: invalid UTF-8 byte 0xC3. Save the file as UTF-8");
  EXPECT_EQ(yaml_error("a: \xed\xa0\x80\n"), "conf.yaml:1:4: invalid UTF-8 byte 0xED. Save the file as UTF-8");
  EXPECT_THAT(yaml_error("a: b\x01\n"), ::testing::StartsWith("conf.yaml:1:5: control character U+0001 is not allowed"));
  EXPECT_EQ(yaml_error("\xef\xbb\xbf" "a: \"\\x01 caf\xc3\xa9 \xf0\x9f\x98\x80\"\r\nb: \t1\n"), "(parsed)")
      << "a BOM, escapes, multi-byte characters, CR LF and tabs are fine";
}
}  // namespace

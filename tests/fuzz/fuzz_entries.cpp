#include "fuzz_entries.hpp"

#include "config/apply_overrides.hpp"
#include "config/interpolation.hpp"
#include "config/overrides.hpp"
#include "config/sweep.hpp"
#include "config/tree.hpp"
#include "config/yaml_io.hpp"
#include "util/errors.hpp"
#include "util/strings.hpp"

#include <hydra/config.hpp>

#include <stdexcept>

namespace hydra::fuzz {
namespace {

using internal::UserError;

// A broken invariant (not bad input): escapes the entry, so libFuzzer reports it as a crash and
// the regression test fails with this message.
[[noreturn]] void invariant_broken(const std::string& what) { throw std::logic_error("fuzz invariant: " + what); }

std::vector<std::string> lines_of(std::string_view input) {
  std::vector<std::string> lines;
  while (!input.empty()) {
    auto nl = input.find('\n');
    lines.emplace_back(input.substr(0, nl));
    input.remove_prefix(nl == std::string_view::npos ? input.size() : nl + 1);
  }
  return lines;
}

// Every kind of node, for overrides and interpolations to land on.
constexpr const char* kBaseConfig = R"(db:
  driver: mysql
  port: 3306
  hosts: [a, b]
  opts: {x: 1, y: [1, 2]}
list: [1, [2, 3], {k: v}]
flag: true
ratio: 0.5
nothing: null
must: ???
text: hello
hydra:
  job: {name: app}
  runtime: {output_dir: /tmp/out}
)";

// Parsed once: yaml-cpp's parse of it would otherwise dominate each run.
const Config& base_config() {
  static const Config base = internal::parse_yaml(kBaseConfig, "base.yaml");
  return base;
}

// The groups glob() may select from, as the sweeper would get them from the config search path.
std::vector<std::string> group_options(const std::string& group) {
  if (group == "db") return {"mysql", "postgresql", "sqlite"};
  return {};
}

// Bounds the work one input may ask for, so the fuzzer spends its time on parsing rather than on
// a legitimate million-job sweep; every value of a small sweep is applied.
constexpr std::size_t kSweepValuesApplied = 4;

}  // namespace

void yaml_entry(std::string_view input) {
  Config parsed;
  try {
    parsed = internal::parse_yaml(std::string(input), "fuzz.yaml");
  } catch (const UserError&) {
    return;
  }
  std::string emitted = to_yaml(parsed);
  Config again;
  try {
    again = internal::parse_yaml(emitted, "emitted.yaml");
  } catch (const UserError& e) {
    invariant_broken("emitted YAML does not parse back: " + std::string(e.what()) + "\n--- emitted:\n" + emitted);
  }
  if (!internal::same_tree(parsed, again))
    invariant_broken("emitted YAML reads back as a different tree\n--- emitted:\n" + emitted + "--- read back:\n" +
                     to_yaml(again));
}

void overrides_entry(std::string_view input) {
  Config root = base_config();
  for (const auto& line : lines_of(input)) {
    try {
      internal::Override ov = internal::parse_override(line);
      (void)ov.is_hydra();
      (void)ov.package();
      if (ov.is_sweep()) {
        internal::SweepAxis axis = internal::enumerate_sweep(ov, group_options);
        for (std::size_t i = 0; i < axis.values.size() && i < kSweepValuesApplied; ++i) {
          Config job = root;
          try {
            internal::apply_key_override(job, internal::parse_override(axis.job_override(i)));
          } catch (const UserError&) {
          }
        }
      } else {
        internal::apply_key_override(root, ov);
      }
    } catch (const UserError&) {
    }
  }
  to_yaml(root);
}

void interpolation_entry(std::string_view input) {
  Config root = base_config();
  std::size_t index = 0;
  for (const auto& line : lines_of(input)) {
    std::string key = "v" + std::to_string(index++);
    std::string value = line;
    auto eq = line.find('=');
    if (eq != std::string::npos && eq > 0 &&
        line.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_.") >= eq) {
      key = line.substr(0, eq);
      value = line.substr(eq + 1);
    }
    try {
      auto parts = internal::split_key(key);
      if (parts.empty()) continue;
      std::string leaf = parts.back();
      parts.pop_back();
      Config& parent = internal::ensure_map_path(root, internal::join(parts, "."), "fuzz");
      if (leaf.empty() || parent.find(leaf) != parent.not_found()) continue;
      parent.push_back({leaf, Config(Value::string(value))});
    } catch (const UserError&) {
    }
  }
  for (bool strict : {true, false}) {
    for (bool keep_missing : {false, true}) {
      internal::ResolveOptions options;
      options.strict = strict;
      options.keep_missing = keep_missing;
      try {
        to_yaml(internal::resolve_all(root, options));
      } catch (const UserError&) {
      }
      if (!strict) break;  // keep_missing only matters when strict
    }
  }
  try {
    // A subtree resolved on its own, as the job's view of one node: relative keys start there.
    if (const Config* db = internal::find_node(root, "db")) to_yaml(internal::resolve(root, *db, "db", {}));
  } catch (const UserError&) {
  }
}

const std::vector<Target>& targets() {
  static const std::vector<Target> all = {
      {"yaml", yaml_entry}, {"overrides", overrides_entry}, {"interpolation", interpolation_entry}};
  return all;
}

}  // namespace hydra::fuzz

// The code each fuzz target runs on one input, shared by the libFuzzer targets (fuzz_<target>.cpp)
// and the regression test that replays every file of tests/fuzz/regressions/<target>/ in the
// normal suite, so a crash found once stays fixed.
//
// Contract checked: bad input may only end in hydra::internal::UserError (a clear message, exit
// 1). Anything else escaping an entry (another exception type, a crash, a sanitizer report, a
// hang) is a bug in core.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hydra::fuzz {

// (1) YAML text -> Config: parse, emit with to_yaml, and parse the emitted text again (what a
// job's .hydra/config.yaml goes through when --experimental-rerun reads it back).
void yaml_entry(std::string_view input);

// (2) Command-line overrides: each line is one override as typed; sweeps are expanded as the
// basic sweeper expands them, plain overrides are applied in order to a small config.
void overrides_entry(std::string_view input);

// (3) Interpolation: each line `dotted.key=value` (or a bare value, stored as v<line>) adds a
// string to a small config that already holds every kind of node; then every interpolation is
// resolved, strict and lenient.
void interpolation_entry(std::string_view input);

struct Target {
  const char* name;
  void (*entry)(std::string_view);
};
// Every target, by the name its seeds, dictionary and regressions directories use.
const std::vector<Target>& targets();

}  // namespace hydra::fuzz

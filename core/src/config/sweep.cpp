#include "config/sweep.hpp"

#include "config/override_functions.hpp"
#include "util/errors.hpp"

#include <algorithm>
#include <cmath>
#include <fnmatch.h>

namespace hydra::internal {
namespace {

[[noreturn]] void bad(const Override& ov, const std::string& why) {
  throw UserError("Invalid sweep '" + ov.input + "': " + why);
}

// The most values one range() may give: a million jobs already need ~4 GiB (~4 KiB per job).
constexpr double kMaxRangeValues = 1'000'000;
// Integers up to 2^53 are exact in a double; past it range() would print rounded values.
constexpr double kMaxExactInteger = 9'007'199'254'740'992.0;

void check_range_bound(const Override& ov, const Element& e) {
  if (!std::isfinite(e.number)) bad(ov, "range() takes finite numbers, got '" + e.text + "'");
  if (e.type == Element::Type::Int && std::fabs(e.number) > kMaxExactInteger)
    bad(ov, "range() integers must be within +-2^53, got '" + e.text + "'");
}

// Python's range() for ints, Hydra's FloatRange (start + i*step, rounded once) otherwise.
std::vector<std::string> range_values(const Override& ov, const Sweep& s) {
  for (const Element* e : {&s.start, &s.stop, &s.step}) check_range_bound(ov, *e);
  const double start = s.start.number, stop = s.stop.number, step = s.step.number;
  if (step == 0) bad(ov, "range() step must not be zero");
  const bool ints = s.start.type == Element::Type::Int && s.stop.type == Element::Type::Int && s.step.type == Element::Type::Int;
  // Counted before anything is generated: range(0, 1e300) must fail at once, not after minutes.
  double count = std::ceil((stop - start) / step);
  if (!(count <= kMaxRangeValues)) bad(ov, "range() gives more than 1 million values; use a larger step or a smaller range");
  std::vector<std::string> out;
  for (std::size_t i = 0;; ++i) {
    double v = std::fma(static_cast<double>(i), step, start);
    if ((step > 0 && v >= stop) || (step < 0 && v <= stop)) break;
    out.push_back(ints ? std::to_string(std::llround(v)) : python_float_text(v));
  }
  return out;
}

std::vector<std::string> glob_values(const Override& ov, const Sweep& s, const GroupOptions& group_options) {
  std::vector<std::string> options = group_options(ov.key_or_group());
  if (options.empty()) bad(ov, "glob() selects options of a config group, and '" + ov.key_or_group() + "' is not one");
  auto matches = [](const std::vector<std::string>& patterns, const std::string& name) {
    return std::any_of(patterns.begin(), patterns.end(),
                       [&](const std::string& p) { return ::fnmatch(p.c_str(), name.c_str(), 0) == 0; });
  };
  std::vector<std::string> out;
  for (const auto& option : options)
    if (matches(s.include, option) && !matches(s.exclude, option)) out.push_back(option);
  return out;
}

}  // namespace

std::string SweepAxis::job_override(std::size_t i) const { return key_element + "=" + values.at(i); }

SweepAxis enumerate_sweep(const Override& ov, const GroupOptions& group_options) {
  const Sweep& s = ov.sweep();
  SweepAxis axis{ov.key_element(), {}};
  if (ov.kind == Override::Kind::Delete) bad(ov, "~key cannot be swept");
  switch (s.type) {
    case Sweep::Type::Choice:
      for (const auto& choice : s.choices) axis.values.push_back(element_text(choice));
      break;
    case Sweep::Type::Range: axis.values = range_values(ov, s); break;
    case Sweep::Type::Glob: axis.values = glob_values(ov, s, group_options); break;
    case Sweep::Type::Interval:
      bad(ov, "BasicSweeper does not support sweep type : INTERVAL_SWEEP (interval() is a continuous range: the basic "
              "sweeper cannot enumerate it; use choice() or range())");
  }
  if (s.shuffle && s.type != Sweep::Type::Glob) std::shuffle(axis.values.begin(), axis.values.end(), shuffle_engine());
  if (axis.values.empty()) bad(ov, "it selects no values");
  return axis;
}

}  // namespace hydra::internal

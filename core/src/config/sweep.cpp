#include "config/sweep.hpp"

#include "util/errors.hpp"
#include "util/strings.hpp"

#include <hydra/config.hpp>

#include <cmath>
#include <cstdlib>
#include <fnmatch.h>

namespace hydra::internal {
namespace {

// "range(0, 3)" -> {"0", "3"} when text starts with `name(` and ends with ')'.
bool function_args(const std::string& text, std::string_view name, std::vector<std::string>& args) {
  if (!starts_with(text, std::string(name) + "(") || text.back() != ')') return false;
  std::string inner = text.substr(name.size() + 1, text.size() - name.size() - 2);
  args = trim(inner).empty() ? std::vector<std::string>{} : split_top_level(inner, ',');
  return true;
}

[[noreturn]] void bad(const Override& ov, const std::string& why) {
  throw UserError("Invalid sweep '" + ov.input + "': " + why);
}

// The most values one range() may give: a million jobs already need ~4 GiB (~4 KiB per job).
constexpr double kMaxRangeValues = 1'000'000;
// Integers up to 2^53 are exact in a double; past it range() would print rounded values.
constexpr double kMaxExactInteger = 9'007'199'254'740'992.0;

double number(const Override& ov, const std::string& text) {
  NodeKind kind = classify_plain_scalar(text);
  if (kind != NodeKind::Int && kind != NodeKind::Float) bad(ov, "range() takes numbers, got '" + text + "'");
  std::string digits;  // 1_000 is 1000
  for (char c : text)
    if (c != '_') digits += c;
  double value = std::strtod(digits.c_str(), nullptr);  // out of range: +-HUGE_VAL, not an exception
  bool inf_or_nan = digits.find_first_of("iInN") != std::string::npos;  // .inf, -.Inf, .nan
  if (inf_or_nan || !std::isfinite(value)) bad(ov, "range() takes finite numbers, got '" + text + "'");
  if (kind == NodeKind::Int && std::fabs(value) > kMaxExactInteger)
    bad(ov, "range() integers must be within +-2^53, got '" + text + "'");
  return value;
}

std::vector<std::string> range_values(const Override& ov, const std::vector<std::string>& args) {
  if (args.empty() || args.size() > 3) bad(ov, "use range(stop), range(start, stop) or range(start, stop, step)");
  bool floats = false;
  for (const auto& a : args) floats = floats || classify_plain_scalar(a) == NodeKind::Float;
  double start = args.size() == 1 ? 0 : number(ov, args[0]);
  double stop = number(ov, args.size() == 1 ? args[0] : args[1]);
  double step = args.size() == 3 ? number(ov, args[2]) : 1;
  if (step == 0) bad(ov, "range() step must not be zero");
  // Counted before anything is generated: range(0, 1e300) must fail at once, not after minutes.
  double count = std::ceil((stop - start) / step);
  if (!(count <= kMaxRangeValues))
    bad(ov, "range() gives more than 1 million values; use a larger step or a smaller range");
  std::vector<std::string> out;
  for (std::size_t i = 0;; ++i) {
    double v = start + static_cast<double>(i) * step;
    if ((step > 0 && v >= stop) || (step < 0 && v <= stop)) break;
    out.push_back(floats ? Value::floating(v).text() : std::to_string(static_cast<long long>(std::llround(v))));
  }
  return out;
}

}  // namespace

std::string SweepAxis::job_override(std::size_t i) const {
  std::string prefix;
  switch (override.kind) {
    case Override::Kind::Add: prefix = "+"; break;
    case Override::Kind::ForceAdd: prefix = "++"; break;
    case Override::Kind::Delete: prefix = "~"; break;
    case Override::Kind::Change: break;
  }
  return prefix + override.key + "=" + values.at(i);
}

SweepAxis parse_sweep(const Override& sweep, const GroupOptions& group_options) {
  SweepAxis axis{sweep, {}};
  if (!sweep.value) bad(sweep, "a sweep needs values (key=a,b,c)");
  if (sweep.kind == Override::Kind::Delete) bad(sweep, "~key cannot be swept");
  std::string text = trim(*sweep.value);
  for (std::string_view fn : {"choice", "range", "interval", "glob", "shuffle", "sort", "tag"})
    if (starts_with(text, std::string(fn) + "(") && text.back() != ')')
      bad(sweep, std::string(fn) + "( has no closing ')'; write " + std::string(fn) + "(a, b, ...)");
  std::vector<std::string> args;
  if (function_args(text, "choice", args)) {
    if (args.empty()) bad(sweep, "choice() needs at least one value");
    axis.values = args;
  } else if (function_args(text, "range", args)) {
    axis.values = range_values(sweep, args);
  } else if (function_args(text, "glob", args)) {
    std::vector<std::string> options = group_options(sweep.key_or_group());
    if (options.empty()) bad(sweep, "glob() selects options of a config group, and '" + sweep.key_or_group() + "' is not one");
    if (args.empty() || args.size() > 2) bad(sweep, "use glob(include) or glob(include, exclude)");
    auto patterns = [&](const std::string& arg) {
      // Hydra spells it glob(include, exclude=...): keyword names are optional.
      std::string a = arg;
      for (std::string_view keyword : {"include=", "exclude="})
        if (starts_with(a, keyword)) a = trim(a.substr(keyword.size()));
      if (a.size() >= 2 && a.front() == '[' && a.back() == ']') return split_top_level(a.substr(1, a.size() - 2), ',');
      return std::vector<std::string>{a};
    };
    auto matches = [](const std::vector<std::string>& pats, const std::string& name) {
      for (const auto& p : pats)
        if (::fnmatch(p.c_str(), name.c_str(), 0) == 0) return true;
      return false;
    };
    auto include = patterns(args[0]);
    auto exclude = args.size() == 2 ? patterns(args[1]) : std::vector<std::string>{};
    for (const auto& option : options)
      if (matches(include, option) && !matches(exclude, option)) axis.values.push_back(option);
  } else if (starts_with(text, "interval(")) {
    bad(sweep, "interval() is a continuous range: the basic sweeper cannot enumerate it (use choice() or range())");
  } else if (function_args(text, "sort", args) || function_args(text, "shuffle", args) ||
             function_args(text, "tag", args)) {
    bad(sweep, text.substr(0, text.find('(')) + "() is not supported by the basic sweeper; use a,b,c, choice(), range() or glob()");
  } else {
    axis.values = split_top_level(text, ',');
  }
  if (axis.values.empty()) bad(sweep, "it selects no values");
  for (const auto& v : axis.values)
    if (v.empty()) bad(sweep, "it has an empty value (two commas in a row?)");
  return axis;
}

}  // namespace hydra::internal

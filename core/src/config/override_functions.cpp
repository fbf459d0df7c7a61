#include "config/override_functions.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <random>

namespace hydra::internal {
namespace {

using Type = Element::Type;

[[noreturn]] void fail(const std::string& type, const std::string& message) { throw FunctionFailure(type, message); }

// ---------------------------------------------------------------------------------------------
// Argument binding and type checks, as inspect.Signature.bind and Hydra's is_type_matching.

enum class Accepts {
  Anything,        // casts: any element or sweep
  Number,          // Union[int, float]
  OptionalNumber,  // Optional[Union[int, float]]
  ChoiceArg,       // Union[str, int, float, bool, Dict, List, ChoiceSweep]
  TagArg,          // Union[str, Sweep]
  OptionalSweep,   // Optional[Sweep]
  SortArg,         // Union[str, int, bool, float, list, dict, ChoiceSweep, RangeSweep]
  OptionalSortSweep,
  OptionalList,
  Bool,
  Patterns,  // Union[List[str], str]
  OptionalPatterns,
};

std::string accepts_text(Accepts a) {
  switch (a) {
    case Accepts::Anything: return "Any";
    case Accepts::Number: return "Union[int, float]";
    case Accepts::OptionalNumber: return "Optional[Union[int, float]]";
    case Accepts::ChoiceArg: return "Union[str, int, float, bool, Dict[Any, Any], List[Any], ChoiceSweep]";
    case Accepts::TagArg: return "Union[str, Sweep]";
    case Accepts::OptionalSweep: return "Optional[Sweep]";
    case Accepts::SortArg: return "Union[str, int, bool, float, list, dict, ChoiceSweep, RangeSweep]";
    case Accepts::OptionalSortSweep: return "Optional[Union[ChoiceSweep, RangeSweep]]";
    case Accepts::OptionalList: return "Optional[List[Any]]";
    case Accepts::Bool: return "bool";
    case Accepts::Patterns: return "Union[List[str], str]";
    case Accepts::OptionalPatterns: return "Optional[Union[List[str], str]]";
  }
  return "Any";
}

bool accepts(Accepts a, const Evaluated& v) {
  const Element* e = std::get_if<Element>(&v);
  const Sweep* s = std::get_if<Sweep>(&v);
  auto is = [&](std::initializer_list<Type> types) {
    return e && std::find(types.begin(), types.end(), e->type) != types.end();
  };
  auto sweep_is = [&](std::initializer_list<Sweep::Type> types) {
    return s && std::find(types.begin(), types.end(), s->type) != types.end();
  };
  const bool optional_none = is({Type::Null});
  switch (a) {
    case Accepts::Anything: return true;
    case Accepts::Number: return is({Type::Int, Type::Float, Type::Bool});
    case Accepts::OptionalNumber: return optional_none || is({Type::Int, Type::Float, Type::Bool});
    case Accepts::ChoiceArg:
      return is({Type::String, Type::Int, Type::Float, Type::Bool, Type::Dict, Type::List}) ||
             sweep_is({Sweep::Type::Choice});
    case Accepts::TagArg: return is({Type::String}) || s;
    case Accepts::OptionalSweep: return optional_none || s;
    case Accepts::SortArg:
      return is({Type::String, Type::Int, Type::Float, Type::Bool, Type::Dict, Type::List}) ||
             sweep_is({Sweep::Type::Choice, Sweep::Type::Range});
    case Accepts::OptionalSortSweep: return optional_none || sweep_is({Sweep::Type::Choice, Sweep::Type::Range});
    case Accepts::OptionalList: return optional_none || is({Type::List});
    case Accepts::Bool: return is({Type::Bool});
    case Accepts::Patterns: return is({Type::String, Type::List});
    case Accepts::OptionalPatterns: return optional_none || is({Type::String, Type::List});
  }
  return false;
}

struct Parameter {
  std::string name;
  Accepts type;
  bool variadic = false;      // *args
  bool has_default = false;   // absent means the default
  bool keyword_only = false;  // after *args
};

// The arguments bound to parameters: `variadic` holds *args; `named` the others given.
struct Bound {
  std::vector<Evaluated> variadic;
  std::map<std::string, Evaluated> named;
  const Evaluated* get(const std::string& name) const {
    auto it = named.find(name);
    return it == named.end() ? nullptr : &it->second;
  }
};

Bound bind(const std::vector<Parameter>& params, std::vector<FunctionArgument> args) {
  Bound bound;
  std::size_t next = 0;  // next positional parameter
  for (auto& arg : args) {
    // Hydra unquotes quoted strings given directly as arguments.
    if (auto* e = std::get_if<Element>(&arg.value); e && e->type == Type::Quoted) e->type = Type::String;
    if (!arg.name) {
      while (next < params.size() && params[next].keyword_only) ++next;
      if (next == params.size()) fail("TypeError", "too many positional arguments");
      const Parameter& p = params[next];
      if (!accepts(p.type, arg.value))
        fail("TypeError", "mismatch type argument " + p.name + (p.variadic ? "[" + std::to_string(bound.variadic.size()) + "]" : "") +
                              ": " + python_type_name(arg.value) + " is incompatible with " + accepts_text(p.type));
      if (p.variadic) {
        bound.variadic.push_back(std::move(arg.value));
      } else {
        bound.named.emplace(p.name, std::move(arg.value));
        ++next;
      }
      continue;
    }
    auto p = std::find_if(params.begin(), params.end(), [&](const Parameter& q) { return q.name == *arg.name && !q.variadic; });
    if (p == params.end()) fail("TypeError", "got an unexpected keyword argument '" + *arg.name + "'");
    if (bound.named.count(p->name)) fail("TypeError", "multiple values for argument '" + p->name + "'");
    if (!accepts(p->type, arg.value))
      fail("TypeError", "mismatch type argument " + p->name + ": " + python_type_name(arg.value) + " is incompatible with " +
                            accepts_text(p->type));
    bound.named.emplace(p->name, std::move(arg.value));
  }
  for (const auto& p : params)
    if (!p.variadic && !p.has_default && !bound.named.count(p.name))
      fail("TypeError", "missing a required argument: '" + p.name + "'");
  return bound;
}

const Element& element_of(const Evaluated& v) { return std::get<Element>(v); }
bool is_none(const Evaluated* v) { return !v || (std::holds_alternative<Element>(*v) && element_of(*v).type == Type::Null); }

// ---------------------------------------------------------------------------------------------
// Casts (cast_int, cast_float, cast_str, cast_bool).

std::string trim_python(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// Digits with single underscores between them, as Python's int() and float() accept.
bool digits_with_underscores(std::string_view s) {
  if (s.empty() || !std::isdigit(static_cast<unsigned char>(s.front())) || !std::isdigit(static_cast<unsigned char>(s.back())))
    return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_') {
      if (s[i + 1] == '_') return false;
    } else if (!std::isdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

std::string without_underscores(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != '_') out += c;
  return out;
}

Element int_from_double(double v) {
  if (std::isinf(v)) fail("OverflowError", "cannot convert float infinity to integer");
  if (std::isnan(v)) fail("ValueError", "cannot convert float NaN to integer");
  char buf[400];
  std::snprintf(buf, sizeof buf, "%.0f", std::trunc(v));
  Element e;
  e.type = Type::Int;
  e.text = std::string(buf) == "-0" ? "0" : buf;
  e.number = std::trunc(v);
  return e;
}

Element python_int(const std::string& raw) {
  std::string s = trim_python(raw);
  std::string_view body = s;
  bool negative = false;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  if (!digits_with_underscores(body)) fail("ValueError", "invalid literal for int() with base 10: '" + raw + "'");
  std::string digits = without_underscores(body);
  digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size() - 1));
  Element e;
  e.type = Type::Int;
  e.text = (negative && digits != "0" ? "-" : "") + digits;
  e.number = std::strtod(e.text.c_str(), nullptr);
  return e;
}

Element python_float(const std::string& raw) {
  std::string s = trim_python(raw);
  std::string_view body = s;
  bool negative = false;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  std::string lower;
  for (char c : body) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "inf" || lower == "infinity") return Element::floating(negative ? -HUGE_VAL : HUGE_VAL);
  if (lower == "nan") return Element::floating(std::nan(""));
  // mantissa [e exponent], each part digits with single underscores
  std::string_view mantissa = body, exponent;
  if (auto e = lower.find('e'); e != std::string::npos) {
    mantissa = body.substr(0, e);
    exponent = body.substr(e + 1);
    if (!exponent.empty() && (exponent[0] == '+' || exponent[0] == '-')) exponent.remove_prefix(1);
    if (!digits_with_underscores(exponent)) fail("ValueError", "could not convert string to float: '" + raw + "'");
  }
  auto dot = mantissa.find('.');
  std::string_view whole = mantissa.substr(0, dot), fraction = dot == std::string_view::npos ? "" : mantissa.substr(dot + 1);
  bool ok = (whole.empty() || digits_with_underscores(whole)) && (fraction.empty() || digits_with_underscores(fraction)) &&
            !(whole.empty() && fraction.empty());
  if (!ok) fail("ValueError", "could not convert string to float: '" + raw + "'");
  return Element::floating(std::strtod(without_underscores(s).c_str(), nullptr));
}

using ElementCast = std::function<Element(const Element&)>;

Element map_element(const Element& e, const ElementCast& cast) {
  Element out = e;
  if (e.type == Type::List) {
    for (auto& item : out.items) item = cast(item);
  } else {
    for (auto& [key, value] : out.entries) value = cast(value);
  }
  return out;
}

Element cast_int(const Element& e) {
  switch (e.type) {
    case Type::List:
    case Type::Dict: return map_element(e, cast_int);
    case Type::Int: return e;
    case Type::Float: return int_from_double(e.number);
    case Type::Bool: return Element::integer(e.text == "true" ? 1 : 0);
    case Type::String:
    case Type::Quoted: return python_int(e.text);
    case Type::Null: fail("AssertionError", "");
  }
  return e;
}

Element cast_float(const Element& e) {
  switch (e.type) {
    case Type::List:
    case Type::Dict: return map_element(e, cast_float);
    case Type::Int: return python_float(e.text);
    case Type::Float: return e;
    case Type::Bool: return Element::floating(e.text == "true" ? 1.0 : 0.0);
    case Type::String:
    case Type::Quoted: return python_float(e.text);
    case Type::Null: fail("AssertionError", "");
  }
  return e;
}

Element cast_str(const Element& e) {
  switch (e.type) {
    case Type::List:
    case Type::Dict: return map_element(e, cast_str);
    case Type::Null: fail("AssertionError", "");
    default: return Element::string(e.text);
  }
}

Element cast_bool(const Element& e) {
  switch (e.type) {
    case Type::List:
    case Type::Dict: return map_element(e, cast_bool);
    case Type::Bool: return e;
    case Type::Int:
    case Type::Float: return Element::boolean(e.number != 0);
    case Type::Null: return Element::boolean(false);
    case Type::String:
    case Type::Quoted: {
      std::string lower;
      for (char c : e.text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower == "true" || lower == "false") return Element::boolean(lower == "true");
      fail("ValueError", "Cannot cast '" + e.text + "' to bool");
    }
  }
  return e;
}

Sweep simple_choice(std::vector<Evaluated> values) {
  Sweep s;
  s.simple_form = true;
  for (auto& v : values) {
    if (!std::holds_alternative<Element>(v)) fail("ValueError", "nesting sweeps is not supported");
    s.choices.push_back(std::get<Element>(std::move(v)));
  }
  return s;
}

Evaluated cast(const std::string& name, const Bound& bound) {
  const Evaluated* value_arg = bound.get("value");
  if (!bound.variadic.empty() && !is_none(value_arg)) fail("TypeError", "cannot use both position and named arguments");
  Evaluated value;
  if (!is_none(value_arg)) {
    value = *value_arg;
  } else if (bound.variadic.empty()) {
    fail("TypeError", "No positional args or value specified");
  } else if (bound.variadic.size() == 1) {
    value = bound.variadic.front();
  } else {
    value = simple_choice(bound.variadic);
  }
  static const std::map<std::string, ElementCast> casts = {
      {"int", cast_int}, {"float", cast_float}, {"str", cast_str}, {"bool", cast_bool}};
  const ElementCast& element_cast = casts.at(name);
  if (auto* e = std::get_if<Element>(&value)) return element_cast(*e);
  const Sweep& sweep = std::get<Sweep>(value);
  Sweep out;
  out.type = sweep.type;
  switch (sweep.type) {
    case Sweep::Type::Choice:
      out.simple_form = sweep.simple_form;
      for (const auto& c : sweep.choices) out.choices.push_back(element_cast(c));
      return out;
    case Sweep::Type::Range:
      if (name != "int" && name != "float") fail("ValueError", "Range can only be cast to int or float");
      out.start = element_cast(sweep.start);
      out.stop = element_cast(sweep.stop);
      out.step = element_cast(sweep.step);
      return out;
    case Sweep::Type::Interval:
      if (name == "str" || name == "bool") fail("ValueError", "Intervals cannot be cast to " + name);
      out.start = element_cast(sweep.start);
      out.stop = element_cast(sweep.stop);
      out.tags = sweep.tags;
      return out;
    case Sweep::Type::Glob: fail("AssertionError", "");
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Sweeps and list functions.

Evaluated choice(const Bound& bound) {
  const auto& args = bound.variadic;
  if (args.empty()) fail("ValueError", "empty choice is not legal");
  if (args.size() == 1) {
    if (const Sweep* first = std::get_if<Sweep>(&args[0])) {
      if (!first->simple_form) fail("ValueError", "nesting choices is not supported");
      Sweep s = *first;
      s.simple_form = false;
      return s;
    }
  }
  Sweep s = simple_choice(args);
  s.simple_form = false;
  return s;
}

Evaluated range(const Bound& bound) {
  Sweep s;
  s.type = Sweep::Type::Range;
  s.start = element_of(*bound.get("start"));
  const Evaluated* stop = bound.get("stop");
  if (is_none(stop)) {
    s.stop = s.start;
    s.start = Element::integer(0);
  } else {
    s.stop = element_of(*stop);
  }
  const Evaluated* step = bound.get("step");
  s.step = step ? element_of(*step) : Element::integer(1);
  for (Element* e : {&s.start, &s.stop, &s.step})
    if (e->type == Type::Bool) *e = Element::integer(e->text == "true" ? 1 : 0);
  return s;
}

Evaluated interval(const Bound& bound) {
  Sweep s;
  s.type = Sweep::Type::Interval;
  s.start = Element::floating(element_of(*bound.get("start")).number);
  s.stop = Element::floating(element_of(*bound.get("end")).number);
  return s;
}

Evaluated tag(const Bound& bound) {
  std::vector<Evaluated> args = bound.variadic;
  if (args.empty()) fail("ValueError", "Not enough arguments to tag, must take at least a sweep");
  if (const Evaluated* sweep = bound.get("sweep"); !is_none(sweep)) args.push_back(*sweep);
  Sweep* last = std::get_if<Sweep>(&args.back());
  if (!last) fail("ValueError", "Last argument to tag() must be a choice(), range() or interval(), got NoneType");
  std::set<std::string> tags;
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    const Element* e = std::get_if<Element>(&args[i]);
    if (!e || e->type != Type::String)
      fail("ValueError", "tag arguments type must be string, got " + python_type_name(args[i]));
    tags.insert(e->text);
  }
  Sweep out = *last;
  out.tags = std::move(tags);
  return out;
}

// Python's `a < b` for the values sort() compares; throws TypeError for types it cannot order.
bool less(const Element& a, const Element& b) {
  const bool numbers = (a.is_number() || a.type == Type::Bool) && (b.is_number() || b.type == Type::Bool);
  if (numbers) {
    auto value = [](const Element& e) { return e.type == Type::Bool ? (e.text == "true" ? 1.0 : 0.0) : e.number; };
    return value(a) < value(b);
  }
  if (a.type == Type::String && b.type == Type::String) return a.text < b.text;
  if (a.type == Type::List && b.type == Type::List) {
    return std::lexicographical_compare(a.items.begin(), a.items.end(), b.items.begin(), b.items.end(), less);
  }
  fail("TypeError", "'<' not supported between instances of '" + python_type_name(a) + "' and '" + python_type_name(b) + "'");
}

std::vector<Element> sorted(std::vector<Element> items, bool reverse) {
  std::stable_sort(items.begin(), items.end(), [&](const Element& x, const Element& y) { return reverse ? less(y, x) : less(x, y); });
  return items;
}

Element sub(const Element& a, const Element& b, bool add) {
  if (a.type == Type::Int && b.type == Type::Int) {
    long long x = std::llround(a.number), y = std::llround(b.number);
    return Element::integer(add ? x + y : x - y);
  }
  return Element::floating(add ? a.number + b.number : a.number - b.number);
}

Element negated(const Element& e) {
  return e.type == Type::Int ? Element::integer(-std::llround(e.number)) : Element::floating(-e.number);
}

Element absolute(const Element& e) { return e.number < 0 ? negated(e) : e; }

Sweep sort_sweep(Sweep s, bool reverse) {
  if (s.type == Sweep::Type::Choice) {
    s.choices = sorted(std::move(s.choices), reverse);
    return s;
  }
  if (s.type != Sweep::Type::Range) fail("AssertionError", "");
  // A range runs the other way by moving its ends by one step (Hydra's _sort_sweep).
  const bool flip = reverse ? s.start.number < s.stop.number : s.start.number > s.stop.number;
  if (flip) {
    Element start = sub(s.stop, absolute(s.step), !reverse);
    Element stop = sub(s.start, absolute(s.step), !reverse);
    s.start = start;
    s.stop = stop;
    s.step = negated(s.step);
  }
  return s;
}

bool reverse_of(const Bound& bound) {
  const Evaluated* r = bound.get("reverse");
  return r && element_of(*r).text == "true";
}

Evaluated sort(const Bound& bound) {
  const bool reverse = reverse_of(bound);
  if (const Evaluated* list = bound.get("list"); !is_none(list))
    return Element{Type::List, "", 0, '\'', sorted(element_of(*list).items, reverse), {}};
  if (const Evaluated* sweep = bound.get("sweep"); !is_none(sweep)) return sort_sweep(std::get<Sweep>(*sweep), reverse);
  const auto& args = bound.variadic;
  if (args.size() == 1) {
    if (const Sweep* s = std::get_if<Sweep>(&args[0])) return sort_sweep(*s, reverse);
    const Element& e = element_of(args[0]);
    if (e.type == Type::List) return Element{Type::List, "", 0, '\'', sorted(e.items, reverse), {}};
    return e;
  }
  for (const auto& a : args) {
    const Element* e = std::get_if<Element>(&a);
    if (!e || e->type == Type::List || e->type == Type::Dict) fail("TypeError", "Invalid arguments: sort() takes values, a list or one sweep");
  }
  if (args.empty()) fail("ValueError", "empty sort input");
  return sort_sweep(simple_choice(args), reverse);
}

Element shuffled_list(const Element& list) {
  Element out = list;
  std::shuffle(out.items.begin(), out.items.end(), shuffle_engine());
  return out;
}

Evaluated shuffle(const Bound& bound) {
  if (const Evaluated* list = bound.get("list"); !is_none(list)) return shuffled_list(element_of(*list));
  if (const Evaluated* sweep = bound.get("sweep"); !is_none(sweep)) {
    Sweep s = std::get<Sweep>(*sweep);
    s.shuffle = true;
    return s;
  }
  const auto& args = bound.variadic;
  if (args.size() == 1) {
    if (const Sweep* s = std::get_if<Sweep>(&args[0])) {
      Sweep out = *s;
      out.shuffle = true;
      return out;
    }
    const Element& e = element_of(args[0]);
    if (e.type == Type::List) return shuffled_list(e);
    Element list;
    list.type = Type::List;
    list.items.push_back(e);
    return list;
  }
  Sweep s = simple_choice(args);
  s.shuffle = true;
  return s;
}

std::vector<std::string> patterns(const Evaluated* v) {
  if (is_none(v)) return {};
  const Element& e = element_of(*v);
  if (e.type != Type::List) return {e.text};
  std::vector<std::string> out;
  for (const auto& item : e.items) out.push_back(item.text);
  return out;
}

Evaluated glob(const Bound& bound) {
  Sweep s;
  s.type = Sweep::Type::Glob;
  s.include = patterns(bound.get("include"));
  s.exclude = patterns(bound.get("exclude"));
  return s;
}

struct Function {
  std::vector<Parameter> params;
  std::function<Evaluated(const Bound&)> body;
};

const std::map<std::string, Function>& functions() {
  auto cast_of = [](std::string name) {
    return Function{{{"args", Accepts::Anything, true}, {"value", Accepts::Anything, false, true, true}},
                    [name](const Bound& b) { return cast(name, b); }};
  };
  static const std::map<std::string, Function> table = {
      {"bool", cast_of("bool")},
      {"choice", {{{"args", Accepts::ChoiceArg, true}}, choice}},
      {"float", cast_of("float")},
      {"glob", {{{"include", Accepts::Patterns}, {"exclude", Accepts::OptionalPatterns, false, true}}, glob}},
      {"int", cast_of("int")},
      {"interval", {{{"start", Accepts::Number}, {"end", Accepts::Number}}, interval}},
      {"range",
       {{{"start", Accepts::Number}, {"stop", Accepts::OptionalNumber, false, true}, {"step", Accepts::Number, false, true}},
        range}},
      {"shuffle",
       {{{"args", Accepts::SortArg, true},
         {"sweep", Accepts::OptionalSortSweep, false, true, true},
         {"list", Accepts::OptionalList, false, true, true}},
        shuffle}},
      {"sort",
       {{{"args", Accepts::SortArg, true},
         {"sweep", Accepts::OptionalSortSweep, false, true, true},
         {"list", Accepts::OptionalList, false, true, true},
         {"reverse", Accepts::Bool, false, true, true}},
        sort}},
      {"str", cast_of("str")},
      {"tag", {{{"args", Accepts::TagArg, true}, {"sweep", Accepts::OptionalSweep, false, true, true}}, tag}},
  };
  return table;
}

}  // namespace

std::mt19937& shuffle_engine() {
  static std::mt19937 engine{std::random_device{}()};
  return engine;
}

std::string python_type_name(const Evaluated& value) {
  if (const Sweep* s = std::get_if<Sweep>(&value)) {
    switch (s->type) {
      case Sweep::Type::Choice: return "ChoiceSweep";
      case Sweep::Type::Range: return "RangeSweep";
      case Sweep::Type::Interval: return "IntervalSweep";
      case Sweep::Type::Glob: return "Glob";
    }
  }
  switch (std::get<Element>(value).type) {
    case Type::Null: return "NoneType";
    case Type::Bool: return "bool";
    case Type::Int: return "int";
    case Type::Float: return "float";
    case Type::String: return "str";
    case Type::Quoted: return "QuotedString";
    case Type::List: return "list";
    case Type::Dict: return "dict";
  }
  return "object";
}

Evaluated call_override_function(const std::string& name, std::vector<FunctionArgument> args) {
  const auto& table = functions();
  auto it = table.find(name);
  if (it == table.end()) {
    std::string available;
    for (const auto& [known, fn] : table) available += (available.empty() ? "" : ",") + known;
    fail("HydraException", "Unknown function '" + name + "'. Available: " + available);
  }
  return it->second.body(bind(it->second.params, std::move(args)));
}

}  // namespace hydra::internal

// Command-line overrides as Hydra's override grammar reads them (hydra/grammar/OverrideParser.g4):
// key=value, +key=value, ++key=value, ~key[=value], group=option, group@pkg=option, with values
// typed as the grammar types them (1 int, 1.5 float, true bool, null, 'quoted' string, [a,b] list,
// {a:1} dict), functions (int() float() str() bool() choice() range() interval() glob() sort()
// shuffle() tag()) evaluated, and `a,b` sweeps. Each override text is parsed once, here; every
// caller works on the typed Override.
#pragma once

#include <hydra/config.hpp>

#include <optional>
#include <set>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace hydra::internal {

struct DictEntry;

// One element of a value as the grammar types it (Hydra's ParsedElementType).
struct Element {
  enum class Type { Null, Bool, Int, Float, String, Quoted, List, Dict };
  Type type = Type::String;
  // Bool: "true"/"false"; Int: decimal digits ("-3"); Float: Python's repr ("1.0", "inf", "1e+16");
  // String and Quoted: the text, unescaped and unquoted.
  std::string text;
  double number = 0;  // Int and Float
  char quote = '\''; // Quoted: the quote it was written with
  std::vector<Element> items;                        // List
  // A struct rather than std::pair: a pair of a still-incomplete Element does not compile with
  // clang and libstdc++ (the fuzz build).
  std::vector<DictEntry> entries;  // Dict

  static Element null();
  static Element boolean(bool b);
  static Element integer(long long v);
  static Element floating(double v);
  static Element string(std::string s);
  bool is_number() const { return type == Type::Int || type == Type::Float; }
  bool is_text() const { return type == Type::String || type == Type::Quoted; }
};

struct DictEntry {
  Element key;
  Element value;
};

// A value that stands for several (Hydra's ChoiceSweep, RangeSweep, IntervalSweep, Glob).
struct Sweep {
  enum class Type { Choice, Range, Interval, Glob };
  Type type = Type::Choice;
  bool simple_form = false;  // a,b,c rather than choice(a,b,c)
  bool shuffle = false;      // shuffle(...): the values in a random order
  std::vector<Element> choices;          // Choice
  Element start, stop, step;             // Range: Int or Float elements; Interval: start, stop
  std::vector<std::string> include, exclude;  // Glob patterns
  std::set<std::string> tags;            // tag(...)
};

struct Override {
  enum class Kind { Change, Add, ForceAdd, Delete };
  Kind kind = Kind::Change;
  std::string key;                   // as typed after the prefix, "@pkg" included ("db@backup")
  std::optional<std::string> value;  // the value as typed, after the first '=' (none for "~key")
  std::string input;                 // the whole override as typed
  // The typed value: none (for "~key"), one element, or a sweep.
  std::variant<std::monostate, Element, Sweep> parsed;

  // key without "@pkg" (Hydra's key_or_group).
  std::string key_or_group() const;
  // "@pkg" part, if any (only meaningful for group overrides).
  std::optional<std::string> package() const;
  // Keys starting with "hydra." or groups "hydra/..." (Hydra's is_hydra_override).
  bool is_hydra() const;
  bool is_sweep() const { return std::holds_alternative<Sweep>(parsed); }
  // `a,b` (Hydra asks for a list or quotes for it in a single run) rather than a function sweep.
  bool is_simple_sweep() const { return is_sweep() && sweep().simple_form; }
  const Sweep& sweep() const { return std::get<Sweep>(parsed); }
  const Element& element() const { return std::get<Element>(parsed); }
  // The value as a config tree (quoted strings unquoted, `???` missing, interpolations as text).
  // Requires a plain value (not a sweep, not "~key").
  Config config_value() const;
  // "+key", "~key@pkg", ...: the prefix and key (Hydra's get_key_element).
  std::string key_element() const;
};

// Parses one command-line override. Throws UserError naming the override and, for what the
// grammar rejects, the column: "Invalid override 'i = 2': ' ' is not allowed in a key at column 2"; for a
// function that fails when called, Hydra's headline: "Error parsing override 'a=int(x)': ValueError ...".
Override parse_override(const std::string& text);
std::vector<Override> parse_overrides(const std::vector<std::string>& texts);

// The element written back as override text, as Hydra writes a job's override
// (Override._get_value_element_as_str): strings escaped, quoted strings re-quoted.
std::string element_text(const Element& element);

// The element as a config tree.
Config element_config(const Element& element);

// Python's repr of a float ("1.0", "1e-05", "1e+16", "inf", "nan").
std::string python_float_text(double v);

}  // namespace hydra::internal

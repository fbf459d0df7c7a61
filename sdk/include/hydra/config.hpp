// hydra::Config — the configuration tree handed to tasks and callbacks.
//
// A Boost.PropertyTree whose data type remembers what YAML said: map vs sequence, null,
// missing (`???`) and the scalar type. Plain ptree keeps only text, so `'1'` and `1` and
// `null` and `"null"` would collapse; this keeps them apart so that `--cfg` re-parses to
// the same tree. Sequence items are children with empty keys (as ptree's JSON reader does).
#pragma once

#include <boost/optional.hpp>
#include <boost/property_tree/ptree.hpp>
#include <hydra/yaml_scalar_writer.hpp>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace hydra {

enum class NodeKind : std::uint8_t { Map, Sequence, Null, Missing, String, Int, Float, Bool, Unresolved };

inline const char* to_string(NodeKind kind) {
  switch (kind) {
    case NodeKind::Map: return "map";
    case NodeKind::Sequence: return "sequence";
    case NodeKind::Null: return "null";
    case NodeKind::Missing: return "missing value";
    case NodeKind::String: return "string";
    case NodeKind::Int: return "int";
    case NodeKind::Float: return "float";
    case NodeKind::Bool: return "bool";
    case NodeKind::Unresolved: return "unresolved interpolation";
  }
  return "?";
}

// The data of one node. A default Value is an (empty) map, so that ptree's put("a.b", x)
// creates map nodes on the way.
class Value {
 public:
  Value() = default;
  Value(NodeKind kind, std::string text) : kind_(kind), text_(std::move(text)) {}

  static Value map() { return {NodeKind::Map, {}}; }
  static Value sequence() { return {NodeKind::Sequence, {}}; }
  static Value null() { return {NodeKind::Null, "null"}; }
  static Value missing() { return {NodeKind::Missing, "???"}; }
  static Value string(std::string s) { return {NodeKind::String, std::move(s)}; }
  static Value integer(long long v) { return {NodeKind::Int, std::to_string(v)}; }
  static Value boolean(bool v) { return {NodeKind::Bool, v ? "true" : "false"}; }
  static Value floating(double v);
  // An interpolation that could not be resolved: `as_written` (e.g. "${oc.env:DB_PASS}") and the
  // message a read of it throws. Both live in the one text (split at a NUL), so that a Value stays
  // a kind and a string, the layout plugins were built against.
  static Value unresolved(std::string_view as_written, std::string_view error) {
    std::string text;
    text.reserve(as_written.size() + 1 + error.size());
    text.append(as_written).append(1, '\0').append(error);
    return {NodeKind::Unresolved, std::move(text)};
  }

  NodeKind kind() const { return kind_; }
  const std::string& text() const { return text_; }
  bool is_container() const { return kind_ == NodeKind::Map || kind_ == NodeKind::Sequence; }
  bool is_scalar() const {
    return !is_container() && kind_ != NodeKind::Null && kind_ != NodeKind::Missing && kind_ != NodeKind::Unresolved;
  }
  bool is_unresolved() const { return kind_ == NodeKind::Unresolved; }
  // Unresolved only: the value as written in the config, and why it could not be resolved.
  std::string_view as_written() const { return std::string_view(text_).substr(0, text_.find('\0')); }
  std::string_view unresolved_error() const {
    std::size_t nul = text_.find('\0');
    return nul == std::string::npos ? std::string_view() : std::string_view(text_).substr(nul + 1);
  }

  friend bool operator==(const Value&, const Value&) = default;

 private:
  NodeKind kind_ = NodeKind::Map;
  std::string text_;
};

using Config = boost::property_tree::basic_ptree<std::string, Value>;

// Thrown for a missing key or a value of the wrong type; the message names the full key.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {

// Every typed read goes through here: an Unresolved value throws its error instead of reading
// as "no such value" (a default) or as its text.
inline void throw_if_unresolved(const Value& v) {
  if (v.is_unresolved()) throw ConfigError(std::string(v.unresolved_error()));
}

inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

inline bool is_int_text(std::string_view s) {
  std::size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  if (i >= s.size()) return false;
  for (; i < s.size(); ++i)
    if ((s[i] < '0' || s[i] > '9') && s[i] != '_') return false;
  return s.back() != '_';
}

inline bool is_float_text(std::string_view s) {
  std::size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  std::string_view body = s.substr(i);
  if (iequals(body, ".inf") || iequals(body, "inf")) return true;
  if (i == 0 && (iequals(body, ".nan") || iequals(body, "nan"))) return true;
  bool digits = false, dot = false, exp = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      digits = true;
    } else if (c == '.' && !dot && !exp) {
      dot = true;
    } else if ((c == 'e' || c == 'E') && digits && !exp) {
      exp = true;
      digits = false;
      if (i + 1 < s.size() && (s[i + 1] == '-' || s[i + 1] == '+')) ++i;
    } else {
      return false;
    }
  }
  return digits && (dot || exp);
}

}  // namespace detail

// How an unquoted value of Hydra's override grammar is typed (and the testing helpers' values):
// null/true/false, decimal ints, floats such as 1e3 or inf. YAML files are typed otherwise, by the
// YAML 1.1 rules of OmegaConf's loader (yaml11::resolve_on_load, config/yaml_io.cpp).
inline NodeKind classify_plain_scalar(std::string_view s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return NodeKind::Null;
  if (s == "???") return NodeKind::Missing;
  if (detail::iequals(s, "true") || detail::iequals(s, "false")) return NodeKind::Bool;
  if (detail::is_int_text(s)) return NodeKind::Int;
  if (detail::is_float_text(s)) return NodeKind::Float;
  return NodeKind::String;
}

// Python's repr of the float (what OmegaConf holds and prints): the shortest digits that read
// back the same, fixed-point for exponents -4..15 (with ".0" when whole), else d.ddde+XX.
inline Value Value::floating(double v) {
  if (std::isnan(v)) return {NodeKind::Float, ".nan"};
  if (std::isinf(v)) return {NodeKind::Float, v > 0 ? ".inf" : "-.inf"};
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<std::size_t>(res.ptr - buf));
  bool negative = sci[0] == '-';
  if (negative) sci.remove_prefix(1);
  std::size_t e = sci.find('e');
  std::string digits(sci.substr(0, e));
  if (digits.size() > 1) digits.erase(1, 1);  // the '.'
  int exponent = std::stoi(std::string(sci.substr(e + 1)));
  std::string text = negative ? "-" : "";
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) {
      text += "0.";
      text.append(static_cast<std::size_t>(-exponent - 1), '0');
      text += digits;
    } else {
      auto point = static_cast<std::size_t>(exponent) + 1;
      if (digits.size() < point) digits.append(point - digits.size(), '0');
      text.append(digits, 0, point);
      text += '.';
      if (digits.size() > point)
        text.append(digits, point, std::string::npos);
      else
        text += '0';
    }
  } else {
    text += digits[0];
    if (digits.size() > 1) {
      text += '.';
      text.append(digits, 1, std::string::npos);
    }
    char exp[16];
    std::snprintf(exp, sizeof exp, "e%c%02d", exponent < 0 ? '-' : '+', exponent < 0 ? -exponent : exponent);
    text += exp;
  }
  return {NodeKind::Float, std::move(text)};
}

// Value <-> C++ types, so that cfg.get<int>("a.b"), cfg.get("a", default) and cfg.put("a", 1)
// work on hydra::Config as on a plain ptree. A conversion that does not fit returns none.
template <class T, class Enable = void>
struct ValueTranslator;

template <>
struct ValueTranslator<std::string> {
  using internal_type = Value;
  using external_type = std::string;
  boost::optional<std::string> get_value(const Value& v) const {
    detail::throw_if_unresolved(v);
    if (v.is_scalar()) return v.text();
    return boost::none;
  }
  boost::optional<Value> put_value(const std::string& s) const { return Value::string(s); }
};

template <>
struct ValueTranslator<bool> {
  using internal_type = Value;
  using external_type = bool;
  boost::optional<bool> get_value(const Value& v) const {
    detail::throw_if_unresolved(v);
    if (v.kind() != NodeKind::Bool) return boost::none;
    return detail::iequals(v.text(), "true");
  }
  boost::optional<Value> put_value(bool b) const { return Value::boolean(b); }
};

template <class T>
struct ValueTranslator<T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>>> {
  using internal_type = Value;
  using external_type = T;
  boost::optional<T> get_value(const Value& v) const {
    detail::throw_if_unresolved(v);
    if (v.kind() != NodeKind::Int) return boost::none;
    std::string digits;
    for (char c : v.text())
      if (c != '_' && c != '+') digits += c;
    T out{};
    auto res = std::from_chars(digits.data(), digits.data() + digits.size(), out);
    if (res.ec != std::errc() || res.ptr != digits.data() + digits.size()) return boost::none;
    return out;
  }
  boost::optional<Value> put_value(T x) const {
    if constexpr (std::is_signed_v<T>) {
      return Value::integer(static_cast<long long>(x));
    } else {
      return Value(NodeKind::Int, std::to_string(x));
    }
  }
};

template <class T>
struct ValueTranslator<T, std::enable_if_t<std::is_floating_point_v<T>>> {
  using internal_type = Value;
  using external_type = T;
  boost::optional<T> get_value(const Value& v) const {
    detail::throw_if_unresolved(v);
    if (v.kind() != NodeKind::Float && v.kind() != NodeKind::Int) return boost::none;
    std::string_view t = v.text();
    bool neg = !t.empty() && t[0] == '-';
    std::string_view body = (!t.empty() && (t[0] == '-' || t[0] == '+')) ? t.substr(1) : t;
    if (detail::iequals(body, ".inf") || detail::iequals(body, "inf"))
      return static_cast<T>(neg ? -std::numeric_limits<double>::infinity()
                                : std::numeric_limits<double>::infinity());
    if (detail::iequals(body, ".nan") || detail::iequals(body, "nan"))
      return static_cast<T>(std::numeric_limits<double>::quiet_NaN());
    std::istringstream in{std::string(t)};
    in.imbue(std::locale::classic());
    double d = 0;
    if (!(in >> d)) return boost::none;
    return static_cast<T>(d);
  }
  boost::optional<Value> put_value(T x) const { return Value::floating(static_cast<double>(x)); }
};

template <std::size_t N>
struct ValueTranslator<char[N]> {
  using internal_type = Value;
  using external_type = const char*;
  boost::optional<Value> put_value(const char (&s)[N]) const { return Value::string(s); }
};

template <>
struct ValueTranslator<const char*> {
  using internal_type = Value;
  using external_type = const char*;
  boost::optional<Value> put_value(const char* s) const { return Value::string(s); }
};

// Typed access with messages that name the key (ptree's own say `conversion of data to type "i" failed`).
template <class T>
T get(const Config& cfg, const std::string& key) {
  auto child = cfg.get_child_optional(key);
  if (!child) throw ConfigError("Missing key " + key);
  auto value = child->template get_value_optional<T>();
  if (!value) {
    const Value& v = child->data();
    std::string got = to_string(v.kind());
    if (v.is_scalar()) got += " '" + v.text() + "'";
    throw ConfigError("Key '" + key + "' has type " + got + ", which does not convert to the requested type");
  }
  return *value;
}

template <class T>
T get_or(const Config& cfg, const std::string& key, T fallback) {
  auto child = cfg.get_child_optional(key);
  if (child) detail::throw_if_unresolved(child->data());
  if (!child || child->data().kind() == NodeKind::Null || child->data().kind() == NodeKind::Missing)
    return fallback;
  return get<T>(cfg, key);
}

inline bool is_sequence(const Config& node) { return node.data().kind() == NodeKind::Sequence; }
inline bool is_map(const Config& node) { return node.data().kind() == NodeKind::Map; }

// A leaf holding one scalar (or null): the shape of a task's return value.
template <class T>
Config make_node(const T& value) {
  Config node;
  node.put_value(value);
  return node;
}
inline Config make_node(const char* value) { return make_node(std::string(value)); }
inline Config make_null() { return Config(Value::null()); }
inline Config make_sequence() { return Config(Value::sequence()); }
inline void push_back(Config& sequence, Config item) { sequence.push_back({std::string(), std::move(item)}); }
// A sequence of strings (e.g. a list of overrides).
inline Config make_sequence(const std::vector<std::string>& items) {
  Config sequence = make_sequence();
  for (const auto& item : items) push_back(sequence, make_node(item));
  return sequence;
}

namespace detail {

// A float's text as PyYAML writes it: Python's repr, with ".0" before an exponent that has no dot
// (5e-05 -> 5.0e-05), so that YAML 1.1 readers see a float.
inline void emit_float(std::string& out, const std::string& text) {
  std::size_t e = text.find_first_of("eE");
  if (e == std::string::npos || e == 0 || !yaml11::detail::digit(text[e - 1]) || text.find('.') != std::string::npos) {
    out += text;
    return;
  }
  out.append(text, 0, e);
  out += ".0";
  out.append(text, e, std::string::npos);
}

// A non-string scalar written plain (null, ???, numbers, bools, empty containers).
inline void emit_plain_scalar(std::string& out, const Value& v) {
  switch (v.kind()) {
    case NodeKind::Map: out += "{}"; break;
    case NodeKind::Sequence: out += "[]"; break;
    case NodeKind::Float: emit_float(out, v.text()); break;
    default: out += v.text();
  }
}

// The value after "key:" or "-": `indent` is where a folded long string continues.
// An Unresolved value is written as the text it was read from, a string, as OmegaConf prints it.
inline void emit_inline_value(std::string& out, const Value& v, std::size_t indent) {
  if (v.kind() == NodeKind::String) return yaml11::write_string_value(out, v.text(), indent);
  if (v.kind() == NodeKind::Unresolved) return yaml11::write_string_value(out, std::string(v.as_written()), indent);
  out += ' ';
  emit_plain_scalar(out, v);
}

inline bool is_inline(const Config& node) { return !node.data().is_container() || node.empty(); }

// Keys are text, but the reader stores an int, float or bool key in its canonical spelling
// (0x1F -> 31, yes -> true): those are written plain, as PyYAML writes a typed key; any other key
// is a string and is quoted where YAML would retype it.
inline bool is_canonical_typed_key(const std::string& key) {
  if (key == "true" || key == "false" || key == ".inf" || key == "-.inf" || key == ".nan") return true;
  std::string_view body = key;
  if (!body.empty() && body[0] == '-') body.remove_prefix(1);
  if (body.empty() || !yaml11::detail::digit(body[0])) return false;
  if (body.find_first_not_of("0123456789") == std::string_view::npos)
    return body.size() == 1 ? key != "-0" : body[0] != '0';
  double value = 0;
  auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), value);
  return error == std::errc() && end == key.data() + key.size() && Value::floating(value).text() == key;
}

// Writes the key and its ':'; returns false when the key is explicit ("? key", then ':' on the
// next line), as PyYAML writes an empty key or one of 128 characters or more.
inline bool emit_key(std::string& out, const std::string& key, std::size_t indent) {
  if (is_canonical_typed_key(key)) {
    emit_float(out, key);
    out += ':';
    return true;
  }
  if (yaml11::fits_simple_key(key)) {
    yaml11::write_string_key(out, key, true, 0);
    out += ':';
    return true;
  }
  out += '?';
  yaml11::write_string_key(out, key, false, indent + 2);
  out += '\n';
  out.append(indent, ' ');
  out += ':';
  return false;
}

// `indent` spaces before each line, except the first when `first_indented` is false (a block that
// starts right after a sequence's "- ").
void emit_block(std::string& out, const Config& node, std::size_t indent, bool first_indented);

inline void emit_sequence(std::string& out, const Config& node, std::size_t indent, bool first_indented) {
  bool first = true;
  for (const auto& [key, item] : node) {
    if (!first || first_indented) out.append(indent, ' ');
    first = false;
    out += '-';
    if (is_inline(item)) {
      emit_inline_value(out, item.data(), indent + 2);
      out += '\n';
    } else {
      out += ' ';
      emit_block(out, item, indent + 2, false);
    }
  }
}

// One `key: value` of a map whose keys are at column `indent`, from the key on (its indentation
// already written).
inline void emit_entry(std::string& out, const std::string& key, const Config& child, std::size_t indent) {
  bool simple_key = emit_key(out, key, indent);
  if (is_inline(child)) {
    emit_inline_value(out, child.data(), indent + 2);
    out += '\n';
  } else if (!simple_key) {
    // After "? key" / ":" a block starts on the ':' line, as a sequence item's does.
    out += ' ';
    emit_block(out, child, indent + 2, false);
  } else {
    out += '\n';
    // Like PyYAML: a sequence under a map key is not indented further.
    emit_block(out, child, is_sequence(child) ? indent : indent + 2, true);
  }
}

inline void emit_map(std::string& out, const Config& node, std::size_t indent, bool first_indented) {
  bool first = true;
  for (const auto& [key, child] : node) {
    if (!first || first_indented) out.append(indent, ' ');
    first = false;
    emit_entry(out, key, child, indent);
  }
}

inline void emit_block(std::string& out, const Config& node, std::size_t indent, bool first_indented) {
  if (is_sequence(node))
    emit_sequence(out, node, indent, first_indented);
  else
    emit_map(out, node, indent, first_indented);
}

}  // namespace detail

// YAML text of a tree, formatted as OmegaConf.to_yaml formats it (block style, insertion order,
// 2-space indent, sequences flush under their key, strings quoted and long ones folded as PyYAML
// does), so that PyYAML and OmegaConf read every value back with its type.
inline std::string to_yaml(const Config& cfg) {
  std::string out;
  if (!detail::is_inline(cfg)) {
    detail::emit_block(out, cfg, 0, true);
    return out;
  }
  // A lone scalar (a --cfg --package of a leaf) is written without PyYAML's "..." document end:
  // Hydra prints such a value as text.
  const Value& v = cfg.data();
  if (v.kind() == NodeKind::String || v.kind() == NodeKind::Unresolved) {
    yaml11::write_string_value(out, v.kind() == NodeKind::String ? v.text() : std::string(v.as_written()), 2);
    out.erase(0, 1);  // the separating space: nothing precedes the document's scalar
  } else {
    detail::emit_plain_scalar(out, v);
  }
  out += '\n';
  return out;
}

}  // namespace hydra

namespace boost::property_tree {
template <class T>
struct translator_between<hydra::Value, T> {
  using type = hydra::ValueTranslator<T>;
};
template <>
struct translator_between<hydra::Value, hydra::Value> {
  using type = id_translator<hydra::Value>;
};
}  // namespace boost::property_tree

// hydra::Config — the configuration tree handed to tasks and callbacks.
//
// A Boost.PropertyTree whose data type remembers what YAML said: map vs sequence, null,
// missing (`???`) and the scalar type. Plain ptree keeps only text, so `'1'` and `1` and
// `null` and `"null"` would collapse; this keeps them apart so that `--cfg` re-parses to
// the same tree. Sequence items are children with empty keys (as ptree's JSON reader does).
#pragma once

#include <boost/optional.hpp>
#include <boost/property_tree/ptree.hpp>

#include <charconv>
#include <cmath>
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

// How a plain (unquoted) YAML scalar is typed: YAML 1.2 core schema, as OmegaConf reads it.
inline NodeKind classify_plain_scalar(std::string_view s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return NodeKind::Null;
  if (s == "???") return NodeKind::Missing;
  if (detail::iequals(s, "true") || detail::iequals(s, "false")) return NodeKind::Bool;
  if (detail::is_int_text(s)) return NodeKind::Int;
  if (detail::is_float_text(s)) return NodeKind::Float;
  return NodeKind::String;
}

inline Value Value::floating(double v) {
  if (std::isnan(v)) return {NodeKind::Float, ".nan"};
  if (std::isinf(v)) return {NodeKind::Float, v > 0 ? ".inf" : "-.inf"};
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  std::string text(buf, res.ptr);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
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

inline bool needs_quotes(const std::string& s) {
  if (s.empty()) return true;
  if (classify_plain_scalar(s) != NodeKind::String) return true;
  // YAML 1.1 booleans: a PyYAML reader would take them as bools.
  static constexpr std::string_view yaml11_bools[] = {"yes", "no", "on", "off", "y", "n"};
  for (auto word : yaml11_bools)
    if (iequals(s, word)) return true;
  if (s.front() == ' ' || s.back() == ' ') return true;
  // "..." at the start of a line ends the document (PyYAML quotes it too; "---" is caught below).
  if (s.compare(0, 3, "...") == 0) return true;
  if (std::string_view("-?:,[]{}#&*!|>'\"%@`").find(s.front()) != std::string_view::npos) {
    // "-x", "?x", ":x" are plain in YAML when followed by a non-space; keep it simple and safe.
    return true;
  }
  if (s.find(": ") != std::string::npos || s.find(" #") != std::string::npos || s.back() == ':') return true;
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

// The emitter appends to one std::string: to_yaml runs for every job's files, so no streams
// and no temporary strings per line.
inline void emit_string(std::string& out, const std::string& s) {
  if (!needs_quotes(s)) {
    out += s;
    return;
  }
  bool control = false;
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) control = true;
  if (!control) {
    out += '\'';
    for (char c : s) {
      if (c == '\'') out += '\'';
      out += c;
    }
    out += '\'';
    return;
  }
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          static const char* hex = "0123456789abcdef";
          out += "\\x";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

inline void emit_scalar(std::string& out, const Value& v) {
  switch (v.kind()) {
    case NodeKind::String: emit_string(out, v.text()); break;
    case NodeKind::Map: out += "{}"; break;
    case NodeKind::Sequence: out += "[]"; break;
    case NodeKind::Unresolved: emit_string(out, std::string(v.as_written())); break;
    default: out += v.text();
  }
}

inline bool is_inline(const Config& node) { return !node.data().is_container() || node.empty(); }

inline void emit_key(std::string& out, const std::string& key, std::size_t indent) {
  // Plain keys that look like numbers or bools read back as the same text, but every null
  // spelling (Null, NULL, ~) reads back as "null": only "null" itself may stay plain.
  NodeKind kind = classify_plain_scalar(key);
  bool reads_back_as_written = kind != NodeKind::String && (kind != NodeKind::Null || key == "null");
  const bool plain = !key.empty() && (reads_back_as_written || !needs_quotes(key));
  std::string quoted;  // only when quoting: every job's files emit hundreds of keys
  if (!plain) emit_string(quoted, key);
  // YAML limits implicit keys to 1024 characters as written (quotes and escapes count): a longer
  // one is an explicit key ("? key" on a line of its own, the ':' of its value on the next), as
  // PyYAML writes it.
  if ((plain ? key.size() : quoted.size()) > 1000) {
    out += "? ";
    emit_string(out, key);
    out += '\n';
    out.append(indent, ' ');
    return;
  }
  out += plain ? std::string_view(key) : std::string_view(quoted);
}

// `indent` spaces before each line, except the first when `first_indented` is false (a block that
// starts right after a sequence's "- ").
void emit_block(std::string& out, const Config& node, std::size_t indent, bool first_indented);

inline void emit_sequence(std::string& out, const Config& node, std::size_t indent, bool first_indented) {
  bool first = true;
  for (const auto& [key, item] : node) {
    if (!first || first_indented) out.append(indent, ' ');
    first = false;
    out += "- ";
    if (is_inline(item)) {
      emit_scalar(out, item.data());
      out += '\n';
    } else {
      emit_block(out, item, indent + 2, false);
    }
  }
}

inline void emit_map(std::string& out, const Config& node, std::size_t indent, bool first_indented) {
  bool first = true;
  for (const auto& [key, child] : node) {
    if (!first || first_indented) out.append(indent, ' ');
    first = false;
    emit_key(out, key, indent);
    out += ':';
    if (is_inline(child)) {
      out += ' ';
      emit_scalar(out, child.data());
      out += '\n';
    } else {
      out += '\n';
      // Like PyYAML: a sequence under a map key is not indented further.
      emit_block(out, child, is_sequence(child) ? indent : indent + 2, true);
    }
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
// 2-space indent, sequences flush under their key, strings quoted only where YAML would retype them).
inline std::string to_yaml(const Config& cfg) {
  std::string out;
  if (detail::is_inline(cfg)) {
    detail::emit_scalar(out, cfg.data());
    out += '\n';
  } else {
    detail::emit_block(out, cfg, 0, true);
  }
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

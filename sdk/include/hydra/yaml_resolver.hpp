// How PyYAML types a plain (unquoted) YAML scalar: the YAML 1.1 implicit resolvers, in the two
// variants Hydra meets. Reading: OmegaConf's loader (yaml.SafeLoader without the timestamp
// resolver, plus a float resolver that also takes `1e-3` and `1_0e3`). Writing: yaml.Dumper, which
// OmegaConf.to_yaml uses, still knows timestamps and only PyYAML's own floats; a string it would
// retype must be quoted. Hand-written matchers for the regular expressions of
// yaml/resolver.py and omegaconf/_utils.py (std::regex would cost more than the rest of a parse).
#pragma once

#include <cstddef>
#include <string_view>

namespace hydra::yaml11 {

enum class PlainKind { String, Null, Bool, Int, Float, Merge, ValueTag, Timestamp };

namespace detail {

inline bool digit(char c) { return c >= '0' && c <= '9'; }
inline bool digit_or_underscore(char c) { return digit(c) || c == '_'; }
inline bool hex_or_underscore(char c) {
  return digit_or_underscore(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
inline bool has_sign(std::string_view s) { return !s.empty() && (s[0] == '-' || s[0] == '+'); }

// First position at or after `i` where pred does not hold.
template <class Pred>
std::size_t skip(std::string_view s, std::size_t i, Pred pred) {
  while (i < s.size() && pred(s[i])) ++i;
  return i;
}

// (?::[0-5]?[0-9])+ from `i` (at a ':'): the position after the last group, or npos.
inline std::size_t sexagesimal_groups(std::string_view s, std::size_t i) {
  bool any = false;
  while (i < s.size() && s[i] == ':') {
    std::size_t end = skip(s, i + 1, digit);
    std::size_t length = end - i - 1;
    if (length == 0 || length > 2 || (length == 2 && s[i + 1] > '5')) return std::string_view::npos;
    i = end;
    any = true;
  }
  return any ? i : std::string_view::npos;
}

// [eE][-+][0-9]+ (sign optional when `sign_optional`), ending the text.
inline bool exponent_ends(std::string_view s, std::size_t i, bool sign_optional) {
  if (i >= s.size() || (s[i] != 'e' && s[i] != 'E')) return false;
  ++i;
  if (i < s.size() && (s[i] == '-' || s[i] == '+'))
    ++i;
  else if (!sign_optional)
    return false;
  return i < s.size() && skip(s, i, digit) == s.size();
}

inline bool any_of_words(std::string_view s, std::initializer_list<std::string_view> words) {
  for (auto word : words)
    if (s == word) return true;
  return false;
}

}  // namespace detail

inline bool is_bool(std::string_view s) {
  return detail::any_of_words(s, {"yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False",
                                  "FALSE", "on", "On", "ON", "off", "Off", "OFF"});
}
inline bool bool_value(std::string_view s) { return s[0] == 'y' || s[0] == 'Y' || s[0] == 't' || s[0] == 'T' || s == "on" || s == "On" || s == "ON"; }

inline bool is_null(std::string_view s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

// 0b101, 017 (octal), 0x1F, 1_000, 1:20 (sexagesimal, = 80), each with an optional sign.
inline bool is_int(std::string_view s) {
  using namespace detail;
  std::string_view body = has_sign(s) ? s.substr(1) : s;
  if (body.empty()) return false;
  auto rest_is = [&](std::size_t from, auto pred) { return body.size() > from && skip(body, from, pred) == body.size(); };
  if (body.starts_with("0b")) return rest_is(2, [](char c) { return c == '0' || c == '1' || c == '_'; });
  if (body.starts_with("0x")) return rest_is(2, hex_or_underscore);
  if (body[0] == '0') return body.size() == 1 || rest_is(1, [](char c) { return (c >= '0' && c <= '7') || c == '_'; });
  if (!digit(body[0])) return false;
  std::size_t end = skip(body, 1, digit_or_underscore);
  return end == body.size() || (body[end] == ':' && sexagesimal_groups(body, end) == body.size());
}

// PyYAML's floats (`1.5`, `1.`, `.5`, `1:20.5`, `.inf`, `.nan`); with `omegaconf`, also those
// OmegaConf's loader adds: an exponent without a dot or without a sign (`1e-3`, `1.5e3`), `._5`.
inline bool is_float(std::string_view s, bool omegaconf) {
  using namespace detail;
  bool sign = has_sign(s);
  std::string_view body = sign ? s.substr(1) : s;
  if (any_of_words(body, {".inf", ".Inf", ".INF"})) return true;
  if (!sign && any_of_words(body, {".nan", ".NaN", ".NAN"})) return true;
  if (body.empty()) return false;
  if (body[0] == '.') {
    if (sign || body.size() < 2 || (!omegaconf && !digit(body[1])) || !digit_or_underscore(body[1])) return false;
    std::size_t end = skip(body, 1, digit_or_underscore);
    return end == body.size() || exponent_ends(body, end, false);
  }
  if (!digit(body[0])) return false;
  std::size_t i = skip(body, 1, digit_or_underscore);
  if (i == body.size()) return false;
  if (body[i] == '.') {
    std::size_t end = skip(body, i + 1, digit_or_underscore);
    return end == body.size() || exponent_ends(body, end, omegaconf);
  }
  if (body[i] == ':') {
    std::size_t end = sexagesimal_groups(body, i);
    return end != std::string_view::npos && end < body.size() && body[end] == '.' &&
           skip(body, end + 1, digit_or_underscore) == body.size();
  }
  return omegaconf && exponent_ends(body, i, true);
}

// 2001-12-14, or a date and time such as `2001-12-14t21:59:43.10-05:00` / `2001-12-14 21:59:43 Z`.
inline bool is_timestamp(std::string_view s) {
  using namespace detail;
  std::size_t i = 0;
  auto digits = [&](std::size_t min, std::size_t max) {
    std::size_t end = skip(s, i, digit);
    if (end - i < min || end - i > max) return false;
    i = end;
    return true;
  };
  auto literal = [&](char c) { return i < s.size() && s[i] == c ? (++i, true) : false; };
  if (!digits(4, 4) || !literal('-')) return false;
  std::size_t date_start = i;
  if (digits(2, 2) && literal('-') && digits(2, 2) && i == s.size()) return true;
  i = date_start;
  if (!digits(1, 2) || !literal('-') || !digits(1, 2) || i == s.size()) return false;
  if (s[i] == 'T' || s[i] == 't') {
    ++i;
  } else {
    std::size_t end = skip(s, i, [](char c) { return c == ' ' || c == '\t'; });
    if (end == i) return false;
    i = end;
  }
  if (!digits(1, 2) || !literal(':') || !digits(2, 2) || !literal(':') || !digits(2, 2)) return false;
  if (literal('.')) i = skip(s, i, digit);
  if (i == s.size()) return true;
  i = skip(s, i, [](char c) { return c == ' ' || c == '\t'; });
  if (literal('Z')) return i == s.size();
  if (!literal('-') && !literal('+')) return false;
  if (!digits(1, 2)) return false;
  if (literal(':') && !digits(2, 2)) return false;
  return i == s.size();
}

// The type a plain scalar gets: from OmegaConf's loader (`on_load`: OmegaConf's floats, no
// timestamps) or from yaml.Dumper's resolver (PyYAML's floats, timestamps).
inline PlainKind resolve(std::string_view s, bool on_load) {
  // Every non-string form starts with one of these (most strings are done here).
  if (!s.empty() && std::string_view("0123456789+-.~<=nNyYtTfFoO").find(s[0]) == std::string_view::npos)
    return PlainKind::String;
  if (is_null(s)) return PlainKind::Null;
  if (is_bool(s)) return PlainKind::Bool;
  if (is_int(s)) return PlainKind::Int;
  if (is_float(s, on_load)) return PlainKind::Float;
  if (s == "<<") return PlainKind::Merge;
  if (s == "=") return PlainKind::ValueTag;
  if (!on_load && is_timestamp(s)) return PlainKind::Timestamp;
  return PlainKind::String;
}
inline PlainKind resolve_on_load(std::string_view s) { return resolve(s, true); }
// Anything but String must be quoted when written.
inline PlainKind resolve_on_dump(std::string_view s) { return resolve(s, false); }

// ---------------------------------------------------------------------------------------------
// OmegaConf.to_yaml single-quotes every string that Python's int() or float() accepts, and every
// YAML 1.1 bool spelling including y/Y/n/N, so that it does not read back as a number or bool.

namespace detail {

// Length of the Python whitespace character (str.strip) starting at s[i], or 0.
inline std::size_t python_space_at(std::string_view s, std::size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1C && c <= 0x1F)) return 1;
  if (i + 1 < s.size() && c == 0xC2 && (s[i + 1] == '\x85' || s[i + 1] == '\xA0')) return 2;
  if (i + 2 >= s.size()) return 0;
  auto b1 = static_cast<unsigned char>(s[i + 1]), b2 = static_cast<unsigned char>(s[i + 2]);
  if (c == 0xE1 && b1 == 0x9A && b2 == 0x80) return 3;                                    // U+1680
  if (c == 0xE2 && b1 == 0x80 && ((b2 >= 0x80 && b2 <= 0x8A) || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF))
    return 3;                                                                              // U+2000-200A, 2028, 2029, 202F
  if (c == 0xE2 && b1 == 0x81 && b2 == 0x9F) return 3;                                    // U+205F
  if (c == 0xE3 && b1 == 0x80 && b2 == 0x80) return 3;                                    // U+3000
  return 0;
}

// The text without Python's leading whitespace, and false if it cannot start a number (most
// strings: checked before the full strip, which scans the whole text).
inline bool could_be_python_number(std::string_view& s, bool float_words) {
  std::size_t length;
  while (!s.empty() && (length = python_space_at(s, 0)) != 0) s.remove_prefix(length);
  if (s.empty()) return false;
  char c = s[0];
  if (digit(c) || c == '-' || c == '+' || c == '.') return true;
  return float_words && (c == 'i' || c == 'I' || c == 'n' || c == 'N');
}

inline std::string_view python_strip_trailing(std::string_view s) {
  // Scans forward for the last non-space character (spaces may be multi-byte).
  std::size_t end = 0;
  for (std::size_t i = 0, length; i < s.size();) {
    length = python_space_at(s, i);
    if (length == 0) {
      ++i;
      end = i;
    } else {
      i += length;
    }
  }
  return s.substr(0, end);
}

// [0-9](_?[0-9])* from `i`: the position after it, or npos if none.
inline std::size_t python_digits(std::string_view s, std::size_t i) {
  if (i >= s.size() || !digit(s[i])) return std::string_view::npos;
  ++i;
  while (i < s.size()) {
    if (digit(s[i]))
      ++i;
    else if (s[i] == '_' && i + 1 < s.size() && digit(s[i + 1]))
      i += 2;
    else
      break;
  }
  return i;
}

inline bool iequals_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if ((a[i] | 0x20) != b[i]) return false;
  return true;
}

}  // namespace detail

// Python's int(s) succeeds (ASCII digits; Python also takes other Unicode decimal digits).
inline bool python_int_accepts(std::string_view s) {
  if (!detail::could_be_python_number(s, false)) return false;
  s = detail::python_strip_trailing(s);
  std::size_t start = detail::has_sign(s) ? 1 : 0;
  return detail::python_digits(s, start) == s.size();
}

// Python's float(s) succeeds.
inline bool python_float_accepts(std::string_view s) {
  if (!detail::could_be_python_number(s, true)) return false;
  s = detail::python_strip_trailing(s);
  std::string_view body = detail::has_sign(s) ? s.substr(1) : s;
  if (detail::iequals_ascii(body, "inf") || detail::iequals_ascii(body, "infinity") ||
      detail::iequals_ascii(body, "nan"))
    return true;
  constexpr auto npos = std::string_view::npos;
  std::size_t i = detail::python_digits(body, 0);
  bool whole = i != npos;
  if (!whole) i = 0;
  if (i < body.size() && body[i] == '.') {
    std::size_t fraction = detail::python_digits(body, i + 1);
    if (fraction == npos && !whole) return false;
    i = fraction == npos ? i + 1 : fraction;
  } else if (!whole) {
    return false;
  }
  if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    std::size_t exponent = i + 1 < body.size() && (body[i + 1] == '-' || body[i + 1] == '+') ? i + 2 : i + 1;
    i = detail::python_digits(body, exponent);
    if (i == npos) return false;
  }
  return i == body.size();
}

// OmegaConf's yaml_is_bool: the YAML 1.1 bool spellings, y/n included.
inline bool omegaconf_is_bool(std::string_view s) {
  return is_bool(s) || s == "y" || s == "Y" || s == "n" || s == "N";
}

}  // namespace hydra::yaml11

#include "config/overrides.hpp"

#include "util/strings.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace hydra::internal {

Element Element::null() {
  Element e;
  e.type = Type::Null;
  e.text = "null";
  return e;
}

Element Element::boolean(bool b) {
  Element e;
  e.type = Type::Bool;
  e.text = b ? "true" : "false";
  e.number = b ? 1 : 0;
  return e;
}

Element Element::integer(long long v) {
  Element e;
  e.type = Type::Int;
  e.text = std::to_string(v);
  e.number = static_cast<double>(v);
  return e;
}

Element Element::floating(double v) {
  Element e;
  e.type = Type::Float;
  e.text = python_float_text(v);
  e.number = v;
  return e;
}

Element Element::string(std::string s) {
  Element e;
  e.type = Type::String;
  e.text = std::move(s);
  return e;
}

std::string python_float_text(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  // Shortest round-trip digits, laid out as Python's repr: positional for exponents -4..15.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string sci(buf, res.ptr);  // "-1.2345e+02"
  const bool negative = sci[0] == '-';
  if (negative) sci.erase(0, 1);
  const auto e = sci.find('e');
  const int exponent = std::atoi(sci.c_str() + e + 1);
  std::string digits = sci.substr(0, e);
  if (digits.size() > 1) digits.erase(1, 1);  // drop the '.'
  std::string out;
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) {
      out = "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
    } else if (static_cast<std::size_t>(exponent) + 1 >= digits.size()) {
      out = digits + std::string(static_cast<std::size_t>(exponent) + 1 - digits.size(), '0') + ".0";
    } else {
      out = digits.substr(0, static_cast<std::size_t>(exponent) + 1) + "." + digits.substr(static_cast<std::size_t>(exponent) + 1);
    }
  } else {
    out = digits.substr(0, 1) + (digits.size() > 1 ? "." + digits.substr(1) : "") + "e" + (exponent < 0 ? "-" : "+") +
          (std::abs(exponent) < 10 ? "0" : "") + std::to_string(std::abs(exponent));
  }
  return negative ? "-" + out : out;
}

namespace {

// Hydra's escape_special_characters: a backslash before each character the grammar gives a meaning.
std::string escaped(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::string_view("\\()[]{}:=, \t").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// QuotedString.with_quotes: the quote escaped, and backslashes before a quote doubled.
std::string with_quotes(const std::string& text, char q) {
  std::string out(1, q);
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '\\') {
      std::size_t run = text.find_first_not_of('\\', i);
      std::size_t n = (run == std::string::npos ? text.size() : run) - i;
      const bool before_quote = run == std::string::npos || text[run] == q;
      out.append(before_quote ? 2 * n : n, '\\');
      i += n;
      continue;
    }
    if (text[i] == q) out += '\\';
    out += text[i++];
  }
  return out + q;
}

}  // namespace

std::string element_text(const Element& e) {
  switch (e.type) {
    case Element::Type::Null: return "null";
    case Element::Type::Quoted: return with_quotes(e.text, e.quote);
    case Element::Type::String: return escaped(e.text);
    case Element::Type::Bool: return e.text == "true" ? "True" : "False";  // Python's str(True)
    case Element::Type::Int:
    case Element::Type::Float: return e.text;
    case Element::Type::List: {
      std::string out = "[";
      for (std::size_t i = 0; i < e.items.size(); ++i) out += (i ? "," : "") + element_text(e.items[i]);
      return out + "]";
    }
    case Element::Type::Dict: {
      std::string out = "{";
      for (std::size_t i = 0; i < e.entries.size(); ++i)
        out += (i ? "," : "") + element_text(e.entries[i].key) + ":" + element_text(e.entries[i].value);
      return out + "}";
    }
  }
  return e.text;
}

Config element_config(const Element& e) {
  switch (e.type) {
    case Element::Type::Null: return Config(Value::null());
    case Element::Type::Bool: return Config(Value::boolean(e.text == "true"));
    case Element::Type::Int: return Config(Value(NodeKind::Int, e.text));
    case Element::Type::Float: return Config(Value::floating(e.number));
    case Element::Type::String:
    case Element::Type::Quoted: return Config(e.text == "???" ? Value::missing() : Value::string(e.text));
    case Element::Type::List: {
      Config seq(Value::sequence());
      for (const auto& item : e.items) seq.push_back({std::string(), element_config(item)});
      return seq;
    }
    case Element::Type::Dict: {
      Config map;
      for (const auto& [key, value] : e.entries) map.push_back({key.text, element_config(value)});
      return map;
    }
  }
  return Config();
}

std::string Override::key_or_group() const {
  auto at = key.find('@');
  return at == std::string::npos ? key : key.substr(0, at);
}

std::optional<std::string> Override::package() const {
  auto at = key.find('@');
  if (at == std::string::npos) return std::nullopt;
  return key.substr(at + 1);
}

bool Override::is_hydra() const {
  std::string k = key_or_group();
  if (!k.empty() && k.front() == '/') k.erase(0, 1);
  return k == "hydra" || starts_with(k, "hydra.") || starts_with(k, "hydra/");
}

Config Override::config_value() const { return element_config(element()); }

std::string Override::key_element() const {
  switch (kind) {
    case Kind::Add: return "+" + key;
    case Kind::ForceAdd: return "++" + key;
    case Kind::Delete: return "~" + key;
    case Kind::Change: break;
  }
  return key;
}

}  // namespace hydra::internal

#include "config/interpolation.hpp"

#include "config/tree.hpp"
#include "config/yaml_io.hpp"
#include "util/errors.hpp"
#include "util/strings.hpp"

#include <hydra/resolver.hpp>

#include <cstdlib>
#include <ctime>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>

namespace hydra::internal {

namespace {

// Bounds of one resolution: forty keys that each repeat the one before twice (b: '${a}${a}')
// would otherwise ask for 2^40 bytes before anything fails.
constexpr std::size_t kMaxValueBytes = std::size_t{8} << 20;   // one resolved string
constexpr std::size_t kMaxTotalBytes = std::size_t{256} << 20; // all text one resolution builds

struct Segment {
  bool expr = false;
  std::string text;  // literal text, or the inside of ${...}
};

bool has_interpolation(std::string_view s) { return s.find("${") != std::string_view::npos; }

std::string show(const std::string& key) { return key.empty() ? std::string("<root>") : key; }

// Index of the '}' that closes the "${" at `open`, or npos. Inside, nested ${...} and {dicts}
// count, and quoted text hides braces.
std::size_t find_close(std::string_view s, std::size_t open) {
  int depth = 1;
  char quote = 0;
  for (std::size_t j = open + 2; j < s.size(); ++j) {
    char c = s[j];
    if (quote) {
      if (c == '\\')
        ++j;
      else if (c == quote)
        quote = 0;
      continue;
    }
    if (c == '\\') {
      ++j;  // an escaped brace or quote
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '{') {
      ++depth;  // a nested "${" or a dict
    } else if (c == '}') {
      if (--depth == 0) return j;
    }
  }
  return std::string_view::npos;
}

[[noreturn]] void unterminated(const std::string& s, const std::string& key) {
  throw UserError("Unterminated interpolation in '" + s + "' (at " + show(key) + "): a '${' has no closing '}'");
}

// Splits "a${x}b\${c}" into literal and expression segments; `\${` stays a literal "${".
std::vector<Segment> split_segments(const std::string& s, const std::string& key) {
  std::vector<Segment> out;
  std::string literal;
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '\\' && s.compare(i + 1, 2, "${") == 0) {
      literal += "${";
      i += 3;
      continue;
    }
    if (s.compare(i, 2, "${") == 0) {
      std::size_t j = find_close(s, i);
      if (j == std::string::npos) unterminated(s, key);
      if (!literal.empty()) out.push_back({false, std::move(literal)});
      literal.clear();
      out.push_back({true, s.substr(i + 2, j - i - 2)});
      i = j + 1;
      continue;
    }
    // Up to the next possible `${` or `\${` in one append: help templates are long literals.
    std::size_t next = i + 1;
    while (next < s.size() && s[next] != '$' && s[next] != '\\') ++next;  // find_first_of: a memchr per char
    literal.append(s, i, next - i);
    i = next;
  }
  if (!literal.empty()) out.push_back({false, std::move(literal)});
  return out;
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

bool digits_with_underscores(std::string_view s) {
  if (s.empty() || s.front() == '_' || s.back() == '_') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_') {
      if (s[i + 1] == '_') return false;
    } else if (s[i] < '0' || s[i] > '9') {
      return false;
    }
  }
  return true;
}

std::string without_underscores(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != '_' && c != '+') out += c;
  return out;
}

// OmegaConf's grammar tokens INT and FLOAT (Python literals, '_' between digits).
bool is_grammar_int(std::string_view s) {
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  if (s == "0") return true;
  return !s.empty() && s[0] != '0' && digits_with_underscores(s);
}

bool is_grammar_float(std::string_view s) {
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  if (detail::iequals(s, "inf") || detail::iequals(s, "nan")) return true;
  std::string_view mantissa = s, exponent;
  std::size_t e = s.find_first_of("eE");
  if (e != std::string_view::npos) {
    mantissa = s.substr(0, e);
    exponent = s.substr(e + 1);
    if (!exponent.empty() && (exponent[0] == '+' || exponent[0] == '-')) exponent.remove_prefix(1);
    if (!digits_with_underscores(exponent)) return false;
  }
  std::size_t dot = mantissa.find('.');
  if (dot == std::string_view::npos) return e != std::string_view::npos && digits_with_underscores(mantissa);
  std::string_view whole = mantissa.substr(0, dot), fraction = mantissa.substr(dot + 1);
  if (whole.empty() && fraction.empty()) return false;
  return (whole.empty() || digits_with_underscores(whole)) && (fraction.empty() || digits_with_underscores(fraction));
}

// A plain argument as OmegaConf's grammar types it: null, true/false (any case), int, float, text.
Config typed_scalar(const std::string& text) {
  if (detail::iequals(text, "null")) return Config(Value::null());
  if (detail::iequals(text, "true") || detail::iequals(text, "false"))
    return Config(Value::boolean(detail::iequals(text, "true")));
  if (is_grammar_int(text)) return Config(Value(NodeKind::Int, without_underscores(text)));
  if (is_grammar_float(text)) {
    std::string plain = without_underscores(text);
    std::string_view body = plain[0] == '-' ? std::string_view(plain).substr(1) : std::string_view(plain);
    if (detail::iequals(body, "inf")) return Config(Value(NodeKind::Float, plain[0] == '-' ? "-.inf" : ".inf"));
    if (detail::iequals(body, "nan")) return Config(Value(NodeKind::Float, ".nan"));
    return Config(Value::floating(std::strtod(plain.c_str(), nullptr)));
  }
  return Config(Value::string(text));
}

// Python's type name of a value, for messages that say what a resolver got.
std::string python_type(const Config& n) {
  switch (n.data().kind()) {
    case NodeKind::Map: return "DictConfig";
    case NodeKind::Sequence: return "ListConfig";
    case NodeKind::Null: return "NoneType";
    case NodeKind::Int: return "int";
    case NodeKind::Float: return "float";
    case NodeKind::Bool: return "bool";
    default: return "str";
  }
}

std::string missing_reference_message(const std::string& full, const std::string& key) {
  return "Interpolation key '" + full + "' is a missing value (?\?\?) (at " + show(key) +
         "). Set it, e.g. on the command line: " + full + "=<value>";
}

// An interpolation that leads to a ??? value: --cfg --resolve shows ??? for it.
class MissingReference : public UserError {
 public:
  using UserError::UserError;
};

struct UserResolvers {
  std::mutex mutex;
  std::map<std::string, ResolverFunction, std::less<>> functions;
};

UserResolvers& user_resolvers() {
  static UserResolvers resolvers;
  return resolvers;
}

constexpr std::string_view kBuiltinResolvers[] = {"now", "hydra", "oc.env", "oc.select", "oc.decode",
                                                   "oc.create", "oc.deprecated", "oc.dict.keys",
                                                   "oc.dict.values"};

bool is_resolver_name(std::string_view name) {
  if (name.empty()) return false;
  bool part_start = true;
  for (char c : name) {
    if (c == '.') {
      if (part_start) return false;
      part_start = true;
      continue;
    }
    bool letter = std::isalpha(static_cast<unsigned char>(c)) || c == '_';
    if (!letter && (part_start || !std::isdigit(static_cast<unsigned char>(c)))) return false;
    part_start = false;
  }
  return !part_start;
}

// Python's string.Template.safe_substitute: $NAME and ${NAME} of the given names, $$ a '$'.
std::string substitute(const std::string& text, const std::map<std::string, std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 >= text.size()) {
      out += text[i];
      continue;
    }
    if (text[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    bool braced = text[i + 1] == '{';
    std::size_t start = i + (braced ? 2 : 1), end = start;
    while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_')) ++end;
    auto found = names.find(text.substr(start, end - start));
    if (found == names.end() || (braced && (end >= text.size() || text[end] != '}'))) {
      out += text[i];
      continue;
    }
    out += found->second;
    i = braced ? end : end - 1;
  }
  return out;
}

// oc.deprecated warns once per key in a process (a run resolves its config several times).
void warn_deprecated_once(const std::string& key, const std::string& message) {
  static std::mutex mutex;
  static std::set<std::string> warned;
  std::lock_guard lock(mutex);
  if (warned.insert(key).second) std::cerr << "UserWarning: " << message << std::endl;
}

class Resolver {
 public:
  Resolver(const Config& root, const ResolveOptions& options) : root_(root), options_(options) {}

  // Resolves every interpolation under `n` in place; `key` is n's full key (a buffer the walk
  // extends and trims, so keys cost nothing until an interpolation or an error needs one).
  // `top`: a leaf whose failure lazy mode (or keep_missing) turns into an Unresolved (or ???) node.
  // In place, on a copy made once, because building a second tree node by node cost ten times
  // the copy (every ptree node is several allocations), and most of a config has no ${...}.
  void resolve_in_place(Config& n, std::string& key, bool top) {
    const Value& v = n.data();
    if (v.kind() == NodeKind::String) {
      if (has_interpolation(v.text()) || v.text().find("\\${") != std::string::npos) {
        Config value = resolve_string(v.text(), key, top);
        n.swap(value);
      }
      return;
    }
    if (!v.is_container()) return;
    const std::size_t key_size = key.size();
    const bool seq = v.kind() == NodeKind::Sequence;
    std::size_t index = 0;
    for (auto& [k, child] : n) {
      if (key_size) key += '.';
      if (seq)
        key += std::to_string(index++);
      else
        key += k;
      resolve_in_place(child, key, top);
      key.resize(key_size);
    }
  }

 private:
  bool lazy() const { return !options_.strict; }
  bool keeps_missing() const { return lazy() || options_.keep_missing; }

  static Config unresolved(const std::string& text, const std::string& key, const std::string& error) {
    return Config(Value::unresolved(text, "Key '" + show(key) + "' cannot be resolved: " + text + ": " + error));
  }

  // The value of a string leaf.
  Config resolve_string(const std::string& text, const std::string& key, bool top) {
    // Without an exception where a reference names a ??? value (the first one thrown costs a
    // process ~60k instructions and ~0.1 ms): in a RUN hydra.sweep.subdir's ${hydra.job.num},
    // and before the job starts the log file name's ${hydra.runtime.output_dir}.
    if (top && keeps_missing()) {
      if (auto missing = first_missing_reference(text, key)) {
        if (lazy()) return unresolved(text, key, missing_reference_message(*missing, key));
        return Config(Value::missing());
      }
    }
    try {
      return leaf(text, key);
    } catch (const MissingReference& e) {
      if (!top || !keeps_missing()) throw;
      if (lazy()) return unresolved(text, key, e.what());
      return Config(Value::missing());
    } catch (const UserError& e) {
      if (!top || !lazy()) throw;
      return unresolved(text, key, e.what());
    }
  }

  Config leaf(const std::string& text, const std::string& key) {
    for (const auto& k : stack_)
      if (k == key) {
        std::string chain;
        bool on = false;
        for (const auto& s : stack_) {
          if (s == key) on = true;
          if (on) chain += s + " -> ";
        }
        throw UserError("Interpolation cycle: " + chain + key + ". Break the loop in one of these keys");
      }
    stack_.push_back(key);
    struct Pop {
      std::vector<std::string>& s;
      ~Pop() { s.pop_back(); }
    } pop{stack_};
    return evaluate(text, key);
  }

  // The value of a string with interpolations, as a node. Nested ${...} and chains of references
  // (a: ${b}, b: ${c}, ...) recurse through here: past kMaxDepth it is an error, not a stack overflow.
  Config evaluate(const std::string& text, const std::string& key) {
    static constexpr int kMaxDepth = 256;
    if (depth_ >= kMaxDepth)
      throw UserError("Interpolation too deep (at " + show(key) + "): more than " + std::to_string(kMaxDepth) +
                      " nested ${...} or chained references. Refer to the final value directly");
    ++depth_;
    struct Leave {
      int& depth;
      ~Leave() { --depth; }
    } leave{depth_};
    auto segments = split_segments(text, key);
    if (segments.size() == 1 && segments[0].expr) return expression(segments[0].text, key, text);
    std::string out;
    for (const auto& seg : segments) append_bounded(out, seg.expr ? stringify(expression(seg.text, key, text), key) : seg.text, key);
    return Config(Value::string(std::move(out)));
  }

  // Appends to a value being built, within the bounds of one value and of the whole resolution.
  void append_bounded(std::string& out, const std::string& piece, const std::string& key) {
    if (out.size() + piece.size() > kMaxValueBytes)
      throw UserError("Interpolation result too large (at " + show(key) + "): more than " +
                      std::to_string(kMaxValueBytes >> 20) +
                      " MiB. Look for keys that repeat each other, e.g. b: '${a}${a}', c: '${b}${b}'");
    count_work(piece.size(), key);
    out += piece;
  }

  void count_work(std::size_t bytes, const std::string& key) {
    total_bytes_ += bytes;
    if (total_bytes_ > kMaxTotalBytes)
      throw UserError("Interpolation work limit reached (at " + show(key) + "): resolving the config built more than " +
                      std::to_string(kMaxTotalBytes >> 20) +
                      " MiB of text. Look for keys that repeat each other, e.g. b: '${a}${a}', c: '${b}${b}'");
  }

  static std::string stringify(const Config& n, const std::string& key) {
    switch (n.data().kind()) {
      case NodeKind::Bool: return n.data().text() == "true" || n.data().text() == "True" ? "True" : "False";
      case NodeKind::Null: return "None";
      case NodeKind::Missing: throw MissingReference("Missing value (?\?\?) used in a string interpolation (at " + show(key) + ")");
      case NodeKind::Unresolved: throw UserError(std::string(n.data().unresolved_error()));
      default: return inline_text(n);
    }
  }

  Config expression(const std::string& raw, const std::string& key, const std::string& whole) {
    std::string inner = trim(raw);
    if (inner.empty())
      throw UserError("Empty interpolation '" + whole + "' (at " + show(key) + "): write ${a.b} to refer to key a.b");
    // resolver:args ?
    std::size_t i = 0;
    while (i < inner.size() && (std::isalnum(static_cast<unsigned char>(inner[i])) || inner[i] == '_' || inner[i] == '.')) ++i;
    if (i > 0 && i < inner.size() && inner[i] == ':' && !std::isdigit(static_cast<unsigned char>(inner[0])) && inner[0] != '.')
      return call(inner.substr(0, i), inner.substr(i + 1), key, whole);
    std::string path = has_interpolation(inner) ? stringify(evaluate(inner, key), key) : inner;
    return reference(path, key);
  }

  // ---- Arguments, as OmegaConf's grammar reads them (element, sequence, primitive, quoted) ----

  static void skip_space(std::string_view s, std::size_t& i) {
    while (i < s.size() && is_space(s[i])) ++i;
  }

  // Elements separated by commas up to `close` (0: the end of `s`); an empty element is ''.
  std::vector<Config> sequence(std::string_view s, std::size_t& i, char close, const std::string& key) {
    std::vector<Config> items;
    while (true) {
      skip_space(s, i);
      bool at_end = i >= s.size() || (close && s[i] == close);
      if (at_end || s[i] == ',') {
        items.emplace_back(Value::string(""));
      } else {
        items.push_back(element(s, i, close == ']' ? ",]" : close == '}' ? ",}" : ",", key));
        skip_space(s, i);
      }
      if (i < s.size() && s[i] == ',') {
        ++i;
        continue;
      }
      return items;
    }
  }

  Config element(std::string_view s, std::size_t& i, std::string_view stops, const std::string& key) {
    skip_space(s, i);
    if (i < s.size() && s[i] == '[') return list(s, i, key);
    if (i < s.size() && s[i] == '{') return dict(s, i, key);
    if (i < s.size() && (s[i] == '\'' || s[i] == '"')) return quoted(s, i, key);
    return primitive(s, i, stops, key, true);
  }

  void expect(std::string_view s, std::size_t& i, char c, const std::string& key) {
    if (i < s.size() && s[i] == c) {
      ++i;
      return;
    }
    throw UserError("Cannot parse '" + std::string(s) + "' (at " + show(key) + "): expected '" + std::string(1, c) +
                    "' at position " + std::to_string(i));
  }

  Config list(std::string_view s, std::size_t& i, const std::string& key) {
    ++i;  // '['
    Config out(Value::sequence());
    skip_space(s, i);
    if (i < s.size() && s[i] == ']') {
      ++i;
      return out;
    }
    for (auto& item : sequence(s, i, ']', key)) push_back(out, std::move(item));
    expect(s, i, ']', key);
    return out;
  }

  Config dict(std::string_view s, std::size_t& i, const std::string& key) {
    ++i;  // '{'
    Config out(Value::map());
    skip_space(s, i);
    if (i < s.size() && s[i] == '}') {
      ++i;
      return out;
    }
    while (true) {
      std::string name = stringify(primitive(s, i, ":,}", key, true), key);
      expect(s, i, ':', key);
      Config value = element(s, i, ",}", key);
      skip_space(s, i);
      out.push_back({name, Config()})->second.swap(value);
      if (i < s.size() && s[i] == ',') {
        ++i;
        skip_space(s, i);
        continue;
      }
      expect(s, i, '}', key);
      return out;
    }
  }

  // 'text' or "text", with ${...} inside: always a string. \' (or \") is the quote itself.
  Config quoted(std::string_view s, std::size_t& i, const std::string& key) {
    const char q = s[i++];
    std::string out;
    while (i < s.size() && s[i] != q) {
      if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == q || s[i + 1] == '\\')) {
        out += s[i + 1];
        i += 2;
      } else if (s.compare(i, 2, "${") == 0) {
        std::size_t close = find_close(s, i);
        if (close == std::string_view::npos) unterminated(std::string(s), key);
        append_bounded(out, stringify(evaluate(std::string(s.substr(i, close + 1 - i)), key), key), key);
        i = close + 1;
      } else {
        out += s[i++];
      }
    }
    if (i >= s.size())
      throw UserError("Unterminated quoted string in '" + std::string(s) + "' (at " + show(key) + "): add the closing " +
                      std::string(1, q));
    ++i;
    return Config(Value::string(std::move(out)));
  }

  // Unquoted text up to one of `stops`: one ${...} alone is its value (any type), one plain token
  // is typed (1, 1.5, true, null), anything else is the text with the ${...} values in it.
  // `trim_blanks`: trailing blanks belong to the delimiter (not for oc.decode's " 7 ", a string).
  Config primitive(std::string_view s, std::size_t& i, std::string_view stops, const std::string& key, bool trim_blanks) {
    struct Piece {
      std::optional<Config> value;  // a ${...}
      std::string text;             // literal text, escapes undone
    };
    std::vector<Piece> pieces;
    bool plain = true;  // no ${...} and no escape: typed as a token
    while (i < s.size() && stops.find(s[i]) == std::string_view::npos) {
      if (s.compare(i, 2, "${") == 0) {
        std::size_t close = find_close(s, i);
        if (close == std::string_view::npos) unterminated(std::string(s), key);
        pieces.push_back({evaluate(std::string(s.substr(i, close + 1 - i)), key), {}});
        plain = false;
        i = close + 1;
        continue;
      }
      if (pieces.empty() || pieces.back().value) pieces.emplace_back();
      std::string& text = pieces.back().text;
      if (s[i] == '\\' && i + 1 < s.size()) {
        if (s.compare(i + 1, 2, "${") == 0) {
          plain = false;
          text += "${";
          i += 3;
          continue;
        }
        if (std::string_view("\\[]{}():=, \t'\"").find(s[i + 1]) != std::string_view::npos) {
          plain = false;
          text += s[i + 1];
          i += 2;
          continue;
        }
      }
      text += s[i++];
    }
    if (trim_blanks && !pieces.empty() && !pieces.back().value) {
      std::string& last = pieces.back().text;
      last.erase(last.find_last_not_of(" \t") + 1);
      if (last.empty()) pieces.pop_back();
    }
    if (pieces.size() == 1 && pieces[0].value) return std::move(*pieces[0].value);
    std::string text;
    for (const auto& piece : pieces) append_bounded(text, piece.value ? stringify(*piece.value, key) : piece.text, key);
    if (plain && !text.empty() && text.find_first_of(" \t") == std::string::npos) return typed_scalar(text);
    return Config(Value::string(std::move(text)));
  }

  std::vector<Config> arguments(const std::string& args, const std::string& key) {
    if (trim(args).empty()) return {};
    std::size_t i = 0;
    auto items = sequence(args, i, 0, key);
    if (i < args.size())
      throw UserError("Cannot parse the arguments '" + args + "' (at " + show(key) + "): unexpected '" +
                      std::string(1, args[i]) + "' at position " + std::to_string(i));
    return items;
  }

  static void expect_count(const std::string& name, const std::vector<Config>& args, std::size_t min, std::size_t max,
                           const std::string& key, const std::string& whole) {
    if (args.size() >= min && args.size() <= max) return;
    std::string wanted = min == max ? std::to_string(min) : std::to_string(min) + " to " + std::to_string(max);
    throw UserError("'" + whole + "' (at " + show(key) + "): " + name + " takes " + wanted + " argument" +
                    (max == 1 ? "" : "s") + ", got " + std::to_string(args.size()));
  }

  static std::string string_argument(const std::string& name, const Config& arg, const std::string& what,
                                     const std::string& key, const std::string& whole) {
    if (arg.data().kind() != NodeKind::String)
      throw UserError("'" + whole + "' (at " + show(key) + "): " + name + " needs a string as " + what + ", got '" +
                      inline_text(arg) + "' of type " + python_type(arg));
    return arg.data().text();
  }

  // ---- Resolvers ----

  // The one argument of ${now:fmt} or ${hydra:key} as text, without the grammar where it has
  // nothing the grammar would change (every run resolves a few of these).
  std::string text_argument(const std::string& args_text, const std::string& key) {
    if (args_text.find_first_of(",'\"[]{}\\$") == std::string::npos) return trim(args_text);
    auto args = arguments(args_text, key);
    return args.empty() ? std::string() : stringify(args[0], key);
  }

  Config call(const std::string& name, const std::string& args_text, const std::string& key, const std::string& whole) {
    if (name == "now") return now(text_argument(args_text, key));
    if (name == "hydra") {
      std::string path = trim(text_argument(args_text, key));
      const Config* target = find_node(root_, path.empty() ? "hydra" : "hydra." + path);
      // OmegaConf.select: a key that is not there, or ???, is null.
      if (!target || target->data().kind() == NodeKind::Missing) return Config(Value::null());
      Config result = *target;
      std::string result_key = path.empty() ? "hydra" : "hydra." + path;
      ResolveOptions whole_config = options_;
      whole_config.without_hydra_node = false;
      Resolver inner(root_, whole_config);
      inner.resolve_in_place(result, result_key, false);
      return result;
    }
    if (name == "oc.env") return env(arguments(args_text, key), key, whole);
    if (name == "oc.select") return select(arguments(args_text, key), key, whole);
    if (name == "oc.decode") return decode(arguments(args_text, key), key, whole);
    if (name == "oc.create") return create(arguments(args_text, key), key, whole);
    if (name == "oc.deprecated") return deprecated(arguments(args_text, key), key, whole);
    if (name == "oc.dict.keys" || name == "oc.dict.values") return dict_items(name, arguments(args_text, key), key, whole);
    return user_resolver(name, args_text, key, whole);
  }

  Config now(const std::string& format) {
    std::time_t t = std::chrono::system_clock::to_time_t(options_.now);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[512];
    std::size_t n = format.empty() ? 0 : std::strftime(buf, sizeof buf, format.c_str(), &tm);
    return Config(Value::string(std::string(buf, n)));
  }

  Config env(const std::vector<Config>& args, const std::string& key, const std::string& whole) {
    if (args.empty())
      throw UserError("'" + whole + "' names no environment variable (at " + show(key) + "): write ${oc.env:VAR}");
    expect_count("oc.env", args, 1, 2, key, whole);
    std::string var = stringify(args[0], key);
    if (const char* value = std::getenv(var.c_str())) return Config(Value::string(value));
    if (args.size() == 2) {
      if (args[1].data().kind() == NodeKind::Null) return args[1];
      return Config(Value::string(stringify(args[1], key)));
    }
    throw UserError("Environment variable '" + var + "' not found (at " + show(key) +
                    "). Set it, or give a default: ${oc.env:" + var + ",<default>}");
  }

  // oc.select: the value at a key, or the default (null without one) where the key is not there or ???.
  Config select(const std::vector<Config>& args, const std::string& key, const std::string& whole) {
    expect_count("oc.select", args, 1, 2, key, whole);
    std::string path = stringify(args[0], key);
    const Config* target = lookup(absolute_key(path, key));
    if (target && target->data().kind() != NodeKind::Missing) return reference(path, key);
    return args.size() == 2 ? args[1] : Config(Value::null());
  }

  // oc.decode: a string read as one grammar element ("1" an int, "[1, a]" a list, "{a: 1}" a map).
  Config decode(const std::vector<Config>& args, const std::string& key, const std::string& whole) {
    expect_count("oc.decode", args, 1, 1, key, whole);
    const Value& v = args[0].data();
    if (v.kind() == NodeKind::Null) return args[0];
    if (v.kind() != NodeKind::String)
      throw UserError("'" + whole + "' (at " + show(key) + "): oc.decode can only take strings or None as input, but '" +
                      inline_text(args[0]) + "' is of type " + python_type(args[0]));
    const std::string& text = v.text();
    if (text.empty()) throw UserError("'" + whole + "' (at " + show(key) + "): oc.decode got an empty string");
    std::size_t i = 0;
    Config out = is_space(text[0]) ? primitive(text, i, ",]}", key, false) : element(text, i, ",]}", key);
    if (i < text.size())
      throw UserError("'" + whole + "' (at " + show(key) + "): oc.decode cannot parse '" + text + "': unexpected '" +
                      std::string(1, text[i]) + "' at position " + std::to_string(i));
    return out;
  }

  // oc.create: a map or list argument as a config node; a string is read as YAML.
  Config create(const std::vector<Config>& args, const std::string& key, const std::string& whole) {
    expect_count("oc.create", args, 1, 1, key, whole);
    const Value& v = args[0].data();
    if (v.is_container() || v.kind() == NodeKind::Null) return args[0];
    if (v.kind() != NodeKind::String)
      throw UserError("'" + whole + "' (at " + show(key) + "): oc.create: object of unsupported type: '" +
                      python_type(args[0]) + "'");
    Config created = parse_yaml(v.text(), "oc.create at " + show(key));
    if (!created.data().is_container())
      throw UserError("'" + whole + "' (at " + show(key) + "): oc.create needs YAML of a map or a list, got '" +
                      v.text() + "'");
    std::string created_key = key;
    resolve_in_place(created, created_key, lazy());  // ${...} in the YAML refer to the config, as OmegaConf's parent does
    return created;
  }

  // oc.deprecated: the value of the key that replaces this one, with a warning naming both.
  Config deprecated(const std::vector<Config>& args, const std::string& key, const std::string& whole) {
    expect_count("oc.deprecated", args, 1, 2, key, whole);
    std::string new_key = string_argument("oc.deprecated", args[0], "the interpolation key", key, whole);
    std::string message = args.size() == 2 ? string_argument("oc.deprecated", args[1], "the message", key, whole)
                                           : "'$OLD_KEY' is deprecated. Change your code and config to use '$NEW_KEY'";
    std::string full = absolute_key(new_key, key);
    const Config* target = lookup(full);
    if (!target) throw UserError("In oc.deprecated resolver at '" + show(key) + "': Key not found: '" + new_key + "'");
    message = substitute(message, {{"OLD_KEY", key}, {"NEW_KEY", full}});
    warn_deprecated_once(key, message);
    if (target->data().kind() == NodeKind::Missing) return *target;
    return reference(full, key);
  }

  // oc.dict.keys / oc.dict.values: the keys (or the values) of a map, as a list.
  Config dict_items(const std::string& name, const std::vector<Config>& args, const std::string& key,
                    const std::string& whole) {
    expect_count(name, args, 1, 1, key, whole);
    if (args[0].data().kind() != NodeKind::String)
      throw UserError("'" + whole + "' (at " + show(key) + "): " + name + " requires a string as input, but got '" +
                      inline_text(args[0]) + "' of type " + python_type(args[0]));
    const std::string& path = args[0].data().text();
    std::string full = absolute_key(path, key);
    const Config* target = lookup(full);
    if (!target) throw UserError("'" + whole + "' (at " + show(key) + "): " + name + ": Key not found: '" + path + "'");
    if (target->data().kind() == NodeKind::Missing) throw MissingReference(missing_reference_message(full, key));
    Config map = reference(full, key);
    if (map.data().kind() != NodeKind::Map)
      throw UserError("'" + whole + "' (at " + show(key) + "): " + name + " cannot be applied to objects of type: " +
                      python_type(map));
    Config out(Value::sequence());
    for (auto& [k, child] : map) push_back(out, name == "oc.dict.keys" ? Config(Value::string(k)) : child);
    return out;
  }

  Config user_resolver(const std::string& name, const std::string& args_text, const std::string& key,
                       const std::string& whole) {
    ResolverFunction fn;
    {
      auto& resolvers = user_resolvers();
      std::lock_guard lock(resolvers.mutex);
      auto found = resolvers.functions.find(name);
      if (found != resolvers.functions.end()) fn = found->second;
    }
    if (!fn)
      throw UserError("Unsupported interpolation type '" + name + "' in '" + whole + "' (at " + show(key) +
                      "). Known: now, hydra, oc.env, oc.select, oc.decode, oc.create, oc.deprecated, oc.dict.keys, "
                      "oc.dict.values, a resolver the app registers, or a key (${a.b})");
    auto args = arguments(args_text, key);
    try {
      return fn(args);
    } catch (const std::exception& e) {
      throw UserError("Resolver '" + name + "' failed in '" + whole + "' (at " + show(key) + "): " + e.what());
    }
  }

  // ---- References ----

  // The key of the first reference in `text` that names a ??? value, seen without evaluating:
  // a ${a.b} or ${hydra:a.b}. Lazy mode looks at every reference (every failure keeps the leaf);
  // keep_missing only at the first, since an earlier failure of another kind is an error.
  std::optional<std::string> first_missing_reference(const std::string& text, const std::string& key) {
    std::vector<Segment> segments;
    try {
      segments = split_segments(text, key);
    } catch (const UserError&) {
      return std::nullopt;  // evaluation reports it
    }
    for (const auto& segment : segments) {
      if (!segment.expr) continue;
      if (auto full = names_a_missing_value(segment.text, key)) return full;
      if (options_.strict) return std::nullopt;
    }
    return std::nullopt;
  }

  std::optional<std::string> names_a_missing_value(std::string_view inner, const std::string& key) {
    if (inner.substr(0, 6) == "hydra:") return std::nullopt;  // ${hydra:...} of a ??? is null
    if (inner.empty()) return std::nullopt;
    for (char c : inner)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.') return std::nullopt;
    std::string full;
    try {
      full = absolute_key(std::string(inner), key);
    } catch (const UserError&) {
      return std::nullopt;
    }
    const Config* target = lookup(full);
    if (target && target->data().kind() == NodeKind::Missing) return full;
    return std::nullopt;
  }

  // Absolute key of a reference written at `key`: "a.b" stays, ".x" is a sibling, "..x" one up.
  std::string absolute_key(const std::string& path, const std::string& key) {
    if (path.empty() || path.front() != '.') return path;
    std::size_t dots = 0;
    while (dots < path.size() && path[dots] == '.') ++dots;
    auto parts = split_key(key);
    // The containing node of `key`, then one more level up per extra dot.
    if (parts.size() < dots)
      throw UserError("Interpolation key '" + path + "' goes above the root (at " + show(key) + ")");
    parts.resize(parts.size() - dots);
    return join_key(join(parts, "."), path.substr(dots));
  }

  struct Failure {
    bool missing = false;
    std::string message;
  };

  Config reference(const std::string& path, const std::string& key) {
    std::string full = absolute_key(trim(path), key);
    if (auto memo = memo_.find(full); memo != memo_.end()) {
      count_work(memo->second.data().text().size(), key);
      return memo->second;
    }
    if (auto failed = failures_.find(full); failed != failures_.end()) {
      if (failed->second.missing) throw MissingReference(failed->second.message);
      throw UserError(failed->second.message);
    }
    const Config* target = lookup(full);
    if (!target) throw UserError("Interpolation key '" + full + "' not found (at " + show(key) + ")");
    if (target->data().kind() == NodeKind::Missing) throw MissingReference(missing_reference_message(full, key));
    Config result = *target;
    std::string result_key = full;
    try {
      // A map or list keeps its own unresolvable leaves apart (lazy) or as ??? (keep_missing);
      // a leaf that fails fails the reference.
      resolve_in_place(result, result_key, keeps_missing() && result.data().is_container());
    } catch (const MissingReference& e) {
      failures_.emplace(full, Failure{true, e.what()});
      throw;
    } catch (const UserError& e) {
      failures_.emplace(full, Failure{false, e.what()});
      throw;
    }
    count_work(result.data().text().size(), key);
    memo_.emplace(full, result);
    return result;
  }

  // The node a reference names; the `hydra` node is not there in a task's view.
  const Config* lookup(const std::string& full) const {
    if (options_.without_hydra_node && full.compare(0, 5, "hydra") == 0 && (full.size() == 5 || full[5] == '.'))
      return nullptr;
    return find_node(root_, full);
  }

  const Config& root_;
  const ResolveOptions& options_;
  std::vector<std::string> stack_;
  std::map<std::string, Config> memo_;
  std::map<std::string, Failure> failures_;
  std::size_t total_bytes_ = 0;
  int depth_ = 0;
};

// Scans in place, without splitting into segments: it runs over every string of every config,
// help templates included.
void check_string_syntax(const std::string& text, const std::string& key) {
  for (std::size_t i = text.find("${"); i != std::string::npos; i = text.find("${", i)) {
    if (i > 0 && text[i - 1] == '\\') {  // \${ is literal
      i += 2;
      continue;
    }
    std::size_t close = find_close(text, i);
    if (close == std::string::npos) unterminated(text, key);
    if (text.find_first_not_of(" \t", i + 2) == close)
      throw UserError("Empty interpolation '" + text + "' (at " + show(key) + "): write ${a.b} to refer to key a.b");
    i = close + 1;
  }
}

void check_syntax(const Config& node, std::string& key) {
  const Value& v = node.data();
  if (v.kind() == NodeKind::String) {
    check_string_syntax(v.text(), key);
    return;
  }
  if (!v.is_container()) return;
  const std::size_t key_size = key.size();
  std::size_t index = 0;
  for (const auto& [k, child] : node) {
    if (key_size) key += '.';
    key += v.kind() == NodeKind::Sequence ? std::to_string(index++) : k;
    check_syntax(child, key);
    key.resize(key_size);
  }
}

}  // namespace

bool has_interpolations(const Config& node) {
  const Value& v = node.data();
  if (v.kind() == NodeKind::String) return v.text().find("${") != std::string::npos;
  for (const auto& [key, child] : node)
    if (has_interpolations(child)) return true;
  return false;
}

void check_interpolation_syntax(const Config& root) {
  std::string key;
  check_syntax(root, key);
}

void resolve_in_place(const Config& root, Config& node, const std::string& node_key, const ResolveOptions& options) {
  Resolver resolver(root, options);
  std::string key = node_key;
  resolver.resolve_in_place(node, key, true);
}

Config resolve(const Config& root, const Config& node, const std::string& node_key, const ResolveOptions& options) {
  Config out = node;
  resolve_in_place(root, out, node_key, options);
  return out;
}

}  // namespace hydra::internal

namespace hydra {

bool register_resolver(const std::string& name, ResolverFunction fn) {
  using internal::kBuiltinResolvers;
  if (!internal::is_resolver_name(name))
    throw std::invalid_argument("hydra::register_resolver: '" + name +
                                "' is not a resolver name (letters, digits and '_', parts separated by '.')");
  for (auto builtin : kBuiltinResolvers)
    if (name == builtin)
      throw std::invalid_argument("hydra::register_resolver: '" + name + "' is a resolver Hydra defines");
  if (!fn) throw std::invalid_argument("hydra::register_resolver: '" + name + "' has no function");
  auto& resolvers = internal::user_resolvers();
  std::lock_guard lock(resolvers.mutex);
  if (!resolvers.functions.emplace(name, std::move(fn)).second)
    throw std::invalid_argument("hydra::register_resolver: a resolver '" + name + "' is already registered");
  return true;
}

}  // namespace hydra

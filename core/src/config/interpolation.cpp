#include "config/interpolation.hpp"

#include "config/tree.hpp"
#include "util/errors.hpp"
#include "util/strings.hpp"

#include <cstdlib>
#include <ctime>
#include <map>

namespace hydra::internal {

namespace {

struct Segment {
  bool expr = false;
  std::string text;  // literal text, or the inside of ${...}
};

bool has_interpolation(const std::string& s) { return s.find("${") != std::string::npos; }

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
      std::size_t j = i + 2;
      int depth = 1;
      char quote = 0;
      for (; j < s.size(); ++j) {
        char c = s[j];
        if (quote) {
          if (c == quote) quote = 0;
          continue;
        }
        if (c == '\'' || c == '"') {
          quote = c;
        } else if (c == '$' && j + 1 < s.size() && s[j + 1] == '{') {
          ++depth;
          ++j;
        } else if (c == '}') {
          if (--depth == 0) break;
        }
      }
      if (depth != 0)
        throw UserError("Unterminated interpolation in '" + s + "' (at " + (key.empty() ? "<root>" : key) +
                        "): a '${' has no closing '}'");
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

std::vector<std::string> split_args(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  char quote = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quote) {
      if (c == quote) quote = 0;
      cur += c;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '{' || c == '[' || c == '(') {
      ++depth;
    } else if ((c == '}' || c == ']' || c == ')') && depth > 0) {
      --depth;
    } else if (c == ',' && depth == 0) {
      out.push_back(trim(cur));
      cur.clear();
      continue;
    }
    cur += c;
  }
  out.push_back(trim(cur));
  return out;
}

std::string show(const std::string& key) { return key.empty() ? std::string("<root>") : key; }

// An interpolation that leads to a ??? value (ResolveOptions::keep_missing).
class MissingReference : public UserError {
 public:
  using UserError::UserError;
};

class Resolver {
 public:
  Resolver(const Config& root, const ResolveOptions& options) : root_(root), options_(options) {}

  // Resolves every interpolation under `n` in place; `key` is n's full key (a buffer the walk
  // extends and trims, so keys cost nothing until an interpolation or an error needs one).
  // `top`: a leaf of the requested subtree (lenient mode keeps it as written on failure).
  // In place, on a copy made once, because building a second tree node by node cost ten times
  // the copy (every ptree node is several allocations), and most of a config has no ${...}.
  void resolve_in_place(Config& n, std::string& key, bool top) {
    const Value& v = n.data();
    if (v.kind() == NodeKind::String) {
      if (has_interpolation(v.text()) || v.text().find("\\${") != std::string::npos) {
        Config value;
        if (resolve_string(v.text(), key, top, value)) n.swap(value);
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
  // The value of a string leaf into `out`; false when lenient mode keeps the leaf as written.
  bool resolve_string(const std::string& text, const std::string& key, bool top, Config& out) {
    // Kept as written without an exception (the first one thrown costs a process ~60k
    // instructions and ~0.1 ms): in a RUN's lenient passes hydra.sweep.subdir's ${hydra.job.num},
    // and before the job starts the log file name's ${hydra.runtime.output_dir}.
    if (top && (!options_.strict || options_.keep_missing) && kept_for_a_missing_reference(text, key)) return false;
    try {
      Config value = leaf(text, key);
      out.swap(value);  // ptree: swap, not a copying assignment
      return true;
    } catch (const MissingReference&) {
      if (top && (!options_.strict || options_.keep_missing)) return false;
      throw;
    } catch (const UserError&) {
      if (top && !options_.strict) return false;
      throw;
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
    for (const auto& seg : segments) out += seg.expr ? stringify(expression(seg.text, key, text), key) : seg.text;
    return Config(Value::string(out));
  }

  static std::string stringify(const Config& n, const std::string& key) {
    switch (n.data().kind()) {
      case NodeKind::Bool: return n.data().text() == "true" || n.data().text() == "True" ? "True" : "False";
      case NodeKind::Null: return "None";
      case NodeKind::Missing: throw MissingReference("Missing value (?\?\?) used in a string interpolation (at " + show(key) + ")");
      default: return inline_text(n);
    }
  }

  Config argument(const std::string& arg, const std::string& key) {
    if (arg.size() >= 2 && (arg.front() == '\'' || arg.front() == '"') && arg.back() == arg.front())
      return Config(Value::string(arg.substr(1, arg.size() - 2)));
    if (has_interpolation(arg)) return evaluate(arg, key);
    NodeKind kind = classify_plain_scalar(arg);
    if (kind == NodeKind::Null) return Config(Value::null());
    return Config(Value(kind, arg));
  }

  Config expression(const std::string& raw, const std::string& key, const std::string& whole) {
    std::string inner = trim(raw);
    if (inner.empty())
      throw UserError("Empty interpolation '" + whole + "' (at " + show(key) + "): write ${a.b} to refer to key a.b");
    // resolver:args ?
    std::size_t i = 0;
    while (i < inner.size() && (std::isalnum(static_cast<unsigned char>(inner[i])) || inner[i] == '_' || inner[i] == '.')) ++i;
    if (i > 0 && i < inner.size() && inner[i] == ':' && !std::isdigit(static_cast<unsigned char>(inner[0])) && inner[0] != '.') {
      std::string name = inner.substr(0, i);
      std::string args = inner.substr(i + 1);
      return resolver(name, args, key, whole);
    }
    std::string path = has_interpolation(inner) ? stringify(evaluate(inner, key), key) : inner;
    return reference(path, key);
  }

  Config resolver(const std::string& name, const std::string& args, const std::string& key, const std::string& whole) {
    if (name == "now") {
      std::string format = has_interpolation(args) ? stringify(evaluate(args, key), key) : args;
      std::time_t t = std::chrono::system_clock::to_time_t(options_.now);
      std::tm tm{};
      localtime_r(&t, &tm);
      char buf[512];
      std::size_t n = format.empty() ? 0 : std::strftime(buf, sizeof buf, format.c_str(), &tm);
      return Config(Value::string(std::string(buf, n)));
    }
    if (name == "hydra") {
      std::string path = trim(has_interpolation(args) ? stringify(evaluate(args, key), key) : args);
      return reference(path.empty() ? "hydra" : "hydra." + path, key);
    }
    if (name == "oc.env") {
      if (trim(args).empty())
        throw UserError("'" + whole + "' names no environment variable (at " + show(key) + "): write ${oc.env:VAR}");
      auto list = split_args(args);
      std::string var = stringify(argument(list[0], key), key);
      if (const char* value = std::getenv(var.c_str())) return Config(Value::string(value));
      if (list.size() >= 2) {
        Config def = argument(list[1], key);
        if (def.data().kind() == NodeKind::Null) return def;
        return Config(Value::string(stringify(def, key)));
      }
      throw UserError("Environment variable '" + var + "' not found (at " + show(key) +
                      "). Set it, or give a default: ${oc.env:" + var + ",<default>}");
    }
    if (name == "oc.select") {
      auto list = split_args(args);
      std::string path = stringify(argument(list[0], key), key);
      std::string full = absolute_key(path, key);
      const Config* target = find_node(root_, full);
      if (target && target->data().kind() != NodeKind::Missing) return reference(path, key);
      if (list.size() >= 2) return argument(list[1], key);
      return Config(Value::null());
    }
    throw UserError("Unsupported interpolation type '" + name + "' in '" + whole + "' (at " + show(key) +
                    "). Known: now, hydra, oc.env, oc.select, or a key (${a.b})");
  }

  // Whether evaluating `text` would end in a MissingReference that lenient mode (or keep_missing)
  // keeps as written, seen without evaluating: a ${a.b} or ${hydra:a.b} naming a ??? value. In
  // lenient mode any such reference decides it (every failure keeps the leaf); with keep_missing
  // only the first reference, since an earlier failure of another kind would be an error.
  bool kept_for_a_missing_reference(const std::string& text, const std::string& key) {
    std::vector<Segment> segments;
    try {
      segments = split_segments(text, key);
    } catch (const UserError&) {
      return false;  // evaluation reports it
    }
    for (const auto& segment : segments) {
      if (!segment.expr) continue;
      if (names_a_missing_value(segment.text, key)) return true;
      if (options_.strict) return false;
    }
    return false;
  }

  bool names_a_missing_value(std::string_view inner, const std::string& key) {
    std::string prefix;
    if (inner.substr(0, 6) == "hydra:") {
      inner.remove_prefix(6);
      prefix = "hydra.";
    }
    if (inner.empty()) return false;
    for (char c : inner)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.') return false;
    std::string path = prefix + std::string(inner);
    std::string full;
    try {
      full = absolute_key(path, key);
    } catch (const UserError&) {
      return false;
    }
    const Config* target = find_node(root_, full);
    return target && target->data().kind() == NodeKind::Missing;
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

  Config reference(const std::string& path, const std::string& key) {
    std::string full = absolute_key(trim(path), key);
    auto memo = memo_.find(full);
    if (memo != memo_.end()) return memo->second;
    const Config* target = find_node(root_, full);
    if (!target) throw UserError("Interpolation key '" + full + "' not found (at " + show(key) + ")");
    if (target->data().kind() == NodeKind::Missing)
      throw MissingReference("Interpolation key '" + full + "' is a missing value (?\?\?) (at " + show(key) +
                      "). Set it, e.g. on the command line: " + full + "=<value>");
    Config result = *target;
    std::string result_key = full;
    resolve_in_place(result, result_key, false);
    memo_.emplace(full, result);
    return result;
  }

  const Config& root_;
  const ResolveOptions& options_;
  std::vector<std::string> stack_;
  std::map<std::string, Config> memo_;
  int depth_ = 0;
};

}  // namespace

bool has_interpolations(const Config& node) {
  const Value& v = node.data();
  if (v.kind() == NodeKind::String) return v.text().find("${") != std::string::npos;
  for (const auto& [key, child] : node)
    if (has_interpolations(child)) return true;
  return false;
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

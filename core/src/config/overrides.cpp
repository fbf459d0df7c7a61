#include "config/overrides.hpp"

#include "util/errors.hpp"
#include "util/strings.hpp"

namespace hydra::internal {

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

Override parse_override(const std::string& text) {
  Override ov;
  ov.input = text;
  std::string_view rest = text;
  if (starts_with(rest, "++")) {
    ov.kind = Override::Kind::ForceAdd;
    rest.remove_prefix(2);
  } else if (starts_with(rest, "+")) {
    ov.kind = Override::Kind::Add;
    rest.remove_prefix(1);
  } else if (starts_with(rest, "~")) {
    ov.kind = Override::Kind::Delete;
    rest.remove_prefix(1);
  }
  auto eq = rest.find('=');
  std::string key(rest.substr(0, eq));
  while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.pop_back();
  while (!key.empty() && (key.front() == ' ' || key.front() == '\t')) key.erase(0, 1);
  if (key.empty())
    throw UserError("Invalid override '" + text + "': the key is empty. Write key=value (e.g. foo.bar=1)");
  for (char c : key)
    if (c == ' ' || c == '\t' || c == '\'' || c == '"' || c == ',' || c == '[' || c == '{')
      throw UserError("Invalid override '" + text + "': '" + key +
                      "' is not a valid key. Write key=value (e.g. foo.bar=1)");
  ov.key = key;
  if (eq == std::string_view::npos) {
    if (ov.kind != Override::Kind::Delete)
      throw UserError("Invalid override '" + text + "': expected key=value (or ~key to delete). Did you mean " +
                      text + "=<value>?");
  } else {
    ov.value = std::string(rest.substr(eq + 1));
  }
  return ov;
}

bool is_sweep_value(std::string_view value) {
  std::size_t i = 0;
  while (i < value.size() && (value[i] == ' ' || value[i] == '\t')) ++i;
  static constexpr std::string_view sweep_functions[] = {"choice(", "range(", "interval(", "glob(",
                                                          "shuffle(", "sort(", "tag("};
  for (auto fn : sweep_functions)
    if (starts_with(value.substr(i), fn)) return true;
  return split_top_level(value.substr(i), ',').size() > 1;
}

std::vector<std::string> split_top_level(std::string_view text, char sep) {
  std::vector<std::string> parts;
  std::string current;
  int depth = 0;
  char quote = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote) {
      current += c;
      if (c == '\\' && i + 1 < text.size()) {
        current += text[++i];
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '\\' && i + 1 < text.size()) {
      current += c;
      current += text[++i];
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '[' || c == '{' || c == '(') {
      ++depth;
    } else if ((c == ']' || c == '}' || c == ')') && depth > 0) {
      --depth;
    } else if (c == sep && depth == 0) {
      parts.push_back(trim(current));
      current.clear();
      continue;
    }
    current += c;
  }
  parts.push_back(trim(current));
  return parts;
}

}  // namespace hydra::internal

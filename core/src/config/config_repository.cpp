#include "config/config_repository.hpp"

#include "config/tree.hpp"
#include "config/tree_codec.hpp"
#include "config/yaml_io.hpp"
#include "util/errors.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <mutex>

namespace hydra::internal {

namespace {

std::optional<std::string> package_header(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    std::string_view line = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    pos = end == std::string_view::npos ? text.size() : end + 1;
    std::size_t i = 0;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    if (i == line.size()) continue;
    if (line[i] != '#') break;
    ++i;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    // As Hydra: the header is the leading `# @key value` lines; any other line (a plain comment
    // too) ends it.
    if (i == line.size() || line[i] != '@') break;
    if (!starts_with(line.substr(i), "@package")) continue;
    i += 8;
    if (i < line.size() && line[i] != ' ' && line[i] != '\t') continue;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    std::size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t' && line[j] != '\r') ++j;
    return std::string(line.substr(i, j - i));
  }
  return std::nullopt;
}

std::string scalar_text(const Config& node, const std::string& origin, const std::string& what) {
  if (node.data().is_scalar() || node.data().kind() == NodeKind::Missing) return node.data().text();
  throw UserError(origin + ": " + what + " must be a name, found " + to_string(node.data().kind()) + " " +
                  inline_text(node));
}

// A package is a dotted key path: an empty component (`a..b`, `.a`, `a.`) would create '' keys.
void check_package(const std::string& package, const std::string& origin, const std::string& entry) {
  if (package.empty()) return;
  for (const auto& part : split(package, '.'))
    if (part.empty())
      throw UserError(origin + ": invalid package '" + package + "' in " + entry +
                      ": a package is a dotted path of keys (e.g. db.primary) without empty components");
}

DefaultEntry parse_entry(const Config& item, const std::string& origin) {
  DefaultEntry e;
  const std::string hint = ". Use '- group: option', '- config_name' or '- _self_'";
  if (item.data().is_scalar()) {
    std::string text = item.data().text();
    if (text == "_self_") return e;
    e.type = DefaultEntry::Type::Config;
    auto at = text.find('@');
    if (at != std::string::npos) {
      e.package = text.substr(at + 1);
      check_package(*e.package, origin, "defaults entry '" + text + "'");
      text.resize(at);
    }
    e.path = text;
    if (e.path.empty()) throw UserError(origin + ": invalid defaults entry '" + item.data().text() + "'" + hint);
    return e;
  }
  if (item.data().kind() != NodeKind::Map || item.size() != 1)
    throw UserError(origin + ": invalid defaults entry " + inline_text(item) + hint);
  const auto& [key, value] = *item.begin();
  std::vector<std::string> words;
  for (auto& w : split(key, ' '))
    if (!w.empty()) words.push_back(w);
  if (words.empty()) throw UserError(origin + ": invalid defaults entry " + inline_text(item) + hint);
  for (std::size_t i = 0; i + 1 < words.size(); ++i) {
    if (words[i] == "optional") {
      e.optional = true;
    } else if (words[i] == "override") {
      e.is_override = true;
    } else {
      throw UserError(origin + ": invalid defaults entry '" + key + "': unknown keyword '" + words[i] +
                      "' (only 'optional' and 'override' are allowed before the group)");
    }
  }
  std::string group = words.back();
  auto at = group.find('@');
  if (at != std::string::npos) {
    e.package = group.substr(at + 1);
    check_package(*e.package, origin, "defaults entry '" + key + "'");
    group.resize(at);
  }
  if (group.empty() || group == "/") throw UserError(origin + ": invalid defaults entry " + inline_text(item) + hint);
  e.type = DefaultEntry::Type::Group;
  e.path = group;
  switch (value.data().kind()) {
    case NodeKind::Null: e.null_value = true; break;
    case NodeKind::Sequence:
      e.multi = true;
      for (const auto& [k, opt] : value) e.options.push_back(scalar_text(opt, origin, "an option of '" + key + "'"));
      break;
    default: e.options.push_back(scalar_text(value, origin, "the option of '" + key + "'"));
  }
  return e;
}

std::shared_ptr<LoadedFile> make_loaded(std::shared_ptr<const Config> tree, std::string_view text, std::string origin) {
  auto f = std::make_shared<LoadedFile>();
  f->origin = std::move(origin);
  if (tree->data().kind() != NodeKind::Map)
    throw UserError(f->origin + ": a config file must hold a map at the top level, found a " +
                    to_string(tree->data().kind()));
  f->header = package_header(text);
  if (f->header) check_package(*f->header, f->origin, "the '# @package' header");
  auto it = tree->find("defaults");
  if (it != tree->not_found()) {
    const Config& list = it->second;
    if (list.data().kind() != NodeKind::Sequence)
      throw UserError(f->origin + ": 'defaults' must be a list (found a " + to_string(list.data().kind()) +
                      "); write it as a list of entries, e.g. 'defaults: [{db: mysql}, _self_]'");
    for (const auto& [k, item] : list) f->defaults.push_back(parse_entry(item, f->origin));
  }
  f->tree = std::move(tree);
  return f;
}

// A shared immutable tree holding `tree`'s nodes: swapped in, since make_shared<const Config>(tree)
// would copy every node (ptree has no move constructor).
std::shared_ptr<const Config> share(Config&& tree) {
  auto shared = std::make_shared<Config>();
  shared->swap(tree);
  return shared;
}

// Parsed in-memory files (embedded, built-in) are immutable: parse each once per process, or
// decode the tree parsed at build time when there is one (`prebuilt`, Hydra's built-in files).
std::shared_ptr<const Config> parse_in_memory(std::string_view text, const std::string& origin,
                                              std::optional<std::string_view> prebuilt) {
  static std::mutex mutex;
  static std::map<std::pair<const char*, std::size_t>, std::shared_ptr<const Config>> cache;
  std::pair<const char*, std::size_t> key{text.data(), text.size()};
  {
    std::lock_guard lock(mutex);
    auto it = cache.find(key);
    if (it != cache.end()) return it->second;
  }
  auto parsed = share(prebuilt ? TreeReader(*prebuilt).tree() : parse_yaml(std::string(text), origin));
  std::lock_guard lock(mutex);
  cache.emplace(key, parsed);
  return parsed;
}

// Files on disk are read on every compose, but parsed again only when their text changed.
std::shared_ptr<const Config> parse_file_text(const std::string& text, const std::string& origin) {
  struct Entry {
    std::string text;
    std::shared_ptr<const Config> tree;
  };
  static std::mutex mutex;
  static std::map<std::string, Entry> cache;
  {
    std::lock_guard lock(mutex);
    auto it = cache.find(origin);
    if (it != cache.end() && it->second.text == text) return it->second.tree;
  }
  auto parsed = share(parse_yaml(text, origin));
  std::lock_guard lock(mutex);
  cache[origin] = Entry{text, parsed};
  return parsed;
}

}  // namespace

std::string dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

std::string strip_slash(std::string s) {
  while (!s.empty() && s.front() == '/') s.erase(0, 1);
  return s;
}

std::shared_ptr<LoadedFile> ConfigRepository::load(const std::string& rel) {
  auto cached = cache_.find(rel);
  if (cached != cache_.end()) return cached->second;
  std::shared_ptr<LoadedFile> result;
  for (const auto& source : sources_) {
    if (!source.is_directory()) {
      auto view = source.read_view(rel);
      if (!view) continue;
      std::string origin = source.describe() + "/" + rel;
      result = make_loaded(parse_in_memory(*view, origin, source.prebuilt_tree(rel, *view)), *view, origin);
      break;
    }
    auto text = source.read(rel);
    if (!text) continue;
    std::string origin = (std::filesystem::path(source.describe()) / rel).string();
    result = make_loaded(parse_file_text(*text, origin), *text, origin);
    break;
  }
  cache_.emplace(rel, result);
  return result;
}

std::vector<std::string> ConfigRepository::options_of(const std::string& group) const {
  std::vector<std::string> all;
  for (const auto& s : sources_) {
    auto opts = s.group_options(group);
    all.insert(all.end(), opts.begin(), opts.end());
  }
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  return all;
}

bool ConfigRepository::is_group(const std::string& group) const {
  for (const auto& s : sources_)
    if (s.is_group(group)) return true;
  return false;
}

std::string ConfigRepository::search_path_text() const {
  std::vector<std::string> dirs;
  for (const auto& s : sources_) dirs.push_back(s.describe());
  return "Config search path: " + join(dirs, ", ");
}

std::string ConfigRepository::options_message(const std::string& group, const std::string& wanted) const {
  auto options = options_of(group);
  std::string out;
  if (options.empty()) {
    out = ". There is no config group '" + group + "' (no directory '" + group + "/' with .yaml files). " +
          search_path_text();
    return out;
  }
  out = ". Available options in '" + group + "': " + join(options, ", ");
  auto close = closest_matches(wanted, options);
  if (!close.empty()) out += ". Did you mean " + group + "=" + close.front() + "?";
  return out;
}

void ConfigRepository::insert_before_builtin(const std::vector<ConfigSource>& added) {
  sources_.insert(sources_.end() - 1, added.begin(), added.end());
}

}  // namespace hydra::internal

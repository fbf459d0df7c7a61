#include "config/compose.hpp"

#include "config/apply_overrides.hpp"
#include "config/interpolation.hpp"
#include "config/overrides.hpp"
#include "config/tree.hpp"
#include "config/tree_codec.hpp"
#include "config/yaml_io.hpp"
#include "util/errors.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <set>

namespace hydra::internal {

namespace {

// ---------------------------------------------------------------------------------------------
// Loaded files

struct DefaultEntry {
  enum class Type { Self, Config, Group };
  Type type = Type::Self;
  std::string path;                     // Config: path as written; Group: group as written
  std::optional<std::string> package;   // "@pkg"
  std::vector<std::string> options;     // Group: chosen option(s)
  bool multi = false;                   // group: [a, b]
  bool optional = false;
  bool is_override = false;
  bool null_value = false;              // group: null
  bool external = false;                // +group=option from the command line
};

struct LoadedFile {
  std::shared_ptr<const Config> tree;
  std::vector<DefaultEntry> defaults;
  std::optional<std::string> header;  // "# @package <pkg>"
  std::string origin;                 // for messages: full path or <source>/<rel>
};

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

std::string dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

std::string strip_slash(std::string s) {
  while (!s.empty() && s.front() == '/') s.erase(0, 1);
  return s;
}

std::string dotted(std::string s) {
  std::replace(s.begin(), s.end(), '/', '.');
  return s;
}

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (std::size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
}

// Hydra 1.3 InputDefault._get_final_package.
std::string final_package(const std::string& parent_package, std::optional<std::string> entry_package,
                          const std::optional<std::string>& header, const std::string& relative_group,
                          const std::string& group_path) {
  std::string default_package = dotted(group_path);
  std::optional<std::string> package;
  if (entry_package) {
    package = *entry_package == "_here_" ? std::string() : *entry_package;
    if (package->find("_group_") != std::string::npos) {
      replace_all(*package, "_group_", default_package);
      package = "_global_." + *package;
    }
  } else if (header && *header != "_group_" && *header != default_package) {
    // A header is absolute.
    if (*header == "_global_" || starts_with(*header, "_global_."))
      package = *header;
    else
      package = header->empty() ? std::string("_global_") : "_global_." + *header;
  }
  if (!package) package = dotted(relative_group);
  std::string ret;
  if (parent_package.empty())
    ret = *package;
  else
    ret = package->empty() ? parent_package : parent_package + "." + *package;
  auto lgi = ret.rfind("_global_");
  if (lgi == std::string::npos) return ret;
  std::size_t from = lgi + 8 + 1;
  return from >= ret.size() ? std::string() : ret.substr(from);
}

std::string group_path(const DefaultEntry& e, const std::string& base_dir) {
  if (!e.path.empty() && e.path.front() == '/') return strip_slash(e.path);
  return base_dir.empty() ? e.path : base_dir + "/" + e.path;
}

struct GroupChoice {
  std::vector<std::string> options;
  bool multi = false;
  bool deleted = false;
  bool from_cli = false;
  bool used = false;
  std::string input;   // the override as typed (cli) or the entry (file)
  std::string origin;  // file of an `override` entry
};

struct MergeItem {
  std::shared_ptr<LoadedFile> file;
  std::string package;
};

// ---------------------------------------------------------------------------------------------

class Composer {
 public:
  explicit Composer(const ComposeRequest& request) : req_(request) {
    sources_ = request.sources;
    sources_.push_back(ConfigSource::builtin());
  }

  ComposedConfig run();

 private:
  std::shared_ptr<LoadedFile> load(const std::string& rel);
  std::vector<std::string> options_of(const std::string& group) const;
  bool is_group(const std::string& group) const;
  std::string search_path_text() const;
  std::string options_message(const std::string& group, const std::string& wanted) const;

  void classify_overrides();
  void process_file(const std::shared_ptr<LoadedFile>& file, const std::string& config_path,
                    const std::string& package, bool primary, const std::string& parent, int depth);
  void process_list(std::vector<DefaultEntry> entries, const std::string& base_dir, const std::string& package,
                    const std::shared_ptr<LoadedFile>& self, const std::string& where,
                    const std::string& config_path, const std::string& parent, int depth);
  void add_searchpath(const std::shared_ptr<LoadedFile>& primary);
  void validate_hydra_types(const Config& root) const;
  // Hydra's tree line for a config: "label:" when the config has a defaults list (children follow).
  void tree_line(int depth, const std::string& label, bool has_children) {
    tree_.push_back(std::string(static_cast<std::size_t>(depth) * 2, ' ') + label + (has_children ? ":" : ""));
  }
  void register_overrides(const std::vector<DefaultEntry>& entries, const std::string& base_dir,
                          const std::string& where);
  void record_choice(const std::string& group, const Config& value);
  std::string choice_interpolation(const std::string& option, const std::string& where) const;
  void fill_runtime(Config& root, const std::vector<Override>& task);

  const ComposeRequest& req_;
  std::vector<ConfigSource> sources_;
  std::map<std::string, std::shared_ptr<LoadedFile>> cache_;
  std::map<std::string, GroupChoice> group_overrides_;
  std::vector<DefaultEntry> external_adds_;
  std::set<std::string> external_add_groups_;
  std::vector<Override> key_overrides_;
  std::vector<Override> all_overrides_;
  std::vector<std::pair<std::string, Config>> choices_;
  std::vector<MergeItem> items_;
  std::vector<DefaultsListRow> rows_;
  std::vector<std::string> tree_;
  // The configs being expanded, outermost first (config path, file): a defaults cycle shows here.
  std::vector<std::pair<std::string, std::string>> expanding_;
};

std::shared_ptr<LoadedFile> Composer::load(const std::string& rel) {
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

std::vector<std::string> Composer::options_of(const std::string& group) const {
  std::vector<std::string> all;
  for (const auto& s : sources_) {
    auto opts = s.group_options(group);
    all.insert(all.end(), opts.begin(), opts.end());
  }
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  return all;
}

bool Composer::is_group(const std::string& group) const {
  for (const auto& s : sources_)
    if (s.is_group(group)) return true;
  return false;
}

std::string Composer::search_path_text() const {
  std::vector<std::string> dirs;
  for (const auto& s : sources_) dirs.push_back(s.describe());
  return "Config search path: " + join(dirs, ", ");
}

std::string Composer::options_message(const std::string& group, const std::string& wanted) const {
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

void Composer::classify_overrides() {
  for (const auto& text : req_.overrides) {
    Override ov = parse_override(text);
    all_overrides_.push_back(ov);
    std::string name = ov.key_or_group();
    bool group = name.find('/') != std::string::npos || is_group(name);
    if (ov.is_sweep()) {
      if (req_.mode == RunMode::RUN)
        throw UserError("Ambiguous value for argument '" + text + "': a sweep needs --multirun (-m). " +
                        "To use it as a list, use " + ov.key + "=[" + *ov.value + "]; as a string, quote it: " +
                        ov.key + "='" + *ov.value + "'; to sweep over it, add --multirun to your command line");
      if (ov.is_hydra())
        throw UserError("Override '" + text + "': sweeping over Hydra's configuration is not supported");
      continue;  // the sweeper applies one value per job
    }
    if (!group) {
      key_overrides_.push_back(ov);
      continue;
    }
    if (ov.kind == Override::Kind::ForceAdd)
      throw UserError("Override '" + text + "': '" + name + "' is a config group; use " + name + "=<option> or +" +
                      name + "=<option> (++ is for config keys)");
    std::string gp = strip_slash(name);
    std::string okey = ov.package() ? gp + "@" + *ov.package() : gp;
    GroupChoice choice;
    choice.from_cli = true;
    choice.input = text;
    if (ov.value) {
      Config value = ov.config_value();
      if (value.data().kind() == NodeKind::Sequence) {
        choice.multi = true;
        for (const auto& [k, item] : value) {
          if (!item.data().is_scalar())
            throw UserError("Override '" + text + "': options of a config group must be names");
          choice.options.push_back(item.data().text());
        }
      } else if (value.data().kind() == NodeKind::Null) {
        choice.deleted = true;  // group=null removes the group's entry
      } else if (value.data().is_scalar() || value.data().kind() == NodeKind::Missing) {
        choice.options.push_back(value.data().text());
      } else {
        throw UserError("Override '" + text + "': the option of config group '" + gp + "' must be a name");
      }
    }
    switch (ov.kind) {
      case Override::Kind::Delete:
        choice.deleted = true;
        group_overrides_[okey] = choice;
        break;
      case Override::Kind::Add: {
        if (!ov.value) throw UserError("Override '" + text + "': expected +" + gp + "=<option>");
        DefaultEntry e;
        e.type = DefaultEntry::Type::Group;
        e.path = "/" + gp;
        e.package = ov.package();
        e.options = choice.options;
        e.multi = choice.multi;
        e.external = true;
        external_adds_.push_back(e);
        external_add_groups_.insert(okey);
        break;
      }
      default: group_overrides_[okey] = choice;
    }
  }
}

std::string Composer::choice_interpolation(const std::string& option, const std::string& where) const {
  std::string out;
  std::size_t pos = 0;
  while (true) {
    std::size_t start = option.find("${", pos);
    if (start == std::string::npos) break;
    std::size_t end = option.find('}', start);
    if (end == std::string::npos) break;
    out += option.substr(pos, start - pos);
    std::string group = strip_slash(option.substr(start + 2, end - start - 2));
    const Config* chosen = nullptr;
    for (const auto& [g, v] : choices_)
      if (g == group) chosen = &v;
    if (!chosen || !chosen->data().is_scalar())
      throw UserError("In '" + where + "': cannot resolve '" + option + "' in the defaults list: '" + group +
                      "' must be a config group with one option chosen earlier in the defaults list");
    out += chosen->data().text();
    pos = end + 1;
  }
  return out + option.substr(pos);
}

void Composer::record_choice(const std::string& group, const Config& value) {
  for (auto& [g, v] : choices_)
    if (g == group) {
      v = value;
      return;
    }
  choices_.emplace_back(group, value);
}

void Composer::process_file(const std::shared_ptr<LoadedFile>& file, const std::string& config_path,
                            const std::string& package, bool primary, const std::string& parent, int depth) {
  auto again = std::find_if(expanding_.begin(), expanding_.end(),
                            [&](const auto& open) { return open.first == config_path; });
  if (again != expanding_.end()) {
    std::vector<std::string> loop;
    for (auto it = again; it != expanding_.end(); ++it) loop.push_back(it->first);
    loop.push_back(config_path);
    throw UserError(expanding_.back().second + ": the defaults list has a cycle: " + join(loop, " -> ") +
                    ". Remove the entry that leads back to '" + config_path + "'");
  }
  std::vector<DefaultEntry> entries = file->defaults;
  auto selfs = std::count_if(entries.begin(), entries.end(),
                             [](const DefaultEntry& e) { return e.type == DefaultEntry::Type::Self; });
  if (selfs > 1)
    throw UserError(file->origin + ": Duplicate _self_ defined in '" + config_path +
                    "'. Keep one '- _self_' in its defaults list");
  // A config with no defaults list is a leaf of the defaults tree: its content is merged as is.
  if (entries.empty() && !primary && depth > 1) {
    items_.push_back({file, package});
    rows_.push_back({config_path, package, false, parent});
    return;
  }
  // Hydra 1.1+: a defaults list without _self_ gets it at the end (the config's own values win).
  if (selfs == 0) entries.push_back(DefaultEntry{});
  if (primary) entries.insert(entries.end(), external_adds_.begin(), external_adds_.end());
  expanding_.emplace_back(config_path, file->origin);
  process_list(std::move(entries), dir_of(config_path), package, file, file->origin, config_path, parent, depth);
  expanding_.pop_back();
}

void Composer::register_overrides(const std::vector<DefaultEntry>& entries, const std::string& base_dir,
                                  const std::string& where) {
  // `override` entries change choices made anywhere in the tree (the command line wins).
  for (const auto& e : entries) {
    if (!e.is_override) continue;
    if (e.type != DefaultEntry::Type::Group)
      throw UserError(where + ": 'override' applies to config groups only ('- override group: option')");
    std::string gp = group_path(e, base_dir);
    if (e.package) gp += "@" + *e.package;
    if (group_overrides_.count(gp)) continue;
    GroupChoice choice;
    choice.options = e.options;
    choice.multi = e.multi;
    choice.deleted = e.null_value;
    choice.input = "override " + e.path + ": " + (e.multi ? "[" + join(e.options, ", ") + "]" : join(e.options, ""));
    choice.origin = where;
    group_overrides_[gp] = choice;
  }
}

void Composer::process_list(std::vector<DefaultEntry> entries, const std::string& base_dir,
                            const std::string& package, const std::shared_ptr<LoadedFile>& self,
                            const std::string& where, const std::string& self_path, const std::string& parent,
                            int depth) {
  register_overrides(entries, base_dir, where);
  std::set<std::string> groups_in_list;  // one entry per group in a list (Hydra: "appears more than once")
  for (const auto& e : entries) {
    if (e.is_override) continue;
    switch (e.type) {
      case DefaultEntry::Type::Self:
        if (self) {
          items_.push_back({self, package});
          rows_.push_back({self_path, package, true, parent});
          tree_line(depth, "_self_", false);
        }
        break;
      case DefaultEntry::Type::Config: {
        std::string path = e.path;
        bool absolute = !path.empty() && path.front() == '/';
        path = strip_slash(path);
        std::string config_path = absolute || base_dir.empty() ? path : base_dir + "/" + path;
        auto file = load(config_path + ".yaml");
        if (!file) {
          if (e.optional) break;
          std::string group = dir_of(config_path);
          std::string msg = "In '" + where + "': Could not load '" + config_path + "'.";
          auto options = options_of(group);
          if (!options.empty()) {
            msg += " Available configs" + (group.empty() ? std::string() : " in '" + group + "'") + ": " +
                   join(options, ", ");
            auto close = closest_matches(config_path.substr(group.empty() ? 0 : group.size() + 1), options);
            if (!close.empty()) msg += " Did you mean '" + close.front() + "'?";
          }
          throw UserError(msg);
        }
        std::string pkg = final_package(package, e.package, file->header, dir_of(path), dir_of(config_path));
        tree_line(depth, config_path, !file->defaults.empty());
        process_file(file, config_path, pkg, false, self_path, depth + 1);
        break;
      }
      case DefaultEntry::Type::Group: {
        std::string gp = group_path(e, base_dir);
        std::string relative_group = strip_slash(e.path);
        // Hydra's override key: "group", or "group@pkg" when the entry moves the group elsewhere.
        std::string okey = gp;
        if (e.package) {
          std::string entry_pkg = final_package(package, e.package, std::nullopt, relative_group, gp);
          if (!entry_pkg.empty() && entry_pkg != final_package(package, std::nullopt, std::nullopt, relative_group, gp))
            okey += "@" + entry_pkg;
        }
        std::vector<std::string> options = e.options;
        bool multi = e.multi;
        bool null_value = e.null_value;
        auto ov = group_overrides_.find(okey);
        if (!e.external && external_add_groups_.count(okey))
          throw UserError("Could not add '+" + gp + "': '" + gp + "' is already in the defaults list (from '" +
                          where + "'). Use " + gp + "=<option> to change it");
        if (!e.external && ov != group_overrides_.end()) {
          GroupChoice& choice = ov->second;
          choice.used = true;
          if (choice.deleted) {
            if (!choice.options.empty() && choice.options != options)
              throw UserError("Could not delete '" + choice.input + "': the default of '" + gp + "' is " +
                              (options.empty() ? std::string("null") : join(options, ", ")) + ", not " +
                              join(choice.options, ", "));
            record_choice(okey, Config(Value::null()));
            tree_line(depth, okey + ": null", false);
            break;
          }
          options = choice.options;
          multi = choice.multi;
          null_value = false;
        }
        if (null_value) {
          record_choice(okey, Config(Value::null()));
          tree_line(depth, okey + ": null", false);
          break;
        }
        // Interpolations in a choice name the choice of another group: `- db_tuning: ${db}`.
        for (auto& opt : options) opt = choice_interpolation(opt, where);
        if (!multi && options.size() == 1 && options.front() == "???")
          throw UserError("You must specify '" + gp + "', e.g, " + gp + "=<OPTION>" + options_message(gp, ""));
        std::vector<std::string> chosen;
        std::vector<std::shared_ptr<LoadedFile>> files;
        for (const auto& opt : options) {
          std::string config_path = gp + "/" + opt;
          auto file = load(config_path + ".yaml");
          if (!file) {
            if (e.optional) continue;
            std::string context = e.external ? "In override '+" + gp + "=" + opt + "'"
                                             : (ov != group_overrides_.end() && ov->second.from_cli
                                                    ? "In override '" + ov->second.input + "'"
                                                    : "In '" + where + "'");
            throw UserError(context + ": Could not find '" + config_path + "'" + options_message(gp, opt));
          }
          chosen.push_back(opt);
          files.push_back(file);
        }
        if (!e.external && !groups_in_list.insert(okey).second)
          throw UserError("In '" + where + "': " + okey + " appears more than once in this defaults list. " +
                          "Keep one entry, or change the choice with '- override " + okey + ": <option>'");
        if (multi) {
          Config list(Value::sequence());
          for (const auto& o : chosen) list.push_back({std::string(), Config(Value::string(o))});
          record_choice(okey, list);
        } else if (!chosen.empty()) {
          record_choice(okey, Config(Value::string(chosen.front())));
        }
        for (std::size_t k = 0; k < files.size(); ++k) {
          std::string pkg = final_package(package, e.package, files[k]->header, relative_group, gp);
          tree_line(depth, okey + ": " + chosen[k], !files[k]->defaults.empty());
          process_file(files[k], gp + "/" + chosen[k], pkg, false, self_path, depth + 1);
        }
        break;
      }
    }
  }
}

Config& put_node(Config& root, const std::string& key, Config value) {
  auto parts = split_key(key);
  std::string parent_key;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) parent_key = join_key(parent_key, parts[i]);
  Config& parent = ensure_map_path(root, parent_key, "hydra config");
  auto it = parent.find(parts.back());
  if (it != parent.not_found()) {
    it->second = std::move(value);
    return it->second;
  }
  return parent.push_back({parts.back(), std::move(value)})->second;
}

Config string_list(const std::vector<std::string>& items) {
  Config list(Value::sequence());
  for (const auto& s : items) list.push_back({std::string(), Config(Value::string(s))});
  return list;
}

std::string text_at(const Config& root, const std::string& key, const std::string& fallback) {
  const Config* node = find_node(root, key);
  if (!node || !node->data().is_scalar()) return fallback;
  return node->data().text();
}

void Composer::fill_runtime(Config& root, const std::vector<Override>& task) {
  Config* name = find_node(root, "hydra.job.name");
  if (!name || name->data().kind() == NodeKind::Missing) put_node(root, "hydra.job.name", Config(Value::string(req_.app_name)));
  put_node(root, "hydra.job.config_name",
           req_.config_name.empty() ? Config(Value::null()) : Config(Value::string(req_.config_name)));
  put_node(root, "hydra.runtime.cwd", Config(Value::string(req_.cwd.string())));

  Config sources(Value::sequence());
  auto add_source = [&](const std::string& path, const std::string& schema, const std::string& provider) {
    Config s;
    s.push_back({"path", Config(Value::string(path))});
    s.push_back({"schema", Config(Value::string(schema))});
    s.push_back({"provider", Config(Value::string(provider))});
    sources.push_back({std::string(), std::move(s)});
  };
  add_source("hydra.conf", "pkg", "hydra");
  for (const auto& s : sources_) {
    if (s.is_builtin()) continue;
    if (s.is_embedded())
      add_source(req_.app_name, "embedded", s.provider());
    else if (s.is_directory())
      add_source(s.shown_path().empty() ? s.describe() : s.shown_path(), "file", s.provider());
    else
      add_source(s.describe().substr(std::string_view("memory://").size()), "memory", s.provider());
  }
  put_node(root, "hydra.runtime.config_sources", std::move(sources));

  // User groups first, then Hydra's own (as Hydra lists them).
  Config choices;
  for (int pass = 0; pass < 2; ++pass)
    for (const auto& [group, value] : choices_)
      if (starts_with(group, "hydra/") == (pass == 1)) choices.push_back({group, value});
  put_node(root, "hydra.runtime.choices", std::move(choices));

  std::vector<std::string> task_lines, hydra_lines;
  for (const auto& ov : all_overrides_) (ov.is_hydra() ? hydra_lines : task_lines).push_back(ov.input);
  put_node(root, "hydra.overrides.hydra", string_list(hydra_lines));
  put_node(root, "hydra.overrides.task", string_list(task_lines));

  // hydra.job.override_dirname (Hydra's get_overrides_dirname).
  std::string kv_sep = text_at(root, "hydra.job.config.override_dirname.kv_sep", "=");
  std::string item_sep = text_at(root, "hydra.job.config.override_dirname.item_sep", ",");
  std::set<std::string> exclude;
  if (const Config* ex = find_node(root, "hydra.job.config.override_dirname.exclude_keys"))
    for (const auto& [k, item] : *ex)
      if (item.data().is_scalar()) exclude.insert(item.data().text());
  std::vector<std::string> lines;
  for (const auto& ov : task)
    if (!exclude.count(ov.key_or_group())) lines.push_back(ov.input);
  std::sort(lines.begin(), lines.end());
  std::string dirname = join(lines, item_sep);
  replace_all(dirname, "=", kv_sep);
  put_node(root, "hydra.job.override_dirname", Config(Value::string(dirname)));
}

ComposedConfig Composer::run() {
  // The primary config's `override` entries apply to Hydra's own groups too, which are
  // expanded first: register them before anything else (as Hydra does).
  std::string primary_name = strip_slash(req_.config_name);
  if (primary_name.size() > 5 && primary_name.substr(primary_name.size() - 5) == ".yaml")
    primary_name.resize(primary_name.size() - 5);
  std::shared_ptr<LoadedFile> primary = primary_name.empty() ? nullptr : load(primary_name + ".yaml");
  // hydra.searchpath (primary config or command line) extends the search path before anything
  // else is looked up, as in Hydra.
  add_searchpath(primary);
  classify_overrides();
  if (primary) register_overrides(primary->defaults, dir_of(primary_name), primary->origin);

  // Root defaults: Hydra's own config first, then the primary config.
  tree_.push_back("<root>:");
  {
    auto hydra_file = load("hydra/config.yaml");
    if (!hydra_file) throw UserError("Internal error: the built-in hydra/config.yaml is missing");
    tree_line(1, "hydra/config", true);
    process_file(hydra_file, "hydra/config", "hydra", false, "<root>", 2);
  }
  if (!primary_name.empty()) {
    const std::string& name = primary_name;
    if (!primary) {
      std::string msg = "Cannot find primary config '" + name + "'. Check that it's in your config search path.";
      std::vector<std::string> candidates;
      for (const auto& s : req_.sources) {
        auto opts = s.group_options(dir_of(name));
        candidates.insert(candidates.end(), opts.begin(), opts.end());
      }
      auto close = closest_matches(name.substr(dir_of(name).empty() ? 0 : dir_of(name).size() + 1), candidates);
      if (!close.empty()) msg += " Did you mean '" + close.front() + "'?";
      msg += " " + search_path_text();
      throw UserError(msg);
    }
    std::string pkg = final_package("", std::nullopt, primary->header, dir_of(name), dir_of(name));
    tree_line(1, name, true);
    process_file(primary, name, pkg, true, "<root>", 2);
  } else if (!external_adds_.empty()) {
    process_list(external_adds_, "", "", nullptr, "<command line>", "", "<root>", 1);
  }

  for (const auto& [gp, choice] : group_overrides_) {
    if (choice.used) continue;
    if (!choice.from_cli)
      throw UserError("In '" + choice.origin + "': Could not override '" + gp +
                      "'. No match in the defaults list. Remove 'override' to add it: '- " + gp + ": ...'");
    if (choice.deleted)
      throw UserError("Could not delete '" + choice.input + "'. No match for '" + gp + "' in the defaults list.");
    std::string input = choice.input;
    throw UserError("Could not override '" + gp + "'. No match in the defaults list. To append to your default list use +" +
                    input);
  }

  // Merge, in defaults-list order.
  ComposedConfig out;
  Config& root = out.config;
  for (const auto& item : items_) {
    Config& at = ensure_map_path(root, item.package, item.file->origin);
    try {
      merge_into(at, *item.file->tree, item.package, "defaults");
    } catch (const MergeClash& clash) {
      std::string msg = "Error merging '" + item.file->origin + "': " + clash.what();
      if (clash.key() == "hydra.callbacks") msg += " (callbacks are a map: name -> {_target_: ...})";
      throw UserError(msg);
    }
  }

  // Command-line key overrides, in order.
  std::vector<Override> task;
  for (const auto& ov : all_overrides_)
    if (!ov.is_hydra()) task.push_back(ov);
  for (const auto& ov : key_overrides_) internal::apply_key_override(root, ov);

  if (const Config* callbacks = find_node(root, "hydra.callbacks")) {
    NodeKind kind = callbacks->data().kind();
    if (kind != NodeKind::Map && kind != NodeKind::Null)
      throw UserError("hydra.callbacks is a " + std::string(to_string(kind)) +
                      ", not a map (callbacks are a map: name -> {_target_: ...}). Check the config files and "
                      "overrides that set hydra.callbacks");
  }
  if (!find_node(root, "hydra"))
    throw UserError("The 'hydra' node was deleted. Do not delete it (~hydra); change its keys instead");
  validate_hydra_types(root);

  fill_runtime(root, task);
  for (const auto& ov : all_overrides_) (ov.is_hydra() ? out.hydra_overrides : out.task_overrides).push_back(ov.input);
  out.defaults_list = std::move(rows_);
  out.defaults_tree = std::move(tree_);
  out.sources = sources_;
  return out;
}

void Composer::add_searchpath(const std::shared_ptr<LoadedFile>& primary) {
  // Hydra: a command-line hydra.searchpath replaces the primary config's.
  std::optional<Config> list;
  std::string provider = "hydra.searchpath in main";
  std::string where = primary ? primary->origin : std::string();
  for (const auto& text : req_.overrides) {
    if (text.find("hydra.searchpath") == std::string::npos) continue;  // parsed once, in classify_overrides
    Override ov = parse_override(text);
    if (ov.key != "hydra.searchpath" || !ov.value || ov.kind == Override::Kind::Delete) continue;
    if (ov.is_sweep()) continue;  // reported with the other overrides
    list = ov.config_value();
    provider = "hydra.searchpath in command-line";
    where = "override '" + text + "'";
    break;
  }
  if (!list && primary) {
    if (const Config* node = find_node(*primary->tree, "hydra.searchpath")) list = *node;
  }
  if (!list || list->data().kind() == NodeKind::Null) return;
  if (list->data().kind() != NodeKind::Sequence)
    throw UserError("hydra.searchpath must be a list of strings (in " + where + "). Got: " + inline_text(*list));
  const Config context = primary ? *primary->tree : Config();
  std::vector<ConfigSource> added;
  for (const auto& [k, item] : *list) {
    Config value = item;
    if (value.data().kind() == NodeKind::String && value.data().text().find("${") != std::string::npos)
      value = resolve(context, item, "hydra.searchpath", ResolveOptions{});
    if (value.data().kind() != NodeKind::String)
      throw UserError("hydra.searchpath must be a list of strings (in " + where + "). Got: " + inline_text(*list));
    const std::string entry = value.data().text();
    std::string path = entry;
    auto scheme_end = entry.find("://");
    if (scheme_end != std::string::npos) {
      std::string scheme = entry.substr(0, scheme_end);
      path = entry.substr(scheme_end + 3);
      if (scheme != "file")
        throw UserError("hydra.searchpath entry '" + entry + "' (in " + where + "): the '" + scheme +
                        "://' scheme is not supported by hydra-cpp (there are no Python packages to search); " +
                        "use a directory: file:///abs/dir, file://relative/dir or a plain path");
    }
    std::filesystem::path dir = std::filesystem::path(path).is_absolute() ? std::filesystem::path(path) : req_.cwd / path;
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
      throw UserError("hydra.searchpath entry '" + entry + "' (in " + where + ") is not a directory (looked at " +
                      dir.lexically_normal().string() + ")");
    added.push_back(ConfigSource::directory(dir.lexically_normal()).with_provider(provider).with_shown_path(path));
  }
  // After the app's sources, before the built-in one (searched last).
  sources_.insert(sources_.end() - 1, added.begin(), added.end());
}

void Composer::validate_hydra_types(const Config& root) const {
  // The keys of Hydra's (structured) hydra node whose type the runtime relies on.
  enum class Type { Bool, Int, String, StringList, Map };
  static const std::pair<const char*, Type> schema[] = {
      {"hydra.job.chdir", Type::Bool},
      {"hydra.strict_callbacks", Type::Bool},
      {"hydra.sweeper.max_batch_size", Type::Int},
      {"hydra.launcher.n_jobs", Type::Int},
      {"hydra.run.dir", Type::String},
      {"hydra.sweep.dir", Type::String},
      {"hydra.sweep.subdir", Type::String},
      {"hydra.output_subdir", Type::String},
      {"hydra.mode", Type::String},
      {"hydra.job.name", Type::String},
      {"hydra.job.config.override_dirname.kv_sep", Type::String},
      {"hydra.job.config.override_dirname.item_sep", Type::String},
      {"hydra.job.config.override_dirname.exclude_keys", Type::StringList},
      {"hydra.job.env_copy", Type::StringList},
      {"hydra.searchpath", Type::StringList},
      {"hydra.plugin_path", Type::StringList},
      {"hydra.job.env_set", Type::Map},
  };
  for (const auto& [key, type] : schema) {
    const Config* node = find_node(root, key);
    if (!node) continue;
    const Value& v = node->data();
    NodeKind kind = v.kind();
    if (kind == NodeKind::Null || kind == NodeKind::Missing) continue;
    if (kind == NodeKind::String && v.text().find("${") != std::string::npos) continue;  // checked once resolved
    bool ok = false;
    std::string expected;
    switch (type) {
      case Type::Bool: ok = kind == NodeKind::Bool; expected = "a bool (true or false)"; break;
      case Type::Int: ok = kind == NodeKind::Int; expected = "an int"; break;
      case Type::String: ok = v.is_scalar(); expected = "a string"; break;
      case Type::Map: ok = kind == NodeKind::Map; expected = "a map (key: value)"; break;
      case Type::StringList:
        ok = kind == NodeKind::Sequence;
        for (const auto& [k, item] : *node) ok = ok && item.data().is_scalar();
        expected = "a list of strings ([a, b])";
        break;
    }
    if (key == std::string_view("hydra.mode") && ok && v.text() != "RUN" && v.text() != "MULTIRUN") {
      ok = false;
      expected = "RUN or MULTIRUN";
    }
    if (!ok)
      throw UserError("Invalid type for '" + std::string(key) + "': got " + to_string(kind) + " " +
                      inline_text(*node) + ", expected " + expected + ". Fix it in your config or override it, e.g. " +
                      key + "=<value>");
  }
}

}  // namespace

ComposedConfig compose(const ComposeRequest& request) { return Composer(request).run(); }

std::vector<std::pair<std::string, std::vector<std::string>>> list_config_groups(
    const std::vector<ConfigSource>& sources) {
  std::vector<ConfigSource> all = sources;
  all.push_back(ConfigSource::builtin());
  std::map<std::string, std::set<std::string>> groups;
  for (const auto& s : all)
    for (const auto& rel : s.list_files()) {
      std::string group = dir_of(rel);
      if (group.empty()) continue;
      std::string name = rel.substr(group.size() + 1);
      groups[group].insert(name.substr(0, name.size() - 5));
    }
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (auto& [g, opts] : groups) out.emplace_back(g, std::vector<std::string>(opts.begin(), opts.end()));
  return out;
}

}  // namespace hydra::internal

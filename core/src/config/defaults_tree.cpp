#include "config/defaults_tree.hpp"

#include "util/errors.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace hydra::internal {

namespace {

constexpr const char* kRootPath = "<root>";
constexpr const char* kNoPrimary = "_dummy_empty_config_";  // Hydra's stand-in for "no primary"

std::string dotted(std::string s) {
  std::replace(s.begin(), s.end(), '/', '.');
  return s;
}

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (std::size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
}

// A `# @package` header is absolute: `db` means `_global_.db`. With version_base >= 1.2 (hydra-cpp
// reads configs as Hydra 1.3 with version_base=None does) `_group_` and `_name_` in a header are
// not keywords: `# @package _group_` puts the content under a key named `_group_`.
std::optional<std::string> absolute_header(const std::optional<std::string>& header) {
  if (!header) return std::nullopt;
  if (*header == "_global_" || starts_with(*header, "_global_.")) return header;
  return header->empty() ? std::string("_global_") : "_global_." + *header;
}

// An element of the defaults tree (Hydra's InputDefault and DefaultsTreeNode in one).
struct Element {
  enum class Kind { Root, Config, Group, Self };
  Kind kind = Kind::Config;
  std::string path;                    // Config: path as written; Group: group as written
  std::optional<std::string> package;  // the entry's @package ("" for _here_)
  std::optional<std::string> header;   // the loaded file's header, absolute
  std::vector<std::string> options;    // Group: the option, or the options of a multi-select
  bool multi = false;
  bool null_value = false;
  bool optional = false;
  bool is_override = false;
  bool external = false;  // +group=option
  bool primary = false;
  bool deleted = false;  // ~group, or an optional config that does not exist
  std::string base_dir;        // the group path of the config holding the entry
  std::string parent_package;  // the final package of the config holding the entry
  std::shared_ptr<LoadedFile> file;
  bool expanded = false;  // has a defaults list of its own: `children` follow
  std::vector<Element> children;

  bool absolute() const { return !path.empty() && path.front() == '/'; }
  std::string relative() const { return strip_slash(path); }
  bool has_name() const { return kind != Kind::Group || (!null_value && !multi && !options.empty()); }
  std::string name() const {
    if (kind == Kind::Group) return options.front();
    auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
  }
  bool is_missing() const { return has_name() && name() == "???"; }
  bool is_interpolation() const { return kind == Kind::Group && has_name() && name().find("${") != std::string::npos; }

  std::string group_path() const {
    if (kind == Kind::Group) return base_dir.empty() || absolute() ? relative() : base_dir + "/" + relative();
    std::string group = dir_of(relative());
    if (absolute() || base_dir.empty()) return group;
    return group.empty() ? base_dir : base_dir + "/" + group;
  }
  std::string config_path() const {
    if (kind == Kind::Root) return kRootPath;
    if (kind == Kind::Group) return group_path() + "/" + (has_name() ? name() : std::string("None"));
    return absolute() || base_dir.empty() ? relative() : base_dir + "/" + relative();
  }
  std::string relative_group() const { return kind == Kind::Group ? relative() : dir_of(relative()); }

  // Hydra's InputDefault._get_final_package.
  std::string final_package(bool use_header = true) const {
    std::optional<std::string> chosen = package;
    if (!chosen && use_header) chosen = header;
    std::string own = chosen ? *chosen : dotted(relative_group());
    std::string joined = parent_package.empty() ? own : own.empty() ? parent_package : parent_package + "." + own;
    auto last_global = joined.rfind("_global_");
    if (last_global == std::string::npos) return joined;
    std::size_t from = last_global + std::string_view("_global_").size() + 1;
    return from >= joined.size() ? std::string() : joined.substr(from);
  }
  // "group", or "group@package" when the entry puts the group somewhere else.
  std::string override_key() const {
    std::string key = group_path();
    std::string final_pkg = final_package(false);
    if (final_pkg != dotted(group_path())) key += "@" + (final_pkg.empty() ? std::string("_global_") : final_pkg);
    return key;
  }
  std::string choice_text() const {
    if (multi) return "[" + join(options, ", ") + "]";
    return has_name() ? name() : std::string("null");
  }
  void set_parent(const std::string& dir, const std::string& pkg) {
    base_dir = dir;
    parent_package = pkg;
    if (package && package->find("_group_") != std::string::npos) {
      replace_all(*package, "_group_", dotted(group_path()));
      package = "_global_." + *package;
    }
  }
};

// Hydra's other sweepers (optuna, nevergrad, ax) are Python plugins that bring their own
// hydra/sweeper option. hydra-cpp has none of them, but a config choosing one still composes (so
// that --cfg shows it): as an empty node the config's hydra.sweeper keys merge into. Launching the
// sweep then fails with one line naming the missing sweeper (launch/sweeper.hpp).
constexpr const char* kPluginSweepers = "hydra/sweeper";

Element element_of(const DefaultEntry& entry) {
  Element e;
  e.kind = entry.type == DefaultEntry::Type::Self    ? Element::Kind::Self
           : entry.type == DefaultEntry::Type::Group ? Element::Kind::Group
                                                     : Element::Kind::Config;
  e.path = entry.type == DefaultEntry::Type::Self ? std::string("_self_") : entry.path;
  e.package = entry.package;
  if (e.package == "_here_") e.package = "";
  e.options = entry.options;
  e.multi = entry.multi;
  e.null_value = entry.null_value;
  e.optional = entry.optional;
  e.is_override = entry.is_override;
  e.external = entry.external;
  return e;
}

// A registered choice override: from the command line, or an `override` entry of a config.
struct ChoiceOverride {
  std::vector<std::string> options;
  bool multi = false;
  bool null_value = false;
  bool from_cli = false;
  std::string input;   // the override as typed (command line)
  std::string origin;  // the file of an `override` entry
  bool used = false;
};

struct Deletion {
  std::optional<std::string> option;
  std::string input;
  bool used = false;
};

class TreeBuilder {
 public:
  TreeBuilder(ConfigRepository& repo, const DefaultsTreeRequest& request) : repo_(repo), req_(request) {
    for (const auto& c : request.choices) {
      ChoiceOverride o;
      o.options = c.options;
      o.multi = c.multi;
      o.from_cli = true;
      o.input = c.input;
      // The same group twice on the command line: the last one wins, as in Hydra.
      if (auto earlier = overrides_.find(c.key); earlier != overrides_.end())
        earlier->second = std::move(o);
      else
        register_override(c.key, std::move(o));
    }
    for (const auto& d : request.deletions) deletions_.emplace_back(d.key, Deletion{d.option, d.input, false});
  }

  DefaultsTree build();

 private:
  void register_override(const std::string& key, ChoiceOverride o) {
    if (overrides_.count(key)) return;  // the first registered wins (the command line first)
    override_order_.push_back(key);
    overrides_.emplace(key, std::move(o));
  }
  void expand(Element& node, const Element* parent, bool is_root_config, bool interpolated);
  void expand_children(Element& node, std::vector<DefaultEntry> entries, bool is_root_config, bool interpolated);
  void register_overrides(std::vector<Element>& entries, const Element& parent, bool interpolated);
  bool delete_if_asked(Element& node);
  void record_choice(const Element& node, const Element* parent);
  void apply_override(Element& e);
  void resolve_interpolation(Element& e, const Element& parent);
  [[noreturn]] void not_found(const Element& node, const Element* parent) const;
  std::string where(const Element* parent) const {
    return parent && parent->file ? parent->file->origin : std::string(kRootPath);
  }
  void ensure_overrides_used() const;
  void ensure_deletions_used() const;

  void print(const Element& e, int depth, std::vector<std::string>& lines) const;
  void collect(const Element& tree, const Element* tree_parent, DefaultsTree& out);
  void emit(const Element& containing, const Element* containing_parent, const Element& e, DefaultsTree& out);

  ConfigRepository& repo_;
  const DefaultsTreeRequest& req_;
  std::vector<std::string> override_order_;
  std::map<std::string, ChoiceOverride> overrides_;
  std::vector<std::pair<std::string, Deletion>> deletions_;
  std::vector<std::pair<std::string, Config>> choices_;
  std::map<std::string, std::set<std::string>> keys_per_group_;
  std::optional<std::string> missing_;
  // The configs being expanded, outermost first (config path, file): a defaults cycle shows here.
  std::vector<std::pair<std::string, std::string>> expanding_;
  std::set<std::string> merged_groups_;  // override keys of the final list: each once
};

bool TreeBuilder::delete_if_asked(Element& node) {
  if (deletions_.empty() || node.kind != Element::Kind::Group) return false;
  std::string key = node.override_key();
  for (auto& [k, deletion] : deletions_) {
    if (k != key) continue;
    if (deletion.option && (!node.has_name() || *deletion.option != node.name())) return false;
    node.deleted = true;
    deletion.used = true;
    return true;
  }
  return false;
}

void TreeBuilder::record_choice(const Element& node, const Element* parent) {
  if (node.kind != Element::Kind::Group) return;
  std::string key = node.override_key();
  Config value = node.has_name() ? Config(Value::string(node.name())) : Config(Value::null());
  auto known = std::find_if(choices_.begin(), choices_.end(), [&](const auto& c) { return c.first == key; });
  if (known == choices_.end()) {
    choices_.emplace_back(key, std::move(value));
  } else if (known->second.data().kind() != value.data().kind() || known->second.data().text() != value.data().text()) {
    throw UserError("In '" + where(parent) + "': Multiple values for " + key + ". To override a value use 'override " +
                    key + ": " + known->second.data().text() + "'");
  }
  keys_per_group_[node.group_path()].insert(key);
}

void TreeBuilder::apply_override(Element& e) {
  if (overrides_.empty() || e.kind != Element::Kind::Group) return;
  auto it = overrides_.find(e.override_key());
  if (it == overrides_.end()) return;
  ChoiceOverride& o = it->second;
  e.options = o.options;
  e.multi = o.multi;
  e.null_value = o.null_value;
  o.used = true;
}

// Interpolations in a choice name the choice of another group: `- db_tuning: ${db}`.
void TreeBuilder::resolve_interpolation(Element& e, const Element& parent) {
  const std::string option = e.name();
  std::string out;
  std::size_t pos = 0;
  while (true) {
    std::size_t start = option.find("${", pos);
    if (start == std::string::npos) break;
    std::size_t end = option.find('}', start);
    if (end == std::string::npos) break;
    out += option.substr(pos, start - pos);
    std::string group = strip_slash(option.substr(start + 2, end - start - 2));
    auto chosen = std::find_if(choices_.begin(), choices_.end(), [&](const auto& c) { return c.first == group; });
    if (chosen == choices_.end() || !chosen->second.data().is_scalar())
      throw UserError("In '" + where(&parent) + "': cannot resolve '" + option + "' in the defaults list: '" + group +
                      "' must be a config group with one option chosen in the defaults list");
    out += chosen->second.data().text();
    pos = end + 1;
  }
  e.options = {out + option.substr(pos)};
}

void TreeBuilder::not_found(const Element& node, const Element* parent) const {
  if (node.kind == Element::Kind::Config) {
    std::string config_path = node.config_path();
    std::string group = dir_of(config_path);
    std::string msg = "In '" + where(parent) + "': Could not load '" + config_path + "'.";
    auto options = repo_.options_of(group);
    if (!options.empty()) {
      msg += " Available configs" + (group.empty() ? std::string() : " in '" + group + "'") + ": " + join(options, ", ");
      auto close = closest_matches(config_path.substr(group.empty() ? 0 : group.size() + 1), options);
      if (!close.empty()) msg += " Did you mean '" + close.front() + "'?";
    }
    throw UserError(msg);
  }
  // Name the place the option was written: the command line, an `override` entry, or the entry.
  std::string gp = node.group_path();
  std::string context = "In '" + where(parent) + "'";
  if (node.external) context = "In override '+" + gp + "=" + node.name() + "'";
  auto o = overrides_.find(node.override_key());
  if (!node.external && o != overrides_.end())
    context = o->second.from_cli ? "In override '" + o->second.input + "'" : "In '" + o->second.origin + "'";
  throw UserError(context + ": Could not find '" + node.config_path() + "'" + repo_.options_message(gp, node.name()));
}

std::shared_ptr<LoadedFile> plugin_sweeper(const Element& node) {
  static const auto empty = std::make_shared<const Config>(Value::map());
  auto file = std::make_shared<LoadedFile>();
  file->tree = empty;
  file->origin = "<sweeper plugin '" + node.name() + "', not available in hydra-cpp>";
  return file;
}

void TreeBuilder::expand(Element& node, const Element* parent, bool is_root_config, bool interpolated) {
  if (!node.file && node.has_name() && !node.is_missing()) node.file = repo_.load(node.config_path() + ".yaml");
  if (node.file) node.header = absolute_header(node.file->header);
  if (delete_if_asked(node)) return;
  record_choice(node, parent);
  if (!node.has_name()) return;  // group: null
  if (node.is_missing()) {
    std::string key = node.override_key();
    std::string msg = "You must specify '" + key + "', e.g, " + key + "=<OPTION>" + repo_.options_message(node.group_path(), "");
    if (!req_.skip_missing) throw UserError(msg);
    if (!missing_) missing_ = msg;
    return;
  }
  if (!node.file && node.kind == Element::Kind::Group && node.group_path() == kPluginSweepers) node.file = plugin_sweeper(node);
  if (!node.file) {
    if (node.optional) {
      node.deleted = true;
      return;
    }
    not_found(node, parent);
  }
  const std::string config_path = node.config_path();
  auto again = std::find_if(expanding_.begin(), expanding_.end(), [&](const auto& open) { return open.first == config_path; });
  if (again != expanding_.end()) {
    std::vector<std::string> loop;
    for (auto it = again; it != expanding_.end(); ++it) loop.push_back(it->first);
    loop.push_back(config_path);
    throw UserError(expanding_.back().second + ": the defaults list has a cycle: " + join(loop, " -> ") +
                    ". Remove the entry that leads back to '" + config_path + "'");
  }
  expanding_.emplace_back(config_path, node.file->origin);
  expand_children(node, node.file->defaults, is_root_config, interpolated);
  expanding_.pop_back();
}

void TreeBuilder::register_overrides(std::vector<Element>& entries, const Element& parent, bool interpolated) {
  const Element* last_override = nullptr;
  for (const auto& e : entries) {
    if (e.kind == Element::Kind::Self) continue;
    if (last_override && !(e.is_override || e.external)) {
      std::string entry = e.kind == Element::Kind::Group ? e.override_key() + ": " + e.choice_text() : e.config_path();
      throw UserError("In '" + parent.file->origin + "': Override '" + last_override->override_key() + " : " +
                      last_override->choice_text() + "' is defined before '" + entry +
                      "'. Overrides must be at the end of the defaults list");
    }
    if (!e.is_override) continue;
    if (e.kind != Element::Kind::Group)
      throw UserError(parent.file->origin + ": 'override' applies to config groups only ('- override group: option')");
    last_override = &e;
    if (interpolated)
      throw UserError("In '" + parent.file->origin + "': Default List Overrides are not allowed in the subtree of an "
                      "interpolated config group (override " + e.override_key() + "=" + e.choice_text() + ")");
    ChoiceOverride o;
    o.options = e.options;
    o.multi = e.multi;
    o.null_value = e.null_value;
    o.origin = parent.file->origin;
    register_override(e.override_key(), std::move(o));
  }
}

void TreeBuilder::expand_children(Element& node, std::vector<DefaultEntry> entries, bool is_root_config,
                                  bool interpolated) {
  const auto selfs = std::count_if(entries.begin(), entries.end(),
                                   [](const DefaultEntry& e) { return e.type == DefaultEntry::Type::Self; });
  if (selfs > 1)
    throw UserError(node.file->origin + ": Duplicate _self_ defined in '" + node.config_path() +
                    "'. Keep one '- _self_' in its defaults list");
  if (!entries.empty() || (is_root_config && !req_.appends.empty())) {
    // Hydra 1.1+: a defaults list without _self_ gets it at the end (the config's own values win);
    // a list of overrides only does not.
    bool has_non_override = std::any_of(entries.begin(), entries.end(), [](const DefaultEntry& e) { return !e.is_override; });
    if ((selfs == 0 && has_non_override) || entries.empty()) entries.push_back(DefaultEntry{});
  }
  if (is_root_config) entries.insert(entries.end(), req_.appends.begin(), req_.appends.end());

  const std::string group_path = node.group_path();
  const std::string package = node.final_package();
  std::vector<Element> list;
  for (const auto& entry : entries) {
    list.push_back(element_of(entry));
    if (list.back().kind == Element::Kind::Self)
      list.back().set_parent(node.base_dir, node.package ? *node.package : node.header.value_or(""));
    else
      list.back().set_parent(group_path, package);
  }
  register_overrides(list, node, interpolated);

  // Last entry first: a later config's overrides are registered before an earlier entry is expanded.
  std::vector<Element> children;
  std::vector<std::size_t> deferred;
  for (auto it = list.rbegin(); it != list.rend(); ++it) {
    Element& e = *it;
    if (e.kind == Element::Kind::Self) {
      children.push_back(std::move(e));
      continue;
    }
    if (e.is_override) continue;
    apply_override(e);
    if (e.kind == Element::Kind::Group && e.multi) {
      for (auto option = e.options.rbegin(); option != e.options.rend(); ++option) {
        if (option->find("${") != std::string::npos)
          throw UserError("In '" + node.file->origin + "': Defaults List interpolation is not supported in options list items");
        Element item;
        item.path = e.path + "/" + *option;
        item.package = e.package;
        item.optional = e.optional;
        item.set_parent(group_path, package);
        expand(item, &node, false, interpolated);
        children.push_back(std::move(item));
      }
      continue;
    }
    if (e.is_interpolation()) {  // resolved once every other choice of this list is known
      deferred.push_back(children.size());
      children.push_back(std::move(e));
      continue;
    }
    expand(e, &node, false, interpolated);
    children.push_back(std::move(e));
  }
  for (std::size_t index : deferred) {
    resolve_interpolation(children[index], node);
    expand(children[index], &node, false, true);
  }
  std::reverse(children.begin(), children.end());
  node.expanded = !children.empty();
  node.children = std::move(children);
}

void TreeBuilder::ensure_overrides_used() const {
  for (const auto& key : override_order_) {
    const ChoiceOverride& o = overrides_.at(key);
    if (o.used) continue;
    auto group = key.substr(0, key.find('@'));
    auto known = keys_per_group_.find(group);
    std::string msg = "Could not override '" + key + "'.";
    if (known == keys_per_group_.end() || known->second.empty())
      msg += " No match in the defaults list.";
    else if (known->second.size() == 1)
      msg += " Did you mean to override " + *known->second.begin() + "?";
    else
      msg += " Did you mean to override one of " + join(std::vector<std::string>(known->second.begin(), known->second.end()), ", ") + "?";
    if (!o.from_cli) msg = "In '" + o.origin + "': " + msg;
    if (o.from_cli) msg += " To append to your default list use +" + o.input;
    throw UserError(msg);
  }
}

void TreeBuilder::ensure_deletions_used() const {
  for (const auto& [key, deletion] : deletions_)
    if (!deletion.used)
      throw UserError("Could not delete '" + (deletion.option ? key + "=" + *deletion.option : key) +
                      "'. No match in the defaults list");
}

// Hydra's _print_defaults_tree_impl.
void TreeBuilder::print(const Element& e, int depth, std::vector<std::string>& lines) const {
  std::string label = e.kind == Element::Kind::Group ? e.override_key() + ": " + (e.has_name() ? e.name() : "null")
                                                      : e.config_path();
  lines.push_back(std::string(static_cast<std::size_t>(depth) * 2, ' ') + label + (e.expanded ? ":" : ""));
  for (const auto& child : e.children) print(child, depth + 1, lines);
}

// Hydra's _create_result_default: one merged config, or nothing (deleted, null, missing).
void TreeBuilder::emit(const Element& containing, const Element* containing_parent, const Element& e,
                       DefaultsTree& out) {
  if (e.deleted || e.kind == Element::Kind::Root || !e.has_name() || e.is_missing()) return;
  DefaultsListRow row;
  MergeItem item;
  if (e.kind == Element::Kind::Self) {
    row = {containing.config_path(), containing.final_package(), true,
           containing_parent ? containing_parent->config_path() : std::string()};
    item = {containing.file, row.package};
  } else {
    row = {e.config_path(), e.final_package(), false, containing.config_path()};
    item = {e.file, row.package};
    if (e.kind == Element::Kind::Group && !merged_groups_.insert(e.override_key()).second)
      throw UserError("In '" + where(&containing) + "': " + e.override_key() +
                      " appears more than once in the final defaults list");
  }
  if (row.config_path == kNoPrimary) return;
  out.rows.push_back(std::move(row));
  out.merge.push_back(std::move(item));
}

// Hydra's _dfs_walk over the tree: the merge order.
void TreeBuilder::collect(const Element& tree, const Element* tree_parent, DefaultsTree& out) {
  for (const auto& child : tree.children) {
    if (child.expanded)
      collect(child, &tree, out);
    else
      emit(tree, tree_parent, child, out);
  }
}

DefaultsTree TreeBuilder::build() {
  Element root;
  root.kind = Element::Kind::Root;
  Element hydra;
  hydra.path = "hydra/config";
  Element primary;
  primary.primary = true;
  primary.path = req_.primary ? req_.primary_name : std::string(kNoPrimary);
  primary.file = req_.primary ? req_.primary : std::make_shared<LoadedFile>();
  if (!req_.primary) {
    static const auto empty = std::make_shared<const Config>(Value::map());
    primary.file->tree = empty;
    primary.file->origin = "<command line>";
  }
  if (!repo_.load("hydra/config.yaml")) throw UserError("Internal error: the built-in hydra/config.yaml is missing");

  // The virtual root's children, in reverse: the primary (with the command line's +group=option) first.
  expand(primary, &root, true, false);
  expand(hydra, &root, false, false);
  root.children.push_back(std::move(hydra));
  root.children.push_back(std::move(primary));
  root.expanded = true;

  ensure_overrides_used();
  ensure_deletions_used();

  DefaultsTree out;
  print(root, 0, out.lines);
  collect(root, nullptr, out);
  out.choices = std::move(choices_);
  out.missing_choice = missing_;
  return out;
}

}  // namespace

DefaultsTree build_defaults_tree(ConfigRepository& repo, const DefaultsTreeRequest& request) {
  return TreeBuilder(repo, request).build();
}

}  // namespace hydra::internal

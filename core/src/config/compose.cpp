// Composition (Hydra's ConfigLoaderImpl): the command line sorted into group choices and key
// overrides, the defaults tree built (config/defaults_tree), its configs merged in order, the key
// overrides applied, Hydra's schema checked and the runtime keys filled in.
#include "config/compose.hpp"

#include "config/apply_overrides.hpp"
#include "config/config_repository.hpp"
#include "config/defaults_tree.hpp"
#include "config/hydra_schema.hpp"
#include "config/overrides.hpp"
#include "config/search_path.hpp"
#include "config/tree.hpp"
#include "config/yaml_io.hpp"
#include "util/errors.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

namespace hydra::internal {

namespace {

// A composition before its key overrides: the configs of its defaults tree, merged in order.
struct MergedDefaults {
  Config root;
  DefaultsTree tree;  // rows, lines, choices, missing_choice (merge is not kept)
};

std::string primary_config_name(const ComposeRequest& request) {
  std::string name = strip_slash(request.config_name);
  if (name.size() > 5 && name.substr(name.size() - 5) == ".yaml") name.resize(name.size() - 5);
  return name;
}

// The primary config (nullptr: none asked for, or not found), with the search path extended by
// hydra.searchpath (the primary's, or the command line's) before anything else is looked up, as
// in Hydra. The primary's `override` entries apply to Hydra's own groups too: it is loaded first.
std::shared_ptr<LoadedFile> load_primary(ConfigRepository& repo, const ComposeRequest& request,
                                         const std::vector<Override>& overrides) {
  const std::string name = primary_config_name(request);
  std::shared_ptr<LoadedFile> primary = name.empty() ? nullptr : repo.load(name + ".yaml");
  add_searchpath(repo, overrides, primary, request.cwd);
  return primary;
}

std::vector<ConfigSource> with_builtin(std::vector<ConfigSource> sources) {
  sources.push_back(ConfigSource::builtin());
  return sources;
}

// One composition over a repository whose search path is complete (load_primary).
class Composer {
 public:
  Composer(const ComposeRequest& request, const std::vector<Override>& overrides, ConfigRepository& repo,
           std::shared_ptr<LoadedFile> primary)
      : req_(request), overrides_(overrides), repo_(repo), primary_(std::move(primary)) {}

  void classify_overrides();
  // The overrides that shape the defaults tree, as typed: compositions with the same key merge the
  // same configs.
  const std::string& tree_key() const { return tree_key_; }
  MergedDefaults merge_defaults();
  ComposedConfig finish(MergedDefaults merged) const;

 private:
  void fill_runtime(Config& root, const std::vector<std::pair<std::string, Config>>& known_choices) const;

  const ComposeRequest& req_;
  const std::vector<Override>& overrides_;
  ConfigRepository& repo_;
  std::shared_ptr<LoadedFile> primary_;
  DefaultsTreeRequest tree_request_;
  std::string tree_key_;
  std::vector<const Override*> key_overrides_;  // into overrides_
};

// The command line: group choices (group=option, +group=option, ~group) for the defaults tree,
// key overrides for the merged config, sweeps left to the sweeper.
void Composer::classify_overrides() {
  for (const Override& ov : overrides_) {
    const std::string& text = ov.input;
    std::string name = ov.key_or_group();
    bool group = name.find('/') != std::string::npos || repo_.is_group(name);
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
      key_overrides_.push_back(&ov);
      continue;
    }
    tree_key_ += text;
    tree_key_ += '\n';
    if (ov.kind == Override::Kind::ForceAdd)
      throw UserError("Override '" + text + "': '" + name + "' is a config group; use " + name + "=<option> or +" +
                      name + "=<option> (++ is for config keys)");
    std::string gp = strip_slash(name);
    std::string okey = ov.package() ? gp + "@" + *ov.package() : gp;
    CliChoice choice{okey, {}, false, text};
    bool deleted = false;
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
        deleted = true;  // group=null removes the group's entry (Python Hydra: a ValueError)
      } else if (value.data().is_scalar() || value.data().kind() == NodeKind::Missing) {
        choice.options.push_back(value.data().text());
      } else {
        throw UserError("Override '" + text + "': the option of config group '" + gp + "' must be a name");
      }
    }
    if (deleted && ov.kind != Override::Kind::Add) {
      tree_request_.deletions.push_back({okey, std::nullopt, text});
      continue;
    }
    switch (ov.kind) {
      case Override::Kind::Delete:
        tree_request_.deletions.push_back(
            {okey, choice.options.empty() ? std::nullopt : std::optional<std::string>(choice.options.front()), text});
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
        tree_request_.appends.push_back(e);
        break;
      }
      default: tree_request_.choices.push_back(choice);
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

void Composer::fill_runtime(Config& root, const std::vector<std::pair<std::string, Config>>& known_choices) const {
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
  for (const auto& s : repo_.sources()) {
    if (s.is_builtin()) continue;
    if (s.is_embedded())
      add_source(req_.app_name, "embedded", s.provider());
    else if (s.is_directory())
      add_source(s.shown_path().empty() ? s.describe() : s.shown_path(), "file", s.provider());
    else
      add_source(s.describe().substr(std::string_view("memory://").size()), "memory", s.provider());
  }
  put_node(root, "hydra.runtime.config_sources", std::move(sources));

  // In the order the defaults tree reached the groups (Hydra's).
  Config choices;
  for (const auto& [group, value] : known_choices) choices.push_back({group, value});
  put_node(root, "hydra.runtime.choices", std::move(choices));

  std::vector<std::string> task_lines, hydra_lines;
  for (const auto& ov : overrides_) (ov.is_hydra() ? hydra_lines : task_lines).push_back(ov.input);
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
  for (const auto& ov : overrides_)
    if (!ov.is_hydra() && !exclude.count(ov.key_or_group())) lines.push_back(ov.input);
  std::sort(lines.begin(), lines.end());
  std::string dirname = join(lines, item_sep);
  for (std::size_t pos = dirname.find('='); pos != std::string::npos; pos = dirname.find('=', pos + kv_sep.size()))
    dirname.replace(pos, 1, kv_sep);
  put_node(root, "hydra.job.override_dirname", Config(Value::string(dirname)));
}

MergedDefaults Composer::merge_defaults() {
  const std::string primary_name = primary_config_name(req_);
  if (!primary_name.empty() && !primary_) {
    const std::string& name = primary_name;
    std::string msg = "Cannot find primary config '" + name + "'. Check that it's in your config search path.";
    std::vector<std::string> candidates;
    for (const auto& s : req_.sources) {
      auto opts = s.group_options(dir_of(name));
      candidates.insert(candidates.end(), opts.begin(), opts.end());
    }
    auto close = closest_matches(name.substr(dir_of(name).empty() ? 0 : dir_of(name).size() + 1), candidates);
    if (!close.empty()) msg += " Did you mean '" + close.front() + "'?";
    msg += " " + repo_.search_path_text();
    throw UserError(msg);
  }
  tree_request_.primary = primary_;
  tree_request_.primary_name = primary_name;
  tree_request_.skip_missing = req_.mode == RunMode::MULTIRUN;
  MergedDefaults merged;
  merged.tree = build_defaults_tree(repo_, tree_request_);

  // Merge, in defaults-list order.
  Config& root = merged.root;
  for (const auto& item : merged.tree.merge) {
    Config& at = ensure_map_path(root, item.package, item.file->origin);
    try {
      merge_into(at, *item.file->tree, item.package, "defaults");
    } catch (const MergeClash& clash) {
      std::string msg = "Error merging '" + item.file->origin + "': " + clash.what();
      if (clash.key() == "hydra.callbacks") msg += " (callbacks are a map: name -> {_target_: ...})";
      throw UserError(msg);
    }
  }
  merged.tree.merge.clear();
  return merged;
}

ComposedConfig Composer::finish(MergedDefaults merged) const {
  ComposedConfig out;
  Config& root = out.config;
  root.swap(merged.root);
  // Command-line key overrides, in order.
  for (const Override* ov : key_overrides_) internal::apply_key_override(root, *ov);

  validate_hydra_types(root);

  fill_runtime(root, merged.tree.choices);
  for (const auto& ov : overrides_) (ov.is_hydra() ? out.hydra_overrides : out.task_overrides).push_back(ov.input);
  out.defaults_list = std::move(merged.tree.rows);
  out.defaults_tree = std::move(merged.tree.lines);
  out.missing_choice = std::move(merged.tree.missing_choice);
  out.sources = repo_.sources();
  return out;
}

// Whether the overrides change the search path: then a composition cannot share its repository.
bool sets_searchpath(const std::vector<Override>& overrides) {
  return std::any_of(overrides.begin(), overrides.end(),
                     [](const Override& ov) { return ov.key_or_group() == "hydra.searchpath"; });
}

}  // namespace

ComposedConfig compose(const ComposeRequest& request) {
  ConfigRepository repo(with_builtin(request.sources));
  std::shared_ptr<LoadedFile> primary = load_primary(repo, request, request.overrides);
  Composer composer(request, request.overrides, repo, std::move(primary));
  composer.classify_overrides();
  return composer.finish(composer.merge_defaults());
}

// The repository with the search path of compositions without a hydra.searchpath override, and
// the merged defaults of each tree key met so far (a sweep over groups meets a few; a sweep over
// values, one).
struct ComposeSession::State {
  ComposeRequest base;
  std::mutex mutex;
  std::optional<ConfigRepository> repo;  // set once its search path is complete
  std::shared_ptr<LoadedFile> primary;
  std::unordered_map<std::string, MergedDefaults> merged;
};

ComposeSession::ComposeSession(ComposeRequest base) : state_(std::make_unique<State>()) {
  base.overrides.clear();
  state_->base = std::move(base);
}

ComposeSession::~ComposeSession() = default;

ComposedConfig ComposeSession::compose(const std::vector<Override>& overrides) {
  State& s = *state_;
  if (sets_searchpath(overrides)) {
    ComposeRequest request = s.base;
    request.overrides = overrides;
    return internal::compose(request);
  }
  // Bounds what a sweep over many group combinations holds: it then merges as compose() does.
  constexpr std::size_t kMergedKept = 64;
  std::lock_guard<std::mutex> lock(s.mutex);
  if (!s.repo) {
    ConfigRepository repo(with_builtin(s.base.sources));
    s.primary = load_primary(repo, s.base, {});  // throws as compose() would: then nothing is kept
    s.repo.emplace(std::move(repo));
  }
  Composer composer(s.base, overrides, *s.repo, s.primary);
  composer.classify_overrides();
  auto it = s.merged.find(composer.tree_key());
  if (it == s.merged.end()) {
    MergedDefaults merged = composer.merge_defaults();
    if (s.merged.size() == kMergedKept) s.merged.clear();
    it = s.merged.emplace(composer.tree_key(), std::move(merged)).first;
  }
  return composer.finish(it->second);  // a copy: the kept one serves the next job
}

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

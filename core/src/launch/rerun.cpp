#include "launch/rerun.hpp"

#include "config/apply_overrides.hpp"
#include "config/tree.hpp"
#include "config/yaml_io.hpp"
#include "util/errors.hpp"
#include "util/strings.hpp"

#include <hydra/logging.hpp>

#include <algorithm>
#include <system_error>

namespace fs = std::filesystem;

namespace hydra::internal {
namespace {

constexpr const char* kFlag = "--experimental-rerun";

// Absolute and normal, without a trailing separator ("outputs/x/" -> /cwd/outputs/x).
fs::path clean(const fs::path& p) {
  fs::path out = fs::absolute(p).lexically_normal();
  if (!out.has_filename() && out.has_parent_path()) out = out.parent_path();
  return out;
}

bool is_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

// A job's .hydra dir: it holds the task config and the hydra node.
bool is_info_dir(const fs::path& dir) { return is_file(dir / "config.yaml") && is_file(dir / "hydra.yaml"); }

Config load(const fs::path& file) {
  if (!is_file(file)) throw UserError(std::string(kFlag) + ": '" + file.string() + "' does not exist");
  try {
    return load_yaml_file(file);
  } catch (const UserError& e) {
    // parse_yaml names the file: "<file>:<line>:<col>: <problem>".
    throw UserError(std::string(kFlag) + ": cannot read the saved config: " + e.what());
  }
}

[[noreturn]] void garbled(const fs::path& file, const std::string& problem) {
  throw UserError(std::string(kFlag) + ": '" + file.string() + "' is not a saved job config: " + problem);
}

const Config* hydra_map(const Config& tree) {
  if (tree.data().kind() != NodeKind::Map) return nullptr;
  auto it = tree.find("hydra");
  if (it == tree.not_found() || it->second.data().kind() != NodeKind::Map) return nullptr;
  return &it->second;
}

std::vector<std::string> string_list(const Config& node, const fs::path& file, const std::string& what) {
  if (node.data().kind() != NodeKind::Sequence) garbled(file, what + " is not a list");
  std::vector<std::string> out;
  for (const auto& [k, item] : node) {
    if (!item.data().is_scalar()) garbled(file, what + " holds a " + std::string(to_string(item.data().kind())));
    out.push_back(item.data().text());
  }
  return out;
}

std::vector<std::string> list_at(const Config& whole, const std::string& key, const fs::path& file) {
  const Config* node = find_node(whole, key);
  if (!node || node->data().kind() == NodeKind::Null) return {};
  return string_list(*node, file, key);
}

// The job dir of a .hydra dir: strip hydra.output_subdir (".hydra", or nested "a/b") off its end.
fs::path job_dir_of(const fs::path& info_dir, const Config& whole) {
  const Config* subdir = find_node(whole, "hydra.output_subdir");
  fs::path dir = info_dir;
  if (subdir && subdir->data().is_scalar() && fs::path(subdir->data().text()).is_relative()) {
    fs::path rel = fs::path(subdir->data().text()).lexically_normal();
    std::vector<fs::path> want(rel.begin(), rel.end());
    std::vector<fs::path> have(info_dir.begin(), info_dir.end());
    while (!want.empty() && want.back().empty()) want.pop_back();
    if (!want.empty() && want.size() < have.size() &&
        std::equal(want.begin(), want.end(), have.end() - static_cast<std::ptrdiff_t>(want.size()))) {
      for (std::size_t i = 0; i < want.size(); ++i) dir = dir.parent_path();
      return dir;
    }
  }
  return info_dir.parent_path();
}

// A whole-config file (PickleJobInfoCallback's) holds the job's config resolved: paths the runtime
// derived from the job's output dir (the job log's file name) name the old dir. Turn them back into
// ${hydra.runtime.output_dir}/..., so the rerun's job dir gets them (the task part stays as saved).
void unresolve_output_dir(Config& hydra, const std::string& old_dir) {
  if (old_dir.empty()) return;
  for (auto& [key, child] : hydra) {
    if (child.data().is_container()) {
      unresolve_output_dir(child, old_dir);
    } else if (child.data().kind() == NodeKind::String) {
      const std::string& text = child.data().text();
      if (text.size() > old_dir.size() && starts_with(text, old_dir) && text[old_dir.size()] == '/')
        child.data() = Value::string("${hydra.runtime.output_dir}" + text.substr(old_dir.size()));
    }
  }
}

struct Saved {
  Config whole;
  std::vector<std::string> task_overrides;
  fs::path job_dir;
  fs::path from;
};

// <info dir>/config.yaml (task part) + hydra.yaml (hydra node) + overrides.yaml (task overrides).
Saved from_info_dir(const fs::path& info_dir) {
  Saved saved;
  saved.from = info_dir;
  const fs::path task_file = info_dir / "config.yaml";
  const fs::path hydra_file = info_dir / "hydra.yaml";
  Config task = load(task_file);
  if (task.data().kind() != NodeKind::Map)
    garbled(task_file, "expected the task config (a map), found a " + std::string(to_string(task.data().kind())));
  Config hydra = load(hydra_file);
  const Config* hydra_node = hydra_map(hydra);
  if (!hydra_node) garbled(hydra_file, "expected a map with a 'hydra' node");
  saved.whole.push_back({"hydra", *hydra_node});
  for (const auto& [key, value] : task)
    if (key != "hydra") saved.whole.push_back({key, value});
  const fs::path overrides_file = info_dir / "overrides.yaml";
  if (is_file(overrides_file))
    saved.task_overrides = string_list(load(overrides_file), overrides_file, "the override list");
  else
    saved.task_overrides = list_at(saved.whole, "hydra.overrides.task", hydra_file);
  saved.job_dir = job_dir_of(info_dir, saved.whole);
  return saved;
}

Saved locate(const std::string& target) {
  if (target.empty()) throw UserError(std::string(kFlag) + ": expected a job dir or its saved config file");
  const fs::path path = clean(target);
  std::error_code ec;
  if (!fs::exists(path, ec))
    throw UserError(std::string(kFlag) + ": '" + target +
                    "' does not exist (give a job dir, e.g. outputs/<date>/<time>, or its .hydra/config.yaml)");
  if (fs::is_directory(path, ec)) {
    if (is_info_dir(path / ".hydra")) return from_info_dir(path / ".hydra");
    if (is_info_dir(path)) return from_info_dir(path);  // the .hydra dir itself
    // A job dir whose hydra.output_subdir is not .hydra: the one subdir holding a job's files.
    std::vector<fs::path> found;
    for (const auto& entry : fs::directory_iterator(path, ec))
      if (entry.is_directory(ec) && is_info_dir(entry.path())) found.push_back(entry.path());
    if (found.size() == 1) return from_info_dir(found.front());
    if (is_file(path / "multirun.yaml"))
      throw UserError(std::string(kFlag) + ": '" + target + "' is a sweep dir; rerun one of its jobs by its dir, e.g. " +
                      (fs::path(target) / "0").string());
    throw UserError(std::string(kFlag) + ": '" + target +
                    "' is not a job dir: it has no .hydra/config.yaml and .hydra/hydra.yaml (was "
                    "hydra.output_subdir null when the job ran?)");
  }
  // A file: a whole config (it has a `hydra` node), or one of the files of a job's .hydra dir.
  Config tree = load(path);
  if (const Config* hydra = hydra_map(tree)) {
    Saved saved;
    saved.from = path;
    Config hydra_node = *hydra;
    const Config* old_dir = find_node(hydra_node, "runtime.output_dir");
    if (old_dir && old_dir->data().kind() == NodeKind::String) {
      std::string dir = old_dir->data().text();
      for (const char* key : {"job_logging", "hydra_logging"})
        if (Config* logging = find_node(hydra_node, key)) unresolve_output_dir(*logging, dir);
    }
    saved.whole.push_back({"hydra", std::move(hydra_node)});
    for (const auto& [key, value] : tree)
      if (key != "hydra") saved.whole.push_back({key, value});
    saved.task_overrides = list_at(saved.whole, "hydra.overrides.task", path);
    saved.job_dir = job_dir_of(path.parent_path(), saved.whole);
    return saved;
  }
  static const char* job_files[] = {"config.yaml", "hydra.yaml", "overrides.yaml", "job_return.yaml", "job_info.yaml"};
  const std::string name = path.filename().string();
  bool known = std::any_of(std::begin(job_files), std::end(job_files), [&](const char* f) { return name == f; });
  if (!known) garbled(path, "it has no 'hydra' node and is not one of a job's .hydra/ files");
  if (!is_file(path.parent_path() / "hydra.yaml"))
    throw UserError(std::string(kFlag) + ": '" + (path.parent_path() / "hydra.yaml").string() +
                    "' does not exist (it holds the job's hydra config, next to " + name + ")");
  return from_info_dir(path.parent_path());
}

bool is_group_of(const Config& whole, const std::string& name) {
  const Config* choices = find_node(whole, "hydra.runtime.choices");
  if (!choices || choices->data().kind() != NodeKind::Map) return false;
  return choices->find(name) != choices->not_found();
}

// hydra.overrides.<which> += items (creating the list if the saved config has none).
void append_overrides(Config& whole, const std::string& which, const std::vector<std::string>& items) {
  Config& overrides = ensure_map_path(whole, "hydra.overrides", kFlag);
  auto it = overrides.find(which);
  Config* list = it == overrides.not_found() ? &overrides.push_back({which, make_sequence()})->second : &it->second;
  if (list->data().kind() != NodeKind::Sequence) *list = make_sequence();
  for (const auto& item : items) push_back(*list, make_node(item));
}

}  // namespace

RerunJob load_rerun(const std::string& target, const std::vector<Override>& overrides, bool multirun) {
  if (multirun)
    throw UserError(std::string(kFlag) + " reruns one job; it cannot be combined with --multirun (-m)");
  Saved saved = locate(target);
  Config& whole = saved.whole;

  RerunJob rerun;
  rerun.job_dir = saved.job_dir;
  rerun.saved_from = saved.from;
  const Config* name = find_node(whole, "hydra.job.config_name");
  rerun.config_name = name && name->data().is_scalar() ? name->data().text() : "";

  // A RUN into the original job dir (overrides below may change either).
  whole.put("hydra.run.dir", saved.job_dir.string());
  whole.put("hydra.mode", std::string("RUN"));
  // Set by the job when it starts, as in any RUN (on_run_start sees it unset).
  if (Config* output_dir = find_node(whole, "hydra.runtime.output_dir")) *output_dir = Config(Value::missing());
  std::vector<std::string> hydra_overrides;
  for (auto& item : list_at(whole, "hydra.overrides.hydra", saved.from))
    if (!starts_with(item, "hydra.mode=")) hydra_overrides.push_back(item);
  hydra_overrides.push_back("hydra.mode=RUN");
  if (Config* node = find_node(whole, "hydra.overrides.hydra")) *node = make_sequence();
  append_overrides(whole, "hydra", hydra_overrides);

  AppliedOverrides applied = apply_key_overrides(
      whole, overrides, [&](const std::string& group) { return is_group_of(whole, group); }, kFlag);
  const Config* mode = find_node(whole, "hydra.mode");
  if (!mode || mode->data().text() != "RUN")
    throw UserError(std::string(kFlag) + " reruns one job as a RUN; hydra.mode cannot be changed");
  append_overrides(whole, "task", applied.task);
  append_overrides(whole, "hydra", applied.hydra);

  rerun.composed.task_overrides = saved.task_overrides;
  rerun.composed.task_overrides.insert(rerun.composed.task_overrides.end(), applied.task.begin(), applied.task.end());
  rerun.composed.hydra_overrides = hydra_overrides;
  rerun.composed.hydra_overrides.insert(rerun.composed.hydra_overrides.end(), applied.hydra.begin(),
                                        applied.hydra.end());
  rerun.composed.config = std::move(whole);
  return rerun;
}

void warn_experimental_rerun(const RerunJob& rerun) {
  get_logger("hydra")->warn(
      "Experimental rerun CLI option: replaying the saved config from {} (config files are not read)",
      rerun.saved_from.string());
}

}  // namespace hydra::internal

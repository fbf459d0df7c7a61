#include "cli/config_printer.hpp"

#include "config/interpolation.hpp"
#include "plugin/plugin_inventory.hpp"
#include "job/job_runner.hpp"
#include "util/errors.hpp"
#include "util/strings.hpp"

#include <iostream>

namespace hydra::internal {
namespace {

Config select_part(const Config& config, const std::string& part) {
  if (part == "job") return task_part(config);
  if (part == "hydra") {
    Config hydra_only;
    hydra_only.add_child("hydra", config.get_child("hydra"));
    return hydra_only;
  }
  return config;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (std::size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
    text.replace(pos, from.size(), to);
}

// "group: option1, option2" for every config group in the search path (Hydra's own groups
// with hydra_groups, the app's otherwise), sorted.
std::string config_groups(const std::vector<ConfigSource>& sources, bool hydra_groups) {
  std::vector<std::string> lines;
  for (const auto& [group, options] : list_config_groups(sources)) {
    if (group == "hydra") continue;  // the hydra node itself (hydra/config), not a group to choose from
    if (starts_with(group, "hydra/") != hydra_groups) continue;
    lines.push_back(group + ": " + join(options, ", "));
  }
  return join(lines, "\n");
}

std::string resolved_template(const Config& config, const std::string& key, const ResolveOptions& options) {
  return resolve(config, config.get_child(key), key, options).data().text();
}

// What OmegaConf.resolve makes of the printed part: an interpolation that fails is an error, one
// that leads to a ??? value is ??? (e.g. hydra.runtime.output_dir, set only when a job runs).
// The job part is resolved without the `hydra` node, as Hydra prints it (${hydra:...} still reads it).
void resolve_for_printing(const Config& config, Config& part, bool job_part, std::chrono::system_clock::time_point now) {
  ResolveOptions options{now, true, true};
  options.without_hydra_node = job_part;
  resolve_in_place(config, part, "", options);
}

int print_cfg(const CommandLine& cl, const Config& config, const ResolveOptions& options) {
  Config tree = select_part(config, *cl.cfg);
  if (cl.resolve) resolve_for_printing(config, tree, *cl.cfg == "job", options.now);
  if (cl.package && !cl.package->empty() && *cl.package != "_global_") {
    auto node = tree.get_child_optional(*cl.package);
    if (!node)
      throw UserError("--package: '" + *cl.package + "' is not in the " + *cl.cfg +
                      " config; see the whole tree with --cfg " + *cl.cfg);
    std::cout << "# @package " << *cl.package << "\n" << to_yaml(*node);
  } else {
    std::cout << to_yaml(tree);
  }
  return 0;
}

// Hydra's section header: the title, then a line of `filler` as long as it.
void header(const std::string& title, char filler) {
  std::cout << title << "\n" << std::string(title.size(), filler) << "\n";
}

// Hydra's boxed table: "| a | b |" rows padded to the widest cell, dashes around.
void table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width(rows.front().size(), 0);
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  auto line = [&](const std::vector<std::string>& row) {
    std::string out = "|";
    for (std::size_t i = 0; i < row.size(); ++i) out += " " + row[i] + std::string(width[i] - row[i].size(), ' ') + " |";
    return out;
  };
  std::string head = line(rows.front());
  header(head, '-');
  for (std::size_t r = 1; r < rows.size(); ++r) std::cout << line(rows[r]) << "\n";
  std::cout << std::string(head.size(), '-') << "\n";
}

void print_search_path(const Config& config) {
  header("Config search path", '*');
  std::vector<std::vector<std::string>> rows{{"Provider", "Search path"}};
  if (auto sources = config.get_child_optional("hydra.runtime.config_sources"))
    for (const auto& [k, s] : *sources)
      rows.push_back({s.get<std::string>("provider", ""), s.get<std::string>("schema", "") + "://" +
                                                               s.get<std::string>("path", "")});
  table(rows);
}

void print_defaults_tree(const ComposedConfig& composed) {
  header("Defaults Tree", '*');
  for (const auto& line : composed.defaults_tree) std::cout << line << "\n";
}

void print_defaults_list(const ComposedConfig& composed) {
  header("Defaults List", '*');
  std::vector<std::vector<std::string>> rows{{"Config path", "Package", "_self_", "Parent"}};
  for (const auto& row : composed.defaults_list)
    rows.push_back({row.config_path, row.package, row.is_self ? "True" : "False", row.parent});
  table(rows);
}

}  // namespace

int print_requested_info(const CommandLine& cl, const ComposedConfig& composed, const ComposeRequest& request,
                         const PluginSearchPath& plugin_search_path, std::chrono::system_clock::time_point now) {
  (void)request;
  const Config& config = composed.config;
  ResolveOptions options{now, false};
  if (cl.cfg) return print_cfg(cl, config, options);
  if (cl.help || cl.hydra_help) {
    // Hydra's string.Template over the (resolved) template; --resolve resolves $CONFIG too.
    const std::string key = cl.help ? "hydra.help.template" : "hydra.hydra_help.template";
    std::string text = resolved_template(config, key, options);
    Config task = task_part(config);
    if (cl.resolve) resolve_for_printing(config, task, true, now);
    replace_all(text, "$APP_CONFIG_GROUPS", config_groups(composed.sources, false));
    replace_all(text, "$HYDRA_CONFIG_GROUPS", config_groups(composed.sources, true));
    replace_all(text, "$FLAGS_HELP", flags_help());
    replace_all(text, "$CONFIG", to_yaml(task));
    std::cout << text << "\n";  // Hydra print()s it
    return 0;
  }
  // --info
  const std::string& what = *cl.info;
  if (what == "all") {
    header("Hydra " HYDRA_VERSION " (hydra-cpp)", '=');
  }
  if (what == "all" || what == "plugins") {
    // Every dir of the search path, every candidate file with its factories and ABI, or why it was refused.
    std::cout << describe_plugins(plugin_search_path);
  }
  if (what == "all" || what == "config" || what == "searchpath") print_search_path(config);
  if (what == "all" || what == "config" || what == "defaults-tree") print_defaults_tree(composed);
  if (what == "all" || what == "config" || what == "defaults") print_defaults_list(composed);
  if (what == "all" || what == "config") {
    header("Config", '*');
    std::cout << to_yaml(task_part(config));
  }
  return 0;
}

}  // namespace hydra::internal

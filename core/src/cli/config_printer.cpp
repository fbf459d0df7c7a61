#include "cli/config_printer.hpp"

#include "config/interpolation.hpp"
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
std::string config_groups(const ComposeRequest& request, bool hydra_groups) {
  std::vector<std::string> lines;
  for (const auto& [group, options] : list_config_groups(request.sources)) {
    if (starts_with(group, "hydra/") != hydra_groups) continue;
    lines.push_back(group + ": " + join(options, ", "));
  }
  return join(lines, "\n");
}

std::string resolved_template(const Config& config, const std::string& key, const ResolveOptions& options) {
  return resolve(config, config.get_child(key), key, options).data().text();
}

int print_cfg(const CommandLine& cl, const Config& config, const ResolveOptions& options) {
  Config tree = select_part(config, *cl.cfg);
  if (cl.resolve) tree = resolve(config, tree, "", options);
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

}  // namespace

int print_requested_info(const CommandLine& cl, const ComposedConfig& composed, const ComposeRequest& request,
                         const PluginSearchPath& plugin_search_path, std::chrono::system_clock::time_point now) {
  const Config& config = composed.config;
  ResolveOptions options{now, false};
  if (cl.cfg) return print_cfg(cl, config, options);
  if (cl.help) {
    std::string text = resolved_template(config, "hydra.help.template", options);
    replace_all(text, "$APP_CONFIG_GROUPS", config_groups(request, false));
    replace_all(text, "$CONFIG", to_yaml(task_part(config)));
    std::cout << text;
    return 0;
  }
  if (cl.hydra_help) {
    std::string text = resolved_template(config, "hydra.hydra_help.template", options);
    replace_all(text, "$FLAGS_HELP", flags_help());
    replace_all(text, "$HYDRA_CONFIG_GROUPS", config_groups(request, true));
    std::cout << text;
    return 0;
  }
  // --info
  const std::string& what = *cl.info;
  if (what == "all" || what == "searchpath") {
    std::cout << "Config search path\n";
    for (const auto& source : request.sources) std::cout << "  " << source.describe() << "\n";
  }
  if (what == "all" || what == "defaults" || what == "defaults-tree") {
    std::cout << "Defaults (config group choices)\n";
    if (auto choices = config.get_child_optional("hydra.runtime.choices")) {
      for (const auto& [group, choice] : *choices) {
        std::string value = choice.data().is_scalar() ? choice.data().text() : to_yaml(choice);
        if (!value.empty() && value.back() == '\n') value.pop_back();
        std::cout << "  " << group << ": " << value << "\n";
      }
    }
  }
  if (what == "all" || what == "config") std::cout << "Config\n" << to_yaml(task_part(config));
  if (what == "all" || what == "plugins") {
    std::cout << "Plugin search path\n";
    for (const auto& dir : plugin_search_path.dirs) std::cout << "  " << dir.string() << "\n";
  }
  return 0;
}

}  // namespace hydra::internal

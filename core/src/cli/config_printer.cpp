#include "cli/config_printer.hpp"

#include "config/interpolation.hpp"
#include "config/tree.hpp"
#include "plugin/plugin_inventory.hpp"
#include "job/job_runner.hpp"
#include "logging/log_manager.hpp"
#include "util/errors.hpp"
#include "util/strings.hpp"

#include <hydra/logging.hpp>

#include <cctype>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <map>
#include <optional>

namespace hydra::internal {
namespace {

// --cfg hydra and --hydra-help's $CONFIG: the hydra node without its help templates, as Hydra's
// get_sanitized_hydra_cfg shows it.
Config sanitized_hydra_part(const Config& config) {
  Config hydra_only;
  Config& hydra = hydra_only.add_child("hydra", config.get_child("hydra"));
  hydra.erase("help");
  hydra.erase("hydra_help");
  return hydra_only;
}

Config select_part(const Config& config, const std::string& part) {
  if (part == "job") return task_part(config);
  if (part == "hydra") return sanitized_hydra_part(config);
  return config;
}

// "group: option1, option2\n" for every config group in the search path, sorted: Hydra's own
// (`hydra` and `hydra/...`) with hydra_groups, the app's otherwise.
std::string config_groups(const std::vector<ConfigSource>& sources, bool hydra_groups) {
  std::string out;
  for (const auto& [group, options] : list_config_groups(sources)) {
    const bool is_hydra_group = group == "hydra" || starts_with(group, "hydra/");
    if (is_hydra_group == hydra_groups) out += group + ": " + join(options, ", ") + "\n";
  }
  return out;
}

bool is_identifier_start(char c) { return c == '_' || std::isalpha(static_cast<unsigned char>(c)); }
bool is_identifier_char(char c) { return c == '_' || std::isalnum(static_cast<unsigned char>(c)); }

// Python's string.Template(template).substitute(values): `$name` and `${name}` are replaced,
// `$$` is a `$`; an unknown name or any other `$` is an error naming `key` and the line.
std::string substitute_placeholders(const std::string& text, const std::map<std::string, std::string>& values,
                                    const std::string& key) {
  std::string out;
  std::size_t line = 1;
  auto fail = [&](const std::string& what) {
    std::vector<std::string> names;
    for (const auto& [name, value] : values) names.push_back("$" + name);
    throw UserError(key + ": " + what + " (line " + std::to_string(line) + " of the template); the template can use " +
                    join(names, ", ") + ", and $$ for a literal $");
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') ++line;
    if (text[i] != '$') {
      out += text[i];
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    const bool braced = i + 1 < text.size() && text[i + 1] == '{';
    std::size_t begin = i + (braced ? 2 : 1), end = begin;
    if (end < text.size() && is_identifier_start(text[end]))
      while (end < text.size() && is_identifier_char(text[end])) ++end;
    if (end == begin || (braced && (end >= text.size() || text[end] != '}')))
      fail("a '$' that starts no placeholder");
    const std::string name = text.substr(begin, end - begin);
    auto value = values.find(name);
    if (value == values.end()) fail("unknown placeholder '$" + name + "'");
    out += value->second;
    i = braced ? end : end - 1;
  }
  return out;
}

std::string resolved_template(const Config& config, const std::string& key, const ResolveOptions& options) {
  auto node = config.get_child_optional(key);
  const std::string group = key.substr(0, key.rfind('.'));
  if (!node || node->data().kind() != NodeKind::String)
    throw UserError(key + " is " + (node ? "not a string" : "not set") + "; the hydra/" + group.substr(6) +
                    " option in use must set `template` to the help text (as hydra/" + group.substr(6) +
                    "/default does)");
  // Strict, as OmegaConf reads it: an interpolation that does not resolve is an error.
  return resolve(config, *node, key, ResolveOptions{options.now, true}).data().text();
}

// The tree `--cfg <part>` resolves against, as Hydra's sanitized config holds it: the job part
// reads the whole config (without the `hydra` node, which ${hydra:...} still reads); the hydra
// part only itself, so a hydra value that refers to a key of the app's config does not resolve.
const Config& resolution_root(const Config& config, const Config& part, const std::string& which) {
  return which == "hydra" ? part : config;
}

ResolveOptions printing_options(const std::string& which, std::chrono::system_clock::time_point now,
                                bool keep_missing) {
  ResolveOptions options{now, true, keep_missing};
  options.without_hydra_node = which == "job";
  return options;
}

// What OmegaConf.resolve makes of the printed part: an interpolation that fails is an error, one
// that leads to a ??? value is ??? (e.g. hydra.runtime.output_dir, set only when a job runs).
void resolve_for_printing(const Config& root, Config& part, const std::string& part_key, const std::string& which,
                          std::chrono::system_clock::time_point now) {
  resolve_in_place(root, part, part_key, printing_options(which, now, true));
}

// Python's repr() of a string: single quotes unless the text has a ' and no ", escapes for the
// quote, the backslash and control characters.
std::string python_string_repr(const std::string& text) {
  const char quote = text.find('\'') != std::string::npos && text.find('"') == std::string::npos ? '"' : '\'';
  std::string out(1, quote);
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == quote || c == '\\') out += {'\\', c};
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\r') out += "\\r";
    else if (byte < 0x20 || byte == 0x7f) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\x%02x", byte);
      out += escape;
    }
    else out += c;
  }
  return out + quote;
}

// Python's str() of the value OmegaConf.select returns for a leaf (`repr` inside a dict or list,
// where strings are quoted): 123, 1e-05, True, None, inf, {'a': 1, 'b': [1, 'x']}.
std::string python_text(const Config& node, bool repr) {
  const Value& value = node.data();
  switch (value.kind()) {
    case NodeKind::Map: {
      std::string out = "{";
      for (const auto& [key, child] : node) out += (out.size() > 1 ? ", " : "") + python_string_repr(key) + ": " + python_text(child, true);
      return out + "}";
    }
    case NodeKind::Sequence: {
      std::string out = "[";
      for (const auto& [key, child] : node) out += (out.size() > 1 ? ", " : "") + python_text(child, true);
      return out + "]";
    }
    case NodeKind::Null: return "None";
    case NodeKind::Bool: return value.text() == "true" ? "True" : "False";
    case NodeKind::Float:
      if (value.text() == ".inf" || value.text() == "-.inf" || value.text() == ".nan") {
        std::string text = value.text();
        return text.erase(text.find('.'), 1);
      }
      return value.text();
    case NodeKind::Int: return value.text();
    default: return repr ? python_string_repr(value.text()) : value.text();
  }
}

// A resolver whose result OmegaConf keeps as a plain Python dict or list, not as a config node
// (oc.decode; oc.create, oc.select, oc.dict.* and node references give config nodes).
bool gives_plain_container(const Config& unresolved) {
  return unresolved.data().kind() == NodeKind::String && starts_with(unresolved.data().text(), "${oc.decode:");
}

[[noreturn]] void package_not_found(const CommandLine& cl) {
  throw UserError("package '" + *cl.package + "' not found in config: --cfg " + *cl.cfg + " -p " + *cl.package +
                  " names no key with a value (absent, null or ?\?\?); see the whole tree with --cfg " + *cl.cfg);
}

void print_container(const CommandLine& cl, Config shown, const Config& root, std::chrono::system_clock::time_point now) {
  if (cl.resolve) resolve_for_printing(root, shown, *cl.package, *cl.cfg, now);
  std::cout << "# @package " << *cl.package << "\n" << to_yaml(shown);
}

// --cfg <part> -p <key>, as Hydra's show_cfg: OmegaConf.select(part, key) resolves a leaf (always,
// only that leaf) and Python prints its value bare; a null or absent key is an error; a dict or
// list gets its `# @package` line, and --resolve resolves only that node.
int print_package(const CommandLine& cl, const Config& part, const Config& root, std::chrono::system_clock::time_point now) {
  const Config* node = find_node(part, *cl.package);
  if (!node || node->data().kind() == NodeKind::Null || node->data().kind() == NodeKind::Missing) package_not_found(cl);
  if (node->data().is_container()) {
    print_container(cl, *node, root, now);
    return 0;
  }
  Config value = has_interpolations(*node) ? resolve(root, *node, *cl.package, printing_options(*cl.cfg, now, false)) : *node;
  if (value.data().kind() == NodeKind::Null || value.data().kind() == NodeKind::Missing) package_not_found(cl);
  if (value.data().is_container() && !gives_plain_container(*node))
    print_container(cl, std::move(value), root, now);
  else
    std::cout << python_text(value, false) << "\n";
  return 0;
}

int print_cfg(const CommandLine& cl, const Config& config, const ResolveOptions& options) {
  Config tree = select_part(config, *cl.cfg);
  const Config& root = resolution_root(config, tree, *cl.cfg);
  if (cl.package && !cl.package->empty() && *cl.package != "_global_") return print_package(cl, tree, root, options.now);
  if (cl.resolve) {
    Config resolved = tree;
    resolve_for_printing(root, resolved, "", *cl.cfg, options.now);
    resolved.swap(tree);
  }
  std::cout << to_yaml(tree);
  return 0;
}

// Hydra's section header: the title, then a line of `filler` as long as it.
void header(std::ostream& out, const std::string& title, char filler) {
  out << title << "\n" << std::string(title.size(), filler) << "\n";
}

// Hydra's boxed table: "| a | b |" rows padded to the widest cell, dashes around; the heading
// row ends with `heading_suffix` (Hydra's defaults list heading has a trailing space, and so
// has its line of dashes one more dash).
void table(std::ostream& out, const std::vector<std::vector<std::string>>& rows, const std::string& heading_suffix = "") {
  std::vector<std::size_t> width(rows.front().size(), 0);
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  auto line = [&](const std::vector<std::string>& row) {
    std::string text = "|";
    for (std::size_t i = 0; i < row.size(); ++i) text += " " + row[i] + std::string(width[i] - row[i].size(), ' ') + " |";
    return text;
  };
  std::string head = line(rows.front()) + heading_suffix;
  header(out, head, '-');
  for (std::size_t r = 1; r < rows.size(); ++r) out << line(rows[r]) << "\n";
  out << std::string(head.size(), '-') << "\n";
}

// Hydra starts the search path, the defaults tree and the defaults list each with an empty line.
void print_search_path(std::ostream& out, const Config& config) {
  out << "\n";
  header(out, "Config search path", '*');
  std::vector<std::vector<std::string>> rows{{"Provider", "Search path"}};
  if (auto sources = config.get_child_optional("hydra.runtime.config_sources"))
    for (const auto& [k, s] : *sources)
      rows.push_back({s.get<std::string>("provider", ""), s.get<std::string>("schema", "") + "://" +
                                                               s.get<std::string>("path", "")});
  table(out, rows);
}

void print_defaults_tree(std::ostream& out, const ComposedConfig& composed) {
  out << "\n";
  header(out, "Defaults Tree", '*');
  for (const auto& line : composed.defaults_tree) out << line << "\n";
}

void print_defaults_list(std::ostream& out, const ComposedConfig& composed) {
  out << "\n";
  header(out, "Defaults List", '*');
  std::vector<std::vector<std::string>> rows{{"Config path", "Package", "_self_", "Parent"}};
  for (const auto& row : composed.defaults_list)
    rows.push_back({row.config_path, row.package, row.is_self ? "True" : "False", row.parent});
  table(out, rows, " ");
}

// --info <what>: plugins, search path, defaults tree and list, then the "Config" heading (the
// app's config itself is config_section_body, which Hydra logs as one record).
void write_info_sections(std::ostream& out, const std::string& what, const ComposedConfig& composed,
                         const PluginSearchPath& plugin_search_path) {
  if (what == "all") header(out, "Hydra " HYDRA_VERSION " (hydra-cpp)", '=');
  // Every dir of the search path, every candidate file with its factories and ABI, or why it was refused.
  if (what == "all" || what == "plugins") out << describe_plugins(plugin_search_path);
  if (what == "all" || what == "config" || what == "searchpath") print_search_path(out, composed.config);
  if (what == "all" || what == "config" || what == "defaults-tree") print_defaults_tree(out, composed);
  if (what == "all" || what == "config" || what == "defaults") print_defaults_list(out, composed);
  if (what == "all" || what == "config") header(out, "Config", '*');
}

// The app's config under --info all/config: its YAML, which Hydra logs as one message, so that
// the YAML's own last newline leaves an empty line after it.
std::string config_section_body(const std::string& what, const ComposedConfig& composed) {
  return what == "all" || what == "config" ? to_yaml(task_part(composed.config)) : std::string();
}

// --help renders hydra.help.template over the app's config; --hydra-help renders
// hydra.hydra_help.template over the hydra node, composed as Hydra does without the primary config
// (only the overrides), so a primary's `hydra/hydra_help` choice does not apply to it.
int print_help(const CommandLine& cl, const ComposedConfig& composed, const ComposeRequest& request,
               const ResolveOptions& options) {
  std::optional<ComposedConfig> hydra_only;
  if (cl.hydra_help) {
    ComposeRequest without_primary = request;
    without_primary.config_name.clear();
    without_primary.mode = RunMode::RUN;
    hydra_only = compose(without_primary);
  }
  const ComposedConfig& source = hydra_only ? *hydra_only : composed;
  const std::string key = cl.help ? "hydra.help.template" : "hydra.hydra_help.template";
  const std::string text = resolved_template(source.config, key, options);
  Config shown = cl.help ? task_part(source.config) : sanitized_hydra_part(source.config);
  if (cl.help && cl.resolve) resolve_for_printing(source.config, shown, "", "job", options.now);
  const std::map<std::string, std::string> values = {
      {"APP_CONFIG_GROUPS", config_groups(source.sources, false)},
      {"CONFIG", to_yaml(shown)},
      {"FLAGS_HELP", flags_help()},
      {"HYDRA_CONFIG_GROUPS", config_groups(source.sources, true)},
  };
  std::cout << substitute_placeholders(text, values, key) << "\n";  // Hydra print()s it
  return 0;
}

}  // namespace

int print_requested_info(const CommandLine& cl, const ComposedConfig& composed, const ComposeRequest& request,
                         const PluginSearchPath& plugin_search_path, std::chrono::system_clock::time_point now) {
  const Config& config = composed.config;
  ResolveOptions options{now, false};
  if (cl.cfg) return print_cfg(cl, config, options);
  if (cl.help || cl.hydra_help) return print_help(cl, composed, request, options);
  write_info_sections(std::cout, *cl.info, composed, plugin_search_path);
  const std::string body = config_section_body(*cl.info, composed);
  if (!body.empty()) std::cout << body << "\n";
  return 0;
}

}  // namespace hydra::internal

namespace hydra::internal {

void log_debug_info(const ComposedConfig& composed, const PluginSearchPath& plugin_search_path) {
  if (!LogManager::instance().enabled_for("hydra", spdlog::level::debug)) return;
  std::ostringstream info;
  write_info_sections(info, "all", composed, plugin_search_path);
  std::vector<std::string> lines = split(info.str(), '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  auto log = hydra::get_logger("hydra");
  for (const auto& line : lines) log->debug("{}", line);
  log->debug("{}", config_section_body("all", composed));
}

}  // namespace hydra::internal

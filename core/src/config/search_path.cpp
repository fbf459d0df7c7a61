#include "config/search_path.hpp"

#include "config/interpolation.hpp"
#include "config/overrides.hpp"
#include "config/tree.hpp"
#include "config/yaml_io.hpp"
#include "util/errors.hpp"

namespace hydra::internal {

void add_searchpath(ConfigRepository& repo, const std::vector<Override>& overrides,
                    const std::shared_ptr<LoadedFile>& primary, const std::filesystem::path& cwd) {
  // Hydra: a command-line hydra.searchpath replaces the primary config's.
  std::optional<Config> list;
  std::string provider = "hydra.searchpath in main";
  std::string where = primary ? primary->origin : std::string();
  for (const Override& ov : overrides) {
    if (ov.key != "hydra.searchpath" || !ov.value || ov.kind == Override::Kind::Delete) continue;
    if (ov.is_sweep()) continue;  // reported with the other overrides
    list = ov.config_value();
    provider = "hydra.searchpath in command-line";
    where = "override '" + ov.input + "'";
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
    std::filesystem::path dir = std::filesystem::path(path).is_absolute() ? std::filesystem::path(path) : cwd / path;
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
      throw UserError("hydra.searchpath entry '" + entry + "' (in " + where + ") is not a directory (looked at " +
                      dir.lexically_normal().string() + ")");
    added.push_back(ConfigSource::directory(dir.lexically_normal()).with_provider(provider).with_shown_path(path));
  }
  repo.insert_before_builtin(added);
}

}  // namespace hydra::internal

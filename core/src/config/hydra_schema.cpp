#include "config/hydra_schema.hpp"

#include "config/tree.hpp"
#include "util/errors.hpp"

#include <string_view>

namespace hydra::internal {
namespace {

// What a str-typed field of HydraConf stores for a scalar: Python's str() of it (1 -> '1',
// true -> 'True'), so the value prints and saves as the string Hydra writes.
void store_as_string(Config& node) {
  const Value& v = node.data();
  if (v.kind() == NodeKind::Int || v.kind() == NodeKind::Float)
    node.data() = Value::string(v.text());
  else if (v.kind() == NodeKind::Bool)
    node.data() = Value::string(v.text() == "true" ? "True" : "False");
}

}  // namespace

void validate_hydra_types(Config& root) {
  if (!find_node(root, "hydra"))
    throw UserError("The 'hydra' node was deleted. Do not delete it (~hydra); change its keys instead");
  if (const Config* callbacks = find_node(root, "hydra.callbacks")) {
    NodeKind kind = callbacks->data().kind();
    if (kind != NodeKind::Map && kind != NodeKind::Null)
      throw UserError("hydra.callbacks is a " + std::string(to_string(kind)) +
                      ", not a map (callbacks are a map: name -> {_target_: ...}). Check the config files and "
                      "overrides that set hydra.callbacks");
  }
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
    Config* node = find_node(root, key);
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
    // HydraConf's str-typed keys, and hydra.job.env_set, a Dict[str, str].
    if (type == Type::String) store_as_string(*node);
    if (type == Type::Map)
      for (auto& [name, value] : *node) store_as_string(value);
  }
}

}  // namespace hydra::internal

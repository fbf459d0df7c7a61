#include "config/apply_overrides.hpp"

#include "config/tree.hpp"
#include "util/errors.hpp"

#include <iterator>
#include <optional>

namespace hydra::internal {
namespace {

// OmegaConf.update(merge=True), as compose does: a dict merges into a map, a list replaces a
// list, a scalar replaces anything; a list given for a map (or a dict for a list) is a clash.
void assign(Config& node, const Config& value, const Override& ov, const std::string& key) {
  NodeKind have = node.data().kind();
  NodeKind give = value.data().kind();
  bool have_container = have == NodeKind::Map || have == NodeKind::Sequence;
  bool give_container = give == NodeKind::Map || give == NodeKind::Sequence;
  if (!have_container || !give_container) {
    node = value;
    return;
  }
  try {
    if (give == NodeKind::Map)
      merge_into(node, value, key);
    else if (have == NodeKind::Sequence)
      node = value;
    else
      throw MergeClash(key, have, give);
  } catch (const MergeClash& clash) {
    std::string msg = "Error merging override " + ov.input + ": " + clash.what();
    if (clash.key() == "hydra.callbacks") msg += " (callbacks are a map: name -> {_target_: ...})";
    throw UserError(msg);
  }
}

// Hydra composes in struct mode: `key={...}` may change the keys a map has, not add any (at any
// depth where both sides are maps). The first key of `given` that `existing` lacks, dotted.
std::optional<std::string> key_not_in_struct(const Config& existing, const Config& given) {
  for (const auto& [name, value] : given) {
    auto found = existing.find(name);
    if (found == existing.not_found()) return name;
    if (found->second.data().kind() == NodeKind::Map && value.data().kind() == NodeKind::Map)
      if (auto deeper = key_not_in_struct(found->second, value)) return name + "." + *deeper;
  }
  return std::nullopt;
}

}  // namespace

void apply_key_override(Config& root, const Override& ov) {
  const std::string& key = ov.key;
  auto parts = split_key(key);
  if (parts.empty()) throw UserError("Invalid override '" + ov.input + "': empty key");
  for (const auto& p : parts)
    if (p.empty()) throw UserError("Invalid override '" + ov.input + "': '" + key + "' has an empty key segment");
  std::string parent_key;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) parent_key = join_key(parent_key, parts[i]);
  const std::string& leaf = parts.back();
  Config* node = find_node(root, key);
  auto value_of = [&] { return ov.config_value(); };
  switch (ov.kind) {
    case Override::Kind::Delete: {
      if (!node) throw UserError("Could not delete from config. '" + key + "' does not exist.");
      // Hydra: `~key=null` (how a sweep writes `~key` back) deletes whatever the value is.
      if (ov.value && ov.element().type != Element::Type::Null) {
        Config expected = value_of();
        if (!same_tree(*node, expected))
          throw UserError("Could not delete from config. The value of '" + key + "' is " + inline_text(*node) +
                          " and not " + *ov.value + ".");
      }
      Config* parent = find_node(root, parent_key);
      if (parent->data().kind() == NodeKind::Sequence) {
        auto it = parent->begin();
        std::advance(it, std::stoll(leaf));
        parent->erase(it);
      } else {
        parent->erase(parent->to_iterator(parent->find(leaf)));
      }
      return;
    }
    case Override::Kind::Change:
    {
      if (!node) throw UserError("Could not override '" + key + "'. To append to your config use +" + ov.input);
      Config value = value_of();
      if (node->data().kind() == NodeKind::Map && value.data().kind() == NodeKind::Map)
        if (auto absent = key_not_in_struct(*node, value))
          throw UserError("Could not override '" + key + "'. To append to your config use +" + ov.input + " ('" +
                          join_key(key, *absent) + "' is not in the config; a dict override changes existing keys)");
      assign(*node, value, ov, key);
      return;
    }
    case Override::Kind::Add:
    case Override::Kind::ForceAdd: {
      Config value = value_of();
      if (node) {
        NodeKind kind = node->data().kind();
        bool empty_slot = kind == NodeKind::Null || kind == NodeKind::Missing;
        if (ov.kind == Override::Kind::Add && !empty_slot && !value.data().is_container())
          throw UserError("Could not append to config. An item is already at '" + key + "'. Use ++" + key + "=" +
                          *ov.value + " to override it, or " + key + "=" + *ov.value + " to change it");
        assign(*node, value, ov, key);
        return;
      }
      Config& parent = ensure_map_path(root, parent_key, "Override '" + ov.input + "'");
      parent.push_back({leaf, std::move(value)});
      return;
    }
  }
}

AppliedOverrides apply_key_overrides(Config& root, const std::vector<Override>& overrides,
                                     const std::function<bool(const std::string&)>& is_group,
                                     const std::string& context) {
  AppliedOverrides applied;
  for (const Override& ov : overrides) {
    const std::string& text = ov.input;
    if (ov.is_sweep())
      throw UserError("Override '" + text + "' is a sweep; " + context +
                      " runs one job. To pass it as one value, quote it (" + ov.key + "='" + *ov.value +
                      "') or use a list (" + ov.key + "=[" + *ov.value + "])");
    std::string name = ov.key_or_group();
    if (name.find('/') != std::string::npos || (is_group && is_group(name)))
      throw UserError("Override '" + text + "': '" + name + "' is a config group; " + context +
                      " replays the saved config without reading config files, so a group's choice cannot "
                      "change. Override its keys instead (" + name + ".<key>=...)");
    apply_key_override(root, ov);
    (ov.is_hydra() ? applied.hydra : applied.task).push_back(text);
  }
  return applied;
}

}  // namespace hydra::internal

// Helpers over hydra::Config shared by the config area: dotted-key lookup that walks children
// itself (keys may hold characters ptree paths would misread), OmegaConf-style merge.
#pragma once

#include <hydra/config.hpp>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace hydra::internal {

// "a.b.c" -> {"a","b","c"}; "" -> {}.
std::vector<std::string> split_key(std::string_view dotted);
// "a" + "b" -> "a.b"; "" + "b" -> "b".
std::string join_key(std::string_view prefix, std::string_view key);

// The node at `dotted` ("" = root itself), or nullptr. A numeric segment indexes a sequence.
const Config* find_node(const Config& root, std::string_view dotted);
Config* find_node(Config& root, std::string_view dotted);

// The map node at `dotted`, creating empty maps on the way (a null or ??? node on the way
// becomes a map). Throws UserError naming `context` if a scalar or sequence is in the way.
Config& ensure_map_path(Config& root, std::string_view dotted, const std::string& context);

// A map/sequence clash found while merging (OmegaConf: "Cannot merge DictConfig with ListConfig").
class MergeClash : public std::runtime_error {
 public:
  MergeClash(std::string key, NodeKind into, NodeKind from)
      : std::runtime_error("Cannot merge a " + std::string(to_string(from)) + " into the " +
                           std::string(to_string(into)) + " " + (key.empty() ? std::string("<root>") : key)),
        key_(std::move(key)),
        into_(into),
        from_(from) {}
  const std::string& key() const { return key_; }
  NodeKind into() const { return into_; }
  NodeKind from() const { return from_; }

 private:
  std::string key_;
  NodeKind into_;
  NodeKind from_;
};

// OmegaConf.merge(dst, src) in place: maps merge key by key (an existing key keeps its position,
// new keys append), sequences and scalars replace, a ??? in src keeps dst's value.
// `dst_key` is dst's full key (for MergeClash). `skip_top_key` (e.g. "defaults") is ignored in src.
void merge_into(Config& dst, const Config& src, const std::string& dst_key, std::string_view skip_top_key = {});

// One-line text of a node for messages and string interpolation: scalars as their text,
// containers in YAML flow style ({a: 1, b: [x, y]}).
std::string inline_text(const Config& node);

// Deep equality (kind, text, children in order).
bool same_tree(const Config& a, const Config& b);

}  // namespace hydra::internal

#include "config/tree.hpp"

#include "util/errors.hpp"

#include <charconv>

namespace hydra::internal {

std::vector<std::string> split_key(std::string_view dotted) {
  std::vector<std::string> out;
  if (dotted.empty()) return out;
  std::size_t start = 0;
  while (true) {
    std::size_t pos = dotted.find('.', start);
    out.emplace_back(dotted.substr(start, pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

std::string join_key(std::string_view prefix, std::string_view key) {
  if (prefix.empty()) return std::string(key);
  if (key.empty()) return std::string(prefix);
  std::string out;
  out.reserve(prefix.size() + key.size() + 1);
  out.append(prefix).append(".").append(key);
  return out;
}

namespace {

template <class Node>
Node* child_of(Node& node, std::string_view key) {
  if (node.data().kind() == NodeKind::Sequence) {
    std::size_t index = 0;
    auto res = std::from_chars(key.data(), key.data() + key.size(), index);
    if (res.ec != std::errc() || res.ptr != key.data() + key.size()) return nullptr;
    if (index >= node.size()) return nullptr;
    auto it = node.begin();
    std::advance(it, static_cast<std::ptrdiff_t>(index));
    return &it->second;
  }
  if (node.data().kind() != NodeKind::Map) return nullptr;
  auto it = node.find(std::string(key));
  if (it == node.not_found()) return nullptr;
  return &it->second;
}

template <class Node>
Node* find_impl(Node& root, std::string_view dotted) {
  Node* node = &root;
  if (dotted.empty()) return node;
  std::size_t start = 0;
  while (node) {
    std::size_t pos = dotted.find('.', start);
    node = child_of(*node, dotted.substr(start, pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return node;
}

}  // namespace

const Config* find_node(const Config& root, std::string_view dotted) { return find_impl(root, dotted); }
Config* find_node(Config& root, std::string_view dotted) { return find_impl(root, dotted); }

Config& ensure_map_path(Config& root, std::string_view dotted, const std::string& context) {
  Config* node = &root;
  std::string so_far;
  for (const auto& part : split_key(dotted)) {
    so_far = join_key(so_far, part);
    Config* next = child_of(*node, part);
    if (!next) {
      if (node->data().kind() != NodeKind::Map)
        throw UserError(context + ": cannot create '" + so_far + "': its parent is a " + to_string(node->data().kind()));
      next = &node->push_back({part, Config()})->second;
    }
    NodeKind kind = next->data().kind();
    if (kind == NodeKind::Null || kind == NodeKind::Missing) {
      *next = Config();
    } else if (kind != NodeKind::Map) {
      throw UserError(context + ": cannot put a map at '" + so_far + "': it is a " + to_string(kind) + " there");
    }
    node = next;
  }
  if (node->data().kind() == NodeKind::Null || node->data().kind() == NodeKind::Missing) *node = Config();
  return *node;
}

void merge_into(Config& dst, const Config& src, const std::string& dst_key, std::string_view skip_top_key) {
  NodeKind s = src.data().kind();
  NodeKind d = dst.data().kind();
  if (s == NodeKind::Missing) return;  // ??? never overrides a value (OmegaConf)
  if (s == NodeKind::Map) {
    if (d == NodeKind::Sequence) throw MergeClash(dst_key, d, s);
    if (d != NodeKind::Map) {
      dst = Config();
      d = NodeKind::Map;
    }
    for (const auto& [key, child] : src) {
      if (!skip_top_key.empty() && key == skip_top_key) continue;
      auto it = dst.find(key);
      if (it == dst.not_found()) {
        if (child.data().kind() == NodeKind::Map) {
          // Merge into a fresh node so nested skip/missing rules stay uniform.
          Config& added = dst.push_back({key, Config()})->second;
          merge_into(added, child, join_key(dst_key, key));
        } else {
          dst.push_back({key, child});
        }
        continue;
      }
      Config& target = it->second;
      merge_into(target, child, join_key(dst_key, key));
    }
    return;
  }
  if (s == NodeKind::Sequence) {
    if (d == NodeKind::Map) throw MergeClash(dst_key, d, s);
    dst = src;
    return;
  }
  dst = src;
}

bool same_tree(const Config& a, const Config& b) {
  if (!(a.data() == b.data())) return false;
  if (a.size() != b.size()) return false;
  auto ia = a.begin();
  auto ib = b.begin();
  for (; ia != a.end(); ++ia, ++ib) {
    if (ia->first != ib->first) return false;
    if (!same_tree(ia->second, ib->second)) return false;
  }
  return true;
}

}  // namespace hydra::internal

namespace hydra::internal {

std::string inline_text(const Config& node) {
  const Value& v = node.data();
  switch (v.kind()) {
    case NodeKind::Map: {
      std::string out = "{";
      bool first = true;
      for (const auto& [key, child] : node) {
        if (!first) out += ", ";
        first = false;
        out += key + ": " + inline_text(child);
      }
      return out + "}";
    }
    case NodeKind::Sequence: {
      std::string out = "[";
      bool first = true;
      for (const auto& [key, child] : node) {
        if (!first) out += ", ";
        first = false;
        out += inline_text(child);
      }
      return out + "]";
    }
    default: return v.text();
  }
}

}  // namespace hydra::internal

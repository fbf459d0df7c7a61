#include "config/tree_codec.hpp"

#include <cstring>
#include <stdexcept>

namespace hydra::internal {

void TreeWriter::number(std::uint64_t n) {
  do {
    std::uint8_t byte = n & 0x7f;
    n >>= 7;
    out_.push_back(static_cast<char>(n ? byte | 0x80 : byte));
  } while (n);
}

void TreeWriter::signed_number(std::int64_t n) { number(static_cast<std::uint64_t>(n < 0 ? ~(n << 1) : n << 1)); }

void TreeWriter::text(std::string_view s) {
  number(s.size());
  out_.append(s);
}

void TreeWriter::tree(const Config& node) {
  number(static_cast<std::uint64_t>(node.data().kind()));
  text(node.data().text());
  number(node.size());
  for (const auto& [key, child] : node) {
    text(key);
    tree(child);
  }
}

void TreeWriter::texts(const std::vector<std::string>& list) {
  number(list.size());
  for (const auto& s : list) text(s);
}

void TreeWriter::real(double d) {
  char bytes[sizeof d];
  std::memcpy(bytes, &d, sizeof d);
  out_.append(bytes, sizeof d);
}

std::uint64_t TreeReader::number() {
  std::uint64_t n = 0;
  for (int shift = 0;; shift += 7) {
    std::uint8_t byte = static_cast<std::uint8_t>(next(1)[0]);
    n |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return n;
  }
}

std::int64_t TreeReader::signed_number() {
  std::uint64_t n = number();
  return static_cast<std::int64_t>(n & 1 ? ~(n >> 1) : n >> 1);
}

std::string TreeReader::text() {
  std::size_t size = number();
  return std::string(next(size), size);
}

Config TreeReader::tree() {
  Config node;
  fill(node);
  return node;
}

// Children are read straight into the node pushed for them: ptree has no move, so building a
// child apart and swapping it in cost one more container allocation per node.
void TreeReader::fill(Config& node) {
  auto kind = static_cast<NodeKind>(number());
  node.data() = Value(kind, text());
  for (std::size_t n = number(); n > 0; --n) {
    std::string key = text();
    fill(node.push_back({std::move(key), Config()})->second);
  }
}

std::vector<std::string> TreeReader::texts() {
  std::vector<std::string> list(number());
  for (auto& s : list) s = text();
  return list;
}

double TreeReader::real() {
  double d;
  std::memcpy(&d, next(sizeof d), sizeof d);
  return d;
}

const char* TreeReader::next(std::size_t size) {
  if (static_cast<std::size_t>(end_ - at_) < size) throw std::logic_error("tree codec: truncated record");
  const char* here = at_;
  at_ += size;
  return here;
}

}  // namespace hydra::internal

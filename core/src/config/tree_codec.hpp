// A compact binary encoding of config trees (and of the strings and numbers around them):
// unsigned LEB128 integers, strings as length + bytes, a tree as value kind, text, child count
// and (key, tree) per child. Used where a tree is stored to be read back by this same build:
// the JobReturn store of a sweep, and Hydra's built-in configs parsed at build time.
#pragma once

#include <hydra/config.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hydra::internal {

class TreeWriter {
 public:
  void number(std::uint64_t n);
  void signed_number(std::int64_t n);
  void text(std::string_view s);
  void tree(const Config& node);
  void texts(const std::vector<std::string>& list);
  void real(double d);
  const std::string& bytes() const { return out_; }

 private:
  std::string out_;
};

// Reads what a TreeWriter wrote, in the same order. Throws std::logic_error past the end
// (the bytes come from this build, so that is a bug, not bad input).
class TreeReader {
 public:
  TreeReader(const char* data, std::size_t size) : at_(data), end_(data + size) {}
  explicit TreeReader(std::string_view bytes) : TreeReader(bytes.data(), bytes.size()) {}
  std::uint64_t number();
  std::int64_t signed_number();
  std::string text();
  Config tree();
  std::vector<std::string> texts();
  double real();
  bool at_end() const { return at_ == end_; }

 private:
  void fill(Config& node);
  const char* next(std::size_t size);
  const char* at_;
  const char* end_;
};

}  // namespace hydra::internal

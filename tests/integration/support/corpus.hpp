// What the data-driven corpora (tests/compose, tests/bad_inputs) share: finding the case dirs,
// substituting placeholders, naming the tests. Header-only.
#pragma once

#include "support/process.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

namespace hydra::testing {

// The case dirs under `root` (those holding `marker`, if given), sorted by name.
inline std::vector<std::string> corpus_cases(const std::filesystem::path& root, const std::string& marker = "") {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(root))
    if (entry.is_directory() && (marker.empty() || std::filesystem::exists(entry.path() / marker)))
      names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

inline void replace_all(std::string& text, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (std::size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
    text.replace(pos, from.size(), to);
}

// --info tables (and Hydra's debug dump of them) pad their columns to the longest entry, often a
// path whose length differs between machines, checkouts and build dirs: corpora compare them
// without the padding.
inline std::string without_table_padding(std::string text) {
  static const std::regex padding(R"( +\|)"), rule(R"(-{8,})");
  text = std::regex_replace(text, padding, " |");
  return std::regex_replace(text, rule, "--------");
}

// A case dir's name as a gtest name (alphanumerics and '_').
inline std::string corpus_test_name(std::string name) {
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

}  // namespace hydra::testing

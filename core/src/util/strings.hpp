// Small string helpers shared across areas.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hydra::internal {

std::string join(const std::vector<std::string>& items, std::string_view sep);
std::vector<std::string> split(std::string_view text, char sep);
bool starts_with(std::string_view text, std::string_view prefix);
// Without leading and trailing spaces and tabs.
std::string trim(std::string_view text);

// Levenshtein distance, for "did you mean" suggestions.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidates closest to `word` (distance <= max(2, len/3)), best first, at most `limit`.
std::vector<std::string> closest_matches(std::string_view word, const std::vector<std::string>& candidates,
                                         std::size_t limit = 3);

}  // namespace hydra::internal

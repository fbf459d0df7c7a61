// File helpers shared by every area that writes outputs.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace hydra::internal {

// Writes `content` to `path` through a temp file in the same dir + rename, so a crash never
// leaves a half-written file. Throws UserError naming the path on failure.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);

// The whole file, or throws UserError naming the path.
std::string read_file(const std::filesystem::path& path);

}  // namespace hydra::internal

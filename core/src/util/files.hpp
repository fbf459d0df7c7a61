// File helpers shared by every area that writes outputs.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace hydra::internal {

// hydra::write_file_atomic (SDK), with a failure as a UserError naming the path.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);

// The whole file, or throws UserError naming the path.
std::string read_file(const std::filesystem::path& path);

}  // namespace hydra::internal

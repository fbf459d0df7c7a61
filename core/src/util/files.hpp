// File helpers shared by every area that writes outputs.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace hydra::internal {

// hydra::write_file_atomic (SDK), with a failure as an OutputError naming the path.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);

// create_directories, with a failure as an OutputError: "Cannot create <what> <dir>: <errno text>".
void create_dirs(const std::filesystem::path& dir, const std::string& what = "");

// Creates `dir` as a dir of this run's own: mkdir of the leaf is the atomic claim. When the leaf
// already exists (another run computed the same time-stamped path), claims the first free
// `<dir>_1`, `<dir>_2`... instead and returns the dir it claimed.
std::filesystem::path claim_new_dir(const std::filesystem::path& dir);

// The whole file, or throws UserError naming the path.
std::string read_file(const std::filesystem::path& path);

}  // namespace hydra::internal

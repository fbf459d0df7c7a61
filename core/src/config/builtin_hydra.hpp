// Hydra's own config files (builtin_hydra.cpp) and the same files parsed at build time
// (builtin_trees.cpp, written by core/tools/gen_builtin_trees.cpp), so a run decodes their trees
// instead of parsing YAML (which was half of the seed app's instructions).
#pragma once

#include <deque>
#include <map>
#include <span>
#include <string>
#include <string_view>

namespace hydra::internal {

// Adds Hydra's config files (rel path -> YAML text); texts built at run time go to `storage`.
void add_default_builtin_files(std::map<std::string, std::string_view>& files, std::deque<std::string>& storage);

// One built-in file as parse_yaml read it at build time: its text, and its tree in the
// TreeWriter encoding (config/tree_codec.hpp).
struct PrebuiltConfig {
  std::string_view rel;
  std::string_view text;
  std::string_view tree;
};

// Every file of add_default_builtin_files, parsed (generated code).
std::span<const PrebuiltConfig> prebuilt_builtin_configs();

}  // namespace hydra::internal

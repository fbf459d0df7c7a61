// YAML text <-> hydra::Config (yaml-cpp underneath), keeping order, map vs sequence, null,
// missing (???) and scalar types. Emission is hydra::to_yaml (SDK).
#pragma once

#include <hydra/config.hpp>

#include <filesystem>
#include <string>

namespace hydra::internal {

// Parses one YAML document. `source` names it in errors: "<source>:<line>:<col>: <problem>".
// An empty document is an empty map. Throws UserError.
Config parse_yaml(const std::string& text, const std::string& source);

Config load_yaml_file(const std::filesystem::path& path);

}  // namespace hydra::internal

// hydra.searchpath: the directories the primary config (or the command line) adds to the config
// search path before anything else is looked up (Hydra's ConfigSearchPath).
#pragma once

#include "config/config_repository.hpp"
#include "config/overrides.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace hydra::internal {

// A command-line hydra.searchpath replaces the primary config's; relative entries are relative
// to `cwd`. Throws UserError for an entry that is not a directory or not a file:// URL.
void add_searchpath(ConfigRepository& repo, const std::vector<Override>& overrides,
                    const std::shared_ptr<LoadedFile>& primary, const std::filesystem::path& cwd);

}  // namespace hydra::internal

// --cfg, --package, --resolve, --help, --hydra-help and --info: show, never run.
#pragma once

#include "cli/command_line.hpp"
#include "config/compose.hpp"
#include "plugin/plugin_registry.hpp"

#include <chrono>

namespace hydra::internal {

// Prints what the command line asked for to stdout; returns the exit code.
int print_requested_info(const CommandLine& cl, const ComposedConfig& composed, const ComposeRequest& request,
                         const PluginSearchPath& plugin_search_path, std::chrono::system_clock::time_point now);

// Hydra's debug dump before a run when the `hydra` logger is at DEBUG (hydra.verbose=true, or
// naming `hydra`): what --info all prints, one debug line of the `hydra` logger each.
void log_debug_info(const ComposedConfig& composed, const PluginSearchPath& plugin_search_path);

}  // namespace hydra::internal

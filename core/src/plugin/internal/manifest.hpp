// The build-time manifest beside each plugin library (docs/design.md "Plugin host rules", Gaudi's
// answer): `lib<b>.so.hydra-manifest`, written by hydra_add_callback_plugin() through
// `hydra-plugins manifest`. It lists the factories (with their kind), the ABI and the build key,
// so listing needs no loading and survives stripping; the library's own section stays the source
// of truth and the manifest is checked against it. Private to core.
#pragma once

#include "plugin/internal/library.hpp"

#include <hydra/plugin_abi.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace hydra::internal::plugin {

inline constexpr const char* manifest_suffix = ".hydra-manifest";
inline constexpr int manifest_format = 1;

struct ManifestFactory {
  std::string name;
  std::string kind;  // "callback", "launcher", or "unknown" (a record of another ABI major)
  friend bool operator==(const ManifestFactory&, const ManifestFactory&) = default;
};

struct Manifest {
  std::string library;  // the file name it describes, e.g. libgood.so
  std::string module;   // e.g. host_plugins.good ("" if not given)
  AbiVersion abi;
  std::string build_key;
  std::vector<ManifestFactory> factories;  // sorted by name
};

// <library>.hydra-manifest
std::filesystem::path manifest_path(const std::filesystem::path& library);

// The manifest text (stable, line-oriented: `key value`).
std::string format_manifest(const Manifest& manifest);

// nullopt and `error` empty when there is no manifest file; nullopt and `error` set when the
// file exists but cannot be read or parsed.
std::optional<Manifest> read_manifest(const std::filesystem::path& library, std::string& error);

// Builds the manifest of a library by loading it (build time: the library was just linked).
// Throws PluginLoadError or std::runtime_error (not a plugin, no or several ABI markers).
Manifest make_manifest(const std::filesystem::path& library, const std::string& module);

// nullopt when the manifest agrees with what the library says of itself (factory names and ABI
// marker), else why not and how to fix it.
std::optional<std::string> check_manifest(const Manifest& manifest, const LibraryListing& listing,
                                          const std::filesystem::path& library);
// The same against the loaded library: every factory exported with the kind the manifest says,
// and the ABI marker carrying the manifest's build key.
std::optional<std::string> check_manifest_loaded(const Manifest& manifest, const PluginLibrary& library);

// The build-key check the host makes before loading, from a manifest.
std::optional<std::string> check_build_key(const std::string& key);

}  // namespace hydra::internal::plugin

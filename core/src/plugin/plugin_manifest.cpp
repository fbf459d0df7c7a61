#include "plugin/internal/manifest.hpp"

#include "util/strings.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace fs = std::filesystem;

namespace hydra::internal::plugin {

namespace {

const char* kHeader = "hydra-plugin-manifest";

std::string stale_fix(const fs::path& library) {
  return "; the manifest is stale or belongs to another build: rebuild the plugin (hydra_add_callback_plugin "
         "rewrites it) or delete " + manifest_path(library).string();
}

bool parse_version(const std::string& text, AbiVersion& out) {
  auto dot = text.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == text.size()) return false;
  try {
    std::size_t used = 0;
    unsigned long major = std::stoul(text.substr(0, dot), &used);
    if (used != dot) return false;
    unsigned long minor = std::stoul(text.substr(dot + 1), &used);
    if (used != text.size() - dot - 1) return false;
    out = {static_cast<std::uint32_t>(major), static_cast<std::uint32_t>(minor)};
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

std::string names_of(const std::vector<ManifestFactory>& factories) {
  std::vector<std::string> names;
  for (const auto& f : factories) names.push_back(f.name);
  return names.empty() ? std::string("(none)") : join(names, ", ");
}

}  // namespace

fs::path manifest_path(const fs::path& library) {
  fs::path p = library;
  p += manifest_suffix;
  return p;
}

std::string format_manifest(const Manifest& m) {
  std::ostringstream out;
  out << "# hydra-cpp plugin manifest: written by hydra_add_callback_plugin(); do not edit.\n"
      << kHeader << " " << manifest_format << "\n"
      << "library " << m.library << "\n";
  if (!m.module.empty()) out << "module " << m.module << "\n";
  out << "abi " << to_string(m.abi) << "\n"
      << "build_key " << m.build_key << "\n";
  for (const auto& f : m.factories) out << "factory " << f.kind << " " << f.name << "\n";
  return out.str();
}

std::optional<Manifest> read_manifest(const fs::path& library, std::string& error) {
  error.clear();
  const fs::path file = manifest_path(library);
  std::ifstream in(file);
  if (!in) {
    std::error_code ec;
    if (fs::exists(file, ec)) error = "cannot read " + file.string();
    return std::nullopt;
  }
  Manifest m;
  bool header = false, abi = false, key = false;
  std::string line;
  int number = 0;
  auto bad = [&](const std::string& why) {
    error = file.string() + ":" + std::to_string(number) + ": " + why +
            "; rebuild the plugin (hydra_add_callback_plugin rewrites it) or delete the manifest";
    return std::nullopt;
  };
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    auto space = line.find(' ');
    std::string word = line.substr(0, space);
    std::string rest = space == std::string::npos ? std::string() : line.substr(space + 1);
    if (!header) {
      if (word != kHeader) return bad("not a hydra-cpp plugin manifest (expected '" + std::string(kHeader) + " 1')");
      if (rest != std::to_string(manifest_format))
        return bad("manifest format " + rest + " is not the format " + std::to_string(manifest_format) +
                   " this host reads");
      header = true;
    } else if (word == "library") {
      m.library = rest;
    } else if (word == "module") {
      m.module = rest;
    } else if (word == "abi") {
      if (!parse_version(rest, m.abi)) return bad("'abi " + rest + "' is not <major>.<minor>");
      abi = true;
    } else if (word == "build_key") {
      m.build_key = rest;
      key = true;
    } else if (word == "factory") {
      auto sp = rest.find(' ');
      if (sp == std::string::npos) return bad("'factory' needs a kind and a name");
      m.factories.push_back({rest.substr(sp + 1), rest.substr(0, sp)});
    } else {
      return bad("unknown entry '" + word + "'");
    }
  }
  if (!header) return bad("empty manifest");
  if (!abi || !key) return bad(std::string("missing '") + (abi ? "build_key" : "abi") + "' entry");
  std::sort(m.factories.begin(), m.factories.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return m;
}

Manifest make_manifest(const fs::path& library, const std::string& module) {
  LibraryListing listing = inspect_library(library);
  if (listing.kind == LibraryListing::Kind::not_a_library)
    throw std::runtime_error(library.string() + ": not a shared library (" + listing.error + ")");
  if (listing.kind == LibraryListing::Kind::no_section)
    throw std::runtime_error(library.string() + ": not a hydra-cpp plugin (no 'hydracb' section)");
  auto loaded = PluginLibrary::load(library);
  if (listing.kind == LibraryListing::Kind::stripped) listing = loaded->exported_listing();
  if (!listing.odd_markers.empty())
    throw std::runtime_error(library.string() + ": ABI marker '" + listing.odd_markers.front() +
                             "' does not name a version");
  if (listing.abi.size() != 1)
    throw std::runtime_error(library.string() + ": expected one ABI marker hydracb__abi_<major>_<minor>, found " +
                             std::to_string(listing.abi.size()) +
                             " (all sources of a plugin must be built with the same SDK)");
  Manifest m;
  m.library = library.filename().string();
  m.module = module;
  m.abi = listing.abi.front();
  const char* key = loaded->marker_build_key(m.abi);
  m.build_key = key ? key : "";
  for (const auto& name : listing.factories) {
    std::string kind = "unknown";
    // Read past abi_major/abi_minor only for records laid out as this SDK lays them out.
    if (const auto* record = loaded->find_factory(name); record && record->abi_major == host_abi().major)
      kind = plugin_abi::to_string(record->kind);
    m.factories.push_back({name, kind});
  }
  return m;
}

std::optional<std::string> check_manifest(const Manifest& m, const LibraryListing& listing, const fs::path& library) {
  if (!m.library.empty() && m.library != library.filename().string())
    return "its manifest describes '" + m.library + "', not '" + library.filename().string() + "'" + stale_fix(library);
  if (listing.kind != LibraryListing::Kind::plugin) return std::nullopt;  // nothing to compare without names
  std::vector<std::string> names;
  for (const auto& f : m.factories) names.push_back(f.name);
  if (names != listing.factories)
    return "its manifest lists factories " + names_of(m.factories) + " but the library exports " +
           (listing.factories.empty() ? std::string("(none)") : join(listing.factories, ", ")) + stale_fix(library);
  if (listing.abi.size() == 1 && !(listing.abi.front() == m.abi))
    return "its manifest says ABI " + to_string(m.abi) + " but the library's marker says " +
           to_string(listing.abi.front()) + stale_fix(library);
  return std::nullopt;
}

std::optional<std::string> check_manifest_loaded(const Manifest& m, const PluginLibrary& library) {
  const char* key = library.marker_build_key(m.abi);
  if (key == nullptr)
    return "its manifest says ABI " + to_string(m.abi) + " but the library has no marker hydracb__abi_" +
           std::to_string(m.abi.major) + "_" + std::to_string(m.abi.minor) + stale_fix(library.path());
  if (m.build_key != key)
    return "its manifest says build key '" + m.build_key + "' but the library says '" + key + "'" +
           stale_fix(library.path());
  for (const auto& f : m.factories) {
    const auto* record = library.find_factory(f.name);
    if (record == nullptr)
      return "its manifest lists factory '" + f.name + "' but the library does not export it" +
             stale_fix(library.path());
    if (record->abi_major == host_abi().major && f.kind != plugin_abi::to_string(record->kind))
      return "its manifest says factory '" + f.name + "' makes a " + f.kind + " but it makes a " +
             plugin_abi::to_string(record->kind) + stale_fix(library.path());
  }
  return std::nullopt;
}

}  // namespace hydra::internal::plugin

#include "plugin/plugin_inventory.hpp"

#include "plugin/internal/target.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <map>
#include <sstream>
#include <system_error>

namespace fs = std::filesystem;

namespace hydra::internal {

using plugin::LibraryListing;
using Status = PluginCandidate::Status;

const char* to_string(Status status) {
  switch (status) {
    case Status::ok: return "ok";
    case Status::shadowed: return "SHADOWED";
    case Status::unreachable: return "UNREACHABLE";
    case Status::bad_permissions: return "REFUSED (bad permissions)";
    case Status::not_a_library: return "REFUSED (not a shared library)";
    case Status::not_a_plugin: return "REFUSED (not a hydra-cpp plugin)";
    case Status::abi_mismatch: return "REFUSED (ABI mismatch)";
    case Status::manifest_mismatch: return "REFUSED (manifest mismatch)";
    case Status::load_error: return "REFUSED (load error)";
  }
  return "?";
}

namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// "a.b" for <dir>/a/libb.so, or "" if no `_target_` can name the file.
std::string module_of(const fs::path& relative) {
  std::vector<std::string> parts;
  for (const auto& part : relative.parent_path()) {
    if (!plugin::is_identifier(part.string())) return {};
    parts.push_back(part.string());
  }
  std::string name = relative.filename().string();
  if (name.size() <= 6 || name.compare(0, 3, "lib") != 0 || !ends_with(name, ".so")) return {};
  std::string leaf = name.substr(3, name.size() - 6);
  if (!plugin::is_identifier(leaf)) return {};
  parts.push_back(leaf);
  return join(parts, ".");
}

void refuse(PluginCandidate& c, Status status, std::string reason) {
  c.status = status;
  c.reason = std::move(reason);
}

void set_listing(PluginCandidate& c, const LibraryListing& listing) {
  c.factories.clear();
  for (const auto& name : listing.factories) c.factories.push_back({name, "?"});
  if (listing.abi.size() == 1) c.abi = listing.abi.front();
}

// The checks the host makes, in its order; `check_dir` is the dir the security checks start from.
void inspect_into(PluginCandidate& c, const fs::path& check_dir, const InventoryOptions& options) {
  plugin::CheckedFile checked;
  if (auto why = plugin::check_candidate(check_dir, c.file, &checked)) return refuse(c, Status::bad_permissions, *why);
  const fs::path canonical = checked.path();

  // Read and loaded through the descriptor that was checked.
  LibraryListing listing = plugin::inspect_library(checked.open_path());
  switch (listing.kind) {
    case LibraryListing::Kind::not_a_library:
      return refuse(c, Status::not_a_library,
                    listing.error + "; remove it from the plugin directory");
    case LibraryListing::Kind::no_section:
      return refuse(c, Status::not_a_plugin,
                    "no 'hydracb' section; build it with hydra_add_callback_plugin() and export callbacks with "
                    "HYDRA_CALLBACK, or move it out of the plugin directory");
    case LibraryListing::Kind::plugin:
    case LibraryListing::Kind::stripped:
      break;
  }

  std::string manifest_error;
  auto manifest = plugin::read_manifest(canonical, manifest_error);
  if (!manifest_error.empty()) return refuse(c, Status::manifest_mismatch, manifest_error);
  c.has_manifest = manifest.has_value();

  bool must_load = options.load;
  if (listing.kind == LibraryListing::Kind::plugin) {
    set_listing(c, listing);
    c.listed_from = "symbol table";
    if (auto why = plugin::check_listing_abi(listing)) return refuse(c, Status::abi_mismatch, *why);
  } else if (manifest) {
    c.listed_from = "manifest (symbols stripped)";
  } else if (must_load) {
    c.listed_from = "dynamic symbols (symbols stripped, no manifest: loaded to list)";
  } else {
    c.listed_from = "nothing: symbols stripped and no manifest; `hydra-plugins inspect " + canonical.string() +
                    "` loads it to list its factories";
  }
  if (manifest) {
    if (auto why = plugin::check_manifest(*manifest, listing, canonical))
      return refuse(c, Status::manifest_mismatch, *why);
    c.factories = manifest->factories;
    c.abi = manifest->abi;
    c.build_key = manifest->build_key;
    if (auto why = plugin::check_abi(manifest->abi)) return refuse(c, Status::abi_mismatch, *why);
    if (auto why = plugin::check_build_key(manifest->build_key)) return refuse(c, Status::abi_mismatch, *why);
  }
  if (!must_load) return;

  std::shared_ptr<plugin::PluginLibrary> library;
  try {
    library = plugin::PluginLibrary::load(std::move(checked));
  } catch (const plugin::PluginLoadError& e) {
    return refuse(c, Status::load_error,
                  std::string(e.what()) + " (`ldd " + canonical.string() +
                      "` shows missing libraries; link plugins with -Wl,--no-undefined, as hydra_add_callback_plugin "
                      "does, to catch undefined symbols at build time)");
  }
  c.loaded = true;
  if (listing.kind == LibraryListing::Kind::stripped && !manifest) {
    LibraryListing exported = library->exported_listing();
    set_listing(c, exported);
    if (auto why = plugin::check_listing_abi(exported)) return refuse(c, Status::abi_mismatch, *why);
  }
  if (manifest) {
    if (auto why = plugin::check_manifest_loaded(*manifest, *library)) return refuse(c, Status::manifest_mismatch, *why);
  }
  if (c.abi)
    if (const char* key = library->marker_build_key(*c.abi)) c.build_key = key;
  for (auto& f : c.factories) {
    const auto* record = library->find_factory(f.name);
    if (record == nullptr)
      return refuse(c, Status::load_error, "lists factory '" + f.name + "' but does not export it dynamically");
    if (auto why = plugin::check_record(*record)) return refuse(c, Status::abi_mismatch, "factory '" + f.name + "': " + *why);
    f.kind = plugin_abi::to_string(record->kind);
  }
  if (!c.build_key.empty())
    if (auto why = plugin::check_build_key(c.build_key)) return refuse(c, Status::abi_mismatch, *why);
}

void collect(const fs::path& dir, const fs::path& relative, int depth, std::vector<fs::path>& out) {
  std::error_code ec;
  for (fs::directory_iterator it(dir / relative, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path rel = relative / it->path().filename();
    std::error_code type_ec;
    if (it->is_directory(type_ec)) {
      if (depth < 8) collect(dir, rel, depth + 1, out);
    } else if (ends_with(rel.filename().string(), ".so")) {
      out.push_back(rel);
    }
  }
}

std::string factories_text(const PluginCandidate& c) {
  if (c.factories.empty()) return "(none)";
  std::vector<std::string> items;
  for (const auto& f : c.factories) items.push_back(f.kind == "?" ? f.name : f.name + " (" + f.kind + ")");
  return join(items, ", ");
}

void describe_into(std::ostringstream& out, const PluginCandidate& c, const std::string& indent) {
  const bool listed = c.status == Status::ok || c.status == Status::abi_mismatch || c.status == Status::load_error ||
                      c.status == Status::manifest_mismatch;
  out << indent << "status: " << to_string(c.status);
  if (!c.reason.empty()) out << ": " << c.reason;
  out << "\n";
  if (!listed || c.listed_from.empty()) return;
  out << indent << "factories: " << (c.factories.empty() && !c.has_manifest && !c.loaded && c.listed_from.rfind("nothing", 0) == 0
                                         ? std::string("? (not listed without loading)")
                                         : factories_text(c))
      << "\n";
  out << indent << "abi: " << (c.abi ? plugin::to_string(*c.abi) : std::string("?"));
  out << "; build key: " << (c.build_key.empty() ? std::string("? (not loaded)") : c.build_key) << "\n";
  out << indent << "listed from: " << c.listed_from << (c.has_manifest ? "; manifest: yes" : "; manifest: no")
      << (c.loaded ? "; loaded: yes" : "; loaded: no") << "\n";
}

}  // namespace

std::vector<PluginDirReport> scan_plugins(const PluginSearchPath& search_path, const InventoryOptions& options) {
  std::vector<PluginDirReport> reports;
  std::map<std::string, fs::path> first;  // module -> the file that wins
  for (const auto& dir : search_path.dirs) {
    PluginDirReport report;
    report.dir = dir;
    std::error_code ec;
    if (!fs::exists(dir, ec)) {
      report.problem = "no such directory";
    } else if (!fs::is_directory(dir, ec)) {
      report.problem = "not a directory";
    } else {
      std::vector<fs::path> files;
      collect(dir, {}, 0, files);
      std::sort(files.begin(), files.end());
      for (const auto& rel : files) {
        PluginCandidate c;
        c.search_dir = dir;
        c.file = dir / rel;
        c.module = module_of(rel);
        if (c.module.empty()) {
          refuse(c, Status::unreachable,
                 "no _target_ names this file (module a.b is <dir>/a/libb.so, every part an identifier); rename "
                 "it or move it out of the plugin directory");
        } else if (auto [it, inserted] = first.emplace(c.module, c.file); !inserted) {
          refuse(c, Status::shadowed,
                 "module '" + c.module + "' is also " + it->second.string() +
                     ", earlier on the search path, which wins; remove one of them or reorder the plugin path");
        } else {
          inspect_into(c, dir, options);
        }
        report.candidates.push_back(std::move(c));
      }
    }
    reports.push_back(std::move(report));
  }
  return reports;
}

PluginCandidate inspect_plugin_file(const fs::path& file, const InventoryOptions& options) {
  PluginCandidate c;
  c.file = file;
  std::error_code ec;
  fs::path resolved = fs::canonical(file, ec);
  if (ec) resolved = fs::absolute(file, ec);
  inspect_into(c, resolved.parent_path(), options);
  return c;
}

std::string describe_plugins(const PluginSearchPath& search_path, const InventoryOptions& options) {
  return describe_plugin_reports(scan_plugins(search_path, options));
}

std::string describe_plugin_reports(const std::vector<PluginDirReport>& reports) {
  std::ostringstream out;
  out << "Plugins (every candidate file on the plugin search path; for a module the first file found wins)\n";
  std::size_t total = 0;
  std::map<Status, std::size_t> counts;
  for (const auto& report : reports) {
    out << "  " << report.dir.string() << "\n";
    if (!report.problem.empty()) {
      out << "    (" << report.problem << ")\n";
      continue;
    }
    if (report.candidates.empty()) out << "    (no plugin files)\n";
    for (const auto& c : report.candidates) {
      ++total;
      ++counts[c.status];
      out << "    " << (c.module.empty() ? std::string("?") : c.module) << ": " << c.file.string() << "\n";
      describe_into(out, c, "      ");
    }
  }
  out << "  " << total << " plugin file" << (total == 1 ? "" : "s");
  if (total > 0) {
    std::vector<std::string> parts;
    std::size_t refused = 0;
    for (const auto& [status, n] : counts)
      if (status != Status::ok && status != Status::shadowed && status != Status::unreachable) refused += n;
    parts.push_back(std::to_string(counts[Status::ok]) + " ok");
    if (refused) parts.push_back(std::to_string(refused) + " refused");
    if (counts[Status::shadowed]) parts.push_back(std::to_string(counts[Status::shadowed]) + " shadowed");
    if (counts[Status::unreachable]) parts.push_back(std::to_string(counts[Status::unreachable]) + " unreachable");
    out << ": " << join(parts, ", ");
  }
  out << "\n";
  return out.str();
}

std::string describe_plugin_file(const PluginCandidate& c) {
  std::ostringstream out;
  out << c.file.string() << "\n";
  describe_into(out, c, "  ");
  return out.str();
}

}  // namespace hydra::internal

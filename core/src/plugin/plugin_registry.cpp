#include "plugin/plugin_registry.hpp"

#include "plugin/internal/library.hpp"
#include "plugin/internal/manifest.hpp"
#include "plugin/internal/target.hpp"
#include "util/errors.hpp"
#include "util/exceptions.hpp"
#include "util/strings.hpp"

#include <hydra/plugin_abi.hpp>

#include <sys/auxv.h>

#include <boost/dll/runtime_symbol_info.hpp>


#include <algorithm>
#include <cstdlib>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <system_error>

#ifndef HYDRA_INSTALL_PLUGIN_DIR
#define HYDRA_INSTALL_PLUGIN_DIR ""
#endif

namespace fs = std::filesystem;

namespace hydra::internal {

using plugin::debug_log;
using plugin::LibraryListing;
using plugin::PluginLibrary;

// ---------------------------------------------------------------------------------------------
// Search path

PluginSearchPath PluginSearchPath::standard(const std::vector<fs::path>& cli_and_config_dirs) {
  std::vector<fs::path> dirs = cli_and_config_dirs;

  const bool secure = ::getauxval(AT_SECURE) != 0;
  const char* env = std::getenv("HYDRA_PLUGIN_PATH");
  if (env && secure) debug_log("ignoring HYDRA_PLUGIN_PATH: secure-execution mode (setuid/setgid)");
  for (auto& dir : plugin::plugin_path_from_env(env, secure)) dirs.push_back(std::move(dir));

  std::error_code ec;
  fs::path exe = boost::dll::program_location(ec);
  if (!ec) dirs.push_back(exe.parent_path() / "plugins");
  // Where this code lives: libhydra_core.so, whose installed plugins are <libdir>/hydra-cpp/plugins.
  // (dladdr reports the path the library was opened by, which may be relative: make it absolute
  // now, before any chdir.)
  fs::path core = boost::dll::this_line_location(ec);
  if (!ec) {
    std::error_code canon_ec;
    fs::path resolved = fs::weakly_canonical(core, canon_ec);
    if (!canon_ec) core = resolved;
    dirs.push_back(core.parent_path() / "hydra-cpp" / "plugins");
  }
  if (std::string(HYDRA_INSTALL_PLUGIN_DIR) != "") dirs.emplace_back(HYDRA_INSTALL_PLUGIN_DIR);

  // Relative dirs are taken from the current directory now, before a job may chdir. The same
  // directory twice would only be tried twice.
  PluginSearchPath path;
  std::set<fs::path> seen;
  for (auto& dir : dirs) {
    if (dir.empty()) continue;
    if (dir.is_relative()) {
      std::error_code abs_ec;
      fs::path absolute = fs::absolute(dir, abs_ec);
      if (!abs_ec) dir = absolute;
    }
    fs::path key = dir.lexically_normal();
    if (!key.empty() && key.filename().empty()) key = key.parent_path();  // "a/b/" == "a/b"
    if (seen.insert(key).second) path.dirs.push_back(dir);
  }
  return path;
}

// ---------------------------------------------------------------------------------------------
// Registry

namespace {

struct Module {
  LibraryListing listing;
  std::optional<plugin::Manifest> manifest;
  std::string manifest_error;
  std::shared_ptr<PluginLibrary> library;  // null until a factory of it is used
  plugin::CheckedFile checked;             // what was checked, read and (then) loaded by descriptor
};

// Destroys the object inside the plugin, then lets go of the library.
struct PluginDeleter {
  void (*destroy)(void*) noexcept;
  std::shared_ptr<PluginLibrary> library;
  void operator()(void* object) const noexcept {
    if (object) destroy(object);
  }
};

[[noreturn]] void throw_locate(const std::string& target, const std::string& full_key,
                               const std::vector<std::string>& help) {
  std::string message = "Error locating target '" + plugin::printable_target(target) + "'\nfull_key: " + full_key;
  for (const auto& line : help) message += "\n  " + line;
  throw UserError(message);
}

std::string list_or_none(const std::vector<std::string>& names) {
  return names.empty() ? std::string("(none)") : join(names, ", ");
}

void add_did_you_mean(std::vector<std::string>& help, const std::string& module, const std::string& factory,
                      const std::vector<std::string>& factories) {
  auto close = closest_matches(factory, factories);
  if (close.empty()) return;
  std::vector<std::string> quoted;
  for (const auto& c : close) quoted.push_back("'" + module + "." + c + "'");
  help.push_back("did you mean " + join(quoted, " or ") + "?");
}

// Names of the modules next to where `target`'s library would be, for "did you mean".
std::vector<std::string> sibling_modules(const std::vector<fs::path>& dirs, const plugin::TargetName& name) {
  std::set<std::string> found;
  for (const auto& dir : dirs) {
    fs::path parent = plugin::module_file(dir, name.module_parts).parent_path();
    std::error_code ec;
    for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
      std::string file = it->path().filename().string();
      if (file.size() > 6 && file.compare(0, 3, "lib") == 0 && file.compare(file.size() - 3, 3, ".so") == 0) {
        std::string leaf = file.substr(3, file.size() - 6);
        if (plugin::is_identifier(leaf)) found.insert(leaf);
      }
    }
  }
  return {found.begin(), found.end()};
}

}  // namespace

struct PluginRegistry::Impl {
  PluginSearchPath search_path;
  std::string app_module;
  mutable std::mutex mutex;  // dlopen and the cache: one create_callback at a time

  std::map<std::string, Module> modules;  // by canonical library path
  std::vector<fs::path> load_order;       // canonical paths, as loaded

  bool program_loaded = false;
  std::shared_ptr<PluginLibrary> program;
  LibraryListing program_exports;  // what the program exports dynamically (from memory)
  bool program_inspected = false;
  LibraryListing program_listing;  // what the program file lists (its .symtab)

  // The app's own factory `factory`, or null (with `notes` saying what the app does export).
  const plugin_abi::FactoryRecord* find_in_app(const plugin::TargetName& name, const std::string& target,
                                               const std::string& full_key, std::shared_ptr<PluginLibrary>& library,
                                               std::vector<std::string>& notes);

  // The library file of the module in the search path; throws for a refused candidate; returns
  // an empty path (with `tried` filled) when there is none.
  fs::path locate(const plugin::TargetName& name, const std::string& target, const std::string& full_key,
                  std::vector<std::string>& tried, plugin::CheckedFile& checked);

  Module& module_at(plugin::CheckedFile&& checked);
};

const plugin_abi::FactoryRecord* PluginRegistry::Impl::find_in_app(const plugin::TargetName& name,
                                                                   const std::string& target,
                                                                   const std::string& full_key,
                                                                   std::shared_ptr<PluginLibrary>& library,
                                                                   std::vector<std::string>& notes) {
  // First what the running program exports dynamically, read from memory: the app's factories
  // are found without reading the program file (~80 seeks and reads of its ELF sections).
  if (!program_loaded) {
    program_loaded = true;
    try {
      program = PluginLibrary::load_program();
      program_exports = program->exported_listing();
    } catch (const plugin::PluginLoadError& e) {
      debug_log(std::string("cannot open the program itself: ") + e.what());
    }
  }
  if (program && std::binary_search(program_exports.factories.begin(), program_exports.factories.end(), name.factory)) {
    if (auto why = plugin::check_listing_abi(program_exports))
      throw_locate(target, full_key, {"the app itself (module '" + app_module + "') cannot serve it: " + *why});
    if (const auto* record = program->find_factory(name.factory)) {
      debug_log("found factory '" + name.factory + "' in the app itself (exports: " +
                list_or_none(program_exports.factories) + ")");
      library = program;
      return record;
    }
  }
  // Not exported: the program file says what the app defines, for the notes.
  if (!program_inspected) {
    program_inspected = true;
    program_listing = plugin::inspect_program();
    debug_log("module '" + app_module + "' is the app itself; it lists factories: " +
              (program_listing.kind == LibraryListing::Kind::plugin ? list_or_none(program_listing.factories)
               : program_listing.kind == LibraryListing::Kind::stripped ? std::string("(stripped: cannot list)")
                                                                         : std::string("(none)")));
  }
  const bool listed = program_listing.kind == LibraryListing::Kind::plugin;
  // Unlisted (stripped, or the program file unreadable): ask the loaded program.
  const bool maybe = listed ? std::binary_search(program_listing.factories.begin(), program_listing.factories.end(),
                                                 name.factory)
                            : program_listing.kind != LibraryListing::Kind::no_section;
  const plugin_abi::FactoryRecord* record = nullptr;
  if (maybe && program) {
    if (auto why = plugin::check_listing_abi(program_listing))
      throw_locate(target, full_key, {"the app itself (module '" + app_module + "') cannot serve it: " + *why});
    record = program->find_factory(name.factory);
    if (!record && listed)
      notes.push_back("the app lists factory '" + name.factory + "' but does not export it dynamically; link the "
                      "app with hydra_add_app() (-Wl,--export-dynamic-symbol=hydracb__*)");
  }
  if (record) {
    debug_log("found factory '" + name.factory + "' in the app itself");
    library = program;
    return record;
  }
  if (listed)
    notes.push_back("module '" + app_module + "' is the app itself; it exports: " + list_or_none(program_listing.factories));
  else if (program_listing.kind == LibraryListing::Kind::stripped)
    notes.push_back("module '" + app_module + "' is the app itself; it does not export '" + name.factory +
                    "' (its symbol table is stripped, so its factories cannot be listed)");
  else if (program_listing.kind == LibraryListing::Kind::not_a_library)
    notes.push_back("module '" + app_module + "' is the app itself; it does not export '" + name.factory +
                    "' (its factories cannot be listed: " + program_listing.error + ")");
  else
    notes.push_back("module '" + app_module + "' is the app itself; it exports no callbacks");
  if (listed) add_did_you_mean(notes, app_module, name.factory, program_listing.factories);
  debug_log("the app does not export '" + name.factory + "'; looking for a library named '" + name.module + "'");
  return nullptr;
}

fs::path PluginRegistry::Impl::locate(const plugin::TargetName& name, const std::string& target,
                                      const std::string& full_key, std::vector<std::string>& tried,
                                      plugin::CheckedFile& checked) {
  for (const auto& dir : search_path.dirs) {
    fs::path file = plugin::module_file(dir, name.module_parts);
    debug_log("searching " + dir.string() + " for module '" + name.module + "'");
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      tried.push_back("tried " + file.string() + ": not found (no directory " + dir.string() + ")");
      debug_log("  " + tried.back());
      continue;
    }
    auto status = fs::symlink_status(file, ec);
    if (ec || !fs::exists(status)) {
      tried.push_back("tried " + file.string() + ": not found");
      debug_log("  " + tried.back());
      continue;
    }
    if (auto why = plugin::check_candidate(dir, file, &checked)) {
      debug_log("  refused " + file.string() + ": " + *why);
      std::vector<std::string> help = tried;
      help.push_back("refused " + file.string() + ": " + *why);
      throw_locate(target, full_key, help);
    }
    debug_log("  candidate " + file.string());
    if (plugin::debug_enabled()) {
      // Nothing is skipped silently: the same module further down the path is shadowed.
      bool after = false;
      for (const auto& other : search_path.dirs) {
        if (!after) {
          after = other == dir;
          continue;
        }
        fs::path shadowed = plugin::module_file(other, name.module_parts);
        std::error_code other_ec;
        if (fs::exists(fs::symlink_status(shadowed, other_ec)))
          debug_log("  shadowed " + shadowed.string() + ": module '" + name.module + "' is also " + file.string() +
                    ", earlier on the search path, which wins");
      }
    }
    return file;
  }
  return {};
}

Module& PluginRegistry::Impl::module_at(plugin::CheckedFile&& checked) {
  const std::string key = checked.path().string();
  auto it = modules.find(key);
  if (it != modules.end()) return it->second;
  Module module;
  module.listing = plugin::inspect_library(checked.open_path());
  if (module.listing.kind == LibraryListing::Kind::plugin || module.listing.kind == LibraryListing::Kind::stripped)
    module.manifest = plugin::read_manifest(checked.path(), module.manifest_error);
  module.checked = std::move(checked);
  return modules.emplace(key, std::move(module)).first->second;
}

PluginRegistry::PluginRegistry(PluginSearchPath search_path, std::string app_module)
    : impl_(std::make_unique<Impl>()) {
  impl_->search_path = std::move(search_path);
  impl_->app_module = std::move(app_module);
  if (plugin::debug_enabled()) {
    std::vector<std::string> dirs;
    for (const auto& d : impl_->search_path.dirs) dirs.push_back(d.string());
    debug_log("search path: " + (dirs.empty() ? std::string("(empty)") : join(dirs, ":")) + "; app module: '" +
              impl_->app_module + "'");
  }
}

PluginRegistry::~PluginRegistry() = default;

const PluginSearchPath& PluginRegistry::search_path() const { return impl_->search_path; }

std::vector<fs::path> PluginRegistry::loaded_libraries() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->load_order;
}

CallbackHandle PluginRegistry::create_callback(const std::string& target, const Config& params,
                                               const std::string& full_key) {
  std::shared_ptr<void> object = create(target, params, full_key, plugin_abi::FactoryKind::callback);
  return CallbackHandle(object, static_cast<Callback*>(object.get()));
}

LauncherHandle PluginRegistry::create_launcher(const std::string& target, const Config& params,
                                               const std::string& full_key) {
  std::shared_ptr<void> object = create(target, params, full_key, plugin_abi::FactoryKind::launcher);
  return LauncherHandle(object, static_cast<Launcher*>(object.get()));
}

std::shared_ptr<void> PluginRegistry::create(const std::string& target, const Config& params,
                                             const std::string& full_key, plugin_abi::FactoryKind kind) {
  std::lock_guard lock(impl_->mutex);
  std::string why;
  auto name = plugin::parse_target(target, why);
  if (!name) throw_locate(target, full_key, {why});

  std::shared_ptr<PluginLibrary> library;
  const plugin_abi::FactoryRecord* record = nullptr;
  std::vector<std::string> app_notes;

  if (!impl_->app_module.empty() && name->module == impl_->app_module)
    record = impl_->find_in_app(*name, target, full_key, library, app_notes);

  if (!record) {
    std::vector<std::string> tried;
    plugin::CheckedFile checked;
    fs::path file = impl_->locate(*name, target, full_key, tried, checked);
    if (file.empty()) {
      std::vector<std::string> help = app_notes;
      if (!app_notes.empty()) {
        // The user meant the app's own factory: what it exports is what helps.
        help.push_back("(no plugin library named '" + name->module +
                       "' in the plugin search path either; HYDRA_DEBUG_PLUGINS=1 lists the files tried)");
        throw_locate(target, full_key, help);
      }
      help.push_back("no plugin library for module '" + name->module + "' in the plugin search path:");
      help.insert(help.end(), tried.begin(), tried.end());
      {
        auto close = closest_matches(name->module_parts.back(), sibling_modules(impl_->search_path.dirs, *name));
        if (!close.empty()) {
          std::vector<std::string> parent(name->module_parts.begin(), name->module_parts.end() - 1);
          std::vector<std::string> quoted;
          for (const auto& c : close) {
            auto parts = parent;
            parts.push_back(c);
            quoted.push_back("'" + join(parts, ".") + "." + name->factory + "'");
          }
          help.push_back("did you mean " + join(quoted, " or ") + "?");
        }
      }
      help.push_back("(add the plugin's directory with --plugin-dir, hydra.plugin_path or HYDRA_PLUGIN_PATH; "
                     "HYDRA_DEBUG_PLUGINS=1 shows every decision)");
      throw_locate(target, full_key, help);
    }

    const fs::path canonical = checked.path();
    Module& module = impl_->module_at(std::move(checked));
    const LibraryListing& listing = module.listing;
    const std::string shown = file.string();
    using Kind = LibraryListing::Kind;
    if (!module.manifest_error.empty()) {
      debug_log("  refused " + shown + ": manifest: " + module.manifest_error);
      throw_locate(target, full_key, {shown + ": " + module.manifest_error});
    }
    const plugin::Manifest* manifest = module.manifest ? &*module.manifest : nullptr;
    if (manifest) {
      if (auto why = plugin::check_manifest(*manifest, listing, canonical)) {
        debug_log("  refused " + shown + ": " + *why);
        throw_locate(target, full_key, {shown + ": " + *why});
      }
      debug_log("  " + shown + " has a manifest: ABI " + plugin::to_string(manifest->abi) + ", build key '" +
                manifest->build_key + "'");
      // With symbols the listing's own ABI check below comes first; the build key needs the manifest.
      auto bad = listing.kind == Kind::plugin ? plugin::check_listing_abi(listing) : plugin::check_abi(manifest->abi);
      if (!bad) bad = plugin::check_build_key(manifest->build_key);
      if (bad) {
        debug_log("  refused " + shown + ": ABI: " + *bad);
        throw_locate(target, full_key, {shown + ": " + *bad});
      }
    }
    switch (listing.kind) {
      case Kind::not_a_library:
        debug_log("  refused " + shown + ": not a shared library (" + listing.error + ")");
        throw_locate(target, full_key, {shown + ": not a shared library (" + listing.error + ")"});
      case Kind::no_section:
        debug_log("  refused " + shown + ": no 'hydracb' section");
        throw_locate(target, full_key,
                     {shown + ": not a hydra-cpp plugin (no 'hydracb' section); build it with "
                              "hydra_add_callback_plugin() and export callbacks with HYDRA_CALLBACK"});
      case Kind::plugin:
        if (auto abi = plugin::check_listing_abi(listing)) {
          debug_log("  refused " + shown + ": ABI: " + *abi);
          throw_locate(target, full_key, {shown + ": " + *abi});
        }
        debug_log("  " + shown + " exports: " + list_or_none(listing.factories));
        if (!std::binary_search(listing.factories.begin(), listing.factories.end(), name->factory)) {
          std::vector<std::string> help = app_notes;
          help.push_back("module '" + name->module + "' (" + shown + ") exports: " + list_or_none(listing.factories));
          add_did_you_mean(help, name->module, name->factory, listing.factories);
          throw_locate(target, full_key, help);
        }
        break;
      case Kind::stripped:
        if (manifest) {
          std::vector<std::string> names;
          for (const auto& f : manifest->factories) names.push_back(f.name);
          debug_log("  " + shown + " is stripped; its manifest lists: " + list_or_none(names));
          if (std::none_of(manifest->factories.begin(), manifest->factories.end(),
                           [&](const auto& f) { return f.name == name->factory; })) {
            std::vector<std::string> help = app_notes;
            help.push_back("module '" + name->module + "' (" + shown + ") exports: " + list_or_none(names) +
                           " (from its manifest)");
            add_did_you_mean(help, name->module, name->factory, names);
            throw_locate(target, full_key, help);
          }
        } else {
          debug_log("  " + shown + " has a 'hydracb' section but no symbol table (stripped) and no manifest: "
                    "loading it to ask");
        }
        break;
    }

    if (!module.library) {
      std::shared_ptr<PluginLibrary> loaded;
      try {
        loaded = PluginLibrary::load(std::move(module.checked));
      } catch (const plugin::PluginLoadError& e) {
        debug_log("  failed to load " + shown + ": " + e.what());
        throw_locate(target, full_key, {shown + ": failed to load: " + e.what()});
      }
      if (manifest) {
        if (auto why = plugin::check_manifest_loaded(*manifest, *loaded)) {
          debug_log("  refused " + shown + " after loading: " + *why);
          throw_locate(target, full_key, {shown + ": " + *why});
        }
        debug_log("  " + shown + " agrees with its manifest");
      }
      module.library = std::move(loaded);
      impl_->load_order.push_back(canonical);
      debug_log("  loaded " + shown + (shown != canonical.string() ? " (" + canonical.string() + ")" : ""));
    }
    library = module.library;
    record = library->find_factory(name->factory);
    if (!record) {
      std::vector<std::string> help = app_notes;
      if (listing.kind == Kind::stripped) {
        // Stripped: what it exports comes from its dynamic symbol table, now that it is loaded.
        LibraryListing exported = library->exported_listing();
        help.push_back("module '" + name->module + "' (" + shown + ") exports: " + list_or_none(exported.factories) +
                       " (read after loading: its symbol table is stripped and it has no manifest)");
        add_did_you_mean(help, name->module, name->factory, exported.factories);
      } else
        help.push_back(shown + " lists factory '" + name->factory + "' but does not export it dynamically");
      throw_locate(target, full_key, help);
    }
    debug_log("  found factory '" + name->factory + "' in " + shown);
  }

  if (auto bad = plugin::check_record(*record)) {
    debug_log("  refused factory '" + name->factory + "': " + *bad);
    throw_locate(target, full_key,
                 {"factory '" + name->factory + "' in " + library->path().string() + ": " + *bad});
  }

  if (record->kind != kind)
    throw_locate(target, full_key,
                 {"factory '" + name->factory + "' makes a " + plugin_abi::to_string(record->kind) + ", but " +
                  full_key + " needs a " + plugin_abi::to_string(kind) + " (export it with HYDRA_" +
                  (kind == plugin_abi::FactoryKind::callback ? "CALLBACK" : "LAUNCHER") + ")"});

  // Construct while the library is held (`library` is alive for this whole scope), and turn any
  // exception into text before the exception object (plugin code) goes away.
  void* raw = nullptr;
  std::string error;
  try {
    raw = record->create(params);
  } catch (...) {
    auto [type, what, is_std] = describe_current_exception();
    error = type + ": " + what;
  }
  if (!raw && error.empty()) error = "the factory returned no object";
  if (!error.empty())
    throw UserError("Error in call to target '" + target + "':\n" + error + "\nfull_key: " + full_key);
  debug_log("created '" + target + "' for " + full_key);
  return std::shared_ptr<void>(raw, PluginDeleter{record->destroy, std::move(library)});
}

}  // namespace hydra::internal

// hydra-plugins: what the plugin host sees, without running an app.
//
//   hydra-plugins list [--plugin-dir DIR]...   every candidate on the search path; loads nothing
//   hydra-plugins inspect FILE... [--no-load]  one library: factories, ABI, status; loads it
//   hydra-plugins manifest FILE [--module M] -o OUT         build time (hydra_add_callback_plugin)
//
// Exit code: 0 when everything listed is usable, 1 when something is refused, 2 on usage errors.
#include "plugin/internal/library.hpp"
#include "plugin/internal/manifest.hpp"
#include "plugin/plugin_inventory.hpp"
#include "plugin/plugin_registry.hpp"

#include <cstring>
#include <sys/auxv.h>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#ifndef HYDRA_VERSION
#define HYDRA_VERSION "unknown"
#endif

namespace fs = std::filesystem;
using namespace hydra::internal;

namespace {

const char* kUsage =
    "usage: hydra-plugins list [--plugin-dir DIR]...\n"
    "       hydra-plugins inspect FILE... [--no-load]\n"
    "       hydra-plugins manifest FILE [--module MODULE] -o OUT\n"
    "       hydra-plugins --version\n"
    "\n"
    "list     every candidate file on the plugin search path (--plugin-dir dirs first, then\n"
    "         HYDRA_PLUGIN_PATH, <exe dir>/plugins and the installed plugin dir), with its\n"
    "         factories, ABI and status, or the exact reason the host refuses it; read from\n"
    "         manifests and ELF sections: no library is loaded (loading runs its code)\n"
    "inspect  the same for library files named on the command line, and loads each one that\n"
    "         passes the checks (its static initializers run): load errors, stripped libraries\n"
    "manifest writes the manifest hydra_add_callback_plugin() puts beside each plugin\n"
    "--no-load  inspect without loading\n";

int usage_error(const std::string& what) {
  std::cerr << "hydra-plugins: " << what << "\n\n" << kUsage;
  return 2;
}

bool usable(PluginCandidate::Status s) {
  return s == PluginCandidate::Status::ok || s == PluginCandidate::Status::shadowed ||
         s == PluginCandidate::Status::unreachable;
}

int list(const std::vector<std::string>& args) {
  std::vector<fs::path> dirs;
  InventoryOptions options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--plugin-dir") {
      if (i + 1 == args.size()) return usage_error("--plugin-dir needs a directory");
      dirs.emplace_back(args[++i]);
    } else if (args[i].rfind("--plugin-dir=", 0) == 0) {
      dirs.emplace_back(args[i].substr(13));
    } else if (args[i] == "--no-load") {
      // Listing never loads; accepted for scripts written when it did.
    } else {
      return usage_error("list: unexpected argument '" + args[i] + "'");
    }
  }
  PluginSearchPath path = PluginSearchPath::standard(dirs);
  std::cout << "Plugin search path\n";
  for (const auto& dir : path.dirs) std::cout << "  " << dir.string() << "\n";
  auto reports = scan_plugins(path, options);
  std::cout << describe_plugin_reports(reports);
  for (const auto& report : reports)
    for (const auto& c : report.candidates)
      if (!usable(c.status)) return 1;
  return 0;
}

int inspect(const std::vector<std::string>& args) {
  std::vector<fs::path> files;
  InventoryOptions options;
  options.load = true;
  for (const auto& a : args) {
    if (a == "--no-load")
      options.load = false;
    else if (!a.empty() && a[0] == '-')
      return usage_error("inspect: unknown option '" + a + "'");
    else
      files.emplace_back(a);
  }
  if (files.empty()) return usage_error("inspect: name a library file");
  int rc = 0;
  for (const auto& file : files) {
    PluginCandidate c = inspect_plugin_file(file, options);
    std::cout << describe_plugin_file(c);
    if (!usable(c.status)) rc = 1;
  }
  return rc;
}

int manifest(const std::vector<std::string>& args) {
  fs::path file, out;
  std::string module;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if ((args[i] == "-o" || args[i] == "--module") && i + 1 == args.size())
      return usage_error(args[i] + " needs a value");
    if (args[i] == "-o")
      out = args[++i];
    else if (args[i] == "--module")
      module = args[++i];
    else if (file.empty())
      file = args[i];
    else
      return usage_error("manifest: unexpected argument '" + args[i] + "'");
  }
  if (file.empty() || out.empty()) return usage_error("manifest: needs FILE and -o OUT");
  plugin::Manifest m;
  try {
    m = plugin::make_manifest(file, module);
  } catch (const std::exception& e) {
    std::cerr << "hydra-plugins manifest: " << e.what() << "\n";
    return 1;
  }
  const fs::path tmp = fs::path(out.string() + ".tmp");
  {
    std::ofstream stream(tmp, std::ios::trunc);
    stream << plugin::format_manifest(m);
    if (!stream) {
      std::cerr << "hydra-plugins manifest: cannot write " << tmp.string() << "\n";
      return 1;
    }
  }
  std::error_code ec;
  fs::rename(tmp, out, ec);
  if (ec) {
    std::cerr << "hydra-plugins manifest: cannot write " << out.string() << ": " << ec.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (::getauxval(AT_SECURE) != 0) {  // as apps (cli/app.cpp): inspect loads plugin code
    std::cerr << "hydra-plugins: refuses to run setuid or setgid (secure-execution mode); remove the bit (chmod u-s,g-s)\n";
    return 1;
  }
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return usage_error("no command");
  const std::string command = args.front();
  args.erase(args.begin());
  try {
    if (command == "list") return list(args);
    if (command == "inspect") return inspect(args);
    if (command == "manifest") return manifest(args);
    if (command == "--version") {
      std::cout << "hydra-plugins " << HYDRA_VERSION << " (plugin ABI " << plugin::to_string(plugin::host_abi())
                << ", build key " << hydra::plugin_abi::build_key << ")\n";
      return 0;
    }
    if (command == "-h" || command == "--help") {
      std::cout << kUsage;
      return 0;
    }
  } catch (const std::exception& e) {
    std::cerr << "hydra-plugins: " << e.what() << "\n";
    return 1;
  }
  return usage_error("unknown command '" + command + "'");
}

// One plugin library, with Boost.DLL kept out of sight (its API names change across Boost
// versions: reference/plugin-hosts.md §0.5). Private to core.
#pragma once

#include <hydra/plugin_abi.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace hydra::internal::plugin {

class CheckedFile;

struct AbiVersion {
  std::uint32_t major = 0;
  std::uint32_t minor = 0;
  friend bool operator==(const AbiVersion&, const AbiVersion&) = default;
};

AbiVersion host_abi();
std::string to_string(AbiVersion version);

// What a library file says about itself, read without loading it (boost::dll::library_info).
struct LibraryListing {
  enum class Kind {
    plugin,          // has the hydracb section and its symbols: `factories` and `abi` are set
    stripped,        // has the section but no names (Boost 1.74 reads .symtab only): load and ask
    no_section,      // a shared library, but not a hydra-cpp plugin
    not_a_library,   // not a binary library at all; `error` says why
  };
  Kind kind = Kind::not_a_library;
  std::string error;
  std::vector<std::string> factories;    // hydracb__X minus the prefix, markers excluded, sorted
  std::vector<AbiVersion> abi;           // from hydracb__abi_<major>_<minor> markers
  std::vector<std::string> odd_markers;  // hydracb__abi_* names that do not parse
};

// Never throws.
LibraryListing inspect_library(const std::filesystem::path& file);
// The same for the running program (the app's own HYDRA_CALLBACKs).
LibraryListing inspect_program();

// Whether the ABI a library claims can be served by this host: same major, minor <= host's.
// nullopt when fine, else a message naming both versions.
std::optional<std::string> check_abi(AbiVersion plugin);
std::optional<std::string> check_listing_abi(const LibraryListing& listing);
// The same for a record read after loading, plus its build key.
std::optional<std::string> check_record(const plugin_abi::FactoryRecord& record);

// Thrown by PluginLibrary::load; what() is the dlerror text.
class PluginLoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Boost.DLL's load error "... (dlerror system message: <text>): Bad file descriptor" -> <text>.
std::string dlerror_text(const std::string& boost_message);

// A loaded library (or the program itself). Always opened with rtld_now | rtld_local, so an
// unresolved symbol fails here with the dlerror text rather than at the first call.
class PluginLibrary {
 public:
  static std::shared_ptr<PluginLibrary> load(const std::filesystem::path& file);
  // Loads the file a check_candidate() opened, through its descriptor (/proc/self/fd/N), and
  // keeps the descriptor open as long as the library: nothing swapped in after the check is loaded.
  static std::shared_ptr<PluginLibrary> load(CheckedFile&& checked);
  static std::shared_ptr<PluginLibrary> load_program();
  ~PluginLibrary();
  PluginLibrary(const PluginLibrary&) = delete;
  PluginLibrary& operator=(const PluginLibrary&) = delete;

  // The record behind alias hydracb__<name>, or null if the library does not export it.
  const plugin_abi::FactoryRecord* find_factory(const std::string& name) const;
  // The build key behind the ABI marker hydracb__abi_<major>_<minor>, or null if absent.
  const char* marker_build_key(AbiVersion abi) const;
  // What the loaded library exports dynamically under hydracb__ (read from its dynamic symbol
  // table in memory, which survives stripping): factories and ABI markers, as inspect_library
  // reports them. The fallback for stripped libraries (Boost 1.74's library_info reads .symtab only).
  LibraryListing exported_listing() const;
  const std::filesystem::path& path() const;

 private:
  struct Impl;
  explicit PluginLibrary(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hydra::internal::plugin

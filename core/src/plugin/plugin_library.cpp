#include "plugin/internal/library.hpp"

#include "plugin/internal/manifest.hpp"
#include "plugin/internal/target.hpp"

// Boost 1.74 bug: library_info.hpp with BOOST_DLL_USE_STD_FS needs these first.
#include <string>
#include <vector>

#include <boost/dll/library_info.hpp>
#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>

#include <dlfcn.h>
#include <elf.h>
#include <link.h>

#include <algorithm>
#include <charconv>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <system_error>

namespace fs = std::filesystem;

namespace hydra::internal::plugin {

AbiVersion host_abi() { return {HYDRA_SDK_ABI_MAJOR, HYDRA_SDK_ABI_MINOR}; }

std::string to_string(AbiVersion version) {
  return std::to_string(version.major) + "." + std::to_string(version.minor);
}

namespace {

const std::string kPrefix = plugin_abi::alias_prefix;            // hydracb__
const std::string kMarkerPrefix = plugin_abi::abi_marker_prefix;  // hydracb__abi_

bool parse_u32(std::string_view text, std::uint32_t& out) {
  if (text.empty()) return false;
  auto res = std::from_chars(text.data(), text.data() + text.size(), out);
  return res.ec == std::errc() && res.ptr == text.data() + text.size();
}

// hydracb__abi_<major>_<minor>
std::optional<AbiVersion> parse_marker(const std::string& name) {
  std::string_view rest(name);
  rest.remove_prefix(kMarkerPrefix.size());
  auto sep = rest.find('_');
  if (sep == std::string_view::npos) return std::nullopt;
  AbiVersion v;
  if (!parse_u32(rest.substr(0, sep), v.major) || !parse_u32(rest.substr(sep + 1), v.minor)) return std::nullopt;
  return v;
}

// Sorts hydracb__* names into factories, ABI markers and odd markers.
void classify(const std::vector<std::string>& symbols, LibraryListing& listing) {
  for (const auto& symbol : symbols) {
    if (symbol.compare(0, kMarkerPrefix.size(), kMarkerPrefix) == 0) {
      if (auto v = parse_marker(symbol))
        listing.abi.push_back(*v);
      else
        listing.odd_markers.push_back(symbol);
    } else if (symbol.compare(0, kPrefix.size(), kPrefix) == 0 && symbol.size() > kPrefix.size()) {
      listing.factories.push_back(symbol.substr(kPrefix.size()));
    }
  }
  std::sort(listing.factories.begin(), listing.factories.end());
  listing.factories.erase(std::unique(listing.factories.begin(), listing.factories.end()), listing.factories.end());
  std::sort(listing.abi.begin(), listing.abi.end(),
            [](AbiVersion a, AbiVersion b) { return a.major != b.major ? a.major < b.major : a.minor < b.minor; });
  listing.abi.erase(std::unique(listing.abi.begin(), listing.abi.end()), listing.abi.end());
}

// Why Boost could not read `file` as a library, in words a user can act on (Boost says only
// "basic_ios::clear: iostream error" for an empty, short or truncated file).
std::string unreadable_reason(const fs::path& file, const std::string& boost_error) {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (ec) return "cannot read it: " + ec.message();
  if (size == 0) return "the file is empty (0 bytes)";
  unsigned char header[sizeof(Elf64_Ehdr)] = {};
  std::FILE* in = std::fopen(file.c_str(), "rb");
  if (!in) return "cannot open it: " + std::string(std::strerror(errno));
  const std::size_t got = std::fread(header, 1, sizeof header, in);
  std::fclose(in);
  if (got < SELFMAG || std::memcmp(header, ELFMAG, SELFMAG) != 0)
    return "Unsupported binary format: not an ELF file (a library starts with \\x7fELF)";
  if (got < EI_NIDENT) return "truncated ELF file (" + std::to_string(size) + " bytes)";
  if (header[EI_CLASS] != ELFCLASS64)
    return header[EI_CLASS] == ELFCLASS32 ? "a 32-bit ELF file; this host loads 64-bit libraries only"
                                          : "an ELF file of unknown class " + std::to_string(header[EI_CLASS]);
  if (got < sizeof(Elf64_Ehdr)) return "truncated ELF file (" + std::to_string(size) + " bytes, less than an ELF header)";
  Elf64_Ehdr ehdr;
  std::memcpy(&ehdr, header, sizeof ehdr);
  const std::uint64_t headers_end = std::max<std::uint64_t>(ehdr.e_shoff + std::uint64_t{ehdr.e_shnum} * ehdr.e_shentsize,
                                                            ehdr.e_phoff + std::uint64_t{ehdr.e_phnum} * ehdr.e_phentsize);
  if (headers_end > size)
    return "truncated ELF file: " + std::to_string(size) + " bytes, but its headers reach byte " +
           std::to_string(headers_end) + " (an interrupted copy or download?)";
  if (ehdr.e_type != ET_DYN) return "an ELF file that is not a shared object (e_type " + std::to_string(ehdr.e_type) + ")";
  return "unreadable ELF file (" + boost_error + ")";
}

std::string machine_name(unsigned machine) {
  switch (machine) {
    case EM_386: return "x86 (32-bit)";
    case EM_X86_64: return "x86-64";
    case EM_AARCH64: return "AArch64";
    case EM_ARM: return "ARM";
    case EM_RISCV: return "RISC-V";
    case EM_PPC64: return "PowerPC64";
    case EM_S390: return "S/390";
    case EM_MIPS: return "MIPS";
    case EM_LOONGARCH: return "LoongArch";
    default: return "machine " + std::to_string(machine);
  }
}

// e_machine of a 64-bit ELF file, or nullopt (not one, unreadable: Boost's reading says why).
std::optional<unsigned> elf64_machine(const fs::path& file) {
  Elf64_Ehdr ehdr{};
  std::FILE* in = std::fopen(file.c_str(), "rb");
  if (!in) return std::nullopt;
  const std::size_t got = std::fread(&ehdr, 1, sizeof ehdr, in);
  std::fclose(in);
  if (got < sizeof ehdr || std::memcmp(ehdr.e_ident, ELFMAG, SELFMAG) != 0 || ehdr.e_ident[EI_CLASS] != ELFCLASS64)
    return std::nullopt;
  return ehdr.e_machine;
}

// The host's own e_machine, read once from the running program.
unsigned host_machine() {
  static const unsigned machine = elf64_machine("/proc/self/exe").value_or(EM_NONE);
  return machine;
}

// dlopen says only "No such file or directory" for a library of another architecture.
std::optional<std::string> foreign_machine(const fs::path& file) {
  auto machine = elf64_machine(file);
  if (!machine || *machine == host_machine() || host_machine() == EM_NONE) return std::nullopt;
  return "a library built for " + machine_name(*machine) + " (ELF e_machine " + std::to_string(*machine) +
         "), but this host runs " + machine_name(host_machine()) + " (e_machine " + std::to_string(host_machine()) +
         "); rebuild the plugin for this machine";
}

LibraryListing inspect(const fs::path& file) {
  LibraryListing listing;
  if (auto why = foreign_machine(file)) {
    listing.error = *why;
    return listing;  // not_a_library
  }
  try {
    boost::dll::library_info info(file);
    auto sections = info.sections();
    if (std::find(sections.begin(), sections.end(), plugin_abi::section_name) == sections.end()) {
      listing.kind = LibraryListing::Kind::no_section;
      return listing;
    }
    auto symbols = info.symbols(plugin_abi::section_name);
    if (symbols.empty()) {
      listing.kind = LibraryListing::Kind::stripped;
      return listing;
    }
    listing.kind = LibraryListing::Kind::plugin;
    classify(symbols, listing);
  } catch (const std::exception& e) {
    listing = LibraryListing{};
    listing.kind = LibraryListing::Kind::not_a_library;
    listing.error = unreadable_reason(file, e.what());
  } catch (...) {
    listing = LibraryListing{};
    listing.kind = LibraryListing::Kind::not_a_library;
    listing.error = unreadable_reason(file, "unknown error");
  }
  return listing;
}

fs::path program_path() {
  std::error_code ec;
  fs::path p = boost::dll::program_location(ec);
  return ec ? fs::path("/proc/self/exe") : p;
}

}  // namespace

LibraryListing inspect_library(const fs::path& file) { return inspect(file); }

LibraryListing inspect_program() { return inspect(program_path()); }

std::optional<std::string> check_abi(AbiVersion plugin) {
  AbiVersion host = host_abi();
  if (plugin.major == host.major && plugin.minor <= host.minor) return std::nullopt;
  std::string why = plugin.major != host.major ? "another major version" : "a newer minor version";
  return "it was built for hydra-cpp plugin ABI " + to_string(plugin) + ", but this host has plugin ABI " +
         to_string(host) + " (" + why + "; a host serves its own major and minors up to its own); rebuild the "
         "plugin against this hydra-cpp's SDK";
}

std::optional<std::string> check_listing_abi(const LibraryListing& listing) {
  for (const auto& odd : listing.odd_markers)
    return "its ABI marker '" + odd + "' does not name a version (expected hydracb__abi_<major>_<minor>); this host has "
           "plugin ABI " + to_string(host_abi()) + "; rebuild the plugin against this hydra-cpp's SDK";
  for (const auto& v : listing.abi)
    if (auto why = check_abi(v)) return why;
  if (listing.abi.empty() && !listing.factories.empty())
    return "it exports factories but no ABI marker (hydracb__abi_<major>_<minor>); this host has plugin ABI " +
           to_string(host_abi()) + "; rebuild the plugin against this hydra-cpp's SDK (HYDRA_CALLBACK)";
  return std::nullopt;
}

std::optional<std::string> check_record(const plugin_abi::FactoryRecord& record) {
  // abi_major/abi_minor lead the record in every layout; read the rest only once they match.
  if (auto why = check_abi({record.abi_major, record.abi_minor})) return why;
  return check_build_key(record.build_key ? record.build_key : "(none)");
}

std::optional<std::string> check_build_key(const std::string& key) {
  if (key == plugin_abi::build_key) return std::nullopt;
  return "its build key '" + key + "' differs from this host's '" + plugin_abi::build_key +
         "' (compiler, C++ library ABI and Boost version must match); rebuild the plugin with the toolchain "
         "and Boost this hydra-cpp was built with";
}

std::string dlerror_text(const std::string& boost_message) {
  const std::string open = "(dlerror system message: ";
  auto start = boost_message.find(open);
  if (start != std::string::npos) {
    start += open.size();
    auto end = boost_message.rfind(')');
    if (end != std::string::npos && end >= start) return boost_message.substr(start, end - start);
    return boost_message.substr(start);
  }
  const std::string bad_fd = ": Bad file descriptor";
  if (boost_message.size() >= bad_fd.size() &&
      boost_message.compare(boost_message.size() - bad_fd.size(), bad_fd.size(), bad_fd) == 0)
    return boost_message.substr(0, boost_message.size() - bad_fd.size());
  return boost_message;
}

struct PluginLibrary::Impl {
  boost::dll::shared_library library;
  fs::path path;
  CheckedFile checked;  // the descriptor it was opened through, open while the library is
};

PluginLibrary::PluginLibrary(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PluginLibrary::~PluginLibrary() = default;

namespace {
constexpr auto kLoadMode = boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local;

void replace_all_in(std::string& text, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
    text.replace(pos, from.size(), to);
}
}  // namespace

std::shared_ptr<PluginLibrary> PluginLibrary::load(const fs::path& file) {
  if (auto why = foreign_machine(file)) throw PluginLoadError(file.string() + ": " + *why);
  auto impl = std::make_unique<Impl>();
  impl->path = file;
  try {
    impl->library.load(file, kLoadMode);
  } catch (const std::exception& e) {
    throw PluginLoadError(dlerror_text(e.what()));
  }
  return std::shared_ptr<PluginLibrary>(new PluginLibrary(std::move(impl)));
}

std::shared_ptr<PluginLibrary> PluginLibrary::load(CheckedFile&& checked) {
  const fs::path open_path = checked.open_path();
  if (auto why = foreign_machine(open_path)) throw PluginLoadError(checked.path().string() + ": " + *why);
  auto impl = std::make_unique<Impl>();
  impl->path = checked.path();
  try {
    impl->library.load(open_path, kLoadMode);
  } catch (const std::exception& e) {
    std::string text = dlerror_text(e.what());
    replace_all_in(text, open_path.string(), checked.path().string());  // dlerror names /proc/self/fd/N
    throw PluginLoadError(text);
  }
  impl->checked = std::move(checked);
  return std::shared_ptr<PluginLibrary>(new PluginLibrary(std::move(impl)));
}

std::shared_ptr<PluginLibrary> PluginLibrary::load_program() {
  auto impl = std::make_unique<Impl>();
  impl->path = program_path();
  try {
    // shared_library(program_location()) is dlopen(NULL): the main program and its globals.
    impl->library.load(boost::dll::program_location(), kLoadMode);
  } catch (const std::exception& e) {
    throw PluginLoadError(dlerror_text(e.what()));
  }
  return std::shared_ptr<PluginLibrary>(new PluginLibrary(std::move(impl)));
}

const plugin_abi::FactoryRecord* PluginLibrary::find_factory(const std::string& name) const {
  const std::string alias = kPrefix + name;
  if (!impl_->library.has(alias)) return nullptr;
  return &impl_->library.get_alias<const plugin_abi::FactoryRecord>(alias);
}

const char* PluginLibrary::marker_build_key(AbiVersion abi) const {
  const std::string alias = kMarkerPrefix + std::to_string(abi.major) + "_" + std::to_string(abi.minor);
  if (!impl_->library.has(alias)) return nullptr;
  return &impl_->library.get_alias<const char>(alias);
}

namespace {

// The dynamic symbol table of a loaded object, from its link map: DT_SYMTAB, DT_STRTAB and the
// symbol count from DT_GNU_HASH (or DT_HASH). glibc relocates these d_ptr values in place on
// most targets; where it does not, they are offsets from l_addr.
std::vector<std::string> dynamic_names(void* handle, const std::string& prefix) {
  std::vector<std::string> names;
  struct link_map* map = nullptr;
  if (handle == nullptr || ::dlinfo(handle, RTLD_DI_LINKMAP, &map) != 0 || map == nullptr || map->l_ld == nullptr)
    return names;
  const auto base = static_cast<ElfW(Addr)>(map->l_addr);
  auto address = [base](ElfW(Addr) ptr) { return ptr < base ? ptr + base : ptr; };
  const ElfW(Sym)* symtab = nullptr;
  const char* strtab = nullptr;
  const std::uint32_t* gnu_hash = nullptr;
  const std::uint32_t* sysv_hash = nullptr;
  std::size_t strsz = 0;
  for (const ElfW(Dyn)* dyn = map->l_ld; dyn->d_tag != DT_NULL; ++dyn) {
    switch (dyn->d_tag) {
      case DT_SYMTAB: symtab = reinterpret_cast<const ElfW(Sym)*>(address(dyn->d_un.d_ptr)); break;
      case DT_STRTAB: strtab = reinterpret_cast<const char*>(address(dyn->d_un.d_ptr)); break;
      case DT_STRSZ: strsz = dyn->d_un.d_val; break;
      case DT_GNU_HASH: gnu_hash = reinterpret_cast<const std::uint32_t*>(address(dyn->d_un.d_ptr)); break;
      case DT_HASH: sysv_hash = reinterpret_cast<const std::uint32_t*>(address(dyn->d_un.d_ptr)); break;
      default: break;
    }
  }
  if (symtab == nullptr || strtab == nullptr) return names;
  std::size_t count = 0;
  if (gnu_hash != nullptr) {
    const std::uint32_t nbuckets = gnu_hash[0], symoffset = gnu_hash[1], bloom_size = gnu_hash[2];
    const auto* bloom = reinterpret_cast<const ElfW(Addr)*>(gnu_hash + 4);
    const auto* buckets = reinterpret_cast<const std::uint32_t*>(bloom + bloom_size);
    const std::uint32_t* chain = buckets + nbuckets;
    std::uint32_t last = 0;
    for (std::uint32_t b = 0; b < nbuckets; ++b) last = std::max(last, buckets[b]);
    if (last < symoffset) {
      count = symoffset;
    } else {
      while ((chain[last - symoffset] & 1u) == 0) ++last;
      count = last + 1;
    }
  } else if (sysv_hash != nullptr) {
    count = sysv_hash[1];
  }
  for (std::size_t i = 0; i < count; ++i) {
    const ElfW(Sym)& sym = symtab[i];
    if (sym.st_shndx == SHN_UNDEF || sym.st_name >= strsz) continue;
    const char* name = strtab + sym.st_name;
    if (std::strncmp(name, prefix.c_str(), prefix.size()) == 0) names.emplace_back(name);
  }
  return names;
}

}  // namespace

LibraryListing PluginLibrary::exported_listing() const {
  LibraryListing listing;
  listing.kind = LibraryListing::Kind::plugin;
  classify(dynamic_names(impl_->library.native(), kPrefix), listing);
  return listing;
}

const fs::path& PluginLibrary::path() const { return impl_->path; }

}  // namespace hydra::internal::plugin

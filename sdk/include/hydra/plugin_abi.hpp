// The binary contract between the host and plugin libraries: ABI version, build key and the
// factory record each exported alias points at. Plugins include <hydra/plugin.hpp>, which
// exports; the host includes only this.
#pragma once

#include <hydra/config.hpp>

#include <boost/config.hpp>
#include <boost/preprocessor/cat.hpp>
#include <boost/preprocessor/stringize.hpp>
#include <boost/version.hpp>

#include <cstdint>

// The SDK ABI. A host refuses a library built for another major, or for a newer minor.
// (Test plugins override these on the command line to claim other versions.)
#ifndef HYDRA_SDK_ABI_MAJOR
#define HYDRA_SDK_ABI_MAJOR 2
#endif
#ifndef HYDRA_SDK_ABI_MINOR
#define HYDRA_SDK_ABI_MINOR 0
#endif

#if defined(__clang__)
#define HYDRA_SDK_COMPILER "clang" BOOST_PP_STRINGIZE(__clang_major__)
#elif defined(__GNUC__)
#define HYDRA_SDK_COMPILER "gcc" BOOST_PP_STRINGIZE(__GNUC__)
#else
#define HYDRA_SDK_COMPILER "other"
#endif
#if defined(_GLIBCXX_USE_CXX11_ABI)
#define HYDRA_SDK_CXX_ABI "cxx11abi=" BOOST_PP_STRINGIZE(_GLIBCXX_USE_CXX11_ABI)
#else
#define HYDRA_SDK_CXX_ABI "cxx11abi=none"
#endif

// What must match between host and plugin beyond the ABI version: Config is a header-only
// Boost template, and std::string's layout depends on the libstdc++ ABI switch.
#ifndef HYDRA_SDK_BUILD_KEY
#define HYDRA_SDK_BUILD_KEY HYDRA_SDK_COMPILER ";" HYDRA_SDK_CXX_ABI ";boost=" BOOST_PP_STRINGIZE(BOOST_VERSION)
#endif

#define HYDRA_ABI_MARKER_NAME \
  BOOST_PP_CAT(BOOST_PP_CAT(BOOST_PP_CAT(hydracb__abi_, HYDRA_SDK_ABI_MAJOR), _), HYDRA_SDK_ABI_MINOR)

namespace hydra::plugin_abi {

inline constexpr const char* alias_prefix = "hydracb__";
inline constexpr const char* abi_marker_prefix = "hydracb__abi_";
inline constexpr const char* section_name = "hydracb";

// What a factory makes. The host checks it against what the config slot wants
// (hydra.callbacks wants callbacks, hydra.launcher a launcher).
enum class FactoryKind : std::uint32_t { callback = 1, launcher = 2 };

inline const char* to_string(FactoryKind kind) {
  switch (kind) {
    case FactoryKind::callback: return "callback";
    case FactoryKind::launcher: return "launcher";
  }
  return "unknown";
}

// Layout is frozen for a given ABI major: abi_major and abi_minor stay first forever, so a
// host can read them from any record before trusting the rest.
struct FactoryRecord {
  std::uint32_t abi_major;
  std::uint32_t abi_minor;
  const char* build_key;
  const char* name;
  FactoryKind kind;
  // Returns a `Base*` (hydra::Callback* or hydra::Launcher*, per `kind`) as void*;
  // destroy takes that same pointer back, so the object is freed by the code that made it.
  void* (*create)(const Config& params);
  void (*destroy)(void* object) noexcept;
};

template <class Base, class T>
void* create(const Config& params) {
  return static_cast<Base*>(new T(params));
}

template <class Base, class T>
void destroy(void* object) noexcept {
  delete static_cast<T*>(static_cast<Base*>(object));
}

inline constexpr char build_key[] = HYDRA_SDK_BUILD_KEY;

}  // namespace hydra::plugin_abi


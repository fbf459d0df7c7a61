// Exporting callbacks from a plugin library (or from an app): HYDRA_CALLBACK(Class).
//
// Each exported class becomes one Boost.DLL alias `hydracb__<Name>` in the section `hydracb`,
// pointing at a FactoryRecord; one more alias, `hydracb__abi_<major>_<minor>`, marks the SDK
// ABI the library was built against, so the host can list factories and check the ABI
// without loading the library (boost::dll::library_info).
#pragma once

#ifndef BOOST_DLL_USE_STD_FS
#error "hydra-cpp plugins must be compiled with BOOST_DLL_USE_STD_FS (link HydraCpp::sdk, which defines it)"
#endif

#include <hydra/callback.hpp>
#include <hydra/config.hpp>

#include <boost/config.hpp>
#include <boost/dll/alias.hpp>
#include <boost/preprocessor/cat.hpp>
#include <boost/preprocessor/stringize.hpp>
#include <boost/version.hpp>

#include <cstdint>

// The SDK ABI. A host refuses a library built for another major, or for a newer minor.
// (Test plugins override these on the command line to claim other versions.)
#ifndef HYDRA_SDK_ABI_MAJOR
#define HYDRA_SDK_ABI_MAJOR 1
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

// Layout is frozen for a given ABI major: abi_major and abi_minor stay first forever, so a
// host can read them from any record before trusting the rest.
struct FactoryRecord {
  std::uint32_t abi_major;
  std::uint32_t abi_minor;
  const char* build_key;
  const char* name;
  Callback* (*create)(const Config& params);
  void (*destroy)(Callback* callback) noexcept;
};

template <class T>
Callback* create(const Config& params) {
  return new T(params);
}

template <class T>
void destroy(Callback* callback) noexcept {
  delete static_cast<T*>(callback);
}

inline constexpr char build_key[] = HYDRA_SDK_BUILD_KEY;

}  // namespace hydra::plugin_abi

// Exports factory `Name` that constructs Type(const hydra::Config& params). At global scope.
#define HYDRA_CALLBACK_NAMED(Type, Name)                                                             \
  namespace hydra_plugin_factories {                                                                 \
  static_assert(std::is_base_of_v<::hydra::Callback, Type>, #Type " must derive from hydra::Callback"); \
  static_assert(std::is_constructible_v<Type, const ::hydra::Config&>,                              \
                #Type " needs a constructor taking (const hydra::Config& params)");                  \
  inline const ::hydra::plugin_abi::FactoryRecord factory_##Name = {                                 \
      HYDRA_SDK_ABI_MAJOR,          HYDRA_SDK_ABI_MINOR,                                             \
      ::hydra::plugin_abi::build_key, #Name,                                                         \
      &::hydra::plugin_abi::create<Type>, &::hydra::plugin_abi::destroy<Type>};                      \
  }                                                                                                  \
  BOOST_DLL_ALIAS_SECTIONED(hydra_plugin_factories::factory_##Name, hydracb__##Name, hydracb)        \
  BOOST_DLL_ALIAS_SECTIONED(::hydra::plugin_abi::build_key, HYDRA_ABI_MARKER_NAME, hydracb)

// Exports factory `Class` (the unqualified class name, as `_target_: module.Class` names it).
#define HYDRA_CALLBACK(Class) HYDRA_CALLBACK_NAMED(Class, Class)

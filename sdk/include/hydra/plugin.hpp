// Exporting callbacks and launchers from a plugin library (or from an app):
// HYDRA_CALLBACK(Class), HYDRA_LAUNCHER(Class).
//
// Each exported class becomes one Boost.DLL alias `hydracb__<Name>` in the section `hydracb`,
// pointing at a FactoryRecord (<hydra/plugin_abi.hpp>); one more alias,
// `hydracb__abi_<major>_<minor>`, marks the SDK ABI the library was built against, so the host
// can list factories and check the ABI without loading the library (boost::dll::library_info).
#pragma once

#ifndef BOOST_DLL_USE_STD_FS
#error "hydra-cpp plugins must be compiled with BOOST_DLL_USE_STD_FS (link HydraCpp::sdk, which defines it)"
#endif

#include <hydra/callback.hpp>
#include <hydra/config.hpp>
#include <hydra/launcher.hpp>
#include <hydra/plugin_abi.hpp>

#include <boost/dll/alias.hpp>

#include <type_traits>

// The ABI marker: once per library (a weak alias, so every file that includes this header
// contributes the same one and the linker keeps one).
BOOST_DLL_ALIAS_SECTIONED(::hydra::plugin_abi::build_key, HYDRA_ABI_MARKER_NAME, hydracb)

#define HYDRA_PLUGIN_FACTORY_(Base, KindValue, Type, Name)                                          \
  namespace hydra_plugin_factories {                                                                 \
  static_assert(std::is_base_of_v<Base, Type>, #Type " must derive from " #Base);                    \
  static_assert(std::is_constructible_v<Type, const ::hydra::Config&>,                              \
                #Type " needs a constructor taking (const hydra::Config& params)");                  \
  inline const ::hydra::plugin_abi::FactoryRecord factory_##Name = {                                 \
      HYDRA_SDK_ABI_MAJOR,                                                                           \
      HYDRA_SDK_ABI_MINOR,                                                                           \
      ::hydra::plugin_abi::build_key,                                                                \
      #Name,                                                                                         \
      KindValue,                                                                                     \
      &::hydra::plugin_abi::create<Base, Type>,                                                      \
      &::hydra::plugin_abi::destroy<Base, Type>};                                                    \
  }                                                                                                  \
  BOOST_DLL_ALIAS_SECTIONED(hydra_plugin_factories::factory_##Name, hydracb__##Name, hydracb)

// Exports factory `Name` that constructs Type(const hydra::Config& params). At global scope.
#define HYDRA_CALLBACK_NAMED(Type, Name) \
  HYDRA_PLUGIN_FACTORY_(::hydra::Callback, ::hydra::plugin_abi::FactoryKind::callback, Type, Name)
#define HYDRA_LAUNCHER_NAMED(Type, Name) \
  HYDRA_PLUGIN_FACTORY_(::hydra::Launcher, ::hydra::plugin_abi::FactoryKind::launcher, Type, Name)

// Exports factory `Class` (the unqualified class name, as `_target_: module.Class` names it).
#define HYDRA_CALLBACK(Class) HYDRA_CALLBACK_NAMED(Class, Class)
#define HYDRA_LAUNCHER(Class) HYDRA_LAUNCHER_NAMED(Class, Class)

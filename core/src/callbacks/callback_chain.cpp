#include "callbacks/callback_chain.hpp"

#include "util/errors.hpp"
#include "util/exceptions.hpp"

#include <hydra/logging.hpp>


namespace hydra::internal {
namespace {

std::string describe(const Config& node) {
  if (node.data().is_scalar()) return "'" + node.data().text() + "'";
  return to_string(node.data().kind());
}

}  // namespace

CallbackChain CallbackChain::create(const Config& callbacks, PluginRegistry& registry, bool strict_all) {
  CallbackChain chain;
  if (callbacks.data().kind() == NodeKind::Null) return chain;
  if (!is_map(callbacks))
    throw UserError("hydra.callbacks must be a map (name: {_target_: module.Class, ...}), got a " +
                    std::string(to_string(callbacks.data().kind())));
  for (const auto& [key, node] : callbacks) {
    std::string full_key = "hydra.callbacks." + key;
    // `name: null` switches a callback off (`hydra.callbacks.x=null`), like removing it.
    if (node.data().kind() == NodeKind::Null) continue;
    if (!is_map(node))
      throw UserError("Callback " + full_key + " must be a map with a _target_, got " + describe(node) +
                      "\nfull_key: " + full_key);
    auto target = node.get_child_optional("_target_");
    if (!target)
      throw UserError("Callback " + full_key + " has no _target_; add `_target_: module.ClassName`\nfull_key: " +
                      full_key);
    if (target->data().kind() != NodeKind::String)
      throw UserError("Callback " + full_key + ": _target_ must be a string (module.ClassName), got " +
                      describe(*target) + "\nfull_key: " + full_key);
    bool strict = strict_all;
    if (auto flag = node.get_child_optional("_strict_")) {
      auto value = flag->get_value_optional<bool>();
      if (!value) throw UserError(full_key + "._strict_ must be true or false, got " + describe(*flag));
      strict = strict || *value;
    }
    Config params = node;
    params.erase("_target_");
    params.erase("_strict_");
    const std::string& target_name = target->data().text();
    Entry entry;
    entry.key = key;
    entry.type_name = target_name.substr(target_name.rfind('.') + 1);
    entry.target = target_name;
    entry.strict = strict;
    entry.callback = registry.create_callback(target_name, params, full_key);
    chain.targets_.push_back(entry.callback.get());
    chain.entries_.push_back(std::move(entry));
  }
  return chain;
}

void CallbackChain::report_raise(const Entry& entry, const char* hook) {
  ExceptionText thrown = describe_current_exception();
  std::string text = "Callback " + entry.type_name + "." + hook + " raised " + thrown.type + ": " + thrown.message;
  // docs/spec.md §2's line names the class only; a non-std throw also says which entry it came from.
  if (!thrown.is_std) text += " (hydra.callbacks." + entry.key + ", _target_: " + entry.target + ")";
  if (entry.strict) {
    get_logger("hydra")->error("{} (strict)", text);
    failures_.push_back({entry.type_name + "." + hook, thrown.type, thrown.message});
  } else {
    get_logger("hydra")->warn("{}", text);
  }
}

}  // namespace hydra::internal

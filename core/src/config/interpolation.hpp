// ${...} interpolation as OmegaConf 2.2 resolves it: node references (absolute, relative, with
// nested ${...} in the key), ${now:fmt}, ${hydra:key}, oc.env, oc.select, oc.decode, oc.create,
// oc.dict.keys, oc.dict.values, oc.deprecated and the app's own resolvers (hydra::register_resolver),
// inside strings too, \${ escapes. Resolver arguments are read by OmegaConf's grammar: typed
// scalars, 'quoted' strings, [lists], {dicts}, nested ${...}.
#pragma once

#include <hydra/config.hpp>

#include <chrono>
#include <string>

namespace hydra::internal {

struct ResolveOptions {
  // One clock reading per run, so every ${now:...} of a run agrees.
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
  // Strict: an interpolation that cannot be resolved is a UserError naming the key.
  // Lazy (false): it becomes an Unresolved node (hydra/config.hpp) whose read throws that error,
  // so that a run fails only for a value something reads, as with OmegaConf's lazy nodes.
  bool strict = true;
  // With strict, what `--cfg ... --resolve` does (OmegaConf.resolve): a leaf whose interpolation
  // leads to a ??? value becomes ??? itself; other failures still throw.
  bool keep_missing = false;
  // Resolve as the task sees its config: Hydra deletes the `hydra` node from it, so a reference
  // ${hydra.job.name} is not found there, while the resolver ${hydra:job.name} still reads it.
  bool without_hydra_node = false;
};

// boost::property_tree has no move: assigning a returned Config copies the whole tree again. The
// hot paths therefore resolve a tree they own in place (`node` must not be part of `root`) and
// swap results into place.
void resolve_in_place(const Config& root, Config& node, const std::string& node_key, const ResolveOptions& options);

// A copy of `node` with every interpolation resolved against `root`. `node_key` is the full
// key of `node` inside `root` ("" for the root itself), for relative references and errors.
Config resolve(const Config& root, const Config& node, const std::string& node_key, const ResolveOptions& options);

// Whether any string under `node` holds a ${...} (or an escaped \${): resolving it then changes
// nothing and cannot fail.
bool has_interpolations(const Config& node);

// Throws a UserError naming the key for an interpolation OmegaConf rejects when a config is
// loaded (an unterminated ${, an empty ${}), before a run creates anything. Everything else
// is found only when a value is resolved.
void check_interpolation_syntax(const Config& root);

inline Config resolve_all(const Config& root, const ResolveOptions& options) {
  return resolve(root, root, "", options);
}

}  // namespace hydra::internal

// ${...} interpolation: node references (absolute, relative), ${now:fmt}, ${hydra:key},
// ${oc.env:VAR[,default]}, ${oc.select:key[,default]}, inside strings too, \${ escapes.
#pragma once

#include <hydra/config.hpp>

#include <chrono>
#include <string>

namespace hydra::internal {

struct ResolveOptions {
  // One clock reading per run, so every ${now:...} of a run agrees.
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
  // Lenient: an interpolation that cannot be resolved (e.g. a ??? value) stays as written.
  // Strict: it is a UserError naming the key.
  bool strict = true;
  // With strict: a leaf whose interpolation leads to a ??? value stays as written (what --cfg
  // --resolve shows for e.g. hydra.runtime.output_dir before the job); other failures still throw.
  bool keep_missing = false;
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

inline Config resolve_all(const Config& root, const ResolveOptions& options) {
  return resolve(root, root, "", options);
}

}  // namespace hydra::internal

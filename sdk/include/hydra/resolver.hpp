// An application's own interpolation resolvers: `${name:arg1,arg2}` in its configs and on its
// command line, as OmegaConf.register_new_resolver does for a Python app.
//
//   hydra::Config scaled(const hydra::ResolverArgs& args) {
//     return hydra::make_node(hydra::get<double>(args.at(0), "") * hydra::get<double>(args.at(1), ""));
//   }
//   int main(int argc, char** argv) {
//     hydra::register_resolver("scale", scaled);   // conf: lr: ${scale:${base_lr},0.5}
//     return hydra::run_app(argc, argv, {"my_app", "conf", "config", hydra::detail::make_task(&task)});
//   }
//
// Arguments arrive typed, as OmegaConf's grammar reads them: 1 an int, 1.5 a float, true a bool,
// null a null, 'quoted' or plain words strings, [a, b] a sequence, {k: v} a map, ${x} the value
// of x (already resolved). Read a scalar argument with hydra::get<T>(arg, "") and a container
// by iterating it. The result is a node: make_node(value) for a scalar, or any Config tree.
//
// A resolver that throws does not fail the run by itself: like any interpolation that cannot be
// resolved, the value stays unresolved and reading it throws a ConfigError naming the key, the
// interpolation and the resolver's message (see <hydra/config.hpp>). `--cfg job --resolve`
// reports it as an error.
#pragma once

#include <hydra/config.hpp>

#include <functional>
#include <string>
#include <vector>

namespace hydra {

using ResolverArgs = std::vector<Config>;
using ResolverFunction = std::function<Config(const ResolverArgs& args)>;

// Registers `fn` under `name` (letters, digits, '_', dot-separated parts: "scale", "my.lib.add").
// Call it before run_app (in main, or from a static initializer: it returns true for that).
// Throws std::invalid_argument for a malformed name, a name Hydra already defines (now, hydra,
// oc.*), or one registered before.
bool register_resolver(const std::string& name, ResolverFunction fn);

}  // namespace hydra

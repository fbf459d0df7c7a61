// The app the compose corpus runs: prints its config, as the seed's my_app does. Each case
// points it at its own conf tree with --config-path. It registers two resolvers of its own for
// the corpus cases about app resolvers: test.add (two ints) and test.fail (always throws).
#include <hydra/main.hpp>
#include <hydra/resolver.hpp>

#include <iostream>
#include <stdexcept>

namespace {

hydra::Config add(const hydra::ResolverArgs& args) {
  if (args.size() != 2) throw std::invalid_argument("test.add takes 2 ints, got " + std::to_string(args.size()) + " arguments");
  for (const auto& arg : args)
    if (arg.data().kind() != hydra::NodeKind::Int)
      throw std::invalid_argument("test.add takes 2 ints, got " + std::string(hydra::to_string(arg.data().kind())) + " '" +
                                  arg.data().text() + "'");
  return hydra::make_node(hydra::get<long long>(args[0], "") + hydra::get<long long>(args[1], ""));
}

hydra::Config fail(const hydra::ResolverArgs&) { throw std::runtime_error("test.fail always fails"); }

const bool registered = hydra::register_resolver("test.add", add) && hydra::register_resolver("test.fail", fail);

}  // namespace

void compose_app(const hydra::Config& cfg) { std::cout << hydra::to_yaml(cfg) << std::flush; }

HYDRA_MAIN(compose_app, "conf", "config")

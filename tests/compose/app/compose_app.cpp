// The app the compose corpus runs: prints its config, as the seed's my_app does. Each case
// points it at its own conf tree with --config-path.
#include <hydra/main.hpp>

#include <iostream>

void compose_app(const hydra::Config& cfg) { std::cout << hydra::to_yaml(cfg) << std::flush; }

HYDRA_MAIN(compose_app, "conf", "config")

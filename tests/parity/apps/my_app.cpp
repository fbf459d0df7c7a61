// The C++ twin of apps/my_app.py, Hydra's example app: prints its config as Python's
// print(OmegaConf.to_yaml(cfg)) does (the YAML, then an empty line). No config dir or name of its
// own: each parity case passes --config-path/--config-name.
#include <hydra/main.hpp>

#include <iostream>

void my_app(const hydra::Config& cfg) { std::cout << hydra::to_yaml(cfg) << '\n' << std::flush; }

HYDRA_MAIN(my_app, "", "")

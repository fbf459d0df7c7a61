// An app whose callback comes from a plugin library found on the plugin search path.
#include <hydra/main.hpp>

#include <string>

int plugin_app(const hydra::Config& cfg) {
  // Shown with hydra.verbose=true or hydra.verbose=plugin_app, as Python's log.debug lines are.
  hydra::get_logger("plugin_app")->debug("config has {} keys", cfg.size());
  hydra::get_logger("plugin_app")->info("training {} for {} epochs", hydra::get<std::string>(cfg, "model"),
                                        hydra::get<int>(cfg, "epochs"));
  return hydra::get<int>(cfg, "epochs") * 10;
}

HYDRA_MAIN(plugin_app, "conf", "config")

// The C++ twin of apps/log_app.py, Hydra's examples/tutorials/basic/running_your_hydra_app/
// 4_logging app: one INFO and one DEBUG line on the logger Python names __main__.
#include <hydra/main.hpp>

void log_app(const hydra::Config& /*cfg*/) {
  auto log = hydra::get_logger("__main__");
  log->info("Info level message");
  log->debug("Debug level message");
}

HYDRA_MAIN(log_app, "", "")

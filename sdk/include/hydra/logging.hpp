// Logging for tasks and plugins: hydra::get_logger("name"), like Python's logging.getLogger.
//
// The host routes every logger through the sinks of spdlog's default logger and swaps their
// format as the run goes (HYDRA before a job, JOB during it, docs/spec.md §5). Plugins link Debian's
// shared spdlog, so they share the host's registry and therefore its sinks.
#pragma once

#include <spdlog/logger.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace hydra {

inline std::shared_ptr<spdlog::logger> get_logger(const std::string& name) {
  if (auto existing = spdlog::get(name)) return existing;
  auto root = spdlog::default_logger();
  auto logger = std::make_shared<spdlog::logger>(name, root->sinks().begin(), root->sinks().end());
  logger->set_level(root->level());
  logger->flush_on(root->flush_level());
  try {
    spdlog::register_logger(logger);
  } catch (const spdlog::spdlog_ex&) {
    // Another thread registered the same name first: use that one.
    if (auto existing = spdlog::get(name)) return existing;
  }
  return logger;
}

}  // namespace hydra

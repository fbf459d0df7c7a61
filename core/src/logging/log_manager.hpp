// Console and job-log sinks, switched as the run goes (SPEC §5): HYDRA format before a job,
// JOB format (console + <output_dir>/<task>.log) during it. Every logger made by
// hydra::get_logger shares one dist sink, so switching here reaches tasks and plugins too.
#pragma once

#include <hydra/config.hpp>

#include <spdlog/sinks/dist_sink.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace hydra::internal {

// Python logging format string -> spdlog pattern: %(asctime)s, %(name)s, %(levelname)s,
// %(message)s, %(process)d, %(thread)d, with optional width (%(levelname)-8s), and %%.
// Throws UserError naming the format for an attribute we cannot render.
std::string python_format_to_spdlog(const std::string& format);

class LogManager {
 public:
  // Installs the shared dist sink as spdlog's default logger (idempotent).
  static LogManager& instance();

  // `logging` is the hydra.hydra_logging or hydra.job_logging node (resolved).
  // Console only, HYDRA format; with `also_to`, the same lines go to that file too (MULTIRUN's
  // <sweep dir>/multirun.log).
  void use_hydra_logging(const Config& logging, const std::filesystem::path& also_to = {});

  // A logging config made into sinks once, to switch back to as often as needed: a sweep returns
  // to its HYDRA logging after every job without reopening multirun.log or recompiling patterns.
  struct Setup {
    std::vector<spdlog::sink_ptr> sinks;
    spdlog::level::level_enum level = spdlog::level::info;
  };
  Setup hydra_logging_setup(const Config& logging, const std::filesystem::path& also_to = {});
  void use(const Setup& setup);
  // Console + the file handler's file (if the config has one). Returns the log file path ("" if none).
  std::filesystem::path use_job_logging(const Config& logging);
  // Flushes every sink (before a process exits or a job ends).
  void flush();

 private:
  LogManager();
  Setup build(const Config& logging, bool with_file, std::filesystem::path* file_out,
              const std::filesystem::path& extra_file = {});

  std::shared_ptr<spdlog::sinks::dist_sink_mt> dist_;
};

}  // namespace hydra::internal

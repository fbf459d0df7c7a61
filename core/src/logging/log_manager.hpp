// Console and job-log sinks, switched as the run goes (docs/spec.md §5): HYDRA format before a job,
// JOB format (console + <output_dir>/<task>.log) during it. Every logger made by
// hydra::get_logger shares one dist sink, so switching here reaches tasks and plugins too.
// Levels follow Python's logging: root.level, `loggers.<name>.level` and hydra.verbose set a
// logger's level, and a dotted name inherits from its nearest named ancestor (`hydra` covers
// `hydra.experimental.callbacks.LogJobReturnCallback`). The shared sink applies them by name.
#pragma once

#include <hydra/config.hpp>

#include <spdlog/sinks/dist_sink.h>

#include <filesystem>
#include <map>
#include <set>
#include <memory>
#include <string>
#include <vector>

namespace hydra::internal {

// Python logging format string -> spdlog pattern: %(asctime)s, %(name)s, %(levelname)s,
// %(message)s, %(process)d, %(thread)d, with optional width (%(levelname)-8s), and %%.
// Throws UserError naming the format for an attribute we cannot render.
std::string python_format_to_spdlog(const std::string& format);

class NamedLevelSink;

class LogManager {
 public:
  // Installs the shared dist sink as spdlog's default logger (idempotent).
  static LogManager& instance();

  // `logging` is the hydra.hydra_logging or hydra.job_logging node (resolved), `verbose` the
  // hydra.verbose node (false/true, a logger name or a list of names; absent = false).
  // `root: null` (hydra/*_logging=none) leaves the logging as it is, as Python's Hydra does.
  // HYDRA logging: its handlers (a file handler's file relative to the cwd); with `also_to`, the
  // same lines go to that file too (MULTIRUN's <sweep dir>/multirun.log).
  void use_hydra_logging(const Config& logging, const Config& verbose, const std::filesystem::path& also_to = {});

  // A logging config made into sinks once, to switch back to as often as needed: a sweep returns
  // to its HYDRA logging after every job without reopening multirun.log or recompiling patterns.
  struct Setup {
    std::vector<spdlog::sink_ptr> sinks;
    spdlog::level::level_enum level = spdlog::level::info;         // the root logger's
    std::map<std::string, spdlog::level::level_enum> logger_levels;  // named loggers' own levels
  };
  Setup hydra_logging_setup(const Config& logging, const Config& verbose, const std::filesystem::path& also_to = {});
  void use(const Setup& setup);
  // Console + the file handler's file (if the config has one). Returns the log file path ("" if none).
  std::filesystem::path use_job_logging(const Config& logging, const Config& verbose);
  // Whether logger `name` logs at `level` now (to skip building debug text nobody sees).
  bool enabled_for(const std::string& name, spdlog::level::level_enum level) const;
  // Flushes every sink (before a process exits or a job ends).
  void flush();

 private:
  LogManager();
  Setup build(const Config& logging, const Config& verbose, bool job, std::filesystem::path* file_out,
              const std::filesystem::path& extra_file = {});

  std::shared_ptr<NamedLevelSink> dist_;
  Setup current_;  // what `root: null` keeps; before any setup, Python's unconfigured logging
  std::set<std::filesystem::path> started_files_;  // log files opened with `mode: w` so far
};

// Python's logging.dictConfig levels on one shared dist sink: a message passes if its level
// reaches its logger's effective level (own, else the nearest dotted ancestor's, else root's).
class NamedLevelSink final : public spdlog::sinks::dist_sink_mt {
 public:
  void route(std::vector<spdlog::sink_ptr> sinks, spdlog::level::level_enum root,
             std::map<std::string, spdlog::level::level_enum> levels);
  spdlog::level::level_enum effective_level(std::string_view logger);

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;

 private:
  spdlog::level::level_enum level_of(std::string_view logger) const;  // mutex_ held

  spdlog::level::level_enum root_ = spdlog::level::info;
  std::map<std::string, spdlog::level::level_enum, std::less<>> levels_;
};

}  // namespace hydra::internal

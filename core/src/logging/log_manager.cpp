#include "logging/log_manager.hpp"

#include "util/errors.hpp"
#include "util/files.hpp"

#include <hydra/files.hpp>
#include <hydra/logging.hpp>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <unistd.h>
#include <vector>

namespace hydra::internal {
namespace {

// %(levelname)s: Python's level names, not spdlog's ("warning" -> "WARNING").
class LevelNameFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    std::string_view name = level_name(msg.level);
    pad(dest, name);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return spdlog::details::make_unique<LevelNameFlag>(*this);
  }

 private:
  static std::string_view level_name(spdlog::level::level_enum level) {
    switch (level) {
      case spdlog::level::trace:
      case spdlog::level::debug: return "DEBUG";
      case spdlog::level::info: return "INFO";
      case spdlog::level::warn: return "WARNING";
      case spdlog::level::err: return "ERROR";
      case spdlog::level::critical: return "CRITICAL";
      default: return "NOTSET";
    }
  }
  void pad(spdlog::memory_buf_t& dest, std::string_view text) const {
    std::size_t width = padinfo_.width_;
    std::size_t fill = width > text.size() ? width - text.size() : 0;
    if (padinfo_.side_ == spdlog::details::padding_info::pad_side::left) dest.append(std::string(fill, ' '));
    dest.append(text.data(), text.data() + text.size());
    if (padinfo_.side_ == spdlog::details::padding_info::pad_side::right) dest.append(std::string(fill, ' '));
  }
};

std::unique_ptr<spdlog::formatter> make_formatter(const std::string& python_format) {
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::local, "\n");
  formatter->add_flag<LevelNameFlag>('*');
  formatter->set_pattern(python_format_to_spdlog(python_format));
  return formatter;
}

// A Python level name; `where` names the key for the error.
spdlog::level::level_enum parse_level(std::string level, const std::string& where) {
  std::transform(level.begin(), level.end(), level.begin(), [](unsigned char c) { return std::toupper(c); });
  if (level == "DEBUG" || level == "NOTSET") return spdlog::level::debug;
  if (level == "INFO") return spdlog::level::info;
  if (level == "WARNING" || level == "WARN") return spdlog::level::warn;
  if (level == "ERROR") return spdlog::level::err;
  if (level == "CRITICAL" || level == "FATAL") return spdlog::level::critical;
  throw UserError("Unknown log level '" + level + "' in logging config " + where +
                  "; use DEBUG, INFO, WARNING, ERROR or CRITICAL");
}

// `loggers: {name: {level: ...}}` of a logging config (a name may hold dots: one key each).
void add_logger_levels(const Config& logging, std::map<std::string, spdlog::level::level_enum>& levels) {
  auto loggers = logging.get_child_optional("loggers");
  if (!loggers) return;
  for (const auto& [name, logger] : *loggers) {
    auto level = logger.find("level");
    if (level != logger.not_found() && level->second.data().is_scalar())
      levels[name] = parse_level(level->second.data().text(), "loggers." + name + ".level");
  }
}

// hydra.verbose as Hydra's configure_log reads it: true sets the root logger to DEBUG, a name or
// a list of names sets those loggers to DEBUG (after the logging config's own levels).
void apply_verbose(const Config& verbose, LogManager::Setup& setup) {
  const Value& value = verbose.data();
  auto name_of = [](const Config& node) {
    if (!node.data().is_scalar() || node.data().kind() == NodeKind::Bool)
      throw UserError("hydra.verbose must be true, false, a logger name or a list of logger names (e.g. "
                      "hydra.verbose=[hydra,my_app]); got " + std::string(to_string(node.data().kind())));
    return node.data().text();
  };
  if (value.kind() == NodeKind::Bool) {
    if (value.text() == "true") setup.level = spdlog::level::debug;
  } else if (value.kind() == NodeKind::Sequence) {
    for (const auto& [key, item] : verbose) setup.logger_levels[name_of(item)] = spdlog::level::debug;
  } else if (value.kind() != NodeKind::Null && !(value.kind() == NodeKind::Map && verbose.empty())) {
    setup.logger_levels[name_of(verbose)] = spdlog::level::debug;  // absent (an empty node): false
  }
}

// The handlers the root logger uses, e.g. [console, file].
std::vector<std::string> root_handlers(const Config& logging) {
  std::vector<std::string> out;
  if (auto handlers = logging.get_child_optional("root.handlers"))
    for (const auto& [key, item] : *handlers)
      if (item.data().is_scalar()) out.push_back(item.data().text());
  return out;
}

std::string handler_format(const Config& logging, const std::string& handler) {
  std::string formatter = get_or<std::string>(logging, "handlers." + handler + ".formatter", "simple");
  return get_or<std::string>(logging, "formatters." + formatter + ".format", "%(message)s");
}

// Python's logging.lastResort: with no handler on the root logger, WARNING and above still go to
// stderr, message only.
spdlog::sink_ptr last_resort_sink() {
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  sink->set_formatter(make_formatter("%(message)s"));
  sink->set_level(spdlog::level::warn);
  return sink;
}

// Logging never configured (or configured with `root: null` first): root at WARNING, lastResort.
LogManager::Setup unconfigured() {
  LogManager::Setup setup;
  setup.level = spdlog::level::warn;
  setup.sinks.push_back(last_resort_sink());
  return setup;
}

// Python's logging.getLogger(name) hierarchy: "a.b.c" inherits from "a.b", then "a".
std::string_view parent_logger(std::string_view name) {
  auto dot = name.rfind('.');
  return dot == std::string_view::npos ? std::string_view() : name.substr(0, dot);
}

}  // namespace

std::string python_format_to_spdlog(const std::string& format) {
  std::string out;
  for (std::size_t i = 0; i < format.size(); ++i) {
    char c = format[i];
    if (c != '%') {
      out += c;
      continue;
    }
    if (i + 1 < format.size() && format[i + 1] == '%') {
      out += "%%";
      ++i;
      continue;
    }
    if (i + 1 >= format.size() || format[i + 1] != '(') {
      out += "%%";  // a lone '%' is literal text for spdlog
      continue;
    }
    std::size_t close = format.find(')', i);
    if (close == std::string::npos)
      throw UserError("Logging format '" + format + "': unterminated '%(' at position " + std::to_string(i));
    std::string name = format.substr(i + 2, close - i - 2);
    std::size_t j = close + 1;
    std::string width;
    while (j < format.size() && (format[j] == '-' || std::isdigit(static_cast<unsigned char>(format[j])))) width += format[j++];
    if (j >= format.size() || std::string_view("sdfr").find(format[j]) == std::string_view::npos)
      throw UserError("Logging format '" + format + "': '%(" + name + ")' needs a conversion such as 's'");
    // Python pads right-aligned by default, '-' left-aligns; spdlog is the same with %<w>X / %-<w>X.
    std::string pad = width.empty() ? "" : width;
    if (name == "asctime") out += "%Y-%m-%d %H:%M:%S,%e";
    else if (name == "name") out += "%" + pad + "n";
    else if (name == "levelname") out += "%" + pad + "*";
    else if (name == "message") out += "%v";
    else if (name == "process") out += "%" + pad + "P";
    else if (name == "thread") out += "%" + pad + "t";
    else if (name == "levelno") out += "%" + pad + "l";
    else
      throw UserError("Logging format '" + format + "': attribute '" + name +
                      "' is not supported; use asctime, name, levelname, message, process or thread");
    i = j;
  }
  return out;
}

namespace {
// Installed when libhydra_core loads, before any app or plugin code can ask for a logger:
// a logger made earlier would keep spdlog's original sinks and never see the run's formats.
[[maybe_unused]] const bool g_installed_at_load = (LogManager::instance(), true);
}  // namespace

LogManager& LogManager::instance() {
  static LogManager manager;
  return manager;
}

void NamedLevelSink::route(std::vector<spdlog::sink_ptr> sinks, spdlog::level::level_enum root,
                           std::map<std::string, spdlog::level::level_enum> levels) {
  set_sinks(std::move(sinks));
  std::lock_guard<std::mutex> lock(mutex_);
  root_ = root;
  levels_ = {levels.begin(), levels.end()};
}

spdlog::level::level_enum NamedLevelSink::effective_level(std::string_view logger) {
  std::lock_guard<std::mutex> lock(mutex_);
  return level_of(logger);
}

spdlog::level::level_enum NamedLevelSink::level_of(std::string_view logger) const {
  for (std::string_view name = logger; !name.empty(); name = parent_logger(name))
    if (auto it = levels_.find(name); it != levels_.end()) return it->second;
  return root_;
}

void NamedLevelSink::sink_it_(const spdlog::details::log_msg& msg) {
  // Without named levels every logger is at the root's level already (LogManager::use).
  if (!levels_.empty() && msg.level < level_of(std::string_view(msg.logger_name.data(), msg.logger_name.size())))
    return;
  spdlog::sinks::dist_sink_mt::sink_it_(msg);
}

LogManager::LogManager() : dist_(std::make_shared<NamedLevelSink>()), current_(unconfigured()) {
  auto root = std::make_shared<spdlog::logger>("", dist_);
  root->set_level(spdlog::level::info);
  root->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(root);
}

void LogManager::use_hydra_logging(const Config& logging, const Config& verbose, const std::filesystem::path& also_to) {
  use(build(logging, verbose, false, nullptr, also_to));
}

LogManager::Setup LogManager::hydra_logging_setup(const Config& logging, const Config& verbose,
                                                  const std::filesystem::path& also_to) {
  return build(logging, verbose, false, nullptr, also_to);
}

std::filesystem::path LogManager::use_job_logging(const Config& logging, const Config& verbose) {
  std::filesystem::path file;
  use(build(logging, verbose, true, &file));
  return file;
}

void LogManager::use(const Setup& setup) {
  // Loggers pass everything their most verbose level allows; the shared sink filters by name.
  spdlog::level::level_enum floor = setup.level;
  for (const auto& [name, level] : setup.logger_levels) floor = std::min(floor, level);
  dist_->route(setup.sinks, setup.level, setup.logger_levels);
  spdlog::apply_all([floor](const std::shared_ptr<spdlog::logger>& logger) { logger->set_level(floor); });
  spdlog::default_logger()->set_level(floor);
  current_ = setup;
}

bool LogManager::enabled_for(const std::string& name, spdlog::level::level_enum level) const {
  return level >= dist_->effective_level(name) && !current_.sinks.empty();
}

void LogManager::flush() { dist_->flush(); }

namespace {
spdlog::sink_ptr open_file_sink(const std::filesystem::path& file, bool truncate) {
  // Opened once by hand first: spdlog's error text has no errno name (EROFS, ENOSPC...) to look up.
  if (file.has_parent_path()) create_dirs(file.parent_path());
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : O_APPEND), 0644);
  if (fd < 0) throw OutputError("Cannot open the log file " + file.string() + ": " + hydra::describe_errno(errno));
  ::close(fd);
  try {
    return std::make_shared<spdlog::sinks::basic_file_sink_mt>(file.string(), truncate);
  } catch (const spdlog::spdlog_ex& e) {
    throw OutputError("Cannot open the log file " + file.string() + ": " + e.what());
  }
}
}  // namespace

LogManager::Setup LogManager::build(const Config& logging, const Config& verbose, bool job,
                                    std::filesystem::path* file_out, const std::filesystem::path& extra_file) {
  auto root = logging.get_child_optional("root");
  if (root && root->data().kind() == NodeKind::Null) {  // hydra/*_logging=none: as it is
    Setup kept = current_;
    apply_verbose(verbose, kept);
    return kept;
  }
  Setup setup;
  // Every logger exists by the time logging is configured, so disabling the existing ones
  // silences them all.
  if (get_or<bool>(logging, "disabled", false) || get_or<bool>(logging, "disable_existing_loggers", false))
    return setup;
  setup.level = parse_level(get_or<std::string>(logging, "root.level", "INFO"), "root.level");
  add_logger_levels(logging, setup.logger_levels);
  apply_verbose(verbose, setup);
  std::vector<spdlog::sink_ptr>& sinks = setup.sinks;
  const std::vector<std::string> handlers = root_handlers(logging);
  for (const auto& handler : handlers) {
    const std::string prefix = "handlers." + handler;
    std::string cls = get_or<std::string>(logging, prefix + ".class", "");
    spdlog::sink_ptr sink;
    if (cls == "logging.StreamHandler") {
      std::string stream = get_or<std::string>(logging, prefix + ".stream", "ext://sys.stderr");
      if (stream == "ext://sys.stdout")
        sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
      else
        sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    } else if (cls == "logging.FileHandler") {
      std::filesystem::path file = get<std::string>(logging, prefix + ".filename");
      // `mode: w` starts the file afresh once per process, not at every switch back (a sweep's).
      const bool truncate = get_or<std::string>(logging, prefix + ".mode", "a") == "w";
      sink = open_file_sink(file, truncate && started_files_.insert(std::filesystem::absolute(file)).second);
      if (job && file_out) *file_out = file;
    } else {
      throw UserError("Logging handler '" + handler + "' has class '" + cls +
                      "'; supported: logging.StreamHandler, logging.FileHandler");
    }
    sink->set_formatter(make_formatter(handler_format(logging, handler)));
    sinks.push_back(std::move(sink));
  }
  if (handlers.empty()) sinks.push_back(last_resort_sink());
  if (!extra_file.empty() && !handlers.empty()) {
    auto sink = open_file_sink(extra_file, false);
    sink->set_formatter(make_formatter(handler_format(logging, handlers.front())));
    sinks.push_back(std::move(sink));
  }
  return setup;
}

}  // namespace hydra::internal

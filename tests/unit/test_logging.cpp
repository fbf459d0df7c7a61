#include "logging/log_manager.hpp"
#include "util/errors.hpp"

#include <hydra/logging.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using namespace hydra::internal;

TEST(PythonFormat, TranslatesHydrasDefaults) {
  EXPECT_EQ(python_format_to_spdlog("[%(asctime)s][HYDRA] %(message)s"), "[%Y-%m-%d %H:%M:%S,%e][HYDRA] %v");
  EXPECT_EQ(python_format_to_spdlog("[%(asctime)s][%(name)s][%(levelname)s] - %(message)s"),
            "[%Y-%m-%d %H:%M:%S,%e][%n][%*] - %v");
}

TEST(PythonFormat, WidthPercentAndErrors) {
  EXPECT_EQ(python_format_to_spdlog("%(levelname)-8s|100%%"), "%-8*|100%%");
  EXPECT_THROW(python_format_to_spdlog("%(bogus)s"), UserError);
  EXPECT_THROW(python_format_to_spdlog("%(message"), UserError);
  EXPECT_THROW(python_format_to_spdlog("%(message)"), UserError);
}

namespace {

hydra::Config job_logging(const std::string& format, const fs::path& file) {
  hydra::Config c;
  c.put("formatters.simple.format", format);
  c.put("handlers.file.class", "logging.FileHandler");
  c.put("handlers.file.formatter", "simple");
  c.put("handlers.file.filename", file.string());
  c.put("root.level", "INFO");
  hydra::Config handlers = hydra::make_sequence();
  hydra::push_back(handlers, hydra::make_node("file"));
  c.put_child("root.handlers", handlers);
  return c;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST(LogManager, JobLoggingReachesLoggersCreatedBeforeAndAfter) {
  auto early = hydra::get_logger("early");
  fs::path file = fs::temp_directory_path() / ("hydra_log_" + std::to_string(::getpid()) + ".log");
  auto& manager = LogManager::instance();
  EXPECT_EQ(manager.use_job_logging(job_logging("%(levelname)s %(name)s %(message)s", file), hydra::Config()), file);
  early->info("one");
  hydra::get_logger("late")->warn("two");
  hydra::get_logger("late")->debug("hidden at INFO");
  manager.flush();
  EXPECT_EQ(slurp(file), "INFO early one\nWARNING late two\n");
  hydra::Config hydra_logging;
  hydra_logging.put("disabled", true);
  manager.use_hydra_logging(hydra_logging, hydra::Config());  // closes the file sink
  early->info("not in the file");
  EXPECT_EQ(slurp(file), "INFO early one\nWARNING late two\n");
  fs::remove(file);
}

TEST(LogManager, UnknownHandlerClassAndLevelAreErrors) {
  hydra::Config c = job_logging("%(message)s", "/tmp/x.log");
  c.put("handlers.file.class", "logging.handlers.RotatingFileHandler");
  EXPECT_THROW(LogManager::instance().use_job_logging(c, hydra::Config()), UserError);
  c = job_logging("%(message)s", "/tmp/x.log");
  c.put("root.level", "LOUD");
  EXPECT_THROW(LogManager::instance().use_job_logging(c, hydra::Config()), UserError);
}

namespace {

// hydra.verbose as the command line would give it: `true`, a name, or a list of names.
hydra::Config verbose(std::initializer_list<std::string> names) {
  hydra::Config list = hydra::make_sequence();
  for (const auto& name : names) hydra::push_back(list, hydra::make_node(name));
  return list;
}

// Logs one debug and one info line from each logger, returns what reached the file.
std::string logged_with(const hydra::Config& logging, const hydra::Config& verbose_node, const fs::path& file) {
  fs::remove(file);
  auto& manager = LogManager::instance();
  manager.use_job_logging(logging, verbose_node);
  for (const char* name : {"app", "hydra", "hydra.experimental.callbacks.X", "hydraish", "other"}) {
    hydra::get_logger(name)->debug("d");
    hydra::get_logger(name)->info("i");
  }
  manager.flush();
  hydra::Config off;
  off.put("disabled", true);
  manager.use_hydra_logging(off, hydra::Config());
  std::string text = slurp(file);
  fs::remove(file);
  return text;
}

}  // namespace

TEST(LogManager, VerboseNamesLoggersAndTheirDottedChildren) {
  fs::path file = fs::temp_directory_path() / ("hydra_verbose_" + std::to_string(::getpid()) + ".log");
  hydra::Config logging = job_logging("%(levelname)s %(name)s %(message)s", file);
  EXPECT_EQ(logged_with(logging, verbose({"hydra", "app"}), file),
            "DEBUG app d\nINFO app i\nDEBUG hydra d\nINFO hydra i\nDEBUG hydra.experimental.callbacks.X d\n"
            "INFO hydra.experimental.callbacks.X i\nINFO hydraish i\nINFO other i\n");
  EXPECT_EQ(logged_with(logging, hydra::make_node("other"), file),
            "INFO app i\nINFO hydra i\nINFO hydra.experimental.callbacks.X i\nINFO hydraish i\nDEBUG other d\n"
            "INFO other i\n");
  hydra::Config all;
  all.data() = hydra::Value::boolean(true);
  std::string everything = logged_with(logging, all, file);
  EXPECT_NE(everything.find("DEBUG hydraish d"), std::string::npos) << everything;
  EXPECT_NE(everything.find("DEBUG app d"), std::string::npos) << everything;
  hydra::Config none;
  none.data() = hydra::Value::boolean(false);
  EXPECT_EQ(logged_with(logging, none, file).find("DEBUG"), std::string::npos);
  hydra::Config bad;
  bad.put("a", 1);
  EXPECT_THROW(LogManager::instance().use_job_logging(logging, bad), UserError);
}

TEST(LogManager, LoggersSectionSetsLevelsAndRootNullKeepsTheSetup) {
  fs::path file = fs::temp_directory_path() / ("hydra_loggers_" + std::to_string(::getpid()) + ".log");
  hydra::Config logging = job_logging("%(levelname)s %(name)s %(message)s", file);
  // Logger names are single keys, dots and all: the most specific named ancestor wins.
  hydra::Config loggers;
  hydra::Config debug, warning;
  debug.put("level", "DEBUG");
  warning.put("level", "WARNING");
  loggers.push_back({"hydra", debug});
  loggers.push_back({"hydra.experimental.callbacks.X", warning});
  logging.put_child("loggers", loggers);
  EXPECT_EQ(logged_with(logging, hydra::Config(), file),
            "INFO app i\nDEBUG hydra d\nINFO hydra i\nINFO hydraish i\nINFO other i\n");

  // root: null leaves the file logging in place (no new file, the same levels), verbose on top.
  fs::remove(file);
  auto& manager = LogManager::instance();
  manager.use_job_logging(job_logging("%(levelname)s %(name)s %(message)s", file), hydra::Config());
  hydra::Config keep;
  keep.put("version", 1);
  keep.put_child("root", hydra::Config(hydra::Value::null()));
  EXPECT_EQ(manager.use_job_logging(keep, verbose({"app"})), fs::path());
  hydra::get_logger("app")->debug("kept");
  hydra::get_logger("other")->debug("hidden");
  manager.flush();
  EXPECT_EQ(slurp(file), "DEBUG app kept\n");
  hydra::Config off;
  off.put("disabled", true);
  manager.use_hydra_logging(off, hydra::Config());
  fs::remove(file);
}

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
  EXPECT_EQ(manager.use_job_logging(job_logging("%(levelname)s %(name)s %(message)s", file)), file);
  early->info("one");
  hydra::get_logger("late")->warn("two");
  hydra::get_logger("late")->debug("hidden at INFO");
  manager.flush();
  EXPECT_EQ(slurp(file), "INFO early one\nWARNING late two\n");
  hydra::Config hydra_logging;
  hydra_logging.put("disabled", true);
  manager.use_hydra_logging(hydra_logging);  // closes the file sink
  early->info("not in the file");
  EXPECT_EQ(slurp(file), "INFO early one\nWARNING late two\n");
  fs::remove(file);
}

TEST(LogManager, UnknownHandlerClassAndLevelAreErrors) {
  hydra::Config c = job_logging("%(message)s", "/tmp/x.log");
  c.put("handlers.file.class", "logging.handlers.RotatingFileHandler");
  EXPECT_THROW(LogManager::instance().use_job_logging(c), UserError);
  c = job_logging("%(message)s", "/tmp/x.log");
  c.put("root.level", "LOUD");
  EXPECT_THROW(LogManager::instance().use_job_logging(c), UserError);
}

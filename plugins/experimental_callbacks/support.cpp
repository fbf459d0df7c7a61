#include "support.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <iomanip>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace hydra::experimental {

void check_params(const Config& params, std::initializer_list<std::string_view> known, const std::string& callback) {
  for (const auto& [key, value] : params) {
    if (!key.empty() && key.front() == '_') continue;
    bool ok = false;
    for (auto k : known) ok = ok || key == k;
    if (ok) continue;
    std::string expected;
    for (auto k : known) expected += (expected.empty() ? "" : ", ") + std::string(k);
    throw std::invalid_argument(callback + " got an unexpected parameter '" + key + "' (" +
                                (expected.empty() ? std::string("it takes none") : "it takes: " + expected) + ")");
  }
}

void write_file_atomic(const std::filesystem::path& path, std::string_view content) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) throw std::runtime_error("Cannot create " + path.parent_path().string() + ": " + ec.message());
  static std::atomic<int> counter{0};
  std::string tmp = path.string() + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(++counter);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("Cannot write " + path.string() + ": " + std::strerror(errno));
  const char* data = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw std::runtime_error("Cannot write " + path.string() + ": " + std::strerror(err));
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    throw std::runtime_error("Cannot write " + path.string() + ": " + std::strerror(err));
  }
}

std::string format_time_utc(std::chrono::system_clock::time_point t) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(micros / 1000000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  std::ostringstream out;
  out << std::put_time(&tm, "%Y-%m-%dT%H:%M:%S") << '.' << std::setw(6) << std::setfill('0') << (micros % 1000000)
      << 'Z';
  return out.str();
}

namespace {

void flow(std::ostream& out, const Config& node) {
  switch (node.data().kind()) {
    case NodeKind::Map: {
      out << '{';
      bool first = true;
      for (const auto& [key, child] : node) {
        out << (first ? "" : ", ") << key << ": ";
        flow(out, child);
        first = false;
      }
      out << '}';
      break;
    }
    case NodeKind::Sequence: {
      out << '[';
      bool first = true;
      for (const auto& [key, child] : node) {
        out << (first ? "" : ", ");
        flow(out, child);
        first = false;
      }
      out << ']';
      break;
    }
    default: out << node.data().text();
  }
}

}  // namespace

std::string one_line(const Config& node) {
  if (node.data().kind() == NodeKind::Null) return "None";
  std::ostringstream out;
  flow(out, node);
  return out.str();
}

std::string describe_error(const JobError& error) {
  switch (error.reason) {
    case FailureReason::none: return "";
    case FailureReason::exception:
      return error.message.empty() ? error.type : error.type + ": " + error.message;
    default: {
      std::string out = to_string(error.reason);
      std::string detail = error.message.empty() ? error.type : error.message;
      return detail.empty() ? out : out + ": " + detail;
    }
  }
}

Config job_return_tree(const JobReturn& r) {
  Config node;
  node.put("num", r.num);
  node.put("id", r.id);
  node.put("status", std::string(to_string(r.status)));
  node.put("task_name", r.task_name);
  node.put("working_dir", r.working_dir);
  Config overrides = make_sequence();
  for (const auto& o : r.overrides) push_back(overrides, make_node(o));
  node.add_child("overrides", overrides);
  node.add_child("return_value", r.return_value);
  node.put("start_time", format_time_utc(r.start_time));
  node.put("duration_s", r.duration.count());
  node.put("log_path", r.log_path);
  Config error;
  error.put("reason", std::string(to_string(r.error.reason)));
  error.put("type", r.error.type);
  error.put("message", r.error.message);
  error.put("code", r.error.code);
  node.add_child("error", error);
  node.add_child("cfg", r.cfg);
  node.add_child("hydra_cfg", r.hydra_cfg);
  return node;
}

std::string scalar_at(const Config& config, const std::string& key) {
  auto node = config.get_child_optional(key);
  if (!node || !node->data().is_scalar()) return "";
  return node->data().text();
}

}  // namespace hydra::experimental

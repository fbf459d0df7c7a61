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


std::string scalar_at(const Config& config, const std::string& key) {
  auto node = config.get_child_optional(key);
  if (!node || !node->data().is_scalar()) return "";
  return node->data().text();
}

}  // namespace hydra::experimental

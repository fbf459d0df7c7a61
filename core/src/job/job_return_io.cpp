#include "job/job_return_io.hpp"

#include "util/errors.hpp"
#include "util/files.hpp"

#include <hydra/job_return.hpp>

#include <ctime>
#include <iomanip>
#include <sstream>

namespace hydra::internal {

using Clock = std::chrono::system_clock;

Clock::time_point parse_time(const std::string& text, const std::string& source) {
  if (text.empty() || text.back() != 'Z')
    throw UserError(source + ": time '" + text + "' is not a UTC time like 2026-01-31T12:00:00.000000Z");
  std::tm tm{};
  std::istringstream in(text);
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
  long micros = 0;
  char dot = 0;
  if (in.fail() || !(in >> dot) || dot != '.' || !(in >> micros))
    throw UserError(source + ": time '" + text + "' is not a UTC time like 2026-01-31T12:00:00.000000Z");
  auto secs = ::timegm(&tm);
  return Clock::time_point(std::chrono::seconds(secs)) + std::chrono::microseconds(micros);
}

namespace {

FailureReason parse_reason(const std::string& text, const std::string& source) {
  for (auto r : {FailureReason::none, FailureReason::exception, FailureReason::signal, FailureReason::exit_code,
                 FailureReason::interrupted, FailureReason::cancelled, FailureReason::timeout,
                 FailureReason::preempted})
    if (text == to_string(r)) return r;
  throw UserError(source + ": unknown error.reason '" + text + "'");
}

JobStatus parse_status(const std::string& text, const std::string& source) {
  for (auto s : {JobStatus::UNKNOWN, JobStatus::COMPLETED, JobStatus::FAILED})
    if (text == to_string(s)) return s;
  throw UserError(source + ": unknown status '" + text + "' (UNKNOWN, COMPLETED or FAILED)");
}

template <class T>
T field(const Config& node, const std::string& key, const std::string& source) {
  try {
    return get<T>(node, key);
  } catch (const ConfigError& e) {
    throw UserError(source + ": " + e.what());
  }
}

}  // namespace

std::string yaml_entry(const std::string& key, const Config& node) {
  if (!node.data().is_container() || node.empty()) {
    Config single;  // a leaf: cheap to copy
    single.push_back({key, node});
    return to_yaml(single);
  }
  Config key_only;
  key_only.push_back({key, Config()});
  std::string head = to_yaml(key_only);  // "<key>: {}\n", the key quoted as YAML needs
  std::string out = head.substr(0, head.size() - std::string_view(" {}\n").size()) + "\n";
  std::string body = to_yaml(node);
  // A block sequence sits flush under its key (PyYAML style); a map is indented by two.
  const std::string indent = is_sequence(node) ? "" : "  ";
  std::size_t start = 0;
  while (start < body.size()) {
    std::size_t end = body.find('\n', start);
    if (end == std::string::npos) end = body.size();
    out += indent;
    out.append(body, start, end - start);
    out += '\n';
    start = end + 1;
  }
  return out;
}

Config job_return_to_config(const JobReturn& r) { return job_return_record(r); }

JobReturn job_return_from_config(const Config& node, const std::string& source) {
  JobReturn r;
  r.num = field<int>(node, "num", source);
  r.id = field<std::string>(node, "id", source);
  r.status = parse_status(field<std::string>(node, "status", source), source);
  r.task_name = field<std::string>(node, "task_name", source);
  r.working_dir = field<std::string>(node, "working_dir", source);
  if (auto overrides = node.get_child_optional("overrides"))
    for (const auto& [k, item] : *overrides) r.overrides.push_back(item.data().text());
  r.return_value = node.get_child("return_value", make_null());
  r.start_time = parse_time(field<std::string>(node, "start_time", source), source);
  r.duration = std::chrono::duration<double>(field<double>(node, "duration_s", source));
  r.log_path = get_or<std::string>(node, "log_path", "");
  r.error.reason = parse_reason(get_or<std::string>(node, "error.reason", "none"), source);
  r.error.type = get_or<std::string>(node, "error.type", "");
  r.error.message = get_or<std::string>(node, "error.message", "");
  r.error.code = get_or<int>(node, "error.code", 0);
  r.cfg = node.get_child("cfg", Config());
  r.hydra_cfg = node.get_child("hydra_cfg", Config());
  return r;
}

void write_job_return(const std::filesystem::path& file, const JobReturn& job_return) {
  // The small fields through a tree; cfg and hydra_cfg (the bulk) emitted in place, not copied.
  write_file_atomic(file, to_yaml(job_return_head(job_return)) + yaml_entry("cfg", job_return.cfg) +
                              yaml_entry("hydra_cfg", job_return.hydra_cfg));
}


}  // namespace hydra::internal

#include "job/job_return_io.hpp"

#include "util/errors.hpp"
#include "util/files.hpp"

#include <ctime>
#include <iomanip>
#include <sstream>

namespace hydra::internal {

using Clock = std::chrono::system_clock;

// ISO 8601 with microseconds, UTC: sortable, and parseable back without a time zone database.
std::string format_time(Clock::time_point t) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(micros / 1000000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  std::ostringstream out;
  out << std::put_time(&tm, "%Y-%m-%dT%H:%M:%S") << '.' << std::setw(6) << std::setfill('0') << (micros % 1000000)
      << 'Z';
  return out.str();
}

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

Config job_return_to_config(const JobReturn& r) {
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
  node.put("start_time", format_time(r.start_time));
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
  JobReturn head;
  head.overrides = job_return.overrides;
  head.working_dir = job_return.working_dir;
  head.task_name = job_return.task_name;
  head.status = job_return.status;
  head.return_value = job_return.return_value;
  head.num = job_return.num;
  head.id = job_return.id;
  head.start_time = job_return.start_time;
  head.duration = job_return.duration;
  head.error = job_return.error;
  head.log_path = job_return.log_path;
  Config node = job_return_to_config(head);
  node.erase("cfg");
  node.erase("hydra_cfg");
  write_file_atomic(file, to_yaml(node) + yaml_entry("cfg", job_return.cfg) + yaml_entry("hydra_cfg", job_return.hydra_cfg));
}

std::string describe_failure(const JobError& error) {
  switch (error.reason) {
    case FailureReason::exception:
      return error.message.empty() ? error.type : error.type + ": " + error.message;
    case FailureReason::none: return "no error";
    default:
      return error.message.empty() ? std::string(to_string(error.reason)) : error.message;
  }
}

}  // namespace hydra::internal

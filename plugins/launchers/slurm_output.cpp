#include "slurm_output.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstddef>
#include <utility>

namespace hydra_slurm {

namespace {

struct StateInfo {
  const char* name;
  const char* code;  // squeue %t
  StateClass kind;
};

// Every JOB_STATE squeue(1) documents, with its compact code.
constexpr StateInfo kStates[] = {
    {"BOOT_FAIL", "BF", StateClass::final},       {"CANCELLED", "CA", StateClass::final},
    {"COMPLETED", "CD", StateClass::final},       {"CONFIGURING", "CF", StateClass::active},
    {"COMPLETING", "CG", StateClass::active},     {"DEADLINE", "DL", StateClass::final},
    {"FAILED", "F", StateClass::final},           {"NODE_FAIL", "NF", StateClass::final},
    {"OUT_OF_MEMORY", "OOM", StateClass::final},  {"PENDING", "PD", StateClass::pending},
    {"PREEMPTED", "PR", StateClass::final},       {"RUNNING", "R", StateClass::active},
    {"RESV_DEL_HOLD", "RD", StateClass::pending}, {"REQUEUE_FED", "RF", StateClass::pending},
    {"REQUEUE_HOLD", "RH", StateClass::pending},  {"REQUEUED", "RQ", StateClass::pending},
    {"RESIZING", "RS", StateClass::active},       {"REVOKED", "RV", StateClass::final},
    {"SIGNALING", "SI", StateClass::active},      {"SPECIAL_EXIT", "SE", StateClass::final},
    {"STAGE_OUT", "SO", StateClass::active},      {"STOPPED", "ST", StateClass::active},
    {"SUSPENDED", "S", StateClass::active},       {"TIMEOUT", "TO", StateClass::final},
};

constexpr long kNoTaskOfItsOwn = 4294967294L;  // NO_VAL - 1

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::optional<long> whole_number(std::string_view s) {
  long v = 0;
  if (s.empty()) return std::nullopt;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

std::vector<std::string_view> split_on(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const std::size_t at = s.find(sep, start);
    parts.push_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

// "a", "a-b" or "a-b:step" -> ranges appended; false if malformed.
bool add_part(std::string_view part, TaskIds& ids) {
  std::string_view step_text;
  if (auto colon = part.find(':'); colon != std::string_view::npos) {
    step_text = part.substr(colon + 1);
    part = part.substr(0, colon);
  }
  const auto dash = part.find('-');
  const auto first = whole_number(part.substr(0, dash));
  const auto last = dash == std::string_view::npos ? first : whole_number(part.substr(dash + 1));
  if (!first || !last || *last < *first) return false;
  if (step_text.empty()) {
    ids.push_back({*first, *last});
    return true;
  }
  const auto step = whole_number(step_text);
  if (!step || *step == 0 || (*last - *first) / *step > 1'000'000) return false;
  for (long t = *first; t <= *last; t += *step) ids.push_back({t, t});
  return true;
}

}  // namespace

std::string state_name(std::string_view state) {
  state = trimmed(state);
  // sacct: "CANCELLED by 1000", "CANCELLED+" (cancelled by someone else).
  state = state.substr(0, state.find(' '));
  while (!state.empty() && state.back() == '+') state.remove_suffix(1);
  std::string upper(state);
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  for (const auto& info : kStates)
    if (upper == info.code) return info.name;
  return upper;
}

StateClass classify_state(std::string_view state) {
  const std::string name = state_name(state);
  for (const auto& info : kStates)
    if (name == info.name) return info.kind;
  return StateClass::unknown;
}

std::optional<TaskIds> parse_task_ids(std::string_view text) {
  text = trimmed(text);
  if (auto pct = text.find('%'); pct != std::string_view::npos) {  // the throttle: "1-3%1", "[4-9]%2"
    if (!whole_number(text.substr(pct + 1))) return std::nullopt;
    text = text.substr(0, pct);
  }
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  if (text.empty()) return std::nullopt;
  if (auto single = whole_number(text); single && *single >= kNoTaskOfItsOwn) return TaskIds{};
  TaskIds ids;
  for (auto part : split_on(text, ','))
    if (!add_part(part, ids)) return std::nullopt;
  return ids;
}

bool contains(const TaskIds& ids, long task) {
  return std::any_of(ids.begin(), ids.end(), [task](const TaskRange& r) { return r.first <= task && task <= r.last; });
}

std::vector<QueueRow> parse_squeue(std::string_view out) {
  std::vector<QueueRow> rows;
  for (auto line : split_on(out, '\n')) {
    std::vector<std::string_view> fields;
    for (auto field : split_on(trimmed(line), ' '))
      if (!field.empty()) fields.push_back(field);
    if (fields.size() < 3 || !whole_number(fields[0])) continue;
    QueueRow row;
    row.array_id = std::string(fields[0]);
    row.tasks = parse_task_ids(fields[1]);
    if (row.tasks && row.tasks->empty()) row.tasks.reset();
    row.state = state_name(fields[2]);
    rows.push_back(std::move(row));
  }
  return rows;
}

Record parse_scontrol_line(std::string_view line) {
  Record fields;
  for (auto token : split_on(line, ' ')) {
    const auto eq = token.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    fields.emplace(std::string(token.substr(0, eq)), std::string(token.substr(eq + 1)));
  }
  return fields;
}

ArrayRecords ArrayRecords::parse(std::string_view out, const std::string& array_id) {
  ArrayRecords records;
  for (auto line : split_on(out, '\n')) {
    Record fields = parse_scontrol_line(trimmed(line));
    auto owner = fields.find("ArrayJobId");
    if (owner == fields.end() || owner->second != array_id) continue;
    auto ids = parse_task_ids(fields["ArrayTaskId"]);
    if (!ids || ids->empty()) records.rest_ = records.records_.size();
    records.records_.push_back({std::move(fields), ids.value_or(TaskIds{})});
  }
  return records;
}

const Record* ArrayRecords::find(long task) const {
  const Entry* range = nullptr;
  for (const auto& entry : records_) {
    if (entry.tasks.size() == 1 && entry.tasks.front() == TaskRange{task, task}) return &entry.record;
    if (!range && contains(entry.tasks, task)) range = &entry;
  }
  return range ? &range->record : nullptr;
}

const Record* ArrayRecords::rest() const { return rest_ ? &records_[*rest_].record : nullptr; }

std::optional<std::string> parse_sbatch_id(std::string_view out) {
  out = trimmed(out);
  out = out.substr(0, out.find(';'));  // "<id>;<cluster>"
  if (!whole_number(out)) return std::nullopt;
  return std::string(out);
}

bool sbatch_found_no_cluster(std::string_view err) {
  static constexpr std::string_view kSigns[] = {
      "Could not establish a configuration source",  // no slurm.conf, no DNS SRV record
      "Unable to contact slurm controller",           // slurmctld not running or not reachable
      "Protocol authentication error",                // munged not running
  };
  for (std::string_view sign : kSigns)
    if (err.find(sign) != std::string_view::npos) return true;
  return false;
}

std::string sbatch_reason(std::string_view err) {
  const std::string_view prefix = "sbatch: error: ";
  std::string errors;
  std::string_view last_line;
  for (auto line : split_on(err, '\n')) {
    line = trimmed(line);
    if (line.empty()) continue;
    last_line = line;
    if (line.substr(0, prefix.size()) == prefix) errors += (errors.empty() ? "" : "; ") + std::string(line.substr(prefix.size()));
  }
  return errors.empty() ? std::string(last_line) : errors;
}

}  // namespace hydra_slurm

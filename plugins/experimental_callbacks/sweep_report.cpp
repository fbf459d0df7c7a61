#include "callbacks.hpp"
#include "support.hpp"

#include <hydra/logging.hpp>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace fs = std::filesystem;

namespace hydra::experimental {
namespace {

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? sep : "") + items[i];
  return out;
}

// RFC 4180: a field holding a comma, quote, CR/LF or edge space is quoted, quotes doubled.
std::string csv_field(const std::string& text) {
  bool quote = !text.empty() && (text.front() == ' ' || text.back() == ' ');
  for (char c : text) quote = quote || c == ',' || c == '"' || c == '\n' || c == '\r';
  if (!quote) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

// 850us, 12.3ms, 4.21s, 3m07s: short and readable in a table.
std::string human_duration(double s) {
  if (s < 0.001) return fixed(s * 1e6, 0) + "us";
  if (s < 1.0) return fixed(s * 1e3, 1) + "ms";
  if (s < 120.0) return fixed(s, 2) + "s";
  long total = static_cast<long>(s + 0.5);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%ldm%02lds", total / 60, total % 60);
  return buf;
}

std::string clip(std::string text, std::size_t width) {
  for (char& c : text)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  if (text.size() <= width) return text;
  return text.substr(0, width - 3) + "...";
}

std::string pad(const std::string& text, std::size_t width, bool right = false) {
  if (text.size() >= width) return text;
  std::string fill(width - text.size(), ' ');
  return right ? fill + text : text + fill;
}

bool usable_dir(const std::string& text) { return !text.empty() && text.find("${") == std::string::npos; }

fs::path sweep_dir_of(const Config& config, const RunInfo& run) {
  std::string dir = scalar_at(config, "hydra.sweep.dir");
  // A multirun config whose sweep dir is still an interpolation: every job's hydra_cfg is resolved.
  for (std::size_t i = 0; !usable_dir(dir) && i < run.job_returns.size(); ++i)
    dir = scalar_at(run.job_returns[i].hydra_cfg, "hydra.sweep.dir");
  if (!usable_dir(dir))
    throw std::runtime_error("SweepReportCallback: hydra.sweep.dir is not set (or not resolved): " +
                             (dir.empty() ? std::string("missing") : "'" + dir + "'"));
  return fs::absolute(dir).lexically_normal();
}

}  // namespace

SweepReport SweepReport::build(const Config& multirun_config, const RunInfo& run) {
  SweepReport report;
  report.sweep_dir = sweep_dir_of(multirun_config, run);
  report.config_name = run.config_name;
  std::optional<std::chrono::system_clock::time_point> first_start, last_end;
  for (const JobReturn& r : run.job_returns) {
    SweepReportRow row;
    row.num = r.num;
    row.overrides = r.overrides;
    row.status = to_string(r.status);
    row.error = r.status == JobStatus::FAILED ? describe_error(r.error) : "";
    if (r.status == JobStatus::FAILED && row.error.empty()) row.error = "failed";
    row.start_time = format_time_utc(r.start_time);
    row.duration_s = r.duration.count();
    row.return_value = r.return_value;
    row.log_path = r.log_path;
    report.rows.push_back(std::move(row));

    switch (r.status) {
      case JobStatus::COMPLETED: ++report.completed; break;
      case JobStatus::FAILED: ++report.failed; break;
      case JobStatus::UNKNOWN: ++report.unknown; break;
    }
    report.total_duration_s += r.duration.count();
    auto end = r.start_time + std::chrono::duration_cast<std::chrono::system_clock::duration>(r.duration);
    if (!first_start || r.start_time < *first_start) first_start = r.start_time;
    if (!last_end || end > *last_end) last_end = end;
  }
  std::stable_sort(report.rows.begin(), report.rows.end(),
                   [](const SweepReportRow& a, const SweepReportRow& b) { return a.num < b.num; });
  for (std::size_t i = 0; i < report.rows.size(); ++i)
    if (!report.slowest || report.rows[i].duration_s > report.rows[*report.slowest].duration_s)
      report.slowest = static_cast<int>(i);
  if (first_start) report.wall_s = std::chrono::duration<double>(*last_end - *first_start).count();
  return report;
}

std::string SweepReport::to_yaml() const {
  Config root;
  root.put("sweep_dir", sweep_dir.string());
  root.put("config_name", config_name);
  Config totals;
  totals.put("jobs", static_cast<int>(rows.size()));
  totals.put("completed", completed);
  totals.put("failed", failed);
  totals.put("unknown", unknown);
  totals.put("duration_s", total_duration_s);
  totals.put("wall_s", wall_s);
  if (slowest) {
    totals.put("slowest.num", rows[*slowest].num);
    totals.put("slowest.duration_s", rows[*slowest].duration_s);
  } else {
    totals.add_child("slowest", make_null());
  }
  root.add_child("totals", totals);
  Config jobs = make_sequence();
  for (const auto& row : rows) {
    Config job;
    job.put("num", row.num);
    Config overrides = make_sequence();
    for (const auto& o : row.overrides) push_back(overrides, make_node(o));
    job.add_child("overrides", overrides);
    job.put("status", row.status);
    job.add_child("error", row.error.empty() ? make_null() : make_node(row.error));
    job.put("start_time", row.start_time);
    job.put("duration_s", row.duration_s);
    job.add_child("return_value", row.return_value);
    job.add_child("log_path", row.log_path.empty() ? make_null() : make_node(row.log_path));
    push_back(jobs, std::move(job));
  }
  root.add_child("jobs", jobs);
  return hydra::to_yaml(root);
}

std::string SweepReport::to_csv() const {
  std::string out = "num,overrides,status,error,start_time,duration_s,return_value,log_path\r\n";
  for (const auto& row : rows) {
    std::string value = row.return_value.data().kind() == NodeKind::Null ? "" : one_line(row.return_value);
    out += std::to_string(row.num) + "," + csv_field(join(row.overrides, " ")) + "," + row.status + "," +
           csv_field(row.error) + "," + row.start_time + "," + fixed(row.duration_s, 6) + "," + csv_field(value) +
           "," + csv_field(row.log_path) + "\r\n";
  }
  return out;
}

std::vector<std::string> SweepReport::table(std::size_t max_rows) const {
  std::vector<std::string> lines;
  std::string totals = "Sweep report: " + std::to_string(rows.size()) + " job" + (rows.size() == 1 ? "" : "s") +
                       ", " + std::to_string(completed) + " completed, " + std::to_string(failed) + " failed";
  if (unknown) totals += ", " + std::to_string(unknown) + " unknown";
  totals += "; job time " + human_duration(total_duration_s) + ", wall " + human_duration(wall_s);
  if (slowest)
    totals += ", slowest #" + std::to_string(rows[*slowest].num) + " (" + human_duration(rows[*slowest].duration_s) +
              ")";
  lines.push_back(totals);
  if (rows.empty()) return lines;

  // Failed jobs are always listed; the rest fill up to max_rows.
  std::vector<bool> shown(rows.size(), false);
  std::size_t budget = max_rows;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (rows[i].status != "COMPLETED") {
      shown[i] = true;
      budget = budget > 0 ? budget - 1 : 0;
    }
  for (std::size_t i = 0; i < rows.size() && budget > 0; ++i)
    if (!shown[i]) {
      shown[i] = true;
      --budget;
    }

  std::size_t num_w = 1, dur_w = 8, ov_w = 9;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!shown[i]) continue;
    num_w = std::max(num_w, std::to_string(rows[i].num).size() + 1);
    dur_w = std::max(dur_w, human_duration(rows[i].duration_s).size());
    ov_w = std::max(ov_w, std::min<std::size_t>(40, join(rows[i].overrides, " ").size()));
  }
  lines.push_back("  " + pad("#", num_w) + "  " + pad("status", 9) + "  " + pad("duration", dur_w, true) + "  " +
                  pad("overrides", ov_w) + "  result");
  std::size_t hidden = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!shown[i]) {
      ++hidden;
      continue;
    }
    const auto& row = rows[i];
    std::string result = row.status == "COMPLETED" ? one_line(row.return_value) : row.error;
    lines.push_back("  " + pad("#" + std::to_string(row.num), num_w) + "  " + pad(row.status, 9) + "  " +
                    pad(human_duration(row.duration_s), dur_w, true) + "  " +
                    pad(clip(join(row.overrides, " "), 40), ov_w) + "  " + clip(result, 80));
  }
  if (hidden) lines.push_back("  ... " + std::to_string(hidden) + " more (report.csv lists every job)");
  return lines;
}

SweepReportCallback::SweepReportCallback(const Config& params)
    : log_(get_logger("hydra.experimental.callbacks.SweepReportCallback")) {
  check_params(params, {"max_rows"}, "SweepReportCallback");
  int max_rows = get_or<int>(params, "max_rows", 20);
  if (max_rows < 0) throw std::invalid_argument("SweepReportCallback: max_rows must be >= 0, got " + std::to_string(max_rows));
  max_rows_ = static_cast<std::size_t>(max_rows);
}

void SweepReportCallback::on_multirun_end(const Config& config, const RunInfo& run) {
  SweepReport report = SweepReport::build(config, run);
  write_file_atomic(report.sweep_dir / "report.yaml", report.to_yaml());
  write_file_atomic(report.sweep_dir / "report.csv", report.to_csv());
  for (const auto& line : report.table(max_rows_)) log_->info("{}", line);
  log_->info("Sweep report written to {} (report.yaml, report.csv)", report.sweep_dir.string());
}

}  // namespace hydra::experimental

#include "launch/sweep_plan.hpp"

#include "config/overrides.hpp"
#include "util/errors.hpp"

#include <set>

namespace hydra::internal {
namespace {

// One position of the job override list: a fixed override, or a sweep axis.
struct Slot {
  std::string fixed;
  std::optional<SweepAxis> axis;
};

}  // namespace

std::vector<std::vector<std::string>> plan_sweep(const std::vector<std::string>& overrides,
                                                 const Config& sweeper_params, const GroupOptions& group_options) {
  std::vector<Slot> slots;
  std::set<std::string> keys_set;
  for (const auto& text : overrides) {
    Override ov = parse_override(text);
    keys_set.insert(ov.key_or_group());
    if (ov.value && is_sweep_value(*ov.value))
      slots.push_back({"", parse_sweep(ov, group_options)});
    else
      slots.push_back({text, std::nullopt});
  }
  if (sweeper_params.data().kind() == NodeKind::Map) {
    for (const auto& [key, value] : sweeper_params) {
      if (keys_set.count(key)) continue;  // the command line wins
      if (!value.data().is_scalar())
        throw UserError("hydra.sweeper.params." + key + " must be a sweep written as a string (e.g. 'a,b' or 'range(0,3)')");
      std::string text = key + "=" + value.data().text();
      Override ov = parse_override(text);
      if (is_sweep_value(*ov.value))
        slots.push_back({"", parse_sweep(ov, group_options)});
      else
        slots.push_back({text, std::nullopt});
    }
  } else if (sweeper_params.data().kind() != NodeKind::Null) {
    throw UserError("hydra.sweeper.params must be a map of key: sweep");
  }

  std::size_t total = 1;
  for (const auto& slot : slots) {
    if (!slot.axis) continue;
    total *= slot.axis->values.size();
    if (total > 10'000'000) throw UserError("The sweep has more than 10 million jobs; split it up");
  }
  std::vector<std::vector<std::string>> jobs;
  jobs.reserve(total);
  std::vector<std::size_t> index(slots.size(), 0);
  for (std::size_t n = 0; n < total; ++n) {
    std::vector<std::string> job;
    job.reserve(slots.size());
    for (std::size_t i = 0; i < slots.size(); ++i)
      job.push_back(slots[i].axis ? slots[i].axis->job_override(index[i]) : slots[i].fixed);
    jobs.push_back(std::move(job));
    // Advance like an odometer: the last axis varies fastest.
    for (std::size_t i = slots.size(); i-- > 0;) {
      if (!slots[i].axis) continue;
      if (++index[i] < slots[i].axis->values.size()) break;
      index[i] = 0;
    }
  }
  return jobs;
}

}  // namespace hydra::internal

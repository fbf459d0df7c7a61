#include "launch/sweep_plan.hpp"

#include "util/errors.hpp"

#include <unordered_map>

namespace hydra::internal {
namespace {

// One slot of the job override list: the job overrides it can take, in order.
struct Slot {
  std::string key_element;
  std::vector<std::string> overrides;
};

void add_to_slots(const Override& ov, const GroupOptions& group_options, std::vector<Slot>& slots,
                  std::unordered_map<std::string, std::size_t>& slot_of) {
  Slot slot{ov.key_element(), {}};
  if (ov.is_sweep()) {
    SweepAxis axis = enumerate_sweep(ov, group_options);
    slot.overrides.reserve(axis.values.size());
    for (std::size_t i = 0; i < axis.values.size(); ++i) slot.overrides.push_back(axis.job_override(i));
  } else if (ov.is_hydra()) {
    slot.overrides.push_back(ov.input);  // Hydra's sweeper never sees these: they stay as typed
  } else {
    const Element none = Element::null();  // "~key" runs as "~key=null", which deletes alike
    const Element& value = std::holds_alternative<Element>(ov.parsed) ? ov.element() : none;
    slot.overrides.push_back(slot.key_element + "=" + element_text(value));
  }
  auto [it, added] = slot_of.emplace(slot.key_element, slots.size());
  if (added) slots.push_back(std::move(slot));
  else slots[it->second] = std::move(slot);
}

}  // namespace

std::vector<std::vector<std::string>> plan_sweep(const std::vector<Override>& overrides, const Config& sweeper_params,
                                                 const GroupOptions& group_options) {
  std::vector<Slot> slots;
  std::unordered_map<std::string, std::size_t> slot_of;
  if (sweeper_params.data().kind() == NodeKind::Map) {
    for (const auto& [key, value] : sweeper_params) {
      if (!value.data().is_scalar())
        throw UserError("hydra.sweeper.params." + key + " must be a sweep written as a string (e.g. 'a,b' or 'range(0,3)')");
      add_to_slots(parse_override(key + "=" + value.data().text()), group_options, slots, slot_of);
    }
  } else if (sweeper_params.data().kind() != NodeKind::Null) {
    throw UserError("hydra.sweeper.params must be a map of key: sweep");
  }
  for (const auto& ov : overrides) add_to_slots(ov, group_options, slots, slot_of);

  std::size_t total = 1;
  for (const auto& slot : slots) {
    total *= slot.overrides.size();
    if (total > 10'000'000) throw UserError("The sweep has more than 10 million jobs; split it up");
  }
  std::vector<std::vector<std::string>> jobs;
  jobs.reserve(total);
  std::vector<std::size_t> index(slots.size(), 0);
  for (std::size_t n = 0; n < total; ++n) {
    std::vector<std::string> job;
    job.reserve(slots.size());
    for (std::size_t i = 0; i < slots.size(); ++i) job.push_back(slots[i].overrides[index[i]]);
    jobs.push_back(std::move(job));
    // Advance like an odometer: the last slot varies fastest.
    for (std::size_t i = slots.size(); i-- > 0;) {
      if (++index[i] < slots[i].overrides.size()) break;
      index[i] = 0;
    }
  }
  return jobs;
}

}  // namespace hydra::internal

#include "launch/job_return_store.hpp"

#include "config/tree_codec.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace hydra::internal {

std::string encode_job_return(const JobReturn& r) {
  TreeWriter w;
  w.texts(r.overrides);
  w.tree(r.cfg);
  w.tree(r.hydra_cfg);
  w.text(r.working_dir);
  w.text(r.task_name);
  w.number(static_cast<std::uint64_t>(r.status));
  w.tree(r.return_value);
  w.signed_number(r.num);
  w.text(r.id);
  w.signed_number(std::chrono::duration_cast<std::chrono::nanoseconds>(r.start_time.time_since_epoch()).count());
  w.real(r.duration.count());
  w.number(static_cast<std::uint64_t>(r.error.reason));
  w.text(r.error.type);
  w.text(r.error.message);
  w.signed_number(r.error.code);
  w.text(r.log_path);
  return w.bytes();
}

JobReturn decode_job_return(std::string_view bytes) {
  TreeReader in(bytes);
  JobReturn r;
  r.overrides = in.texts();
  r.cfg = in.tree();
  r.hydra_cfg = in.tree();
  r.working_dir = in.text();
  r.task_name = in.text();
  r.status = static_cast<JobStatus>(in.number());
  r.return_value = in.tree();
  r.num = static_cast<int>(in.signed_number());
  r.id = in.text();
  r.start_time = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(in.signed_number())));
  r.duration = std::chrono::duration<double>(in.real());
  r.error.reason = static_cast<FailureReason>(in.number());
  r.error.type = in.text();
  r.error.message = in.text();
  r.error.code = static_cast<int>(in.signed_number());
  r.log_path = in.text();
  if (static_cast<int>(r.status) > static_cast<int>(JobStatus::FAILED) ||
      static_cast<int>(r.error.reason) > static_cast<int>(FailureReason::preempted) || !in.at_end())
    throw std::logic_error("not a JobReturn record (bad status, failure reason or length)");
  return r;
}

namespace {

constexpr std::size_t chunk_size = 64 * 1024;

}  // namespace

char* JobReturnStore::reserve(std::size_t size, Entry& entry) {
  if (size > std::numeric_limits<std::uint32_t>::max()) throw std::length_error("JobReturn record over 4 GiB");
  if (chunks_.empty() || chunk_capacity_ - chunk_used_ < size) {
    chunk_capacity_ = std::max(chunk_size, size);
    chunks_.push_back(std::make_unique<char[]>(chunk_capacity_));
    chunk_used_ = 0;
  }
  entry.chunk = static_cast<std::uint32_t>(chunks_.size() - 1);
  entry.offset = static_cast<std::uint32_t>(chunk_used_);
  entry.size = static_cast<std::uint32_t>(size);
  chunk_used_ += size;
  return chunks_.back().get() + entry.offset;
}

void JobReturnStore::add(const JobReturn& job_return) {
  const std::string bytes = encode_job_return(job_return);
  Entry entry{job_return.num, job_return.status, 0, 0, 0};
  std::memcpy(reserve(bytes.size(), entry), bytes.data(), bytes.size());
  entries_.push_back(entry);
  failed_count_ += job_return.status == JobStatus::FAILED ? 1 : 0;
}

JobReturn JobReturnStore::at(std::size_t index) const {
  const Entry& e = entries_.at(index);
  return decode_job_return({chunks_[e.chunk].get() + e.offset, e.size});
}

void JobReturnStore::sort_by_job() {
  std::stable_sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) { return a.num < b.num; });
}

JobReturns JobReturnStore::view() const {
  return JobReturns(this, entries_.size(), [](const void* owner, std::size_t index) {
    return static_cast<const JobReturnStore*>(owner)->at(index);
  });
}

}  // namespace hydra::internal

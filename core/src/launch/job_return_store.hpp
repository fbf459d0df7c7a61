// The JobReturns of a sweep, kept for on_multirun_end in compact form: each one encoded into
// a few hundred bytes of a shared arena (a JobReturn object with its ptrees costs kilobytes
// and fragments the heap), and materialised again on access. A 10,000-job sweep then holds
// ~0.3 KiB per job instead of ~4 KiB.
#pragma once

#include <hydra/callback.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace hydra::internal {

// A JobReturn as bytes (tree_codec) and back, for this same build: the store's records and the
// file a job process hands its JobReturn back in. decode throws std::logic_error on bytes that
// are not such a record.
std::string encode_job_return(const JobReturn& job_return);
JobReturn decode_job_return(std::string_view bytes);

class JobReturnStore {
 public:
  // Encodes `job_return` and lets it go.
  void add(const JobReturn& job_return);
  std::size_t size() const { return entries_.size(); }
  // Element `index` (in job order once sort_by_job() ran).
  JobReturn at(std::size_t index) const;
  // Jobs may end in any order (parallel launchers): order them by job number.
  void sort_by_job();
  bool failed(std::size_t index) const { return entries_[index].status == JobStatus::FAILED; }
  bool any_failed() const { return failed_count_ > 0; }
  // The numbers of the jobs that have their JobReturn here.
  std::unordered_set<int> job_nums() const {
    std::unordered_set<int> nums;
    for (const Entry& e : entries_) nums.insert(e.num);
    return nums;
  }
  // The sequence on_multirun_end sees; valid while the store lives and is not changed.
  JobReturns view() const;

 private:
  struct Entry {
    int num;
    JobStatus status;
    std::uint32_t chunk;
    std::uint32_t offset;
    std::uint32_t size;
  };
  char* reserve(std::size_t size, Entry& entry);

  std::vector<std::unique_ptr<char[]>> chunks_;
  std::size_t chunk_used_ = 0;
  std::size_t chunk_capacity_ = 0;
  std::vector<Entry> entries_;
  std::size_t failed_count_ = 0;
};

}  // namespace hydra::internal

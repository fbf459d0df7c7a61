// The callback interface: the six lifecycle hooks of Hydra's Callback, in C++ (docs/spec.md §1).
#pragma once

#include <hydra/config.hpp>

#include <chrono>
#include <compare>
#include <cstddef>
#include <iterator>
#include <stdexcept>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace hydra {

// Called with a job's task config (no `hydra` node); returns the task's value as a node
// (a null node for tasks that return nothing).
using TaskFunction = std::function<Config(const Config&)>;

enum class JobStatus { UNKNOWN, COMPLETED, FAILED };

inline const char* to_string(JobStatus status) {
  switch (status) {
    case JobStatus::UNKNOWN: return "UNKNOWN";
    case JobStatus::COMPLETED: return "COMPLETED";
    case JobStatus::FAILED: return "FAILED";
  }
  return "UNKNOWN";
}

// Why a job failed (beyond Hydra: a JobReturn says so for every launcher).
enum class FailureReason { none, exception, signal, exit_code, interrupted, cancelled, timeout, preempted };

inline const char* to_string(FailureReason reason) {
  switch (reason) {
    case FailureReason::none: return "none";
    case FailureReason::exception: return "exception";
    case FailureReason::signal: return "signal";
    case FailureReason::exit_code: return "exit_code";
    case FailureReason::interrupted: return "interrupted";
    case FailureReason::cancelled: return "cancelled";
    case FailureReason::timeout: return "timeout";
    case FailureReason::preempted: return "preempted";
  }
  return "none";
}

struct JobError {
  FailureReason reason = FailureReason::none;
  std::string type;     // exception type (demangled), or e.g. "SIGSEGV"
  std::string message;  // what(), or a description of the signal / exit code
  int code = 0;         // signal number or exit code, where that is the reason
};

struct JobReturn {
  std::vector<std::string> overrides;  // this job's task overrides, hydra.* excluded
  Config cfg;                          // the task config: no `hydra` node
  Config hydra_cfg;                    // {hydra: ...} with runtime.output_dir set
  std::string working_dir;
  std::string task_name;
  JobStatus status = JobStatus::UNKNOWN;
  Config return_value = make_null();
  // Beyond Hydra:
  int num = 0;
  std::string id;
  std::chrono::system_clock::time_point start_time{};
  std::chrono::duration<double> duration{0.0};
  JobError error;        // reason none unless status is FAILED
  std::string log_path;  // the job's log file ("" when job logging is off)
};

// Every JobReturn of a sweep, as on_multirun_end sees them: a read-only random-access sequence
// whose elements are materialised on access and handed out by value, so the host need not hold
// 10,000 JobReturns at once (it keeps them in compact form). Use it like a container: size(),
// empty(), [i], at(i), front(), back(), range-for (`for (const hydra::JobReturn& r : run.job_returns)`
// binds each element for the loop body). Do not keep pointers to elements; copy what you keep.
class JobReturns {
 public:
  // How a host materialises element `index` of `owner` (which outlives the sequence).
  using Materialise = JobReturn (*)(const void* owner, std::size_t index);

  class iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using iterator_concept = std::random_access_iterator_tag;
    using value_type = JobReturn;
    using difference_type = std::ptrdiff_t;
    using reference = JobReturn;  // a prvalue: elements are made on access
    using pointer = void;

    iterator() = default;
    iterator(const JobReturns* seq, std::size_t index) : seq_(seq), index_(index) {}
    JobReturn operator*() const { return (*seq_)[index_]; }
    JobReturn operator[](difference_type n) const { return (*seq_)[index_ + static_cast<std::size_t>(n)]; }
    iterator& operator++() { ++index_; return *this; }
    iterator operator++(int) { iterator old = *this; ++index_; return old; }
    iterator& operator--() { --index_; return *this; }
    iterator operator--(int) { iterator old = *this; --index_; return old; }
    iterator& operator+=(difference_type n) { index_ += static_cast<std::size_t>(n); return *this; }
    iterator& operator-=(difference_type n) { index_ -= static_cast<std::size_t>(n); return *this; }
    friend iterator operator+(iterator it, difference_type n) { return it += n; }
    friend iterator operator+(difference_type n, iterator it) { return it += n; }
    friend iterator operator-(iterator it, difference_type n) { return it -= n; }
    friend difference_type operator-(const iterator& a, const iterator& b) {
      return static_cast<difference_type>(a.index_) - static_cast<difference_type>(b.index_);
    }
    friend bool operator==(const iterator& a, const iterator& b) { return a.index_ == b.index_; }
    friend auto operator<=>(const iterator& a, const iterator& b) { return a.index_ <=> b.index_; }

   private:
    const JobReturns* seq_ = nullptr;
    std::size_t index_ = 0;
  };
  using value_type = JobReturn;
  using size_type = std::size_t;
  using const_iterator = iterator;

  JobReturns() = default;
  // A view of JobReturns that exist already (RUN tools, tests); they must outlive the sequence.
  JobReturns(std::span<const JobReturn> returns)  // NOLINT: implicit, like the span it replaced
      : owner_(returns.data()), size_(returns.size()), materialise_(&copy_from_span) {}
  JobReturns(const std::vector<JobReturn>& returns)  // NOLINT
      : JobReturns(std::span<const JobReturn>(returns)) {}
  // Host side: `size` elements, element i made by materialise(owner, i).
  JobReturns(const void* owner, std::size_t size, Materialise materialise)
      : owner_(owner), size_(size), materialise_(materialise) {}

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  JobReturn operator[](std::size_t index) const { return materialise_(owner_, index); }
  JobReturn at(std::size_t index) const {
    if (index >= size_) throw std::out_of_range("JobReturns::at: index " + std::to_string(index) + " >= size " +
                                                std::to_string(size_));
    return (*this)[index];
  }
  JobReturn front() const { return at(0); }
  JobReturn back() const { return at(size_ - 1); }
  iterator begin() const { return {this, 0}; }
  iterator end() const { return {this, size_}; }

 private:
  static JobReturn copy_from_span(const void* owner, std::size_t index) {
    return static_cast<const JobReturn*>(owner)[index];
  }

  const void* owner_ = nullptr;
  std::size_t size_ = 0;
  Materialise materialise_ = nullptr;
};

// Hydra's keyword arguments. May grow; growing it bumps the SDK ABI minor version.
struct RunInfo {
  std::string config_name;
  const JobReturn* job_return = nullptr;  // on_run_end only
  JobReturns job_returns;                 // on_multirun_end only (beyond Hydra)
};

class Callback {
 public:
  virtual ~Callback() = default;
  virtual void on_run_start(const Config& /*config*/, const RunInfo& /*run*/) {}
  virtual void on_run_end(const Config& /*config*/, const RunInfo& /*run*/) {}
  virtual void on_multirun_start(const Config& /*config*/, const RunInfo& /*run*/) {}
  virtual void on_multirun_end(const Config& /*config*/, const RunInfo& /*run*/) {}
  virtual void on_job_start(const Config& /*config*/, const TaskFunction& /*task_function*/) {}
  virtual void on_job_end(const Config& /*config*/, const JobReturn& /*job_return*/) {}
};

}  // namespace hydra

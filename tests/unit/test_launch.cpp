// launch/: the compact store of a sweep's JobReturns, and the sequence on_multirun_end sees.
#include "launch/job_return_store.hpp"

#include <hydra/job_return.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace hydra;
using hydra::internal::JobReturnStore;

JobReturn sample(int num, JobStatus status) {
  JobReturn r;
  r.overrides = {"x=" + std::to_string(num), "name='a b'"};
  r.cfg.put("x", num);
  r.cfg.put("nested.list", "");
  r.cfg.get_child("nested.list").push_back({"", Config(Value(NodeKind::Float, "0.5"))});
  r.cfg.put_child("nested.none", make_null());
  r.hydra_cfg.put("hydra.runtime.output_dir", "/tmp/sweep/" + std::to_string(num));
  r.working_dir = "/tmp/sweep/" + std::to_string(num);
  r.task_name = "my_app";
  r.status = status;
  r.return_value = Config(Value(NodeKind::Int, std::to_string(num * 10)));
  r.num = num;
  r.id = std::to_string(num);
  r.start_time = std::chrono::system_clock::time_point(std::chrono::microseconds(1'700'000'000'123'456LL + num));
  r.duration = std::chrono::duration<double>(0.25 + num);
  if (status == JobStatus::FAILED) r.error = {FailureReason::signal, "SIGSEGV", "signal 11 (SIGSEGV)", 11};
  r.log_path = "/tmp/sweep/" + std::to_string(num) + "/my_app.log";
  return r;
}

// Every field, through the record the runtime writes (it covers them all).
std::string record_text(const JobReturn& r) { return to_yaml(job_return_record(r)); }

TEST(JobReturnStore, GivesBackEveryFieldAsStored) {
  JobReturnStore store;
  const JobReturn ok = sample(0, JobStatus::COMPLETED), failed = sample(1, JobStatus::FAILED);
  store.add(ok);
  store.add(failed);
  ASSERT_EQ(store.size(), 2u);
  EXPECT_EQ(record_text(store.at(0)), record_text(ok));
  EXPECT_EQ(record_text(store.at(1)), record_text(failed));
  EXPECT_EQ(store.at(1).start_time, failed.start_time);
  EXPECT_DOUBLE_EQ(store.at(1).duration.count(), failed.duration.count());
  EXPECT_EQ(store.at(0).cfg.get_child("nested.none").data().kind(), NodeKind::Null);
  EXPECT_FALSE(store.failed(0));
  EXPECT_TRUE(store.failed(1));
  EXPECT_TRUE(store.any_failed());
}

TEST(JobReturnStore, OrdersJobsThatEndedOutOfOrderAndSpansChunks) {
  JobReturnStore store;
  // Enough records (a few hundred bytes each) to fill several 64 KiB chunks.
  for (int num = 999; num >= 0; --num) store.add(sample(num, JobStatus::COMPLETED));
  store.sort_by_job();
  EXPECT_FALSE(store.any_failed());
  const JobReturns seq = store.view();
  ASSERT_EQ(seq.size(), 1000u);
  int expected = 0;
  for (const JobReturn& r : seq) EXPECT_EQ(r.num, expected++);
  EXPECT_EQ(record_text(seq[500]), record_text(sample(500, JobStatus::COMPLETED)));
  EXPECT_EQ(seq.back().num, 999);
  EXPECT_EQ(seq.end() - seq.begin(), 1000);
  EXPECT_THROW(seq.at(1000), std::out_of_range);
}

TEST(JobReturns, ViewsAVectorAsTheSpanDid) {
  const std::vector<JobReturn> returns = {sample(0, JobStatus::COMPLETED), sample(1, JobStatus::FAILED)};
  RunInfo run;
  EXPECT_TRUE(run.job_returns.empty());
  run.job_returns = returns;
  ASSERT_EQ(run.job_returns.size(), 2u);
  EXPECT_EQ(run.job_returns[1].error.type, "SIGSEGV");
  EXPECT_EQ(run.job_returns.front().overrides, returns[0].overrides);
}

}  // namespace

// The SLURM launcher's reading of sbatch/squeue/scontrol output (plugins/launchers/slurm_output.*),
// on outputs recorded from the local cluster (tests/unit/data/slurm/, SLURM 22.05) and on the
// forms SLURM's documentation gives for states and array task ids. No cluster needed.
#include "slurm_output.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace hydra_slurm;

namespace {

std::string recorded(const std::string& name) {
  std::ifstream in(std::filesystem::path(HYDRA_TEST_SOURCE_DIR) / "data/slurm" / name);
  EXPECT_TRUE(in) << name;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST(SlurmOutput, TaskIdsInEveryFormSlurmPrints) {
  EXPECT_EQ(parse_task_ids("5"), (TaskIds{{5, 5}}));
  EXPECT_EQ(parse_task_ids("1-3%1"), (TaskIds{{1, 3}}));
  EXPECT_EQ(parse_task_ids("[4-9]"), (TaskIds{{4, 9}}));
  EXPECT_EQ(parse_task_ids("[4-9]%2"), (TaskIds{{4, 9}}));
  EXPECT_EQ(parse_task_ids("1,3,5-7"), (TaskIds{{1, 1}, {3, 3}, {5, 7}}));
  EXPECT_EQ(parse_task_ids("3,5-7%1"), (TaskIds{{3, 3}, {5, 7}}));
  EXPECT_EQ(parse_task_ids("0-6:3"), (TaskIds{{0, 0}, {3, 3}, {6, 6}}));
  EXPECT_EQ(parse_task_ids("4294967294"), TaskIds{});  // the array's own record
  for (const char* bad : {"N/A", "", "1-", "-3", "3-1", "1,,2", "1-3%", "[1-3", "x", "0-6:0"})
    EXPECT_FALSE(parse_task_ids(bad)) << bad;
  const TaskIds ids = *parse_task_ids("1,3,5-7");
  EXPECT_TRUE(contains(ids, 6));
  EXPECT_FALSE(contains(ids, 4));
}

TEST(SlurmOutput, EveryJobStateCodeIsClassified) {
  for (const char* s : {"PENDING", "PD", "REQUEUED", "RQ", "REQUEUE_HOLD", "RH", "REQUEUE_FED", "RF", "RESV_DEL_HOLD", "RD"})
    EXPECT_EQ(classify_state(s), StateClass::pending) << s;
  for (const char* s : {"RUNNING", "R", "COMPLETING", "CG", "CONFIGURING", "CF", "SUSPENDED", "S", "STOPPED", "ST",
                        "SIGNALING", "SI", "STAGE_OUT", "SO", "RESIZING", "RS"})
    EXPECT_EQ(classify_state(s), StateClass::active) << s;
  for (const char* s : {"COMPLETED", "CD", "FAILED", "F", "CANCELLED", "CA", "TIMEOUT", "TO", "OUT_OF_MEMORY", "OOM",
                        "NODE_FAIL", "NF", "PREEMPTED", "PR", "BOOT_FAIL", "BF", "DEADLINE", "DL", "SPECIAL_EXIT", "SE",
                        "REVOKED", "RV", "CANCELLED by 0", "CANCELLED+"})
    EXPECT_EQ(classify_state(s), StateClass::final) << s;
  EXPECT_EQ(classify_state("LAUNCHING_SOON"), StateClass::unknown);
  EXPECT_EQ(state_name("OOM"), "OUT_OF_MEMORY");
  EXPECT_EQ(state_name("CANCELLED by 1000"), "CANCELLED");
}

TEST(SlurmOutput, SqueueRangeRecordOfPendingTasks) {
  auto rows = parse_squeue(recorded("squeue_pending_range_unexpanded.txt"));  // "15 1-3%1 PENDING"
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].array_id, "15");
  ASSERT_TRUE(rows[0].tasks);
  EXPECT_EQ(*rows[0].tasks, (TaskIds{{1, 3}}));
  EXPECT_EQ(rows[0].state, "PENDING");
  EXPECT_EQ(*rows[1].tasks, (TaskIds{{0, 0}}));
  rows = parse_squeue(recorded("squeue_pending_list_unexpanded.txt"));  // "7 3,5-7%1 PENDING"
  EXPECT_EQ(*rows[0].tasks, (TaskIds{{3, 3}, {5, 7}}));
  rows = parse_squeue(recorded("squeue_compact_codes.txt"));
  EXPECT_EQ(rows[0].state, "PENDING");
  EXPECT_EQ(rows[1].state, "RUNNING");
  rows = parse_squeue(recorded("squeue_pending_range_cancelled.txt"));
  ASSERT_EQ(rows.size(), 4u);
  for (const auto& row : rows) EXPECT_EQ(row.state, "CANCELLED");
  rows = parse_squeue("42 N/A CANCELLED\n\ngarbage\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_FALSE(rows[0].tasks);
}

// The bug: tasks cancelled while pending have no record of their own; scontrol keeps them in the
// array's record `ArrayTaskId=1-3%1`, which must be found for each of them.
TEST(SlurmOutput, ScontrolFindsPendingTasksInTheRangeRecord) {
  auto records = ArrayRecords::parse(recorded("scontrol_pending_range_cancelled.txt"), "15");
  ASSERT_EQ(records.size(), 2u);
  for (long task : {1, 2, 3}) {
    const Record* r = records.find(task);
    ASSERT_NE(r, nullptr) << task;
    EXPECT_EQ(r->at("JobState"), "CANCELLED");
    EXPECT_EQ(r->at("ArrayTaskId"), "1-3%1");
  }
  ASSERT_NE(records.find(0), nullptr);
  EXPECT_EQ(records.find(0)->at("ExitCode"), "0:15");
  EXPECT_EQ(records.find(4), nullptr);
  EXPECT_EQ(records.rest(), nullptr);
  EXPECT_EQ(ArrayRecords::parse(recorded("scontrol_pending_range_cancelled.txt"), "16").size(), 0u);

  records = ArrayRecords::parse(recorded("scontrol_pending_list_cancelled.txt"), "7");  // 3,5-7%1
  for (long task : {3, 5, 6, 7}) ASSERT_NE(records.find(task), nullptr) << task;
  EXPECT_EQ(records.find(4), nullptr);
  EXPECT_EQ(records.find(1)->at("ArrayTaskId"), "1");
}

TEST(SlurmOutput, ScontrolCompletedAndRequeuedTasks) {
  auto done = ArrayRecords::parse(recorded("scontrol_completed.txt"), "9");
  for (long task : {0, 1, 2}) {
    ASSERT_NE(done.find(task), nullptr);
    EXPECT_EQ(done.find(task)->at("JobState"), "COMPLETED");
    EXPECT_EQ(done.find(task)->at("ArrayTaskId"), std::to_string(task));
  }
  // A requeued task is pending again (Restarts=1): not final, so the launcher waits for it.
  auto requeued = ArrayRecords::parse(recorded("scontrol_requeued.txt"), "12");
  ASSERT_NE(requeued.find(0), nullptr);
  EXPECT_EQ(requeued.find(0)->at("Restarts"), "1");
  EXPECT_FALSE(is_final_state(requeued.find(0)->at("JobState")));
  auto rows = parse_squeue(recorded("squeue_requeued.txt"));
  EXPECT_EQ(classify_state(rows[0].state), StateClass::pending);
  auto rest = ArrayRecords::parse("JobId=3 ArrayJobId=3 ArrayTaskId=4294967294 JobState=CANCELLED\n", "3");
  ASSERT_NE(rest.rest(), nullptr);
  EXPECT_EQ(rest.find(0), nullptr);
}

TEST(SlurmOutput, SbatchIdAndReason) {
  EXPECT_EQ(parse_sbatch_id("123\n"), "123");
  EXPECT_EQ(parse_sbatch_id(recorded("sbatch_parsable_cluster.out")), "12345");
  EXPECT_FALSE(parse_sbatch_id(""));
  EXPECT_FALSE(parse_sbatch_id("Submitted batch job 5"));
  EXPECT_EQ(sbatch_reason(recorded("sbatch_invalid_partition.err")),
            "invalid partition specified: nope; Batch job submission failed: Invalid partition name specified");
  EXPECT_EQ(sbatch_reason(recorded("sbatch_too_much_memory.err")),
            "Memory specification can not be satisfied; Batch job submission failed: Requested node configuration is "
            "not available");
  EXPECT_EQ(sbatch_reason("something odd\n"), "something odd");
  EXPECT_EQ(sbatch_reason(""), "");
}

// sbatch's stderr when no cluster can be reached at all (recorded with slurm-wlm 22.05): no
// slurm.conf and no DNS SRV record; munged not running; slurmctld not running. A refused array
// (bad partition, too much memory) is not that.
TEST(SlurmOutput, SbatchFindingNoClusterIsToldFromARefusedArray) {
  for (const char* file : {"sbatch_no_config_source.err", "sbatch_no_munge.err", "sbatch_no_controller.err"})
    EXPECT_TRUE(sbatch_found_no_cluster(recorded(file))) << file;
  for (const char* file : {"sbatch_invalid_partition.err", "sbatch_too_much_memory.err"})
    EXPECT_FALSE(sbatch_found_no_cluster(recorded(file))) << file;
}

// What SLURM's client tools print, read into values: `sbatch --parsable`, `squeue -o "%F %K %T"`,
// `scontrol show job -o`. Pure text work, no cluster: unit-tested on recorded outputs
// (tests/unit/test_slurm_output.cpp). Used by the SLURM launcher (slurm_launcher.cpp).
//
// Array tasks that are still pending share ONE record, the array's own: its ArrayTaskId (squeue's
// %K) is a set of task ids — "1-3%1" (with the throttle), "[4-9]", "1,3,5-7" — not a number. A
// task is found in the record of its own id, else in the range record that holds it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hydra_slurm {

// Where a job state leaves the waiting launcher.
enum class StateClass {
  pending,  // not started yet or queued again: PENDING, REQUEUED, REQUEUE_HOLD, REQUEUE_FED, RESV_DEL_HOLD
  active,   // started and not ended: RUNNING, COMPLETING, CONFIGURING, SUSPENDED, STOPPED, ...
  final,    // ended for good: COMPLETED, FAILED, CANCELLED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, ...
  unknown,  // a name this launcher does not know (a newer SLURM): not final, so it waits on
};

// The full name of a state: squeue's %T / scontrol's JobState as they are, squeue's compact %t
// codes ("PD", "CA", "OOM", ...) spelled out, sacct's decorations dropped ("CANCELLED by 0",
// "CANCELLED+"). Upper-case; "" for an empty input.
std::string state_name(std::string_view state);
StateClass classify_state(std::string_view state);
inline bool is_final_state(std::string_view state) { return classify_state(state) == StateClass::final; }

// A set of array task ids, as closed intervals.
struct TaskRange {
  long first = 0;
  long last = 0;
  friend bool operator==(const TaskRange&, const TaskRange&) = default;
};
using TaskIds = std::vector<TaskRange>;

// "5", "1-3%1", "[4-9]", "[1,3,5-7]%2", "1,3,5-7" -> the ids; nullopt for anything else, "N/A"
// included. 4294967294 (SLURM's NO_VAL - 1: "the array's own record, no task of its own") gives
// an empty set.
std::optional<TaskIds> parse_task_ids(std::string_view text);
bool contains(const TaskIds& ids, long task);

// One line of `squeue -h -r -t all -o "%F %K %T"`: array job id, task ids, state.
struct QueueRow {
  std::string array_id;
  std::optional<TaskIds> tasks;  // nullopt: no task ids (N/A): the array's own record
  std::string state;             // state_name() of what squeue printed
};
std::vector<QueueRow> parse_squeue(std::string_view out);

// One line of `scontrol show job -o`: Key=Value tokens (the first occurrence of a key wins).
using Record = std::map<std::string, std::string>;
Record parse_scontrol_line(std::string_view line);

// The records `scontrol show job -o <array id>` printed for one array.
class ArrayRecords {
 public:
  static ArrayRecords parse(std::string_view out, const std::string& array_id);

  // The record of `task`: its own, else the range record holding it (a pending task), else null.
  const Record* find(long task) const;
  // The array's own record when it names no task (ArrayTaskId=4294967294 or unparsable), else null.
  const Record* rest() const;
  std::size_t size() const { return records_.size(); }

 private:
  struct Entry {
    Record record;
    TaskIds tasks;
  };
  std::vector<Entry> records_;
  std::optional<std::size_t> rest_;
};

// `sbatch --parsable` stdout: "<id>" or "<id>;<cluster>" -> "<id>"; nullopt if it is not a number.
std::optional<std::string> parse_sbatch_id(std::string_view out);

// Why sbatch refused a submission, from its stderr, on one line: its "sbatch: error: ..." lines
// without the prefix, joined by "; " (the specific one, e.g. "invalid partition specified: nope",
// comes before "Batch job submission failed: ..."), else the last non-empty line; "" when empty.
std::string sbatch_reason(std::string_view err);

// Whether sbatch's stderr says that no cluster could be reached at all, rather than that this
// array was refused: no slurm.conf and no DNS SRV record, the controller down, or no munge
// daemon to authenticate with.
bool sbatch_found_no_cluster(std::string_view err);

}  // namespace hydra_slurm

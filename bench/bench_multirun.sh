#!/usr/bin/env bash
# MULTIRUN end to end (issue #4): the seed app with two callbacks sweeping +x=range(0,N), writing
# all of Hydra's per-job files and logs. Prints the median wall time and peak RSS for 1000 jobs and
# the memory growth per job between 1000 and 10000 jobs, against the limits.
#   bench/bench_multirun.sh <hydra_e2e_bench> <my_app> [runs]
set -euo pipefail
bench=$1 app=$2 runs=${3:-5}
timer='+hydra.callbacks.timer={_target_:hydra_examples.timer.JobTimerCallback}'

run() {  # $1 jobs, $2 runs -> "wall_ms rss_mib"
  "$bench" --runs "$2" -- "$app" -m "+x=range(0,$1)" "$timer" |
    awk '/wall median/ {w=$3} /peak RSS median/ {r=$4} END {print w, r}'
}

read -r wall1k rss1k < <(run 1000 "$runs")
read -r wall10k rss10k < <(run 10000 1)
growth=$(awk -v a="$rss1k" -v b="$rss10k" 'BEGIN {printf "%.2f", (b - a) * 1024 / 9000}')
echo "1000 jobs:  wall median ${wall1k} ms (limit 1000), peak RSS ${rss1k} MiB (limit 32)"
echo "10000 jobs: wall ${wall10k} ms, peak RSS ${rss10k} MiB"
echo "memory growth: ${growth} KiB/job (limit 4)"
awk -v w="$wall1k" -v r="$rss1k" -v g="$growth" 'BEGIN {exit !(w <= 1000 && r <= 32 && g <= 4)}' &&
  echo "limits: met" || { echo "limits: EXCEEDED"; exit 1; }

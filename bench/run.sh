#!/usr/bin/env bash
# End-to-end figures (issue 9): whole processes, each the median of RUNS runs (10 x RUNS for the
# seed, the floor and the plugin listing) after a warm-up, with min, max and peak RSS (bench/e2e_bench.cpp: posix_spawn + wait4 rusage), then ratios measured
# in this same run. Figures and the machine they were taken on: bench/RESULTS.md.
#
#   bench/run.sh [BUILD_DIR] [RUNS]        (default: build, 5; RUNS >= 5)
#   cmake --build build --target bench     (builds what it needs, then runs this)
#
# Cases: the seed example; `floor` (linked like my_app, does nothing); sweeps of 100, 1000 and
# 10000 jobs with two callbacks on the basic launcher; 1000 jobs on the process launcher
# (n_jobs=2); `--info plugins` over 200 plugin files.
set -euo pipefail
usage="usage: bench/run.sh [BUILD_DIR] [RUNS]   (a Release build; RUNS >= 5, default 5)"
case "${1:-}" in -h|--help) echo "$usage"; exit 0 ;; esac
build=$(realpath "${1:-build}")
runs=${2:-5}
[[ "$runs" =~ ^[0-9]+$ && "$runs" -ge 5 ]] || { echo "$usage" >&2; exit 2; }

bench=$build/bench/hydra_e2e_bench
app=$build/examples/my_app/my_app
floor=$build/bench/floor
plugin=$build/bench/plugins/hydra_bench/libcallbacks.so
for binary in "$bench" "$app" "$floor" "$plugin"; do
  if [ ! -e "$binary" ]; then
    echo "bench/run.sh: $binary is missing; build it first:" >&2
    echo "  cmake --build $build --target hydra_e2e_bench floor my_app hydra_examples_timer hydra_launchers hydra_bench_plugin" >&2
    exit 2
  fi
done

timer='+hydra.callbacks.timer={_target_:hydra_examples.timer.JobTimerCallback}'

# Where the runs write their output dirs: tmpfs (/dev/shm) unless BENCH_SCRATCH names another dir.
# On this VM's disk (ext4 mounted with online discard) the same file-creating run took 1x-5x the
# time from one minute to the next, after large deletions most of all (bench/RESULTS.md), so
# tmpfs measures hydra-cpp's own cost; BENCH_SCRATCH=/tmp bench/run.sh measures the disk too.
scratch=${BENCH_SCRATCH:-/dev/shm}
if [ ! -d "$scratch" ] || [ ! -w "$scratch" ]; then
  [ -n "${BENCH_SCRATCH:-}" ] && { echo "bench/run.sh: BENCH_SCRATCH=$scratch is not a writable dir" >&2; exit 2; }
  scratch=/tmp
fi
export TMPDIR=$scratch
work=$(mktemp -d /tmp/hydra-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

# measure NAME RUNS -- COMMAND...: sets <NAME>_ms, _min, _max (wall, ms), <NAME>_cpu (median user+sys
# CPU ms: the figure that holds on a busy machine) and <NAME>_mib (median peak RSS).
measure() {
  local name=$1 n=$2
  shift 3
  local out
  out=$("$bench" --runs "$n" -- "$@")
  read -r ms min max < <(awk '/^wall median/ {print $3, $6, $9}' <<<"$out")
  read -r mib < <(awk '/^peak RSS median/ {print $4}' <<<"$out")
  read -r cpu < <(awk '/^cpu median/ {print $3}' <<<"$out")
  printf -v "${name}_cpu" %s "$cpu"
  printf -v "${name}_ms" %s "$ms"
  printf -v "${name}_min" %s "$min"
  printf -v "${name}_max" %s "$max"
  printf -v "${name}_mib" %s "$mib"
  printf '%-18s %10.2f ms  (min %.2f, max %.2f)  cpu %10.2f ms  %6.1f MiB   [%d runs]\n' "$name" "$ms" "$min" "$max" \
    "$cpu" "$mib" "$n"
}

# 200 plugin files (with their manifests) in 10 module dirs, for `--info plugins`.
plugin_dir=$work/plugins
for i in $(seq 0 199); do
  module_dir=$plugin_dir/pkg$((i / 20))
  mkdir -p "$module_dir"
  cp "$plugin" "$module_dir/libm$i.so"
  sed "s/^library .*/library libm$i.so/" "$plugin.hydra-manifest" >"$module_dir/libm$i.so.hydra-manifest"
done

echo "hydra-cpp end-to-end figures: $(nproc) cores, $runs runs per case after a warm-up ($(date -u '+%Y-%m-%d %H:%M UTC'))"
echo "output dirs written to $scratch ($(stat -f -c %T "$scratch"))"
# The millisecond cases run ten times as often: a few ms per run, and a median of 7 moved seed /
# floor by 0.3 x between two runs a minute apart.
short_runs=$((runs * 10))
measure seed "$short_runs" -- "$app"
measure floor "$short_runs" -- "$floor"
measure sweep_100 "$runs" -- "$app" -m "+x=range(0,100)" "$timer"
measure sweep_1000 "$runs" -- "$app" -m "+x=range(0,1000)" "$timer"
measure sweep_10000 "$runs" -- "$app" -m "+x=range(0,10000)" "$timer"
measure process_1000 "$runs" -- "$app" -m hydra/launcher=process hydra.launcher.n_jobs=2 "+x=range(0,1000)"
measure list_200_plugins "$short_runs" -- "$app" --plugin-dir "$plugin_dir" --info plugins

# Ratios, from the figures above.
awk -v seed="$seed_ms" -v floor="$floor_ms" -v s100="$sweep_100_ms" -v s1k="$sweep_1000_ms" \
    -v seed_cpu="$seed_cpu" -v floor_cpu="$floor_cpu" -v c1k="$sweep_1000_cpu" -v c10k="$sweep_10000_cpu" \
    -v s10k="$sweep_10000_ms" -v p1k="$process_1000_ms" -v seed_mib="$seed_mib" \
    -v m100="$sweep_100_mib" -v m1k="$sweep_1000_mib" -v m10k="$sweep_10000_mib" 'BEGIN {
  printf "\nratios (this run)                              target\n"
  printf "seed / floor            %8.2f x              <= 2 x (and seed <= 10 ms)\n", seed / floor
  printf "seed beyond floor       %8.2f ms\n", seed - floor
  printf "seed / floor, cpu       %8.2f x\n", seed_cpu / floor_cpu
  printf "per job,   100 jobs     %8.3f ms/job\n", s100 / 100
  printf "per job,  1000 jobs     %8.3f ms/job          <= 1 ms/job\n", s1k / 1000
  printf "per job, 10000 jobs     %8.3f ms/job          <= 1 ms/job\n", s10k / 10000
  printf "cpu per job, 1000       %8.3f ms/job\n", c1k / 1000
  printf "cpu per job, 10000      %8.3f ms/job\n", c10k / 10000
  printf "per job, process, 1000  %8.3f ms/job\n", p1k / 1000
  printf "memory per job, 1000    %8.2f KiB/job\n", (m1k - seed_mib) * 1024 / 1000
  printf "memory per job, 10000   %8.2f KiB/job\n", (m10k - seed_mib) * 1024 / 10000
  printf "RSS(10000) - RSS(1000)  %8.2f MiB              <= 8 MiB\n", m10k - m1k
  printf "growth, 1000 -> 10000   %8.3f KiB/job\n", (m10k - m1k) * 1024 / 9000
}'

#!/usr/bin/env bash
# bench_slurm.sh <app> [runs] — the SLURM launcher end to end (issue 5): `<app> -m
# hydra/launcher=slurm 'foo=range(0,100)'`, 100 trivial jobs as one job array on the local
# single-node cluster advertising 16 CPUs. Prints every run's wall time and the median; exit 1
# if the median is over the limit (default 15 s; BENCH_SLURM_LIMIT_S). Starts the cluster
# (cmake/slurm/start-local-slurm.sh) if SLURM_CONF does not point at one, and then stops it again.
set -euo pipefail
app=$(realpath "${1:?usage: bench_slurm.sh <app> [runs]}")
runs=${2:-5}
jobs=${BENCH_SLURM_JOBS:-100}
limit=${BENCH_SLURM_LIMIT_S:-15}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
slurm_dir=${HYDRA_SLURM_DIR:-/tmp/hydra-slurm}

work=$(mktemp -d /tmp/bench-slurm.XXXXXX)
started=0
cleanup() {
  cd / && rm -rf "$work"
  if [ "$started" = 1 ]; then "$here/../cmake/slurm/stop-local-slurm.sh" "$slurm_dir"; fi
}
trap cleanup EXIT
if [ ! -f "${SLURM_CONF:-/nonexistent}" ] || ! timeout 10 sinfo -h >/dev/null 2>&1; then
  started=1
  HYDRA_SLURM_CPUS=16 "$here/../cmake/slurm/start-local-slurm.sh" "$slurm_dir" >/dev/null
  source "$slurm_dir/env.sh"
fi
cd "$work"

times=()
for i in $(seq 1 "$runs"); do
  t0=$(date +%s.%N)
  "$app" -m hydra/launcher=slurm "foo=range(0,$jobs)" "hydra.sweep.dir=run$i" >"run$i.out" 2>&1 \
    || { tail -n 20 "run$i.out" >&2; echo "bench_slurm: run $i failed" >&2; exit 1; }
  t=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}')
  n=$(grep -l "status: COMPLETED" run$i/*/.hydra/job_return.yaml | wc -l)
  [ "$n" = "$jobs" ] || { echo "bench_slurm: run $i: $n of $jobs jobs COMPLETED" >&2; exit 1; }
  echo "run $i: $jobs jobs in $t s"
  times+=("$t")
done
median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{v[NR]=$1} END{print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}')
cpus=$(sinfo -h -o %c | head -n1)
echo "SLURM launcher, $jobs jobs, node advertising $cpus CPUs: median $median s over $runs runs (limit $limit s)"
awk -v m="$median" -v l="$limit" 'BEGIN{exit !(m <= l)}' || { echo "bench_slurm: median over the limit" >&2; exit 1; }

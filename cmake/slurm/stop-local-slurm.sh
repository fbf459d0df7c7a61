#!/usr/bin/env bash
# stop-local-slurm.sh [DIR] [--purge] — stop the cluster cmake/slurm/start-local-slurm.sh started
# in DIR (default $HYDRA_SLURM_DIR or /tmp/hydra-slurm):
#   1. scancel every job of that cluster and wait (bounded) until the queue is empty,
#   2. SIGKILL job processes that escaped and stray slurmstepd: only processes whose environment
#      holds SLURM_CONF=DIR/slurm.conf,
#   3. SIGTERM slurmd + slurmctld (in parallel), then munged, by the PIDs in their pid files and
#      only if the process's command line names DIR; SIGKILL after 10 s.
# Logs and config stay for post-mortem; --purge removes DIR. Safe when nothing runs.
set -uo pipefail

log() { printf '[stop-local-slurm] %s\n' "$*" >&2; }

DIR="" PURGE=0
for a in "$@"; do case $a in --purge) PURGE=1 ;; *) DIR=$a ;; esac; done
DIR=${DIR:-${HYDRA_SLURM_DIR:-/tmp/hydra-slurm}}
[ -d "$DIR" ] || { log "nothing to stop: $DIR does not exist"; exit 0; }
DIR=$(cd "$DIR" && pwd -P)
CONF=$DIR/slurm.conf
t0=$(date +%s.%N)

# shellcheck source=cmake/slurm/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# slurmstepd and job processes of this cluster (environment SLURM_CONF=$CONF), this script and
# its ancestors excluded.
cluster_procs() {
  local chain=" $$ " p=$$ d pid env
  while [ "$p" -gt 1 ] 2>/dev/null; do p=$(awk '{print $4}' "/proc/$p/stat" 2>/dev/null) || break; chain="$chain$p "; done
  for d in /proc/[0-9]*; do
    pid=${d#/proc/}
    case $chain in *" $pid "*) continue ;; esac
    env=$( { tr '\0' '\n' <"$d/environ"; } 2>/dev/null ) || continue
    grep -qx "SLURM_CONF=$CONF" <<<"$env" || continue
    if [ "$( { cat "$d/comm"; } 2>/dev/null)" = slurmstepd ] || grep -q '^SLURM_JOB_ID=' <<<"$env"; then echo "$pid"; fi
  done
}
stop_pid() {
  local name=$1 pid=$2
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.05; done
  log "$name ($pid) ignored SIGTERM for 10 s: SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
}
stop_group() {
  local name pid bg=""
  for name in "$@"; do
    pid=$(read_pid "$name")
    if ours "$name" "$pid"; then stop_pid "$name" "$pid" & bg="$bg $!"; fi
  done
  # shellcheck disable=SC2086
  [ -n "$bg" ] && wait $bg
  for name in "$@"; do rm -f "$(pidfile_of "$name")"; done
}

if ours slurmctld "$(read_pid slurmctld)" && [ -f "$CONF" ]; then
  export SLURM_CONF=$CONF
  jobs=$(timeout 10 squeue -h -o %A 2>/dev/null | sort -u | tr '\n' ' ')
  if [ -n "${jobs// /}" ]; then
    log "cancelling jobs: $jobs"
    # shellcheck disable=SC2086
    timeout 10 scancel $jobs 2>/dev/null || true
    for _ in $(seq 1 150); do [ -z "$(timeout 5 squeue -h -o %A 2>/dev/null)" ] && break; sleep 0.1; done
  fi
fi
strays=$(cluster_procs | tr '\n' ' ')
if [ -n "${strays// /}" ]; then
  log "killing leftover job processes / slurmstepd: $strays"
  # shellcheck disable=SC2086
  kill -KILL $strays 2>/dev/null || true
fi
stop_group slurmd slurmctld  # ~2 s each, in parallel
stop_group munged            # last: the SLURM daemons talk to it while they shut down
rm -f "$DIR/pids" "$DIR/env.sh"
# The cgroup layout the start script mounted for slurmd (only where the system had none).
if [ -f "$DIR/mounts" ]; then
  while read -r mountpoint; do umount "$mountpoint" 2>/dev/null || log "could not unmount $mountpoint"; done <"$DIR/mounts"
  rm -f "$DIR/mounts"
fi
[ "$PURGE" = 1 ] && rm -rf "${DIR:?}" && log "removed $DIR"
log "stopped in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}') s"
exit 0

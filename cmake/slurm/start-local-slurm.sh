#!/usr/bin/env bash
# start-local-slurm.sh [DIR] — a private single-node SLURM cluster on localhost, for hydra-cpp's
# SLURM launcher tests and for trying the launcher locally (README: "Try the SLURM launcher
# locally"). munged + slurmctld + slurmd, started directly (no systemd), all traffic on
# 127.0.0.1, no cgroups, no accounting database; everything (config, munge key and socket,
# state, spool, logs, pid files) lives in DIR (default $HYDRA_SLURM_DIR or /tmp/hydra-slurm).
#
# Idempotent: if the cluster in DIR is up and its node usable, it only prints the environment
# (~0.3 s). Otherwise it stops leftovers of an earlier run in DIR, wipes the job state (job ids
# restart at 1; the previous logs go to DIR/log.prev) and starts fresh (~1 s). If a SLURM or
# munge binary is missing it installs the packages first (cmake/setup-deps.sh --slurm).
#
# On success: DIR/env.sh (`source` it: clients need SLURM_CONF), DIR/pids, and the last line of
# stdout is `export SLURM_CONF=DIR/slurm.conf`.
#
# Knobs (environment):
#   HYDRA_SLURM_CPUS=16        CPUs the node advertises (default 16, or the real count if
#                              higher); more than the real count lets more tiny tasks run at once
#   HYDRA_SLURM_CTLD_PORT=6817 / HYDRA_SLURM_SLURMD_PORT=6818
#   HYDRA_SLURM_MIN_JOB_AGE=3600  seconds finished jobs stay visible to squeue/scontrol
#   HYDRA_SLURM_TIMEOUT=60     seconds to wait for the node to become idle
# Needs root (slurmd starts jobs as the submitting user).
set -euo pipefail

log() { printf '[start-local-slurm] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
DIR=${1:-${HYDRA_SLURM_DIR:-/tmp/hydra-slurm}}
CTLD_PORT=${HYDRA_SLURM_CTLD_PORT:-6817}
SLURMD_PORT=${HYDRA_SLURM_SLURMD_PORT:-6818}
MIN_JOB_AGE=${HYDRA_SLURM_MIN_JOB_AGE:-3600}
TIMEOUT=${HYDRA_SLURM_TIMEOUT:-60}

[ "$(id -u)" -eq 0 ] || die "must run as root (slurmd starts jobs as the submitting user)"
t_start=$(date +%s.%N)
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd -P)
CONF=$DIR/slurm.conf
MUNGE_SOCK=$DIR/munge-run/munge.socket.2

for b in /usr/sbin/munged /usr/bin/munge /usr/bin/unmunge /usr/sbin/mungekey /usr/sbin/slurmctld /usr/sbin/slurmd \
         /usr/bin/sbatch /usr/bin/squeue /usr/bin/scontrol /usr/bin/scancel /usr/bin/sinfo; do
  if [ ! -x "$b" ]; then
    log "$b is missing: installing the SLURM and munge packages (cmake/setup-deps.sh --slurm)"
    "$here/../setup-deps.sh" --slurm || die "installing the SLURM packages failed"
    break
  fi
done
for b in /usr/sbin/munged /usr/sbin/slurmctld /usr/sbin/slurmd /usr/bin/sbatch; do
  [ -x "$b" ] || die "$b still missing after installing the packages"
done

NODE=$(hostname -s)
[ -n "$NODE" ] || die "hostname -s is empty"

# shellcheck source=cmake/slurm/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
node_state() { SLURM_CONF=$CONF timeout 10 sinfo -h -n "$NODE" -o %T 2>/dev/null | head -n1 || true; }
port_listening() {
  local hex; hex=$(printf '%04X' "$1")
  awk -v h=":$hex" 'NR>1 && $4=="0A" && substr($2, length($2)-4)==h {f=1} END{exit !f}' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}
finish() {
  printf 'export SLURM_CONF=%s\n' "$CONF" >"$DIR/env.sh"
  printf 'munged=%s\nslurmctld=%s\nslurmd=%s\n' "$(read_pid munged)" "$(read_pid slurmctld)" "$(read_pid slurmd)" >"$DIR/pids"
  log "$1 in $(awk -v a="$t_start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}') s: node $NODE $(node_state), dir $DIR"
  echo "export SLURM_CONF=$CONF"
}

# ------------------------------------------------------------ already up? --
if [ -f "$CONF" ] && ours munged "$(read_pid munged)" && ours slurmctld "$(read_pid slurmctld)" \
   && ours slurmd "$(read_pid slurmd)"; then
  case $(node_state) in
    idle*|mix*|alloc*|completing*) finish "already up"; exit 0 ;;
    *) log "daemons alive but node state is '$(node_state)': restarting" ;;
  esac
fi

# ------------------------------------------------- leftovers of a run in DIR --
for name in slurmd slurmctld munged; do
  pid=$(read_pid "$name")
  if ours "$name" "$pid"; then
    log "stopping leftover $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$(pidfile_of "$name")"
done
for p in "$CTLD_PORT" "$SLURMD_PORT"; do
  port_listening "$p" && die "TCP port $p is in use (another SLURM?); set HYDRA_SLURM_CTLD_PORT / HYDRA_SLURM_SLURMD_PORT"
done

# ------------------------------------------------------------------ layout --
mkdir -p "$DIR"/{munge,munge-run,state,spool,log,run}
chmod 755 "$DIR" "$DIR/munge-run"  # munged: every dir on the socket's path must be o+x
chmod 700 "$DIR/munge"             # munged: the key dir must not be group/other writable
rm -rf "${DIR:?}/state" "${DIR:?}/spool" "${DIR:?}/log.prev"
mkdir -p "$DIR/state" "$DIR/spool"
mv "$DIR/log" "$DIR/log.prev" && mkdir -p "$DIR/log"

# ------------------------------------------------------------------- munge --
[ -s "$DIR/munge/munge.key" ] || /usr/sbin/mungekey --create --bits=1024 --keyfile="$DIR/munge/munge.key"
chmod 600 "$DIR/munge/munge.key"
/usr/sbin/munged --key-file="$DIR/munge/munge.key" --socket="$MUNGE_SOCK" --pid-file="$DIR/munge-run/munged.pid" \
  --log-file="$DIR/munge/munged.log" --seed-file="$DIR/munge/munged.seed" \
  || { tail -n 5 "$DIR/munge/munged.log" >&2 || true; die "munged failed to start"; }
for _ in $(seq 1 100); do
  munge -n -S "$MUNGE_SOCK" 2>/dev/null | unmunge -S "$MUNGE_SOCK" >/dev/null 2>&1 && break
  sleep 0.05
done
munge -n -S "$MUNGE_SOCK" | unmunge -S "$MUNGE_SOCK" >/dev/null || die "munge round trip failed ($DIR/munge/munged.log)"

# -------------------------------------------------------------- slurm.conf --
hw=$(/usr/sbin/slurmd -C | head -n1)  # NodeName=vm CPUs=2 Boards=1 SocketsPerBoard=1 ... RealMemory=24105
real_cpus=$(sed -n 's/.* CPUs=\([0-9]*\).*/\1/p' <<<"$hw")
real_mem=$(sed -n 's/.* RealMemory=\([0-9]*\).*/\1/p' <<<"$hw")
[ -n "$real_cpus" ] && [ -n "$real_mem" ] || die "cannot parse 'slurmd -C': $hw"
cpus=${HYDRA_SLURM_CPUS:-16}
[ "$cpus" -ge "$real_cpus" ] || cpus=$real_cpus
mem=$(( real_mem * 95 / 100 ))  # over-stated RealMemory leaves the node 'inval'
overrides=""
if [ "$cpus" -gt "$real_cpus" ]; then
  overrides="SlurmdParameters=config_overrides"
  node_hw="CPUs=$cpus Boards=1 SocketsPerBoard=1 CoresPerSocket=$cpus ThreadsPerCore=1"
else
  node_hw=$(sed -e 's/^NodeName=[^ ]* //' -e 's/ RealMemory=.*//' <<<"$hw")  # must match slurmd -C
fi

cat >"$CONF" <<CONF
# Generated by hydra-cpp cmake/slurm/start-local-slurm.sh. Single node, loopback only.
ClusterName=hydracpp
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCK
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/run/slurmctld.pid
SlurmdPidFile=$DIR/run/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$DIR/log/jobcomp.log
MpiDefault=none
MailProg=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
ReturnToService=2
MinJobAge=$MIN_JOB_AGE
MaxArraySize=10001
KillWait=5
$overrides
NodeName=$NODE NodeAddr=127.0.0.1 $node_hw RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
CONF

# ----------------------------------------------------------------- cgroups --
# slurmd 22.05 initialises its cgroup plugin even with proctrack/linuxproc and task/none, and
# stops if /sys/fs/cgroup holds no cgroup file system (a chroot or container without /sys).
# There, give it the smallest cgroup v1 layout it accepts: a tmpfs with the named `systemd`
# hierarchy (an existing hierarchy of this kernel, mounted again; nothing is confined by it).
# The stop script unmounts what is listed in $DIR/mounts.
cgroup_fs=$(stat -f -c %T /sys/fs/cgroup 2>/dev/null || echo none)
if [ "$cgroup_fs" != cgroup2fs ] && [ "$cgroup_fs" != tmpfs ]; then
  log "no cgroup file system at /sys/fs/cgroup ($cgroup_fs): mounting a minimal v1 layout for slurmd"
  mkdir -p /sys/fs/cgroup
  mount -t tmpfs -o mode=755 hydra_slurm_cgroup /sys/fs/cgroup || die "cannot mount a tmpfs at /sys/fs/cgroup"
  mkdir -p /sys/fs/cgroup/systemd
  if ! mount -t cgroup -o none,name=systemd cgroup /sys/fs/cgroup/systemd; then
    umount /sys/fs/cgroup
    die "cannot mount the cgroup v1 'systemd' hierarchy for slurmd (a kernel with cgroup v1 is needed here)"
  fi
  printf '%s\n' /sys/fs/cgroup/systemd /sys/fs/cgroup >"$DIR/mounts"
fi

# ----------------------------------------------------------------- daemons --
export SLURM_CONF=$CONF  # inherited by slurmstepd and the jobs; the stop script finds strays by it
/usr/sbin/slurmctld -f "$CONF" || { tail -n 20 "$DIR/log/slurmctld.log" >&2 || true; die "slurmctld failed to start"; }
/usr/sbin/slurmd -f "$CONF" -N "$NODE" || { tail -n 20 "$DIR/log/slurmd.log" >&2 || true; die "slurmd failed to start"; }
deadline=$(( $(date +%s) + TIMEOUT ))
until [ "$(node_state)" = idle ]; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    SLURM_CONF=$CONF sinfo -R >&2 || true
    tail -n 20 "$DIR/log/slurmctld.log" "$DIR/log/slurmd.log" >&2 || true
    die "node $NODE not idle after ${TIMEOUT} s (state '$(node_state)')"
  fi
  sleep 0.05
done
finish "up"

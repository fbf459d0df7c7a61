# Shared by start-local-slurm.sh and stop-local-slurm.sh (sourced; both set DIR first).

# The pid file of one of our daemons, and its pid ("" if none).
pidfile_of() { case $1 in munged) echo "$DIR/munge-run/munged.pid" ;; *) echo "$DIR/run/$1.pid" ;; esac; }
read_pid() { local f; f=$(pidfile_of "$1"); [ -s "$f" ] && tr -dc '0-9' <"$f" || true; }

# ours NAME PID: PID is alive, runs NAME and its command line names DIR (never someone else's daemon)
ours() {
  local name=$1 pid=$2 cmd
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  case $cmd in *"$name"*"$DIR/"*) return 0 ;; *) return 1 ;; esac
}

#!/bin/sh
# Runs every parity case through hydra-cpp (the parity_corpus tests, ctest label `parity`) and
# prints, per source, how many cases are match / deliberate / differs, which `differs` cases now
# equal Python's recorded outcome, and which `match` cases regressed.
#   tests/parity/refresh-status.sh            # report only
#   tests/parity/refresh-status.sh --flip     # also flip each `differs` case that now matches to
#                                             # `match` (drops its note); review with git diff
#   tests/parity/refresh-status.sh --gaps     # also list every `differs` case with its note
# BUILD_DIR=<dir> picks the build tree (default: <repo>/build; the parity_corpus target must be built).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${BUILD_DIR:-$here/../../build}
flip=no gaps=no
for arg in "$@"; do
  case $arg in
    --flip) flip=yes ;;
    --gaps) gaps=yes ;;
    *) echo "usage: $0 [--flip] [--gaps]" >&2; exit 2 ;;
  esac
done
cmake --build "$build" --target parity_corpus >/dev/null  # picks up added cases
results=$(mktemp)
trap 'rm -f "$results"' EXIT
PARITY_RESULTS=$results ctest --test-dir "$build" -L parity -j"${JOBS:-2}" >/dev/null 2>&1 || true
[ -s "$results" ] || { echo "refresh-status.sh: no results; is parity_corpus built in $build?" >&2; exit 1; }

sort "$results" | awk -F'\t' '
  { n[$2]++; s[$2 "|" $3]++; total++; st[$3]++
    if ($3 == "differs" && $4 == "same") now[++nn] = $1
    if ($3 == "match" && $4 == "differs") reg[++nr] = $1 ": " $5
    src[$2] = 1 }
  END {
    printf "%-16s %6s %6s %10s %8s\n", "source", "cases", "match", "deliberate", "differs"
    for (x in src) printf "%-16s %6d %6d %10d %8d\n", x, n[x], s[x "|match"], s[x "|deliberate"], s[x "|differs"]
    printf "%-16s %6d %6d %10d %8d\n", "all", total, st["match"], st["deliberate"], st["differs"]
    printf "\ndiffers cases that now match Python (%d):\n", nn
    for (i = 1; i <= nn; i++) print "  " now[i]
    printf "match cases that regressed (%d):\n", nr
    for (i = 1; i <= nr; i++) print "  " reg[i]
  }'

if [ $flip = yes ]; then
  awk -F'\t' '$3 == "differs" && $4 == "same" { print $1 }' "$results" | while read -r name; do
    sed -i -e 's/^status: differs$/status: match/' -e '/^note:/d' "$here/cases/$name/case.yaml"
    echo "flipped $name to match"
  done
fi
if [ $gaps = yes ]; then
  echo; echo "differs cases and their notes:"
  for f in "$here"/cases/*/case.yaml; do
    grep -q '^status: differs$' "$f" || continue
    printf '  %s: %s\n' "$(basename "$(dirname "$f")")" "$(sed -n 's/^note: //p' "$f")"
  done
fi

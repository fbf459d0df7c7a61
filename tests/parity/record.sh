#!/bin/sh
# Records Python Hydra 1.3.5's outcome of the parity cases (all, or the named ones) into
# cases/<case>/python/. Needs Python Hydra 1.3.5 (default /tmp/hydra-src; HYDRA_SRC=<dir> to
# change) and Debian's python3-omegaconf 2.2.2. Not run by CI: the suite compares against the
# recorded files. Review `git diff tests/parity/cases` after recording.
#   tests/parity/record.sh                 # every case
#   tests/parity/record.sh lht_debug_fdr   # selected cases
set -eu
here=$(cd "$(dirname "$0")" && pwd)
HYDRA_SRC=${HYDRA_SRC:-/tmp/hydra-src}
[ -f "$HYDRA_SRC/hydra/__init__.py" ] || { echo "record.sh: no Python Hydra at $HYDRA_SRC (set HYDRA_SRC)" >&2; exit 1; }
PYTHONPATH="$HYDRA_SRC" exec /usr/bin/python3 "$here/record.py" "$@"

#!/bin/sh
# Runs a command under valgrind memcheck in a fresh scratch dir: exit 99 on any memory error or
# definite leak (children followed, for launchers that exec), 77 (ctest: skipped) without valgrind.
# usage: memcheck.sh <scratch dir> <suppressions file> <command> [args...]
set -eu
scratch=$1 suppressions=$2
shift 2
if ! command -v valgrind >/dev/null 2>&1; then
  echo "valgrind is not installed (apt-get install valgrind): skipping the memcheck test"
  exit 77
fi
rm -rf "$scratch"
mkdir -p "$scratch"
cd "$scratch"
exec valgrind --tool=memcheck --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
  --trace-children=yes --suppressions="$suppressions" --quiet "$@"

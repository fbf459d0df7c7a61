#!/usr/bin/env bash
# Long fuzzing runs (the issue's `scripts/fuzz`), from any directory:
#   tests/fuzz/fuzz.sh <yaml|overrides|interpolation|all> <seconds> [jobs]
# Builds the Clang fuzz build in $HYDRA_FUZZ_BUILD_DIR (default: <repo>/build-fuzz), keeps a
# growing corpus per target there across runs, and stops a target at its first failure.
# [jobs] > 1 runs libFuzzer's fork mode with that many processes.
set -euo pipefail
source "$(dirname "$0")/common.sh"

if (($# < 2 || $# > 3)) || ! [[ $2 =~ ^[0-9]+$ ]]; then
  echo "usage: $0 <${fuzz_targets[*]// /|}|all> <seconds> [jobs]" >&2
  exit 2
fi
if [[ $1 == all ]]; then
  targets=("${fuzz_targets[@]}")
elif is_fuzz_target "$1"; then
  targets=("$1")
else
  echo "unknown target '$1': use one of ${fuzz_targets[*]} or all" >&2
  exit 2
fi
seconds=$2
jobs=${3:-1}
build_dir=${HYDRA_FUZZ_BUILD_DIR:-${repo_root}/build-fuzz}
mkdir -p "${build_dir}"
build_dir=$(cd "${build_dir}" && pwd)

configure_and_build "${build_dir}"

status=0
for target in "${targets[@]}"; do
  corpus="${build_dir}/fuzz-corpus/${target}"
  artifacts="${build_dir}/fuzz-artifacts/${target}"
  log="${build_dir}/fuzz-logs/${target}-$(date -u +%Y%m%dT%H%M%SZ).log"
  mkdir -p "$(dirname "${log}")"
  extra=()
  if ((jobs > 1)); then extra=(-fork="${jobs}"); fi
  echo "=== fuzzing ${target} for ${seconds} s (${jobs} job(s)); log: ${log}; crashes land in ${artifacts}/"
  start=$(date +%s)
  since="${build_dir}/fuzz-logs/.${target}-started"
  touch "${since}"
  rc=0
  (cd "${build_dir}" && run_fuzzer "${build_dir}" "${target}" "${corpus}" "${artifacts}" "${seconds}" \
     "${extra[@]}") >"${log}" 2>&1 || rc=$?
  elapsed=$(($(date +%s) - start))
  execs=$(grep -oE '^stat::number_of_executed_units: [0-9]+' "${log}" | awk '{s+=$2} END {print s+0}')
  # One line per run: the running total of fuzzing time per target is the sum of this file.
  printf '%s\t%s\t%ss\t%s execs\texit %s\n' "$(date -u +%FT%TZ)" "${target}" "${elapsed}" "${execs}" "${rc}" \
    >>"${build_dir}/fuzz-history.tsv"
  if ((rc != 0)); then
    status=1
    tail -n 40 "${log}"
    report_artifacts "${target}" "${artifacts}" "${since}"
  else
    echo "${target}: nothing found in ${elapsed} s (${execs} inputs); corpus: ${corpus}"
  fi
done
echo "history of runs: ${build_dir}/fuzz-history.tsv"
exit "${status}"

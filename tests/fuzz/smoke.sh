#!/usr/bin/env bash
# CI smoke: builds the libFuzzer targets with Clang and runs each for 60 s from its seeds.
# Fails on any crash, leak, hang (>5 s per input) or runaway memory and prints the input's path.
#   tests/fuzz/smoke.sh <build-dir>
set -euo pipefail
source "$(dirname "$0")/common.sh"

if (($# != 1)); then
  echo "usage: $0 <build-dir>" >&2
  exit 2
fi
build_dir=$(mkdir -p "$1" && cd "$1" && pwd)
seconds=${HYDRA_FUZZ_SMOKE_SECONDS:-60}

configure_and_build "${build_dir}"

failed=()
for target in "${fuzz_targets[@]}"; do
  work="${build_dir}/fuzz-smoke/${target}"
  rm -rf "${work}"  # a fresh corpus each time: the smoke starts from the seeds alone
  mkdir -p "${work}"
  echo "=== fuzz smoke: ${target}, ${seconds} s ==="
  if ! run_fuzzer "${build_dir}" "${target}" "${work}/corpus" "${work}/artifacts" "${seconds}" \
         >"${work}.log" 2>&1; then
    failed+=("${target}")
    tail -n 60 "${work}.log"
    report_artifacts "${target}" "${work}/artifacts"
  fi
  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)' "${work}.log" || true
done

if ((${#failed[@]})); then
  echo "fuzz smoke FAILED: ${failed[*]} (full logs: ${build_dir}/fuzz-smoke/<target>.log)" >&2
  exit 1
fi
echo "fuzz smoke passed: ${fuzz_targets[*]}, ${seconds} s each"

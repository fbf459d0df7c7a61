#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what is missing, builds and tests the Release
# preset (incl. the bad-input corpus and the valgrind memcheck runs), builds and tests again under
# ASan+UBSan, then builds the libFuzzer targets with Clang and runs each for 60 s.
# Exit code: 0 only if every step passes.
set -euo pipefail
cd "$(dirname "$0")/.."

cmake/setup-deps.sh --tests

# The SLURM launcher tests (ctest label `slurm`) run against a real single-node cluster on
# localhost, found through SLURM_CONF; it is stopped whatever happens.
slurm_dir=${HYDRA_SLURM_DIR:-/tmp/hydra-slurm}
trap 'cmake/slurm/stop-local-slurm.sh "${slurm_dir}"' EXIT
cmake/slurm/start-local-slurm.sh "${slurm_dir}" >/dev/null
source "${slurm_dir}/env.sh"

for preset in default asan; do
  echo "=== preset ${preset}: configure, build, test ==="
  cmake --preset "${preset}" >/dev/null
  cmake --build --preset "${preset}"
  ctest --preset "${preset}"
done

echo "=== libFuzzer smoke (clang-14, ASan+UBSan): yaml, overrides, interpolation ==="
tests/fuzz/smoke.sh build-fuzz

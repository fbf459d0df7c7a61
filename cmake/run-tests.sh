#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what is missing, builds and tests the Release
# preset, then builds and tests again under ASan+UBSan. Exit code: 0 only if both pass.
set -euo pipefail
cd "$(dirname "$0")/.."

cmake/setup-deps.sh

for preset in default asan; do
  echo "=== preset ${preset}: configure, build, test ==="
  cmake --preset "${preset}" >/dev/null
  cmake --build --preset "${preset}"
  ctest --preset "${preset}"
done

#!/usr/bin/env bash
# Installs the Debian 12 packages hydra-cpp needs, only those missing. Idempotent.
# Usage: cmake/setup-deps.sh [--slurm | --tests]   (run as root, or via sudo)
#   (none)    what the default preset needs to configure and build (README command 1)
#   --slurm   and a local SLURM cluster (cmake/slurm/start-local-slurm.sh)
#   --tests   everything the whole test run needs (README command 2, cmake/run-tests.sh): the
#             SLURM cluster, clang for the libFuzzer smoke, valgrind, PyYAML
set -euo pipefail

mode=${1:-}
case "$mode" in
  ""|--slurm|--tests) ;;
  *) echo "usage: cmake/setup-deps.sh [--slurm | --tests]" >&2; exit 2 ;;
esac

packages=(g++ cmake make ccache pkg-config libboost-dev libyaml-cpp-dev libspdlog-dev libfmt-dev
          libgtest-dev libgmock-dev libbenchmark-dev git ca-certificates)
[[ "$mode" == --slurm || "$mode" == --tests ]] && packages+=(slurm-wlm munge)
# python3-yaml: the integration test that reads every written YAML file back with PyYAML.
[[ "$mode" == --tests ]] && packages+=(clang-14 libclang-rt-14-dev valgrind time python3-yaml)

# munge (SLURM's authentication) refuses a socket path that is not searchable by all, and its
# postinst runs as the munge user: a root made with `mktemp -d` (mode 0700) breaks both. Such a
# root is unusable for any non-root user anyway, so make it searchable and say so.
if [[ "$mode" == --slurm || "$mode" == --tests ]] && [[ $(id -u) -eq 0 && ! $(stat -c %A /) =~ ^d..x..x..x ]]; then
  echo "setup-deps: / has mode $(stat -c %a /); munge needs it searchable by all: chmod go+x /" >&2
  chmod go+x /
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "setup-deps: installing ${missing[*]}" >&2

sudo_cmd=()
[[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
# A fresh Debian root has no package lists; update once, then install.
if ! "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

#!/usr/bin/env bash
# Installs the Debian 12 packages hydra-cpp needs, only those missing. Idempotent.
# Usage: cmake/setup-deps.sh [--slurm]   (run as root, or via sudo); --slurm adds what the whole
# test run needs (a local SLURM cluster, PyYAML)
set -euo pipefail

packages=(g++ cmake make ccache pkg-config libboost-dev libyaml-cpp-dev libspdlog-dev libfmt-dev
          libgtest-dev libgmock-dev libbenchmark-dev git ca-certificates
          clang-14 libclang-rt-14-dev valgrind time)
if [[ "${1:-}" == "--slurm" ]]; then
  # python3-yaml: the integration test that reads every written YAML file back with PyYAML.
  packages+=(slurm-wlm munge python3-yaml)
fi

# munge (SLURM's authentication) refuses a socket path that is not searchable by all, and its
# postinst runs as the munge user: a root made with `mktemp -d` (mode 0700) breaks both. Such a
# root is unusable for any non-root user anyway, so make it searchable and say so.
if [[ "${1:-}" == "--slurm" && $(id -u) -eq 0 && ! $(stat -c %A /) =~ ^d..x..x..x ]]; then
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

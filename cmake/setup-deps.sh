#!/usr/bin/env bash
# Installs the Debian 12 packages hydra-cpp needs, only those missing. Idempotent.
# Usage: scripts/setup-deps.sh [--slurm]   (run as root, or via sudo)
set -euo pipefail

packages=(g++ cmake make ccache pkg-config libboost-dev libyaml-cpp-dev libspdlog-dev libfmt-dev
          libgtest-dev libgmock-dev libbenchmark-dev git ca-certificates)
if [[ "${1:-}" == "--slurm" ]]; then
  packages+=(slurm-wlm munge)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "setup-deps: installing ${missing[*]}" >&2
# Package scripts that drop privileges (munge's postinst runs `su munge`) fail when `/` is not
# searchable by other users, as in a root made with `mktemp -d` (mode 0700). Such a root is
# unusable for any non-root user anyway: make it searchable, say so.
if [[ $(id -u) -eq 0 && ! $(stat -c %A /) =~ ^d.......x ]]; then
  echo "setup-deps: / is not searchable by other users (mode $(stat -c %a /)); chmod o+x / so package scripts can run" >&2
  chmod o+x /
fi
sudo_cmd=()
[[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
# A fresh Debian root has no package lists; update once, then install.
if ! "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

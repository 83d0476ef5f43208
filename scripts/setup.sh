#!/usr/bin/env bash
# Installs what flank needs on Debian 12, idempotently: only missing packages are fetched.
set -euo pipefail
PKGS=(build-essential cmake ninja-build ccache pkg-config clang clang-format libclang-rt-14-dev
  libyaml-cpp-dev libcli11-dev libfmt-dev libtbb-dev librandom123-dev libgeographiclib-dev
  libsqlite3-dev sqlite3 libopenmpi-dev openmpi-bin libgtest-dev libgmock-dev libbenchmark-dev
  libcpp-httplib-dev nlohmann-json3-dev libglpk-dev wrk
  python3-dev python3-pybind11 python3-numpy python3-pandas python3-matplotlib python3-nbclient
  python3-nbformat python3-ipykernel)
if [[ "${FLANK_WITH_BROWSER:-0}" == 1 ]]; then
  PKGS+=(chromium)
  command -v npm >/dev/null || PKGS+=(nodejs npm)
fi
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

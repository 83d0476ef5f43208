#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors and runs every test.
# FLANK_SANITIZE=1 adds a second build with ASan+UBSan running the same tests.
set -euo pipefail
cd "$(dirname "$0")/.."
FLANK_WITH_BROWSER=1 bash scripts/setup.sh
JOBS=${JOBS:-$(nproc)}

bash scripts/check-format.sh

cmake -S . -B build/ci -G Ninja -DCMAKE_BUILD_TYPE=Release -DFLANK_WERROR=ON
cmake --build build/ci -j "$JOBS"
ctest --test-dir build/ci --output-on-failure -j "$JOBS"

if [[ "${FLANK_SANITIZE:-0}" == 1 ]]; then
  cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DFLANK_WERROR=ON \
    -DFLANK_SANITIZE=ON -DFLANK_BENCH=OFF -DFLANK_WEB=OFF
  cmake --build build/asan -j "$JOBS"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build/asan --output-on-failure -j "$JOBS" -LE "slow|browser|mpi"
fi

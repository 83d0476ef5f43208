#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors and runs every test.
# FLANK_SANITIZE=1 adds a second build with ASan+UBSan running the same tests.
set -euo pipefail
cd "$(dirname "$0")/.."
FLANK_WITH_BROWSER=1 bash scripts/setup.sh
JOBS=${JOBS:-$(nproc)}

bash scripts/check-format.sh
# The viewer's ESLint + Stylelint (web/package.json "lint"). lint.mjs runs `npm ci` only when
# web/node_modules does not match the lock file, the same check the CMake viewer build makes,
# so the build below installs nothing again.
if command -v node >/dev/null && command -v npm >/dev/null; then
  node web/scripts/lint.mjs
fi

cmake -S . -B build/ci -G Ninja -DCMAKE_BUILD_TYPE=Release -DFLANK_WERROR=ON
cmake --build build/ci -j "$JOBS"
ctest --test-dir build/ci --output-on-failure -j "$JOBS"

if [[ "${FLANK_SANITIZE:-0}" == 1 ]]; then
  # One clang build serves both the ASan+UBSan test run and the libFuzzer targets (fuzz/).
  # RelWithDebInfo: sanitizers at -O2 keep the test run short; the stack traces stay usable.
  if [[ -f build/asan/CMakeCache.txt ]] && ! grep -q "CMAKE_CXX_COMPILER:.*clang" build/asan/CMakeCache.txt; then
    rm -rf build/asan  # configured by an older script with gcc; the compiler cannot change in place
  fi
  CC=clang CXX=clang++ cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DFLANK_WERROR=ON -DFLANK_SANITIZE=ON -DFLANK_FUZZ=ON -DFLANK_BENCH=OFF -DFLANK_WEB=OFF
  cmake --build build/asan -j "$JOBS"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build/asan --output-on-failure -j "$JOBS" -LE "slow|browser|mpi"
  # Each fuzzer for a bounded time (FLANK_FUZZ_SECONDS, default 30) on its seed corpus.
  FLANK_FUZZ_BUILD=build/asan JOBS="$JOBS" bash scripts/fuzz.sh "${FLANK_FUZZ_SECONDS:-30}"
fi

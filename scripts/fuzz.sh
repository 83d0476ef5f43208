#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan+fuzzer) and runs each one for a bounded
# time on a scratch copy of its seed corpus (fuzz/corpus/<target>/ is never modified).
#   scripts/fuzz.sh [SECONDS=30] [TARGET...]
# FLANK_FUZZ_BUILD names the build folder (default build/asan, the sanitizer build of
# scripts/test.sh, so CI compiles once for both). Exits 1 if any target finds a crash, a leak,
# a timeout or a sanitizer report; the reproducer is left in <build>/fuzz-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${1:-30}
shift || true
BUILD=${FLANK_FUZZ_BUILD:-build/asan}
JOBS=${JOBS:-2}
TARGETS=("$@")
if ((${#TARGETS[@]} == 0)); then
  for f in fuzz/fuzz_*.cpp; do TARGETS+=("$(basename "${f%.cpp}")"); done
fi

if [[ ! -f "$BUILD/CMakeCache.txt" ]] || ! grep -q "FLANK_FUZZ:BOOL=ON" "$BUILD/CMakeCache.txt"; then
  CC=clang CXX=clang++ cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DFLANK_WERROR=ON -DFLANK_SANITIZE=ON -DFLANK_FUZZ=ON -DFLANK_BENCH=OFF -DFLANK_WEB=OFF
fi
cmake --build "$BUILD" -j "$JOBS" --target "${TARGETS[@]}"

artifacts="$BUILD/fuzz-artifacts"
mkdir -p "$artifacts"
failed=()
for target in "${TARGETS[@]}"; do
  name=${target#fuzz_}
  work=$(mktemp -d)
  [[ -d "fuzz/corpus/$name" ]] && cp -r "fuzz/corpus/$name/." "$work/"
  dict=()
  [[ -f "fuzz/$name.dict" ]] && dict=(-dict="fuzz/$name.dict")
  echo "fuzz: $target for ${SECONDS_PER_TARGET}s"
  # -timeout: one input taking longer than 10 s is a hang; -rss_limit_mb: a memory bomb.
  # The outer timeout guards against the fuzzer itself hanging at exit.
  if timeout --kill-after=10 $((SECONDS_PER_TARGET + 60)) \
      "$BUILD/fuzz/$target" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 \
      -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 "${dict[@]}" \
      -artifact_prefix="$artifacts/$target-" "$work" >"$artifacts/$target.log" 2>&1; then
    grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)" "$artifacts/$target.log" || true
  else
    echo "fuzz: $target FAILED; log: $artifacts/$target.log" >&2
    grep -E "ERROR|SUMMARY|threw|escaped|invalid JSON|bad HTTP" "$artifacts/$target.log" | head -20 >&2 || true
    failed+=("$target")
  fi
  rm -rf "$work"
done
if ((${#failed[@]})); then
  echo "fuzz: crashes in ${failed[*]}; reproducers in $artifacts/ (add each as a regression test)" >&2
  exit 1
fi
echo "fuzz: all ${#TARGETS[@]} targets ran ${SECONDS_PER_TARGET}s without a finding"

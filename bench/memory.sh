#!/usr/bin/env bash
# Peak resident memory of `flank run` on the built-in scenario (GNU time -v), for 1,000 and
# 100,000 replications: the runner's memory must not grow with the replication count.
# Usage: bench/memory.sh [path/to/flank]   (default build/release/flank)
set -euo pipefail
cd "$(dirname "$0")/.."
FLANK=${1:-build/release/flank}
[[ -x "$FLANK" ]] || { echo "no flank binary at $FLANK (make build, or pass its path)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "needs GNU time: apt-get install time" >&2; exit 1; }
json=$(mktemp)
trap 'rm -f "$json"' EXIT
for n in 1000 100000; do
  out=$( { /usr/bin/time -v "$FLANK" run -n "$n" --quiet --json "$json"; } 2>&1 )
  rss=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' <<<"$out")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' <<<"$out")
  awk -v n="$n" -v kb="$rss" -v w="$wall" 'BEGIN { printf "replications %7d  peak RSS %7.1f MB  wall %s\n", n, kb / 1024, w }'
done

#!/usr/bin/env bash
# Load test of `flank serve` with wrk, on 127.0.0.1 only, bounded in time and connections.
#   scripts/loadtest.sh [SECONDS=10] [CONNECTIONS=32]
# FLANK (default build/release/flank) names the binary. Starts its own server on a free
# loopback port with a fresh results store, runs four workloads and prints, per workload,
# requests/s, p50 and p99 latency and errors (socket errors and unexpected statuses).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-10}
CONNECTIONS=${2:-32}
FLANK=${FLANK:-build/release/flank}
((SECONDS_PER_RUN <= 60)) || { echo "loadtest: at most 60 s per workload" >&2; exit 2; }
((CONNECTIONS <= 256)) || { echo "loadtest: at most 256 connections" >&2; exit 2; }
command -v wrk >/dev/null || { echo "loadtest: wrk is not installed (scripts/setup.sh)" >&2; exit 1; }
[[ -x "$FLANK" ]] || { echo "loadtest: no binary at $FLANK (set FLANK=...)" >&2; exit 1; }

work=$(mktemp -d)
server=""
cleanup() {
  [[ -n "$server" ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

"$FLANK" serve --host 127.0.0.1 --port 0 --threads 1 >"$work/serve.out" 2>"$work/serve.err" &
server=$!
port=""
for _ in $(seq 200); do
  port=$(sed -nE 's|.*listening on http://127\.0\.0\.1:([0-9]+)/.*|\1|p' "$work/serve.out")
  [[ -n "$port" ]] && break
  sleep 0.05
done
[[ -n "$port" ]] || { echo "loadtest: server did not start" >&2; cat "$work/serve.err" >&2; exit 1; }
base="http://127.0.0.1:$port"

# One finished run whose summary the status workload fetches.
curl -sf -X POST -H 'Content-Type: application/json' \
  -d '{"scenario":"eastern-flank-2023","n":200,"seed":1}' "$base/api/runs" >"$work/run.json"
run_id=$(sed -nE 's/.*"id":"([^"]+)".*/\1/p' "$work/run.json")
for _ in $(seq 600); do
  curl -sf "$base/api/runs/$run_id" | grep -q '"status":"done"' && break
  sleep 0.1
done

cat >"$work/post.lua" <<'LUA'
-- Starts small runs; past 20 run requests/s, or 2 running and 8 queued, the server answers
-- 429, the expected back-pressure, so 202 and 429 both count as correct here.
wrk.method = "POST"
wrk.body = '{"scenario":"test-duel","n":10,"seed":3}'
wrk.headers["Content-Type"] = "application/json"
local accepted, refused, other = 0, 0, 0
response = function(status)
  if status == 202 then accepted = accepted + 1
  elseif status == 429 then refused = refused + 1
  else other = other + 1 end
end
LUA
cat >"$work/bad.lua" <<'LUA'
-- Invalid requests (unknown unit): a quick 400 each, or 429 past 20 run requests/s.
wrk.method = "POST"
wrk.body = '{"scenario":"eastern-flank-2023","n":10,"overrides":["units[nope].cev=1"]}'
wrk.headers["Content-Type"] = "application/json"
LUA

printf '%-34s %10s %10s %10s %8s %8s\n' workload "req/s" "p50" "p99" "non-2xx" "sockerr"
measure() {  # name, expected non-2xx ("none" or "any"), wrk args...
  local name=$1 expect=$2
  shift 2
  wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --timeout 10s --latency "$@" >"$work/wrk.txt" 2>&1
  local rps p50 p99 non2xx sockerr
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$work/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$work/wrk.txt")
  sockerr=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$work/wrk.txt")
  printf '%-34s %10s %10s %10s %8s %8s\n' "$name" "$rps" "$p50" "$p99" "${non2xx:-0}" "${sockerr:-0}"
  if [[ "$expect" == none && -n "$non2xx" ]]; then
    echo "loadtest: $name had $non2xx unexpected non-2xx answers" >&2
    failures=$((failures + 1))
  fi
}
failures=0
measure "GET /api/scenarios" none "$base/api/scenarios"
measure "GET /api/runs/{id} (summary)" none "$base/api/runs/$run_id"
measure "POST /api/runs (202 or 429)" any -s "$work/post.lua" "$base/api/runs"
measure "POST /api/runs invalid (400/429)" any -s "$work/bad.lua" "$base/api/runs"

# The server must still be healthy after the load.
curl -sf "$base/api/scenarios" >/dev/null || { echo "loadtest: server unhealthy after load" >&2; exit 1; }
kill -TERM "$server"
if ! timeout 30 tail --pid="$server" -f /dev/null; then
  echo "loadtest: server did not stop within 30 s of SIGTERM" >&2
  exit 1
fi
wait "$server" 2>/dev/null || true
server=""
grep -E "ERROR|Sanitizer" "$work/serve.err" && exit 1
((failures == 0))

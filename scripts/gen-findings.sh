#!/usr/bin/env bash
# Runs every study in scenarios/designs/ with modest replication counts into one results store
# and regenerates docs/findings.md from it. Resumable: re-running continues unfinished sweeps.
#   scripts/gen-findings.sh [BUILD_DIR] [STORE]
# Environment: THREADS (default: all cores), N_VARIANTS, N_DELAY, N_SENSITIVITY, N_PLAN, N_GAME.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build/analysis}
STORE=${2:-build/findings.db}
FLANK="$BUILD/flank"
THREADS=${THREADS:-0}
[[ -x "$FLANK" ]] || { echo "gen-findings: build flank first ($FLANK)" >&2; exit 1; }

sweep() {  # design, replications
  "$FLANK" sweep --design "scenarios/designs/$1.yaml" --store "$STORE" -n "$2" \
    --threads "$THREADS" --resume
}
time sweep variants "${N_VARIANTS:-1000}"
time sweep decision-delay "${N_DELAY:-500}"
time sweep sensitivity "${N_SENSITIVITY:-200}"
time "$FLANK" plan --candidates scenarios/designs/posture-candidates.yaml --store "$STORE" \
  -n "${N_PLAN:-200}" --threads "$THREADS"
# Red picks its plan: the game for two payoffs, and the planner against Red's best response.
time "$FLANK" game --plans builtin:red-plans --store "$STORE" -n "${N_GAME:-200}" \
  --threads "$THREADS" -q
time "$FLANK" game --plans builtin:red-plans --payoff p:suwalki-corridor --store "$STORE" \
  -n "${N_GAME:-200}" --threads "$THREADS" -q
time "$FLANK" plan --candidates scenarios/designs/posture-candidates.yaml \
  --adversary builtin:red-plans --store "$STORE" -n "${N_PLAN:-200}" --threads "$THREADS" -q
"$FLANK" findings --store "$STORE" --label "$(basename "$STORE") from scripts/gen-findings.sh" \
  -o docs/findings.md
echo "gen-findings: docs/findings.md written from $STORE"

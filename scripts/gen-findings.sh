#!/usr/bin/env bash
# Runs every study in scenarios/designs/ with modest replication counts into one results store
# and regenerates docs/findings.md from it (docs/findings.template.md holds the hand-written
# text). Resumable: re-running continues unfinished sweeps and games.
#   scripts/gen-findings.sh [BUILD_DIR] [STORE]
# Environment: THREADS (default: all cores), N_VARIANTS, N_DELAY, N_SENSITIVITY, N_PLAN, N_GAME,
# N_GAME_POSTURES.
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
# Red picks its plan: the game for two payoffs, the planner's two answers against every plan,
# and the planner against Red's best response for each target. Games resume like sweeps.
game() {  # replications, flank game arguments...
  local n=$1
  shift
  "$FLANK" game "$@" --store "$STORE" -n "$n" --threads "$THREADS" --resume -q
}
time game "${N_GAME:-200}" --plans builtin:red-plans
time game "${N_GAME:-200}" --plans builtin:red-plans --payoff p:suwalki-corridor
time game "${N_GAME_POSTURES:-400}" --plans builtin:red-plans-postures
for target in "p:vilnius<=0.10" "p:suwalki-corridor<=0.10"; do
  time "$FLANK" plan --candidates scenarios/designs/posture-candidates.yaml \
    --adversary builtin:red-plans --target "$target" --store "$STORE" -n "${N_PLAN:-200}" \
    --threads "$THREADS" -q
done
# The prose lives in docs/findings.template.md; the studies are filled in where it names them.
"$FLANK" findings --store "$STORE" --label "$(basename "$STORE") from scripts/gen-findings.sh" \
  --template docs/findings.template.md -o docs/findings.md
echo "gen-findings: docs/findings.md written from $STORE"

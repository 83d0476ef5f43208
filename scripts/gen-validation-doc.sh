#!/usr/bin/env bash
# Regenerates the result tables in docs/validation.md from the flank binary: every block
# between "<!-- BEGIN name -->" and "<!-- END name -->" is replaced by the command's output.
# Usage: scripts/gen-validation-doc.sh [path/to/flank]   (default: $FLANK, then build/*/flank)
set -euo pipefail
cd "$(dirname "$0")/.."
FLANK=${1:-${FLANK:-}}
if [[ -z "$FLANK" ]]; then
  for candidate in build/ci/flank build/combat/flank build/dev/flank; do
    [[ -x "$candidate" ]] && FLANK=$candidate && break
  done
fi
[[ -x "$FLANK" ]] || { echo "no flank binary found; pass its path" >&2; exit 1; }
DOC=docs/validation.md
CDB90=data/history/cdb90/cdb90_battles_flat.csv
ARDENNES=data/history/ardennes_daily_wiper2000.csv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$FLANK" fit "$ARDENNES" --markdown >"$tmp/fit-ardennes"
"$FLANK" fit "$ARDENNES" --phase-column german_offensive_phase --markdown >"$tmp/fit-ardennes-phase"
"$FLANK" validate battles "$CDB90" --format cdb90 --refit --folds 10 --seed 1 --markdown \
  >"$tmp/validate-cdb90-refit"
"$FLANK" validate battles "$CDB90" --format cdb90 --markdown >"$tmp/validate-cdb90-shipped"

# Which CDB90 judgements the CEV may use: out-of-sample results for each choice.
{
  echo "| CEV factors used | accuracy | Brier | log-loss |"
  echo "|---|---|---|---|"
  for factors in none cea cea,leada cea,intela cea,morala \
    cea,leada,trnga,morala,logsa,intela,techa \
    cea,leada,trnga,morala,logsa,intela,techa,momnta,inita; do
    "$FLANK" validate battles "$CDB90" --format cdb90 --refit --folds 10 --seed 1 \
      --factors "$factors" --json |
      python3 -c 'import json,sys; j=json.load(sys.stdin); w=j["winner"]; print("| %s | %.1f %% | %.3f | %.3f |" % (sys.argv[1], 100*w["accuracy"], w["brier"], w["log_loss"]))' "$factors"
  done
} >"$tmp/validate-cdb90-ablation"

{
  echo '```yaml'
  cat data/calibration/dupuy.yaml
  echo '```'
} >"$tmp/calibration"

python3 - "$DOC" "$tmp" <<'PY'
import os, re, sys
doc, tmp = sys.argv[1], sys.argv[2]
text = open(doc).read()
for name in sorted(os.listdir(tmp)):
    block = open(os.path.join(tmp, name)).read().rstrip("\n")
    pattern = re.compile(r"(<!-- BEGIN %s -->\n).*?(<!-- END %s -->)" % (re.escape(name), re.escape(name)), re.S)
    if not pattern.search(text):
        sys.exit("marker %s missing in %s" % (name, doc))
    text = pattern.sub(lambda m: m.group(1) + block + "\n" + m.group(2), text)
open(doc, "w").write(text)
PY
echo "updated $DOC"

#!/usr/bin/env bash
# Issue 21's acceptance check, without Slurm: each experiment split into 3 shards, run one after another and then
# concurrently (each into its own folder), merged with --report-only, must give the report of one unsharded run
# (summary.json rows and table CSVs equal except times: test/cluster/compare-reports.ts).
#   bash test/cluster/shard-equality.sh [EXPERIMENT...]      (default: table4 ablation-samples; ~25-40 min here)
# Environment: TA_ARGS (default --quick); TA_REFERENCE=DIR takes the unsharded reports from DIR/EXPERIMENT
# instead of running them; TA_WORK=DIR keeps everything in DIR (default: a temporary folder, removed on success).
set -uo pipefail
cd "$(dirname "$0")/../.."
read -r -a ARGS <<<"${TA_ARGS:---quick}"
EXPERIMENTS=("$@")
[ "${#EXPERIMENTS[@]}" -gt 0 ] || EXPERIMENTS=(table4 ablation-samples)
WORK=${TA_WORK:-$(mktemp -d /tmp/ta-shards.XXXXXX)}
T0=$(date +%s)
say() { printf '[shard-equality %4ss] %s\n' "$(($(date +%s) - T0))" "$*"; }
ta() { nice -n 10 node bin/traceanomaly.mjs experiment "$@"; }
failed=0
for exp in "${EXPERIMENTS[@]}"; do
  ref=${TA_REFERENCE:+$TA_REFERENCE/$exp}
  if [ -z "$ref" ]; then
    t=$(date +%s)
    ta "$exp" "${ARGS[@]}" --out "$WORK/one" >"$WORK/$exp-one.log" 2>&1 || { say "$exp: the unsharded run failed ($WORK/$exp-one.log)"; failed=1; continue; }
    ref="$WORK/one/$exp"
    say "$exp: unsharded run in $(($(date +%s) - t)) s"
  fi
  t=$(date +%s)
  for i in 1 2 3; do ta "$exp" "${ARGS[@]}" --out "$WORK/seq" --shard "$i/3" >"$WORK/$exp-seq-$i.log" 2>&1 || { say "$exp: shard $i/3 failed"; failed=1; }; done
  say "$exp: 3 shards one after another in $(($(date +%s) - t)) s"
  t=$(date +%s)
  pids=()
  for i in 1 2 3; do ta "$exp" "${ARGS[@]}" --out "$WORK/par" --shard "$i/3" >"$WORK/$exp-par-$i.log" 2>&1 & pids+=($!); done
  for pid in "${pids[@]}"; do wait "$pid" || { say "$exp: a concurrent shard failed"; failed=1; }; done
  say "$exp: 3 shards at once in $(($(date +%s) - t)) s"
  for mode in seq par; do
    ta "$exp" "${ARGS[@]}" --out "$WORK/$mode" --report-only >"$WORK/$exp-$mode-merge.log" 2>&1 || { say "$exp ($mode): the merge failed ($WORK/$exp-$mode-merge.log)"; failed=1; continue; }
    npx tsx test/cluster/compare-reports.ts "$ref" "$WORK/$mode/$exp" || failed=1
  done
done
if [ "$failed" -eq 0 ]; then
  say "passed: ${EXPERIMENTS[*]}"
  [ -z "${TA_WORK:-}" ] && rm -rf "$WORK"
else
  say "FAILED (logs in $WORK)"
fi
exit "$failed"

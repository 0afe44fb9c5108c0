#!/usr/bin/env bash
# npm run test:slurm: runs an experiment under a real Slurm, as a job array of 3 shards plus the dependent merge job
# that `traceanomaly experiment --slurm --submit` submits, and checks that the merged report equals one unsharded
# run's (times aside). It installs Slurm and munge from Debian's packages when they are absent (apt-get, as root),
# starts a single-node cluster of its own (munged, slurmctld, slurmd on free ports, every file in a temporary
# folder, the packages' munge key), and stops the daemons it started, by their pids, whatever happens.
# Environment: TA_SLURM_EXPERIMENT (default demo), TA_SLURM_ARGS (default "--quick --seeds 1-3"), TA_SLURM_KEEP=1
# keeps the temporary folder. See docs/cluster.md.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
EXPERIMENT=${TA_SLURM_EXPERIMENT:-demo}
read -r -a ARGS <<<"${TA_SLURM_ARGS:---quick --seeds 1-3}"
T0=$(date +%s)
say() { printf '[test:slurm %3ss] %s\n' "$(($(date +%s) - T0))" "$*"; }
fail() { say "FAILED: $*"; exit 1; }

# --- Slurm and munge ------------------------------------------------------------------------------------------
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  [ "$(id -u)" -eq 0 ] || fail "Slurm is not installed and installing it needs root (apt-get install slurm-wlm munge)"
  say "installing slurm-wlm and munge (apt-get)"
  # packages must not start services: this script starts its own daemons and knows their pids
  policy_made=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && policy_made=1; fi
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge; } >/tmp/ta-slurm-apt.log 2>&1
  status=$?
  [ "$policy_made" -eq 1 ] && rm -f /usr/sbin/policy-rc.d
  [ "$status" -eq 0 ] || { tail -20 /tmp/ta-slurm-apt.log; fail "apt-get install slurm-wlm munge (log: /tmp/ta-slurm-apt.log)"; }
fi
say "$(slurmctld -V), $(munged --version 2>&1 | head -1 | awk '{print $1}')"
KEY=/etc/munge/munge.key
[ -s "$KEY" ] || fail "no munge key at $KEY (the munge package creates one when installed)"

WORK=$(mktemp -d /tmp/ta-slurm.XXXXXX)
chmod 755 "$WORK"
PIDS=()
JOBS=()
stop() {
  local code=$?
  if [ "${#JOBS[@]}" -gt 0 ] && [ -n "${SLURM_CONF:-}" ]; then scancel "${JOBS[@]}" 2>/dev/null; fi
  # a job step's slurmstepd outlives the job in the queue by a moment: wait until it has removed its socket from
  # this cluster's spool folder, so that stopping slurmd leaves no step behind
  for _ in $(seq 150); do compgen -G "$WORK/spool/${NODE:-none}_*" >/dev/null || break; sleep 0.2; done
  # slurmd, then slurmctld, then munged: each by the pid this script started it with
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    pid=${PIDS[i]}
    kill "$pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then say "pid $pid did not stop in 10 s: SIGKILL"; kill -9 "$pid" 2>/dev/null; fi
    wait "$pid" 2>/dev/null
  done
  # and every process the daemons started (slurmstepd, which exits a moment after its job), known by the variable
  # only the daemons' environment holds
  for _ in $(seq 150); do [ -z "$(ours)" ] && break; sleep 0.2; done
  left=0
  for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && left=1; done
  for pid in $(ours); do say "still running after 30 s: $(tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null) (pid $pid): SIGKILL"; kill -9 "$pid" 2>/dev/null; left=1; done
  [ "$left" -eq 0 ] && [ "${#PIDS[@]}" -gt 0 ] && say "stopped the daemons (pids ${PIDS[*]})"
  if [ "$code" -ne 0 ]; then
    for f in "$WORK"/*.log "$WORK"/cluster/"$EXPERIMENT"/slurm/logs/*.log; do [ -f "$f" ] && { echo "--- $f"; tail -15 "$f"; }; done
  fi
  if [ "${TA_SLURM_KEEP:-0}" = 1 ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
  [ "$left" -eq 0 ] || { say "FAILED: a daemon is still running"; code=1; }
  say "$([ "$code" -eq 0 ] && echo passed || echo failed) in $(($(date +%s) - T0)) s"
  exit "$code"
}
trap stop EXIT
trap 'exit 130' INT TERM

# the pids of the processes of this script's daemons (their environment holds TA_SLURM_DAEMON=$WORK)
ours() {
  local e p
  for e in /proc/[0-9]*/environ; do
    grep -qz "^TA_SLURM_DAEMON=$WORK\$" "$e" 2>/dev/null && { p=${e#/proc/}; echo "${p%/environ}"; }
  done
}
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# --- munged ---------------------------------------------------------------------------------------------------
mkdir -p "$WORK/munge" && chown munge:munge "$WORK/munge" && chmod 755 "$WORK/munge"
TA_SLURM_DAEMON=$WORK setpriv --reuid=munge --regid=munge --init-groups munged --foreground --socket="$WORK/munge/socket" --pid-file="$WORK/munge/munged.pid" \
  --log-file="$WORK/munge/munged.log" --seed-file="$WORK/munge/seed" --key-file="$KEY" >"$WORK/munged.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do [ -S "$WORK/munge/socket" ] && break; sleep 0.2; done
[ -S "$WORK/munge/socket" ] || fail "munged did not start: $(tail -1 "$WORK/munged.out")"
echo ok | munge --socket="$WORK/munge/socket" | unmunge --socket="$WORK/munge/socket" >/dev/null || fail "munge cannot encode and decode a credential"

# --- slurmctld and slurmd -------------------------------------------------------------------------------------
NODE=$(hostname -s)
mkdir -p "$WORK/state" "$WORK/spool"
export SLURM_CONF="$WORK/slurm.conf"
cat >"$SLURM_CONF" <<EOF
ClusterName=ta-test
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$WORK/munge/socket
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/slurmctld.log
SlurmdLogFile=$WORK/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
MinJobAge=600
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
TA_SLURM_DAEMON=$WORK slurmctld -D -i -f "$SLURM_CONF" >"$WORK/slurmctld.out" 2>&1 &
PIDS+=($!)
TA_SLURM_DAEMON=$WORK slurmd -D -f "$SLURM_CONF" -N "$NODE" >"$WORK/slurmd.out" 2>&1 &
PIDS+=($!)
state=
for _ in $(seq 120); do
  state=$(sinfo -h -n "$NODE" -o %t 2>/dev/null)
  [ "$state" = idle ] && break
  sleep 0.5
done
[ "$state" = idle ] || fail "the node is not idle after 60 s (state '$state')"
say "cluster up: munged, slurmctld, slurmd (pids ${PIDS[*]}), node $NODE idle with $(nproc) CPUs"

# --- the experiment, unsharded and under Slurm ----------------------------------------------------------------
say "unsharded: traceanomaly experiment $EXPERIMENT ${ARGS[*]}"
nice -n 10 node bin/traceanomaly.mjs experiment "$EXPERIMENT" "${ARGS[@]}" --out "$WORK/one" >"$WORK/one.log" 2>&1 || fail "the unsharded run failed (log: $WORK/one.log)"
say "submitting: traceanomaly experiment $EXPERIMENT ${ARGS[*]} --slurm --shards 3 --cpus 1 --submit"
submit() { # submits the array and the merge; sets ARRAY and MERGE
  ids=$(nice -n 10 node bin/traceanomaly.mjs experiment "$EXPERIMENT" "${ARGS[@]}" --out "$WORK/cluster" --slurm --shards 3 --cpus 1 --submit 2>"$WORK/submit.log") || { cat "$WORK/submit.log"; fail "--slurm --submit failed"; }
  ARRAY=$(awk '/^array job/ {print $3}' <<<"$ids")
  MERGE=$(awk '/^merge job/ {print $3}' <<<"$ids")
  [ -n "$ARRAY" ] && [ -n "$MERGE" ] || fail "no job ids in: $ids"
  say "array job $ARRAY, merge job $MERGE"
}
finish() { # waits for jobs $1 (a list) to leave the queue
  JOBS=(${1//,/ })
  for _ in $(seq 600); do
    [ -z "$(squeue -h -j "$1" -o %i 2>/dev/null)" ] && break
    sleep 1
  done
  [ -z "$(squeue -h -j "$1" -o %i)" ] || fail "jobs $1 still queued or running after 10 min"
  JOBS=()
}
completed() { # checks that the array's N tasks and the merge completed
  tasks=$(scontrol -o show job "$ARRAY" | grep -o 'JobState=[A-Z]*' | sort | uniq -c | tr -s ' ')
  merge=$(scontrol -o show job "$MERGE" | grep -o 'JobState=[A-Z]* .*ExitCode=[0-9:]*' | awk '{print $1, $NF}')
  say "array tasks:${tasks}; merge: $merge"
  [ "$(scontrol -o show job "$ARRAY" | grep -c 'JobState=COMPLETED')" -eq "$1" ] || fail "not every array task completed"
  [ "$merge" = "JobState=COMPLETED ExitCode=0:0" ] || fail "the merge job did not complete"
}
LOGS="$WORK/cluster/$EXPERIMENT/slurm/logs"
submit
finish "$ARRAY,$MERGE"
completed 3
for i in 1 2 3; do grep -q "shard $i/3: " "$LOGS"/shard-"$i"-job-"$ARRAY".log || fail "shard $i's log does not say it ran shard $i/3"; done
grep -q ' 0 missing' "$LOGS"/merge-job-"$MERGE".log || fail "the merge's log does not say 0 missing"
npx tsx test/cluster/compare-reports.ts "$WORK/one/$EXPERIMENT" "$WORK/cluster/$EXPERIMENT" || fail "the merged report differs from the unsharded one"

# --- resuming: a resubmitted array reuses every finished cell; one task resubmitted alone runs its own shard -----
submit
finish "$ARRAY,$MERGE"
completed 3
for i in 1 2 3; do grep -Eq "shard $i/3: [0-9]+ cells, [0-9]+ reused, 0 computed, 0 failed" "$LOGS"/shard-"$i"-job-"$ARRAY".log || fail "resubmitted shard $i computed cells again"; done
ONE=$(sbatch --parsable --array=2 "$WORK/cluster/$EXPERIMENT/slurm/array.sbatch") || fail "sbatch --array=2 failed"
finish "$ONE"
grep -Eq "shard 2/3: [0-9]+ cells, [0-9]+ reused, 0 computed" "$LOGS"/shard-2-job-"$ONE".log || fail "task 2 resubmitted alone did not run shard 2/3"
say "resubmitted: the array reused every cell; task 2 alone ran shard 2/3"
exit 0

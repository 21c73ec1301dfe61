#!/usr/bin/env bash
# Figures for `run --workers 2` on 8 partitions, on loopback: the spread of
# the partitions over the two workers, the time until every partition is
# owned by a live process again after kill -9 of one worker, and the
# re-deliveries the kill caused. RUNS runs per session timeout; the medians
# are printed last. Extra arguments go to `pipeline run` (e.g. --set
# session_timeout_ms=6000).
# Usage: failover_figures.sh FASTKAFKA_BROKER_EXE PIPELINE_EXE [RUNS [MESSAGES]] [-- RUN_ARGS...]
set -euo pipefail
BROKER=$1
PIPELINE=$2
shift 2
runs=3
messages=4000
if [ $# -gt 0 ] && [ "$1" != "--" ]; then runs=$1; shift; fi
if [ $# -gt 0 ] && [ "$1" != "--" ]; then messages=$1; shift; fi
[ "${1:-}" = "--" ] && shift
extra=("$@")
command -v kcat >/dev/null || { echo "kcat is missing" >&2; exit 1; }

dir=$(mktemp -d /tmp/fastkafka-failover.XXXX)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT

# The partitions the processes of $1 (a parent's stderr) own now, leaving out
# the pids in $2 (space-separated): per pid its last assignment (a revoke
# empties it), from the `[w<i>:<pid>] ... assigned input [..]` lines.
owned() {
  awk -v dead=" $2 " '
    match($0, /^\[w[0-9]+:[0-9]+\]/) {
      tag = substr($0, RSTART + 1, RLENGTH - 2); split(tag, t, ":"); pid = t[2]
      if (index(dead, " " pid " ")) next
      if (match($0, /(assigned|revoked|lost) input \[[0-9,]*\]/)) {
        ev = substr($0, RSTART, RLENGTH)
        list = ev; sub(/.*\[/, "", list); sub(/\].*/, "", list)
        cur[pid] = (ev ~ /^assigned/) ? (cur[pid] == "" ? list : cur[pid] "," list) : ""
      }
    }
    END {
      for (p in cur) { n = split(cur[p], a, ","); for (i = 1; i <= n; i++) if (a[i] != "") { s[a[i]]++; c++ } }
      k = 0; for (x in s) k++
      # Every partition owned exactly once.
      print (k == 8 && c == 8) ? "yes" : "no"
    }' "$1"
}
# "w0 [0,2,4,6] w1 [1,3,5,7]" for the live pids.
spread_text() {
  awk '
    match($0, /^\[w[0-9]+:[0-9]+\]/) {
      tag = substr($0, RSTART + 1, RLENGTH - 2); split(tag, t, ":"); w = t[1]
      if (match($0, /(assigned|revoked|lost) input \[[0-9,]*\]/)) {
        ev = substr($0, RSTART, RLENGTH)
        list = ev; sub(/.*\[/, "", list); sub(/\].*/, "", list)
        cur[w] = (ev ~ /^assigned/) ? list : ""
      }
    }
    END { for (w in cur) printf "%s [%s] ", w, cur[w] }' "$1"
}
worker_pid() { # $1 log, $2 index: the newest pid of that worker
  grep -o "worker $2 (pid [0-9]*) \(started\|restarted\)" "$1" | tail -n1 | grep -o '[0-9]*)' | tr -d ')'
}

one_run() {
  local run=$1 log="$dir/run$1"
  mkdir -p "$log"
  "$BROKER" --partitions 8 --topic input --topic output --topic input.dlq \
    >"$log/broker.out" 2>"$log/broker.err" &
  local broker=$!
  pids+=("$broker")
  local bootstrap="" i
  for ((i = 0; i < 100; i++)); do
    bootstrap=$(head -n1 "$log/broker.out" 2>/dev/null || true)
    [ -n "$bootstrap" ] && break
    sleep 0.1
  done
  kcat -C -b "$bootstrap" -t output -o beginning -u -f '%s\n' >"$log/output.out" 2>/dev/null &
  local reader=$!
  pids+=("$reader")
  : >"$log/app.err"
  "$PIPELINE" run --workers 2 --bootstrap-servers "$bootstrap" "${extra[@]}" \
    >"$log/app.out" 2>"$log/app.err" &
  local parent=$!
  pids+=("$parent")
  for ((i = 0; i < 600; i++)); do
    [ "$(owned "$log/app.err" "")" = yes ] && break
    sleep 0.1
  done
  local spread
  spread=$(spread_text "$log/app.err")
  local victim
  victim=$(worker_pid "$log/app.err" 1)
  local batches=20 per=$((messages / 20)) b k id killed_at=""
  for ((b = 0; b < batches; b++)); do
    for ((k = 0; k < per; k++)); do
      id=$((b * per + k + 1))
      echo "$id:{\"id\":$id,\"value\":1.5,\"name\":\"n$id\"}"
    done | kcat -P -b "$bootstrap" -t input -K:
    if [ "$b" -eq 7 ]; then
      killed_at=$(date +%s.%N)
      kill -9 "$victim"
      # Poll for the moment every partition is owned by a live process.
      (
        for ((i = 0; i < 1200; i++)); do
          if [ "$(owned "$log/app.err" "$victim")" = yes ]; then date +%s.%N >"$log/moved"; exit 0; fi
          sleep 0.05
        done
      ) &
      local poller=$!
    fi
    sleep 0.1
  done
  wait "$poller" || true
  local moved="" restarted_pid
  [ -f "$log/moved" ] && moved=$(awk "BEGIN{printf \"%.1f\", $(cat "$log/moved") - $killed_at}")
  restarted_pid=$(worker_pid "$log/app.err" 1)
  ids() { grep -o '"id":[0-9]*' "$log/output.out" | cut -d: -f2; }
  for ((i = 0; i < 900; i++)); do
    [ "$(ids | sort -un | wc -l)" -ge "$messages" ] && break
    sleep 0.1
  done
  sleep 2 # late duplicates
  local total distinct missing
  total=$(ids | wc -l)
  distinct=$(ids | sort -un | wc -l)
  missing=$(comm -23 <(seq 1 "$messages" | sort) <(ids | sort -u) | wc -l)
  kill -TERM "$parent"
  local rc=0
  wait "$parent" || rc=$?
  kill -TERM "$reader" "$broker" 2>/dev/null || true
  wait "$reader" "$broker" 2>/dev/null || true
  echo "run $run: spread ${spread}; kill -9 of w1 (pid $victim), restarted as pid $restarted_pid; partitions owned by live processes again ${moved:-never} s after the kill; $total outputs for $messages inputs: $((total - distinct)) re-delivered, $missing missing; parent exit $rc"
  echo "$moved $((total - distinct)) $missing" >>"$dir/figures"
}

session=$(printf '%s\n' "${extra[@]}" | grep -o 'session_timeout_ms=[0-9]*' | cut -d= -f2 || true)
echo "2 workers, 8 partitions, $messages inputs, kill -9 of worker 1 after 40% of them; session_timeout_ms ${session:-10000 (the default)}; fastkafka-broker (librdkafka 2.0.2 mock)"
for ((r = 1; r <= runs; r++)); do one_run "$r"; done
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
echo "median over $runs runs: partitions moved $(cut -d' ' -f1 "$dir/figures" | median) s after the kill; $(cut -d' ' -f2 "$dir/figures" | median) re-delivered; $(cut -d' ' -f3 "$dir/figures" | median) missing"

#!/usr/bin/env bash
# Many hosts with the real app: fastkafka-broker in one network namespace,
# the pipeline example as `run --workers W` on each of HOSTS app hosts
# (namespaces), all in one consumer group over 8 partitions. Mid-stream every
# process of host 1 (the parent, its workers, its forwarders) is killed with
# kill -9; every input must reach the output. Prints the spread per host,
# the time until the survivors own every partition again, and the
# re-deliveries.
# Usage: netns_pipeline.sh FASTKAFKA_BROKER_EXE PIPELINE_EXE [MESSAGES [HOSTS [WORKERS]]]
set -euo pipefail
FASTKAFKA_BROKER=$1
PIPELINE=$2
messages=${3:-2000}
hosts=${4:-3}
workers=${5:-2}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/netns_lib.sh"
command -v kcat >/dev/null || { echo "kcat is missing" >&2; exit 1; }

netns_setup "$hosts"
netns_start_broker --brokers 1 --partitions 8 --topic input --topic output --topic input.dlq

# The consumer of the output first, from the broker's namespace.
netns_spawn "$NETNS_BROKER" output kcat -C -b "$NETNS_BOOTSTRAP" -t output \
  -o beginning -u -f '%s\n'
for ((h = 1; h <= hosts; h++)); do
  netns_spawn "$(netns_app $h)" "app$h" "$PIPELINE" run --workers "$workers" \
    --bootstrap-servers "$NETNS_BOOTSTRAP"
done

# The partitions host H owns now: the union over its workers' processes of
# their last assignment (a revoke empties a process's set), from the
# `[w<i>:<pid>] ... assigned input [..]` lines of the parent's stderr.
owned() {
  awk '
    match($0, /^\[w[0-9]+:[0-9]+\]/) {
      pid = substr($0, RSTART, RLENGTH)
      if (match($0, /(assigned|revoked|lost) input \[[0-9,]*\]/)) {
        ev = substr($0, RSTART, RLENGTH)
        list = ev; sub(/.*\[/, "", list); sub(/\].*/, "", list)
        if (ev ~ /^assigned/) cur[pid] = (cur[pid] == "" ? list : cur[pid] "," list)
        else cur[pid] = ""
      }
    }
    END {
      for (p in cur) { n = split(cur[p], a, ","); for (i = 1; i <= n; i++) if (a[i] != "") s[a[i]] = 1 }
      out = ""; for (k = 0; k < 8; k++) if (k in s) out = out (out == "" ? "" : ",") k
      print out
    }' "$NETNS_LOG_DIR/app$1.err"
}
count() { [ -z "$1" ] && echo 0 || echo "$1" | tr ',' '\n' | wc -l; }

# Every host owns partitions and together they own all 8: the group settled.
settled() {
  local h total=0 o
  for h in "$@"; do
    o=$(owned "$h")
    [ -n "$o" ] || return 1
    total=$((total + $(count "$o")))
  done
  [ "$total" -eq 8 ]
}
all_hosts=$(seq 1 "$hosts")
survivors=$(seq 2 "$hosts")
for ((i = 0; i < 600; i++)); do
  settled $all_hosts && break
  sleep 0.1
done
settled $all_hosts || { echo "FAIL: the group did not settle" >&2; tail -n 30 "$NETNS_LOG_DIR"/app*.err >&2; exit 1; }
spread=""
for h in $all_hosts; do spread+="host $h [$(owned "$h")] "; done
netns_log "spread over $hosts hosts x $workers workers: $spread"
echo "spread: $spread"

# Inputs in 20 batches; every process of host 1 dies after the 8th.
batches=20
per=$((messages / batches))
for ((b = 0; b < batches; b++)); do
  for ((k = 0; k < per; k++)); do
    id=$((b * per + k + 1))
    echo "$id:{\"id\":$id,\"value\":1.5,\"name\":\"n$id\"}"
  done | ip netns exec "$NETNS_BROKER" kcat -P -b "$NETNS_BOOTSTRAP" -t input -K:
  if [ "$b" -eq 7 ]; then
    killed_at=$(date +%s.%N)
    victims=$(ip netns pids "$(netns_app 1)" | tr '\n' ' ')
    kill -9 $victims
    netns_log "kill -9 every process of host 1: $victims"
  fi
  sleep 0.25
done
netns_log "produced $messages inputs"

# The survivors own all 8 partitions (the broker drops the dead members
# after their session timeout).
moved_at=""
for ((i = 0; i < 900; i++)); do
  if settled $survivors; then moved_at=$(date +%s.%N); break; fi
  sleep 0.1
done
[ -n "$moved_at" ] || { echo "FAIL: the survivors never owned every partition" >&2; tail -n 30 "$NETNS_LOG_DIR"/app*.err >&2; exit 1; }
now=""
for h in $survivors; do now+="host $h [$(owned "$h")] "; done
netns_log "after the kill: $now"

# Every input id in the output (90 s at most).
ids() { grep -o '"id":[0-9]*' "$NETNS_LOG_DIR/output.out" | cut -d: -f2; }
for ((i = 0; i < 900; i++)); do
  got=$(ids | sort -un | wc -l)
  [ "$got" -ge "$messages" ] && break
  sleep 0.1
done
sleep 1 # late duplicates
total=$(ids | wc -l)
distinct=$(ids | sort -un | wc -l)
missing=$(comm -23 <(seq 1 "$messages" | sort) <(ids | sort -u) | wc -l)
printf 'partitions moved %.1f s after the kill (session_timeout_ms 10000, the default); %d outputs for %d inputs: %d re-delivered, %d missing\n' \
  "$(awk "BEGIN{print $moved_at - $killed_at}")" "$total" "$messages" "$((total - distinct))" "$missing"
if [ "$missing" -ne 0 ]; then
  echo "FAIL: $missing inputs never reached the output" >&2
  exit 1
fi
# The survivors' parents still run and restarted nothing: a host's loss is
# not a crash of theirs.
for h in $survivors; do
  if grep -q 'restarting in' "$NETNS_LOG_DIR/app$h.err"; then
    echo "FAIL: host $h restarted a worker" >&2
    grep 'restarting in' "$NETNS_LOG_DIR/app$h.err" >&2
    exit 1
  fi
done
echo "PASS: every input reached the output after every process of host 1 was killed"

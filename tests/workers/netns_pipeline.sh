#!/usr/bin/env bash
# Many hosts with the pipeline example: fastkafka-broker in one network
# namespace, the pipeline app on two hosts (namespaces) in one consumer
# group over 8 partitions; mid-stream every process of host 1 is killed
# with kill -9; every input must reach the output. Prints the spread, the
# time until host 2 owns the partitions of host 1, and the re-deliveries.
# Usage: netns_pipeline.sh FASTKAFKA_BROKER_EXE PIPELINE_EXE [MESSAGES]
set -euo pipefail
FASTKAFKA_BROKER=$1
PIPELINE=$2
messages=${3:-2000}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/netns_lib.sh"
command -v kcat >/dev/null || { echo "kcat is missing" >&2; exit 1; }

netns_setup 2
netns_start_broker --brokers 1 --partitions 8 --topic input --topic output
app1=$(netns_app 1)
app2=$(netns_app 2)

# The consumer of the output first, from the broker's namespace.
netns_spawn "$NETNS_BROKER" output kcat -C -b "$NETNS_BOOTSTRAP" -t output \
  -o beginning -u -f '%s\n'
for i in 1 2; do
  netns_spawn "$(netns_app $i)" "app$i" "$PIPELINE" run --bootstrap-servers "$NETNS_BOOTSTRAP"
done

# Both hosts own partitions: the group has settled.
assigned() { grep -o 'assigned input \[[0-9,]*\]' "$NETNS_LOG_DIR/app$1.err" | tail -n1; }
for ((i = 0; i < 300; i++)); do
  a1=$(assigned 1 || true)
  a2=$(assigned 2 || true)
  [ -n "$a1" ] && [ -n "$a2" ] && break
  sleep 0.1
done
[ -n "$a1" ] && [ -n "$a2" ] || { echo "FAIL: the group did not settle" >&2; tail "$NETNS_LOG_DIR"/app*.err >&2; exit 1; }
netns_log "spread: host 1 $a1, host 2 $a2"

# Inputs in 20 batches; host 1 dies after the 8th.
batches=20
per=$((messages / batches))
for ((b = 0; b < batches; b++)); do
  for ((k = 0; k < per; k++)); do
    id=$((b * per + k + 1))
    echo "$id:{\"id\":$id,\"value\":1.5,\"name\":\"n$id\"}"
  done | ip netns exec "$NETNS_BROKER" kcat -P -b "$NETNS_BOOTSTRAP" -t input -K:
  if [ "$b" -eq 7 ]; then
    killed_at=$(date +%s.%N)
    victims=$(ip netns pids "$app1" | tr '\n' ' ')
    kill -9 $victims
    netns_log "kill -9 every process of host 1: $victims"
  fi
  sleep 0.25
done
netns_log "produced $messages inputs"

# Every input id in the output (90 s at most: the group notices the dead
# member only after its session timeout).
ids() { grep -o '"id":[0-9]*' "$NETNS_LOG_DIR/output.out" | cut -d: -f2; }
for ((i = 0; i < 900; i++)); do
  got=$(ids | sort -un | wc -l)
  [ "$got" -ge "$messages" ] && break
  sleep 0.1
done
total=$(ids | wc -l)
missing=$(seq 1 "$messages" | comm -23 <(seq 1 "$messages" | sort) <(ids | sort -u) | wc -l)
# When host 2 took the partitions of host 1.
moved=$(grep 'assigned input' "$NETNS_LOG_DIR/app2.err" | tail -n1)
moved_at=$(date -d "$(echo "$moved" | cut -c1-23)" +%s.%N)
netns_log "host 2 now: $(echo "$moved" | grep -o 'assigned input \[[0-9,]*\]')"
printf 'partitions moved %.1f s after the kill; %d outputs for %d inputs: %d re-delivered, %d missing\n' \
  "$(awk "BEGIN{print $moved_at - $killed_at}")" "$total" "$messages" "$((total - messages + missing))" "$missing"
if [ "$missing" -ne 0 ]; then
  echo "FAIL: $missing inputs never reached the output" >&2
  exit 1
fi
echo "PASS: every input reached the output after host 1 was killed"

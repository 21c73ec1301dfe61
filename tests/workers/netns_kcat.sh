#!/usr/bin/env bash
# Many hosts, proved with kcat: fastkafka-broker (librdkafka's mock, which
# listens on 127.0.0.1 only) in one network namespace serves producers and
# one consumer group in two other namespaces, through netns_lib.sh's
# forwarding. Usage: netns_kcat.sh FASTKAFKA_BROKER_EXE
set -euo pipefail
FASTKAFKA_BROKER=$1
here=$(cd "$(dirname "$0")" && pwd)
source "$here/netns_lib.sh"
command -v kcat >/dev/null || { echo "kcat is missing" >&2; exit 1; }

netns_setup 2
netns_start_broker --brokers 2 --partitions 4 --topic input
app1=$(netns_app 1)
app2=$(netns_app 2)
first=${NETNS_BOOTSTRAP%%,*}
port=${first##*:}

# What makes the forwarding necessary: through the broker's own address a
# client learns brokers at 127.0.0.1, which without a forwarder in its
# namespace would be nothing.
meta=$(ip netns exec "$app1" timeout 10 kcat -L -b "$(netns_broker_ip):$port" -t input)
echo "$meta" | grep -q "at 127.0.0.1:" || { echo "metadata: $meta" >&2; exit 1; }
netns_log "metadata through $(netns_broker_ip):$port advertises: $(echo "$meta" | grep -o 'at 127.0.0.1:[0-9]*' | sort -u | tr '\n' ' ')"

# One consumer group across the two app namespaces.
netns_spawn "$app1" consumer1 kcat -b "$NETNS_BOOTSTRAP" -G netns-proof -o beginning -u \
  -f '%k %s\n' -X session.timeout.ms=6000 -X heartbeat.interval.ms=500 input
c1=$NETNS_LAST_PID
netns_spawn "$app2" consumer2 kcat -b "$NETNS_BOOTSTRAP" -G netns-proof -o beginning -u \
  -f '%k %s\n' -X session.timeout.ms=6000 -X heartbeat.interval.ms=500 input
c2=$NETNS_LAST_PID

# 100 keyed records from each app namespace.
for app in "$app1" "$app2"; do
  seq 1 100 | sed "s/.*/$app-&:$app-value-&/" |
    ip netns exec "$app" timeout 20 kcat -P -b "$NETNS_BOOTSTRAP" -t input -K:
done
netns_log "produced 200 records from two namespaces"

# Wait (30 s at most) until the group saw all of them.
for ((i = 0; i < 300; i++)); do
  got=$(cat "$NETNS_LOG_DIR/consumer1.out" "$NETNS_LOG_DIR/consumer2.out" | sort -u | wc -l)
  [ "$got" -ge 200 ] && break
  sleep 0.1
done
n1=$(sort -u "$NETNS_LOG_DIR/consumer1.out" | wc -l)
n2=$(sort -u "$NETNS_LOG_DIR/consumer2.out" | wc -l)
netns_log "consumer in $app1 got $n1, in $app2 got $n2 (of 200)"
missing=$(for app in "$app1" "$app2"; do seq 1 100 | sed "s/.*/$app-& $app-value-&/"; done |
  sort | comm -23 - <(cat "$NETNS_LOG_DIR/consumer1.out" "$NETNS_LOG_DIR/consumer2.out" | sort -u) | wc -l)
if [ "$missing" -ne 0 ]; then
  echo "FAIL: $missing of 200 records did not reach the group" >&2
  tail -n 5 "$NETNS_LOG_DIR"/consumer*.err >&2
  exit 1
fi
# The group spread the partitions: both members consumed.
if [ "$n1" -eq 0 ] || [ "$n2" -eq 0 ]; then
  echo "FAIL: one member of the group got nothing ($n1, $n2)" >&2
  exit 1
fi
echo "PASS: 200 of 200 records through one broker namespace, group split $n1/$n2"

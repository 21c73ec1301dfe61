# netns_lib.sh: hosts as network namespaces, for tests of many hosts on one
# machine. Source it, call netns_setup N, run commands with netns_spawn;
# everything is removed on exit (netns_cleanup runs from an EXIT trap).
#
# Layout: namespace "broker" owns a bridge at 10.77.<net>.1/24; app host i
# (1..N) is its own namespace with a veth into that bridge at
# 10.77.<net>.(10+i). Every namespace has its loopback up.
#
# librdkafka's mock cluster (fastkafka-broker) listens on 127.0.0.1 only
# and advertises 127.0.0.1:<port> in its metadata, so netns_forward_port
# makes that address mean the broker everywhere: in the broker namespace
# socat listens on 10.77.<net>.1:<port> and forwards to 127.0.0.1:<port>;
# in every app namespace socat listens on 127.0.0.1:<port> and forwards to
# 10.77.<net>.1:<port>. Clients then bootstrap from 127.0.0.1:<port> in
# their own namespace and reach the broker they are told about.
#
# Exit code 77 (CTest SKIP_RETURN_CODE) when namespaces cannot be made.

set -euo pipefail

NETNS_ID=$(( $$ % 10000 ))
NETNS_NET=$(( 100 + $$ % 100 ))
NETNS_BROKER="fk${NETNS_ID}b"
NETNS_APPS=()
NETNS_PIDS=()
NETNS_LOG_DIR=$(mktemp -d "/tmp/fastkafka-netns-${NETNS_ID}.XXXX")

netns_skip() {
  echo "SKIP: $*" >&2
  exit 77
}

netns_log() {
  echo "[netns $(date +%H:%M:%S.%3N)] $*" >&2
}

# Kills every process started here and every process still inside one of
# the namespaces (by pid), then deletes the namespaces (their veth ends and
# the bridge go with them).
netns_cleanup() {
  local pid ns
  for pid in "${NETNS_PIDS[@]}"; do
    kill -9 "$pid" 2>/dev/null || true
  done
  for ns in "${NETNS_APPS[@]}" "$NETNS_BROKER"; do
    if ip netns list 2>/dev/null | grep -qw "$ns"; then
      for pid in $(ip netns pids "$ns" 2>/dev/null); do
        kill -9 "$pid" 2>/dev/null || true
      done
      ip netns del "$ns" 2>/dev/null || true
    fi
  done
  if [ "${NETNS_KEEP_LOGS:-0}" != 1 ]; then
    rm -rf "$NETNS_LOG_DIR"
  fi
}

# netns_setup N: the broker namespace and N app namespaces.
netns_setup() {
  local n=$1 i app
  command -v ip >/dev/null || netns_skip "the ip command (iproute2) is missing"
  command -v socat >/dev/null || netns_skip "socat is missing (deploy/install-deps.sh installs it)"
  trap netns_cleanup EXIT
  local err
  if ! err=$(ip netns add "$NETNS_BROKER" 2>&1); then
    netns_skip "cannot create network namespaces (needs root or CAP_SYS_ADMIN): $err"
  fi
  ip -n "$NETNS_BROKER" link set lo up
  ip -n "$NETNS_BROKER" link add fkbr type bridge
  ip -n "$NETNS_BROKER" addr add "10.77.${NETNS_NET}.1/24" dev fkbr
  ip -n "$NETNS_BROKER" link set fkbr up
  for ((i = 1; i <= n; i++)); do
    app="fk${NETNS_ID}a${i}"
    ip netns add "$app"
    NETNS_APPS+=("$app")
    ip -n "$app" link set lo up
    # Created inside the app namespace, the peer moved to the broker's.
    ip -n "$app" link add eth0 type veth peer name "v${i}" netns "$NETNS_BROKER"
    ip -n "$app" addr add "10.77.${NETNS_NET}.$((10 + i))/24" dev eth0
    ip -n "$app" link set eth0 up
    ip -n "$NETNS_BROKER" link set "v${i}" master fkbr
    ip -n "$NETNS_BROKER" link set "v${i}" up
  done
  netns_log "broker namespace $NETNS_BROKER at 10.77.${NETNS_NET}.1; app namespaces ${NETNS_APPS[*]}"
}

netns_broker_ip() {
  echo "10.77.${NETNS_NET}.1"
}

netns_app() {
  echo "fk${NETNS_ID}a$1"
}

# netns_spawn NS LOGNAME CMD...: runs CMD in NS in the background, output
# to $NETNS_LOG_DIR/LOGNAME.out/.err; sets NETNS_LAST_PID.
netns_spawn() {
  local ns=$1 name=$2
  shift 2
  ip netns exec "$ns" "$@" >"$NETNS_LOG_DIR/$name.out" 2>"$NETNS_LOG_DIR/$name.err" &
  NETNS_LAST_PID=$!
  NETNS_PIDS+=("$NETNS_LAST_PID")
  # No "Killed" notices from the shell when the cleanup kills it.
  disown "$NETNS_LAST_PID"
}

# netns_forward_port PORT: 127.0.0.1:PORT means the broker's port in every
# namespace (see the header).
netns_forward_port() {
  local port=$1 app
  netns_spawn "$NETNS_BROKER" "fwd-broker-$port" \
    socat "TCP-LISTEN:$port,bind=$(netns_broker_ip),reuseaddr,fork" "TCP:127.0.0.1:$port"
  for app in "${NETNS_APPS[@]}"; do
    netns_spawn "$app" "fwd-$app-$port" \
      socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork" "TCP:$(netns_broker_ip):$port"
  done
}

# netns_wait_port NS PORT: until something listens on 127.0.0.1:PORT in NS
# (10 s at most).
netns_wait_port() {
  local ns=$1 port=$2 i
  for ((i = 0; i < 100; i++)); do
    if ip netns exec "$ns" bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  echo "nothing listens on 127.0.0.1:$port in $ns" >&2
  return 1
}

# netns_start_broker ARGS...: fastkafka-broker ($FASTKAFKA_BROKER) in the
# broker namespace with every port forwarded; sets NETNS_BOOTSTRAP (the
# 127.0.0.1 list, valid in every namespace) and NETNS_BROKER_PID.
netns_start_broker() {
  netns_spawn "$NETNS_BROKER" broker "$FASTKAFKA_BROKER" "$@"
  NETNS_BROKER_PID=$NETNS_LAST_PID
  local i
  for ((i = 0; i < 100; i++)); do
    NETNS_BOOTSTRAP=$(head -n1 "$NETNS_LOG_DIR/broker.out" 2>/dev/null || true)
    [ -n "$NETNS_BOOTSTRAP" ] && break
    sleep 0.1
  done
  [ -n "$NETNS_BOOTSTRAP" ] || { cat "$NETNS_LOG_DIR/broker.err" >&2; return 1; }
  local hp port app
  for hp in ${NETNS_BOOTSTRAP//,/ }; do
    port=${hp##*:}
    netns_forward_port "$port"
    for app in "${NETNS_APPS[@]}"; do
      netns_wait_port "$app" "$port"
    done
  done
  netns_log "fastkafka-broker at $NETNS_BOOTSTRAP, forwarded into every namespace"
}

#!/usr/bin/env bash
# Cluster benchmarks (issue 5), on loopback, each reported against a baseline measured in the
# same run on the same machine:
#   1. revocation propagation: from `POST /oauth2/revoke` on node 3 to the first refusal by a
#      resource server following node 2's revocation feed (Warden's AuthorizationServerConnection,
#      PropagationProbe), p50/p90/p99 over N revocations (default 1000; target p99 <= 50 ms);
#      baseline: the same with the revocation sent to node 2 itself;
#   2. client_credentials issuance with 1, 2 and 3 nodes on one database (wrk against each
#      node at once, connections split evenly), as a ratio to 1 node.
# Usage: Benchmarks/cluster/run.sh [revocations, default 1000] [seconds per wrk run, default 5] [connections, default 32]
# Needs: wrk and PostgreSQL from Debian (apt-get install wrk postgresql), root (PostgreSQL runs
# as the postgres user), and release builds from the repository root:
#   swift build -c release --product warden && swift build -c release --product PropagationProbe
set -euo pipefail
cd "$(dirname "$0")"
REVOCATIONS="${1:-1000}"
DURATION="${2:-5}"
CONNECTIONS="${3:-32}"
ROOT="$(cd ../.. && pwd)"
BIN="$ROOT/.build/release"
ISSUER="https://auth.bench.test"
export WARDEN_MASTER_KEY="$(head -c 32 /dev/urandom | base64 -w0)"
SECRET="bench-secret-0123456789abcdef"
AUTH="$(printf 'bench-service:%s' "$SECRET" | base64 -w0)"

read -r DATABASE POSTGRES_DATA POSTGRES_BIN < <(bash "$ROOT/.ci/start-postgres.sh")
PIDS=()
cleanup() {
  kill "${PIDS[@]}" 2>/dev/null || true
  su postgres -s /bin/sh -c "$POSTGRES_BIN/pg_ctl -D $POSTGRES_DATA/db stop -m fast" </dev/null >/dev/null 2>&1 || true
  rm -rf "$POSTGRES_DATA"
}
trap cleanup EXIT

"$BIN/warden" scope create orders.read --description "Read orders" --database "$DATABASE" >/dev/null
"$BIN/warden" client create bench-service --secret "$SECRET" --grant client_credentials --scope orders.read --audience orders --database "$DATABASE" >/dev/null

PORTS=(8101 8102 8103)
for port in "${PORTS[@]}"; do
  WARDEN_LOG_LEVEL=warning "$BIN/warden" serve --port "$port" --issuer "$ISSUER" --database "$DATABASE" >/dev/null &
  PIDS+=($!)
done
for port in "${PORTS[@]}"; do
  for _ in $(seq 200); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
  curl -sf -u "bench-service:$SECRET" -d grant_type=client_credentials "http://127.0.0.1:$port/oauth2/token" >/dev/null
done
NODE2="http://127.0.0.1:${PORTS[1]}"
NODE3="http://127.0.0.1:${PORTS[2]}"

echo "1. revocation propagation, $REVOCATIONS revocations each (milliseconds):"
probe() {
  "$BIN/PropagationProbe" --revoke-at "$1" --subscribe-to "$NODE2" --issuer "$ISSUER" \
    --client "bench-service:$SECRET" --audience orders --count "$REVOCATIONS" --label "$2"
}
SAME=$(probe "$NODE2" "same node (baseline): revoke on node 2, resource server on node 2")
CROSS=$(probe "$NODE3" "across nodes: revoke on node 3, resource server on node 2")
echo "  $SAME"
echo "  $CROSS"
python3 - "$SAME" "$CROSS" <<'PY'
import json, sys
same, cross = (json.loads(arg) for arg in sys.argv[1:])
print(f"  across nodes: p50 {cross['p50_ms']:.2f} ms, p99 {cross['p99_ms']:.2f} ms (target p99 <= 50 ms); "
      f"p99 ratio to the same node: {cross['p99_ms'] / same['p99_ms']:.2f}x")
PY

echo "2. client_credentials issuance on one PostgreSQL database (wrk, ${DURATION}s, $CONNECTIONS connections in all):"
export BODY="grant_type=client_credentials&scope=orders.read" AUTH
rps() { awk '/Requests\/sec/ {print $2}'; }
wrk -t1 -c8 -d2s -s ../http/post.lua "http://127.0.0.1:${PORTS[0]}/oauth2/token" >/dev/null  # warm-up
ONE=""
for nodes in 1 2 3; do
  per=$((CONNECTIONS / nodes))
  outputs=()
  runs=()
  for i in $(seq 0 $((nodes - 1))); do
    out="$(mktemp)"
    outputs+=("$out")
    wrk -t1 -c"$per" -d"${DURATION}s" -s ../http/post.lua "http://127.0.0.1:${PORTS[$i]}/oauth2/token" >"$out" &
    runs+=($!)
  done
  wait "${runs[@]}"
  total=0
  for out in "${outputs[@]}"; do total=$(python3 -c "print($total + $(rps <"$out"))"); rm -f "$out"; done
  [ -z "$ONE" ] && ONE="$total"
  printf '  %s node(s): %8.0f req/s (%sx one node)\n' "$nodes" "$total" "$(python3 -c "print(round($total / $ONE, 2))")"
done
echo "  (every node, PostgreSQL and wrk share this machine's $(nproc) cores: more nodes add capacity only where there are cores for them)"

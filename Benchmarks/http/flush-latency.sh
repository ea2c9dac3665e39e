#!/usr/bin/env bash
# What holding flushes costs in latency (issue 16, FlushConsolidationHandler): two `warden serve`
# on the same CPU, WARDEN_FLUSH=consolidated (port 8041) and each (8042), client_credentials
# issuance at 32 connections, `wrk --latency`, rounds interleaved; prints tokens/s, p50, p99.
#   Benchmarks/http/flush-latency.sh [rounds=6]   (needs wrk, curl; a release build of warden)
set -euo pipefail
ROUNDS="${1:-6}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
W=$(mktemp -d); SECRET="bench-secret-0123456789abcdef"; WARDEN="$ROOT/.build/release/warden"
start() { # mode port db
  $WARDEN scope create orders.read --description "Read orders" --database "$3" >/dev/null
  $WARDEN client create bench-service --secret "$SECRET" --grant client_credentials --scope orders.read --audience orders --database "$3" >/dev/null
  $WARDEN client create orders --secret "orders-secret-0123456789" --grant client_credentials --scope orders.read --audience orders --database "$3" >/dev/null
  WARDEN_FLUSH=$1 WARDEN_LOG_LEVEL=warning taskset -c 0 $WARDEN serve --port $2 --database "$3" >/dev/null &
}
start consolidated 8041 $W/c.sqlite; PC=$!
start each 8042 $W/e.sqlite; PE=$!
trap 'kill $PC $PE; rm -rf $W' EXIT
for p in 8041 8042; do for _ in $(seq 100); do curl -sf http://127.0.0.1:$p/health >/dev/null && break; sleep 0.1; done; done
cd "$ROOT/Benchmarks/http"
export AUTH="$(printf 'bench-service:%s' "$SECRET" | base64 -w0)" BODY="grant_type=client_credentials&scope=orders.read"
for p in 8041 8042; do taskset -c 1 wrk -t1 -c32 -d2s -s post.lua http://127.0.0.1:$p/oauth2/token >/dev/null; done
for r in $(seq "$ROUNDS"); do
  for p in 8041 8042; do
    out=$(taskset -c 1 wrk -t1 -c32 -d3s --latency -s post.lua http://127.0.0.1:$p/oauth2/token)
    mode=$([ $p = 8041 ] && echo consolidated || echo each)
    echo "round $r $mode: $(echo "$out" | awk '/Requests\/sec/ {printf "%s tokens/s ", $2} / 50%/ {printf "p50 %s ", $2} / 99%/ {printf "p99 %s ", $2}')"
  done
done

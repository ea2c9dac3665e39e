#!/usr/bin/env bash
# Server CPU µs per request for any of ResourceServerBench's routes, interleaved in rounds, with
# each route's per-round ratio to the first route named: a quick way to try one question (e.g.
# `routes.sh 7 4 plain uncached twice`: what a second verification right after the first costs).
# run.sh is the benchmark; this is its workbench. Same pinning and executors as run.sh.
#
#   Benchmarks/resource/routes.sh ROUNDS SECONDS ROUTE... (RESOURCE_BENCH_EXECUTOR=generic|nio|swift|preference; generic by default)
set -euo pipefail
cd "$(dirname "$0")"
[ $# -ge 3 ] || { echo "usage: routes.sh ROUNDS SECONDS ROUTE..." >&2; exit 64; }
ROUNDS="$1"; SECONDS_EACH="$2"; shift 2
BIN="${RESOURCE_BENCH_BIN:-$(cd .. && pwd)/.build/release/ResourceServerBench}"
PORT="${RESOURCE_BENCH_PORT:-8095}"
case "${RESOURCE_BENCH_EXECUTOR:-generic}" in
  swift) EXECUTOR=(RESOURCE_BENCH_NIO_EXECUTOR=0) ;;
  preference) EXECUTOR=(RESOURCE_BENCH_TASK_EXECUTOR=1) ;;
  nio) EXECUTOR=(RESOURCE_BENCH_NIO_EXECUTOR=1) ;;
  generic) EXECUTOR=(RESOURCE_BENCH_NIO_EXECUTOR=generic) ;;
  *) echo "routes.sh: RESOURCE_BENCH_EXECUTOR is generic, nio, swift or preference" >&2; exit 1 ;;
esac
WORK="$(mktemp -d)"
cleanup() { kill "${SERVER_PID:-}" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
env "${EXECUTOR[@]}" taskset -c 0 "$BIN" serve "$PORT" "$WORK" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 200); do [ -f "$WORK/ready" ] && break; sleep 0.05; done
[ -f "$WORK/ready" ] || { echo "routes.sh: the server did not start" >&2; cat "$WORK/server.log" >&2; exit 1; }
TOKEN="$(cat "$WORK/bearer.token")"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
for route in "$@"; do KIND=bearer TOKEN="$TOKEN" taskset -c 1 wrk -t1 -c16 -d2s -s requests.lua "http://127.0.0.1:$PORT/$route" >/dev/null; done
: >"$WORK/values"
for round in $(seq "$ROUNDS"); do
  line="round $round:"
  # The routes take turns going first: forwards in odd rounds, backwards in even ones (an
  # order effect of up to ~2 % was seen between two identical routes).
  order=("$@")
  if (( round % 2 == 0 )); then order=(); for ((i = $#; i >= 1; i--)); do order+=("${!i}"); done; fi
  for route in "${order[@]}"; do
    before=$(cpu_ticks)
    requests=$(KIND=bearer TOKEN="$TOKEN" taskset -c 1 wrk -t1 -c16 -d"${SECONDS_EACH}s" -s requests.lua "http://127.0.0.1:$PORT/$route" | awk '/requests in/ {print $1}')
    after=$(cpu_ticks)
    value=$(python3 -c "print(round(($after - $before) * 1e4 / $requests, 2))")
    echo "$route $round $value" >>"$WORK/values"
    line="$line $route $value µs"
  done
  echo "$line"
done
echo "in-process uncached verification: $(cat "$WORK/verify.floor") µs"
python3 - "$WORK/values" "$@" <<'PY'
import statistics, sys
values = {}
for line in open(sys.argv[1]):
    route, _, value = line.split()
    values.setdefault(route, []).append(float(value))
first = sys.argv[2]
for route in sys.argv[2:]:
    ratios = [a / b for a, b in zip(values[first], values[route])]
    print(f"{route:18} median {statistics.median(values[route]):7.2f} µs   {first} / {route} per round, median {statistics.median(ratios):.3f}")
PY

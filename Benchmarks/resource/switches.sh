#!/usr/bin/env bash
# Executor switches and context switches per request on the resource server's routes (issue 16):
# counts, not timings, so they hold on a noisy machine. A uprobe on the Swift runtime's
# `swift_task_switch` (every `await` into a function that may run elsewhere calls it) and on
# `swift_task_enqueue`, and the kernel's context switches, read by `perf stat` on the server
# while wrk loads one route; then, per thread of the server, voluntary and involuntary context
# switches and CPU time (/proc/PID/task/*).
#
#   Benchmarks/resource/switches.sh [routes=plain bearer uncached] (RESOURCE_BENCH_EXECUTOR=generic|nio|swift|preference; generic by default)
#
# A probe hit costs microseconds, which changes how the threads take turns: for the context
# switches of an unprobed server, SWITCHES_PROBES=0 (the kernel's counts and the thread table only).
#
# Needs: root (uprobes), perf (Debian's linux-perf), wrk, the release ResourceServerBench
# (see run.sh). Pinned as run.sh pins: the server on CPU 0, wrk on CPU 1. The probes are
# removed at the end. docs/benchmarks.md ("The resource server's path over HTTP") has results.
set -euo pipefail
cd "$(dirname "$0")"
ROUTES=("$@")
[ ${#ROUTES[@]} -gt 0 ] || ROUTES=(plain bearer uncached)
BIN="${RESOURCE_BENCH_BIN:-$(cd .. && pwd)/.build/release/ResourceServerBench}"
PORT="${RESOURCE_BENCH_PORT:-8095}"
CONCURRENCY="$(dirname "$(readlink -f "$(command -v swift)")")/../lib/swift/linux/libswift_Concurrency.so"
[ -x "$BIN" ] || { echo "switches.sh: build first: (cd Benchmarks && swift build -c release --product ResourceServerBench)" >&2; exit 1; }
[ -f "$CONCURRENCY" ] || { echo "switches.sh: no $CONCURRENCY" >&2; exit 1; }
command -v perf >/dev/null || { echo "switches.sh: perf is missing (apt-get install linux-perf)" >&2; exit 1; }
case "${RESOURCE_BENCH_EXECUTOR:-generic}" in
  swift) EXECUTOR=() ;;
  preference) EXECUTOR=(RESOURCE_BENCH_TASK_EXECUTOR=1) ;;
  nio) EXECUTOR=(RESOURCE_BENCH_NIO_EXECUTOR=1) ;;
  generic) EXECUTOR=(RESOURCE_BENCH_NIO_EXECUTOR=generic) ;;
  *) echo "switches.sh: RESOURCE_BENCH_EXECUTOR is generic, nio, swift or preference" >&2; exit 1 ;;
esac
WORK="$(mktemp -d)"
cleanup() {
  kill "${SERVER_PID:-}" 2>/dev/null || true
  perf probe -q -d 'probe_libswift_Concurrency:swift_task_switch' 2>/dev/null || true
  perf probe -q -d 'probe_libswift_Concurrency:swift_task_enqueue' 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
EVENTS=context-switches
if [ "${SWITCHES_PROBES:-1}" = 1 ]; then
  perf probe -q -x "$CONCURRENCY" -a swift_task_switch
  perf probe -q -x "$CONCURRENCY" -a swift_task_enqueue
  EVENTS=probe_libswift_Concurrency:swift_task_switch,probe_libswift_Concurrency:swift_task_enqueue,context-switches
fi
env "${EXECUTOR[@]}" taskset -c 0 "$BIN" serve "$PORT" "$WORK" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 200); do [ -f "$WORK/ready" ] && break; sleep 0.05; done
[ -f "$WORK/ready" ] || { echo "switches.sh: the server did not start" >&2; cat "$WORK/server.log" >&2; exit 1; }
TOKEN="$(cat "$WORK/bearer.token")"
threads() {
  for task in /proc/"$SERVER_PID"/task/*; do
    echo "$(basename "$task") $(tr ' ' _ <"$task/comm") $(awk '/^voluntary_ctxt/ {v=$2} /^nonvoluntary_ctxt/ {n=$2} END {print v, n}' "$task/status") $(awk '{print $14 + $15}' "$task/stat")"
  done | sort
}
echo "executor ${RESOURCE_BENCH_EXECUTOR:-generic}; per request:"
for route in "${ROUTES[@]}"; do
  KIND=bearer TOKEN="$TOKEN" taskset -c 1 wrk -t1 -c16 -d2s -s requests.lua "http://127.0.0.1:$PORT/$route" >/dev/null
  threads >"$WORK/before"
  perf stat -x, -e "$EVENTS" -p "$SERVER_PID" -o "$WORK/stat" -- sleep 4 &
  STAT_PID=$!
  REQUESTS=$(KIND=bearer TOKEN="$TOKEN" taskset -c 1 wrk -t1 -c16 -d4s -s requests.lua "http://127.0.0.1:$PORT/$route" | awk '/requests in/ {print $1}')
  wait "$STAT_PID"
  threads >"$WORK/after"
  awk -F, -v n="$REQUESTS" -v route="$route" 'NF > 2 && $1 ~ /^[0-9]/ {name = $3; sub(/.*:/, "", name); line = line sprintf(" %s %.2f", name, $1 / n)} END {print route ":" line}' "$WORK/stat"
  join "$WORK/before" "$WORK/after" | awk -v n="$REQUESTS" '{v = $7 - $3; i = $8 - $4; c = $9 - $5; if (v + i + c > 0) printf "    thread %-18s voluntary %.3f, involuntary %.3f, CPU %.2f s\n", $2, v / n, i / n, c / 100}'
done

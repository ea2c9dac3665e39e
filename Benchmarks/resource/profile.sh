#!/usr/bin/env bash
# Where a route's CPU goes, per request, beside another route's (issue 16): starts
# ResourceServerBench as run.sh does (server on CPU 0, wrk on CPU 1, the generic executor), then
# for each route records `perf record -g` of the server while wrk loads it, and prints the self
# time per request of the symbols whose difference between the two routes is largest
# (nanoseconds a request; sampling, so only differences of ~20 ns and more mean anything).
# Routes: those of run.sh, and `inline` (the cached check written by hand in a plain handler: a
# control for what the adapter adds). CPU per request = samples / frequency / requests.
# Usage: Benchmarks/resource/profile.sh [route A=plain] [route B=bearer] [seconds=8] [rounds=3]
# Needs: perf (linux-perf), wrk, a release build in Benchmarks/ (see run.sh).
set -euo pipefail
cd "$(dirname "$0")"
A="${1:-plain}"
B="${2:-bearer}"
SECONDS_EACH="${3:-8}"
ROUNDS="${4:-3}"
BIN="${RESOURCE_BENCH_BIN:-$(cd .. && pwd)/.build/release/ResourceServerBench}"
PORT="${RESOURCE_BENCH_PORT:-8097}"
# PROFILE_KEEP=DIR keeps the recordings there (DIR/ROUTE.ROUND.data, a `/` in ROUTE as `_`; for `perf report -G`).
WORK="${PROFILE_KEEP:-$(mktemp -d)}"
mkdir -p "$WORK"
cleanup() { kill "${SERVER_PID:-}" 2>/dev/null || true; [ -n "${PROFILE_KEEP:-}" ] || rm -rf "$WORK"; }
trap cleanup EXIT
command -v perf >/dev/null || { echo "profile.sh: perf is missing (apt-get install linux-perf)" >&2; exit 1; }
RESOURCE_BENCH_NIO_EXECUTOR=generic taskset -c 0 "$BIN" serve "$PORT" "$WORK" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 400); do [ -f "$WORK/ready" ] && break; sleep 0.05; done
[ -f "$WORK/ready" ] || { cat "$WORK/server.log" >&2; exit 1; }
TOKEN="$(cat "$WORK/bearer.token")"
FREQUENCY=10000

for round in $(seq "$ROUNDS"); do
  for route in "$A" "$B"; do
    # A route's files are named by it, `/` as `_` (ResourceServerBench's `parts/…`).
    file="${route//\//_}"
    KIND=plain TOKEN="$TOKEN" taskset -c 1 wrk -t1 -c16 -d"$((SECONDS_EACH + 2))s" -s requests.lua "http://127.0.0.1:$PORT/$route" >"$WORK/$file.$round.wrk" &
    WRK=$!
    sleep 1
    perf record -q -F "$FREQUENCY" -g -p "$SERVER_PID" -o "$WORK/$file.$round.data" -- sleep "$SECONDS_EACH" >/dev/null 2>&1
    wait "$WRK"
    perf report -i "$WORK/$file.$round.data" --no-children --sort symbol --stdio -g none 2>/dev/null \
      | awk '/^ +[0-9.]+%/ { sub(/%/, "", $1); $2 = ""; name = $0; sub(/^[^ ]+ +/, "", name); print $1 "\t" name }' >"$WORK/$file.$round.symbols"
    perf script -i "$WORK/$file.$round.data" -F period 2>/dev/null | wc -l >"$WORK/$file.$round.samples"
    # Requests while recording: wrk's rate times the recorded seconds.
    awk '/Requests\/sec/ { print $2 }' "$WORK/$file.$round.wrk" >"$WORK/$file.$round.rate"
  done
done

python3 - "$WORK" "$A" "$B" "$ROUNDS" "$SECONDS_EACH" "$FREQUENCY" <<'PY'
import collections, sys
work, a, b, rounds, seconds, frequency = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
def per_request(route):
    route = route.replace("/", "_")
    totals = collections.Counter()
    total_ns = 0.0
    for r in range(1, rounds + 1):
        samples = int(open(f"{work}/{route}.{r}.samples").read().split()[0])
        rate = float(open(f"{work}/{route}.{r}.rate").read().split()[0])
        requests = rate * seconds
        # Each sample stands for 1/frequency s of CPU.
        ns_total = samples / frequency * 1e9 / requests
        total_ns += ns_total / rounds
        for line in open(f"{work}/{route}.{r}.symbols"):
            share, name = line.rstrip("\n").split("\t", 1)
            totals[name.strip()] += float(share) / 100 * ns_total / rounds
    return totals, total_ns
ta, na = per_request(a)
tb, nb = per_request(b)
print(f"{a}: {na:.0f} ns a request (CPU sampled), {b}: {nb:.0f} ns; difference {nb - na:+.0f} ns")
names = set(ta) | set(tb)
rows = sorted(names, key=lambda n: -abs(tb[n] - ta[n]))
print(f"{'diff ns':>8} {a:>9} {b:>9}  symbol")
for n in rows[:45]:
    print(f"{tb[n] - ta[n]:+8.0f} {ta[n]:9.0f} {tb[n]:9.0f}  {n[:150]}")
PY

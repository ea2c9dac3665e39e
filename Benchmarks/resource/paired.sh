#!/usr/bin/env bash
# Issue 16's two resource-route targets, measured *paired*: two ResourceServerBench servers (the
# same build) on CPU 0, each loaded by its own wrk on CPU 1 at the same time — one route on one
# server, the other route on the other, the servers swapping routes every round — and the
# server's CPU per request of each read from /proc. Both routes then see the same seconds of the
# host, so its swings (here the same route moves ±30 % between 1-s rounds measured one after the
# other: run.sh's medians wandered 0.89–0.98 for one build) cancel in each round's ratio.
#   null      plain on both servers: what the method itself reads (should be 1.00; ±2 % a round here)
#   cached    plain / bearer (the verified-token cache): target >= 0.95
#   uncached  (uncached - plain) / the in-process verification, the verification measured by a
#             third process (`ResourceServerBench verify-floor`) on the same CPU in the same
#             seconds: target <= 1.2
#   control   (work - bearer) / a raw P-256 verification in process, measured the same way: what
#             any handler doing that much crypto pays over it here (run.sh's control, paired) --
#             the yardstick for the uncached ratio: the servers run at a third of plain's request
#             rate there, and the framework's share of a request grows as fewer requests share
#             each pass of the event loop (docs/benchmarks.md "fourth session")
# Medians of the rounds are the result; CPU time from the scheduler's per-thread counts
# (/proc/PID/task/*/schedstat, ns). run.sh measures the same routes one after another
# (and everything else: DPoP, signatures, reporting); this script only the two targets.
# What sharing CPU 0 changes: each server runs half the time, so its caches are cooled by the
# other's turns (~a few µs a scheduler slice of ~100 requests): both routes alike.
# Usage: Benchmarks/resource/paired.sh [seconds per round=2] [rounds=12] [connections per server=8]
# Needs: wrk, taskset, python3, two CPUs; (cd Benchmarks && swift build -c release --product ResourceServerBench).
# RESOURCE_BENCH_BIN=PATH: another build; RESOURCE_BENCH_PORT: the first of two ports (8093).
set -euo pipefail
cd "$(dirname "$0")"
DURATION="${1:-2}"
ROUNDS="${2:-12}"
CONNECTIONS="${3:-8}"
BIN="${RESOURCE_BENCH_BIN:-$(cd .. && pwd)/.build/release/ResourceServerBench}"
PORT_A="${RESOURCE_BENCH_PORT:-8093}"
PORT_B=$((PORT_A + 1))
[ -x "$BIN" ] || { echo "paired.sh: build first: (cd Benchmarks && swift build -c release --product ResourceServerBench)" >&2; exit 1; }
for tool in wrk taskset python3; do command -v $tool >/dev/null || { echo "paired.sh: $tool is missing" >&2; exit 1; }; done
[ "$(nproc)" -ge 2 ] || { echo "paired.sh: needs two CPUs (servers on one, wrk on the other)" >&2; exit 1; }

WORK="$(mktemp -d)"
mkdir "$WORK/a" "$WORK/b"
cleanup() { kill "${PID_A:-}" "${PID_B:-}" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
# As run.sh's default: Swift's global executor on NIO's loops, jobs run as generic ones.
RESOURCE_BENCH_NIO_EXECUTOR=generic taskset -c 0 "$BIN" serve "$PORT_A" "$WORK/a" >"$WORK/a.log" 2>&1 &
PID_A=$!
RESOURCE_BENCH_NIO_EXECUTOR=generic taskset -c 0 "$BIN" serve "$PORT_B" "$WORK/b" >"$WORK/b.log" 2>&1 &
PID_B=$!
for _ in $(seq 400); do [ -f "$WORK/a/ready" ] && [ -f "$WORK/b/ready" ] && break; sleep 0.05; done
[ -f "$WORK/a/ready" ] && [ -f "$WORK/b/ready" ] || { echo "paired.sh: the servers did not start:" >&2; cat "$WORK"/*.log >&2; exit 1; }

# CPU time the server's threads have had, in ns (the scheduler's own count, summed over them):
# /proc/PID/stat's 10-ms ticks would be ~1 % of a 2-s round each.
cpu_ns() { cat /proc/"$1"/task/*/schedstat | awk '{ns += $1} END {printf "%.0f\n", ns}'; }
# load KIND PORT DIR OUT: wrk against one server; the number of requests into OUT. Every answer
# must be a 2xx.
load() {
  local output
  output=$(KIND="$1" TOKEN="$(cat "$3/bearer.token")" taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" -s requests.lua "http://127.0.0.1:$2/$1")
  if grep -q -e "Non-2xx" -e "Socket errors" <<<"$output"; then echo "paired.sh: $1: answers other than 200, or socket errors:" >&2; echo "$output" >&2; exit 1; fi
  awk '/requests in/ {print $1}' <<<"$output" >"$4"
}
# pair FIRST SECOND ROUND [floor]: FIRST on server a and SECOND on server b in odd rounds, the
# other way round in even ones, both loaded at once; prints "FIRST-µs SECOND-µs" (CPU per
# request), and with `floor` the in-process verification and raw P-256 verification measured in
# the same seconds.
pair() {
  local first="$1" second="$2" round="$3" on_a on_b a0 b0 a1 b1 floor_pid=""
  if (( round % 2 )); then on_a=$first; on_b=$second; else on_a=$second; on_b=$first; fi
  rm -f "$WORK/na" "$WORK/nb" "$WORK/floor"
  a0=$(cpu_ns $PID_A); b0=$(cpu_ns $PID_B)
  load "$on_a" "$PORT_A" "$WORK/a" "$WORK/na" & local ja=$!
  load "$on_b" "$PORT_B" "$WORK/b" "$WORK/nb" & local jb=$!
  if [ "${4:-}" = floor ]; then taskset -c 0 "$BIN" verify-floor "$DURATION" >"$WORK/floor" & floor_pid=$!; fi
  # One at a time: `wait A B` answers only B's status, and a failed load must stop the run.
  wait "$ja" || exit 1
  wait "$jb" || exit 1
  [ -z "$floor_pid" ] || wait "$floor_pid" || exit 1
  a1=$(cpu_ns $PID_A); b1=$(cpu_ns $PID_B)
  python3 - "$round" "$a0" "$a1" "$(cat "$WORK/na")" "$b0" "$b1" "$(cat "$WORK/nb")" "${floor_pid:+$WORK/floor}" <<'PY'
import sys
r, a0, a1, na, b0, b1, nb, floor = sys.argv[1:]
a = (int(a1) - int(a0)) / 1e3 / float(na)
b = (int(b1) - int(b0)) / 1e3 / float(nb)
first, second = (a, b) if int(r) % 2 else (b, a)
floors = dict(line.split() for line in open(floor)) if floor else {}
print(f"{first:.1f} {second:.1f} {floors.get('verify_us', '-')} {floors.get('raw_p256_us', '-')}")
PY
}

# Warm-up, not measured.
for kind in plain bearer uncached work; do load $kind "$PORT_A" "$WORK/a" /dev/null; load $kind "$PORT_B" "$WORK/b" /dev/null; done

echo "rounds: $ROUNDS x ${DURATION}s, two servers on CPU 0 loaded at once ($CONNECTIONS connections each, wrk on CPU 1); server CPU µs per request"
NULL=(); CACHED=(); UNCACHED=(); CONTROL=()
for round in $(seq "$ROUNDS"); do
  read -r N1 N2 _ _ < <(pair plain plain "$round")
  read -r P B _ _ < <(pair plain bearer "$round")
  read -r P2 U F _ < <(pair plain uncached "$round" floor)
  read -r B2 WK _ RAW < <(pair bearer work "$round" floor)
  NULL+=("$(python3 -c "print(round($N1 / $N2, 3))")")
  CACHED+=("$(python3 -c "print(round($P / $B, 3))")")
  UNCACHED+=("$(python3 -c "print(round(($U - $P2) / $F, 3))")")
  CONTROL+=("$(python3 -c "print(round(($WK - $B2) / $RAW, 3))")")
  printf 'round %s: plain %5.1f / plain %5.1f = %s | plain %5.1f / bearer %5.1f = %s | uncached %6.1f - plain %5.1f over verify %5.1f = %s | work %6.1f - bearer %5.1f over raw P-256 %5.1f = %s\n' \
    "$round" "$N1" "$N2" "${NULL[-1]}" "$P" "$B" "${CACHED[-1]}" "$U" "$P2" "$F" "${UNCACHED[-1]}" "$WK" "$B2" "$RAW" "${CONTROL[-1]}"
done
median() { python3 -c "import statistics, sys; print(round(statistics.median(map(float, sys.argv[1:])), 3))" "$@"; }
echo "null: plain / plain, the method itself:          median $(median "${NULL[@]}") (1.00 when unbiased)"
echo "issue 16: plain / bearer (cached), CPU per request: median $(median "${CACHED[@]}") (target >= 0.95)"
echo "issue 16: (uncached - plain) / in-process verify:   median $(median "${UNCACHED[@]}") (target <= 1.2)"
echo "control: (work - bearer) / in-process raw P-256:      median $(median "${CONTROL[@]}") (what any handler pays over its crypto here)"

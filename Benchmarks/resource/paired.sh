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
SCRIPT=paired.sh
BASELINE_BIN=""
# shellcheck source=paired-servers.sh
source ./paired-servers.sh

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

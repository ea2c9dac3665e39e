#!/usr/bin/env bash
# Issue 16's introspection target, measured *paired*: two `warden serve` (this build, or a
# baseline and this build) on CPU 0, each loaded by its own wrk on CPU 1 at the same time —
# introspection on one, the plain route (GET /oauth2/jwks) on the other, swapping every round —
# and each server's CPU per request read from /proc. Both see the same seconds of the host, so
# its swings cancel in each round's ratio (run.sh measures one after the other: its rounds here
# ranged 0.59–1.05 for one build; paired, 0.70–0.81). CPU time from the scheduler's per-thread
# counts (/proc/PID/task/*/schedstat, ns). The token introspected is one token, again and again
# (a service asking about the tokens it is shown): its answer is built once and kept
# (IntrospectionAnswers); a token seen once pays the answer's building too (~1 %).
#   null   JWKS on both servers: what the method itself reads (1.00 when unbiased)
#   intro  JWKS / introspection, CPU per request: target >= 0.8
# With a baseline build, instead of the target: introspection on both at once, baseline / this
# build (> 1: this build is cheaper) divided by the same round's JWKS pair (which then runs the
# same code on both: it takes out what the two processes' places do), a change's worth to ~1 %.
# Usage: Benchmarks/http/paired.sh [BASELINE_WARDEN] [rounds=12] [seconds=2]
#   cp .build/release/warden /tmp/warden-base; (change; swift build -c release --product warden)
#   Benchmarks/http/paired.sh /tmp/warden-base
# Needs: wrk, taskset, python3, curl, two CPUs; serves on 8031 (baseline) and 8032 (this build).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
NEW="$ROOT/.build/release/warden"
BASE="${1:-$NEW}"
ROUNDS="${2:-12}"
DURATION="${3:-2}"
[ -x "$NEW" ] || { echo "paired.sh: build first: swift build -c release --product warden" >&2; exit 1; }
for tool in wrk taskset python3 curl; do command -v $tool >/dev/null || { echo "paired.sh: $tool is missing" >&2; exit 1; }; done
[ "$(nproc)" -ge 2 ] || { echo "paired.sh: needs two CPUs (servers on one, wrk on the other)" >&2; exit 1; }
. "$ROOT/Benchmarks/http/two-wardens.sh"

# CPU time the server's threads have had, in ns (the scheduler's own count, summed over them):
# /proc/PID/stat's 10-ms ticks would be ~1 % of a 2-s round each.
cpu_ns() { cat /proc/"$1"/task/*/schedstat | awk '{ns += $1} END {printf "%.0f\n", ns}'; }
# load KIND PORT TOKEN OUT: wrk against one server, the number of requests into OUT; every
# answer must be a 2xx.
load() {
  local output
  if [ "$1" = jwks ]; then output=$(taskset -c 1 wrk -t1 -c8 -d"${DURATION}s" "http://127.0.0.1:$2/oauth2/jwks")
  else output=$(BODY="token=$3" taskset -c 1 wrk -t1 -c8 -d"${DURATION}s" -s post.lua "http://127.0.0.1:$2/oauth2/introspect"); fi
  if grep -q -e "Non-2xx" -e "Socket errors" <<<"$output"; then echo "paired.sh: $1: answers other than 200, or socket errors:" >&2; echo "$output" >&2; exit 1; fi
  awk '/requests in/ {print $1}' <<<"$output" >"$4"
}
# pair KIND_ON_BASELINE KIND_ON_NEW: both loaded at once; prints "baseline-µs new-µs".
pair() {
  local b0 n0 b1 n1
  rm -f "$W/nb" "$W/nn"
  b0=$(cpu_ns $PB); n0=$(cpu_ns $PN)
  load "$1" 8031 "$TB" "$W/nb" & local jb=$!
  load "$2" 8032 "$TN" "$W/nn" & local jn=$!
  # One at a time: `wait A B` answers only B's status, and a failed load must stop the run.
  wait "$jb" || exit 1
  wait "$jn" || exit 1
  b1=$(cpu_ns $PB); n1=$(cpu_ns $PN)
  python3 -c "print(round(($b1 - $b0) / 1e3 / $(cat "$W/nb"), 1), round(($n1 - $n0) / 1e3 / $(cat "$W/nn"), 1))"
}
ratio() { python3 -c "print(round($1 / $2, 3))"; }

for kind in intro jwks; do load $kind 8031 "$TB" /dev/null; load $kind 8032 "$TN" /dev/null; done
echo "rounds: $ROUNDS x ${DURATION}s, two wardens on CPU 0 loaded at once (8 connections each, wrk on CPU 1); server CPU µs per request"
NULL=(); INTRO=(); AB=()
for round in $(seq "$ROUNDS"); do
  read -r J1 J2 < <(pair jwks jwks)
  NULL+=("$(ratio "$J1" "$J2")")
  line=$(printf 'round %s: jwks %5.1f / jwks %5.1f = %s' "$round" "$J1" "$J2" "${NULL[-1]}")
  if [ "$BASE" = "$NEW" ]; then
    # Introspection on the first server in odd rounds, on the second in even ones.
    if (( round % 2 )); then read -r I J < <(pair intro jwks); else read -r J I < <(pair jwks intro); fi
    INTRO+=("$(ratio "$J" "$I")")
    line+=$(printf ' | jwks %5.1f / introspection %5.1f = %s' "$J" "$I" "${INTRO[-1]}")
  else
    read -r IB IN < <(pair intro intro)
    # Over the same round's JWKS pair (the same code in both builds, unless the change touched
    # it): each build keeps its server, so what the two processes' places alone make of a ratio
    # (up to ~2.5 % here) divides out.
    AB+=("$(python3 -c "print(round(($IB / $IN) / ($J1 / $J2), 3))")")
    line+=$(printf ' | introspection: baseline %5.1f / this build %5.1f, over the JWKS pair: %s' "$IB" "$IN" "${AB[-1]}")
  fi
  echo "$line"
done
median() { python3 -c "import statistics, sys; print(round(statistics.median(map(float, sys.argv[1:])), 3))" "$@"; }
echo "null: jwks / jwks, the method itself:                 median $(median "${NULL[@]}") (1.00 when unbiased)"
[ "$BASE" != "$NEW" ] || echo "issue 16: jwks / introspection, CPU per request:      median $(median "${INTRO[@]}") (target >= 0.8)"
[ "$BASE" = "$NEW" ] || echo "introspection, baseline / this build over the JWKS pair, CPU per request: median $(median "${AB[@]}") (> 1: this build is cheaper)"

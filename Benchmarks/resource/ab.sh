#!/usr/bin/env bash
# Two builds of ResourceServerBench compared route by route (issue 16): the baseline on one server,
# this build on the other, both on CPU 0 and loaded at once (paired.sh's method), the same route on
# both; prints per route the median of baseline / this build by server CPU per request (> 1: this
# build is cheaper), and the same divided by plain's (the two servers' places alone can move a
# ratio by ~1-2 %: plain, the same code in both builds, measures that).
# Usage: Benchmarks/resource/ab.sh BASELINE_BINARY [seconds per round=2] [rounds=10] [routes=plain bearer]
# (keep a baseline: cp Benchmarks/.build/release/ResourceServerBench /tmp/base before changing code;
# a route the baseline does not serve answers 404 and stops the run)
# Needs what paired.sh needs.
set -euo pipefail
[ $# -ge 1 ] && [ -f "$1" ] && [ -x "$1" ] || { echo "usage: $0 BASELINE_BINARY [seconds] [rounds] [routes...]" >&2; exit 1; }
BASELINE_BIN="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
cd "$(dirname "$0")"
DURATION="${2:-2}"
ROUNDS="${3:-10}"
shift $(( $# < 3 ? $# : 3 ))
ROUTES=("$@")
[ ${#ROUTES[@]} -gt 0 ] || ROUTES=(plain bearer)
[[ " ${ROUTES[*]} " == *" plain "* ]] || ROUTES=(plain "${ROUTES[@]}")
CONNECTIONS=8
SCRIPT=ab.sh
# shellcheck source=paired-servers.sh
source ./paired-servers.sh

for route in "${ROUTES[@]}"; do load "$route" "$PORT_A" "$WORK/a" /dev/null; load "$route" "$PORT_B" "$WORK/b" /dev/null; done
echo "rounds: $ROUNDS x ${DURATION}s; baseline on one server, this build on the other, the same route on both at once"
declare -A RATIOS
for round in $(seq "$ROUNDS"); do
  line="round $round:"
  for route in "${ROUTES[@]}"; do
    # Round 1's order: the first route on server a (the baseline).
    read -r BASE NEW _ _ < <(pair "$route" "$route" 1)
    RATIOS[$route]+=" $(python3 -c "print(round($BASE / $NEW, 4))")"
    line+=" | $route $BASE / $NEW"
  done
  echo "$line"
done
median() { python3 -c "import statistics, sys; print(round(statistics.median(map(float, sys.argv[1:])), 3))" "$@"; }
# shellcheck disable=SC2086
PLAIN=$(median ${RATIOS[plain]})
for route in "${ROUTES[@]}"; do
  # shellcheck disable=SC2086
  printf '%-12s baseline / this build median %s; over plain'"'"'s %s\n' "$route" "$(median ${RATIOS[$route]})" "$(python3 -c "print(round($(median ${RATIOS[$route]}) / $PLAIN, 3))")"
done

#!/usr/bin/env bash
# The cached protected route's cost taken apart (issue 16; docs/benchmarks.md "fifth session",
# "sixth session"): each of ResourceServerBench's probes, `parts/NAME/probe`, against its own
# plain twin `parts/NAME/plain` registered just before it (Hummingbird compares a level's routes in
# the order they were added, ~25–85 ns a place served: a probe against one plain route for all
# read dearer the later it was registered). Paired as paired.sh pairs (two servers on CPU 0 loaded at
# once by wrk on CPU 1, the routes swapping servers each round), printing per part the median of
# plain / part and of the server CPU it adds a request (µs):
#   same          the plain handler as the probe too: what the method reads for nothing (~0)
#   compute       ~1 µs of arithmetic touching no memory (the server calibrates it at start and
#                 prints its in-process cost): what a microsecond of handler work costs served
#   scan          the `Authorization` field found and its scheme checked
#   cached        one cached verification of a token the handler holds
#   cached-twice  two: (cached-twice - cached) is a verification with the verifier's memory hot;
#                 cached less that, what the first pays for it having gone cold since the last
#                 request (likely the framework's work in between evicting it; readings of single
#                 parts are good to ~±0.5 µs, more in the host's noisy hours: watch `same`)
#   cached-deny   `cached` by a verifier whose deny list holds 100,000 other tokens
#   floor         a lower bound for any remembered token's check: bytes compared, clock read
#   tasklocal     the task-local binding around an async closure, as the protected route makes it
#   asyncclosure  the async closure call alone
#   inline        the check written by hand in a plain handler (header, copy, cached verification, scope)
#   bearer        the protected route (the adapter: credential scan, cached verification, scope
#                 check, context, task-local)
#   late          `parts/late` (plain's handler, registered twelve places after it) against
#                 `parts/plain`: what the order of registration alone costs
# Usage: Benchmarks/resource/decompose.sh [seconds per round=2] [rounds=10] [connections per server=8]
# DECOMPOSE_PARTS="scan cached": only those. Needs what paired.sh needs.
set -euo pipefail
cd "$(dirname "$0")"
DURATION="${1:-2}"
ROUNDS="${2:-10}"
CONNECTIONS="${3:-8}"
read -r -a PARTS <<<"${DECOMPOSE_PARTS:-same compute scan cached cached-twice floor tasklocal asyncclosure inline bearer}"
SCRIPT=decompose.sh
BASELINE_BIN=""
# shellcheck source=paired-servers.sh
source ./paired-servers.sh

# A part's two routes: its plain twin and its probe (`late`: parts/plain and parts/late).
routes_of() { if [ "$1" = late ]; then echo "parts/plain parts/late"; else echo "parts/$1/plain parts/$1/probe"; fi; }
for part in "${PARTS[@]}"; do
  for route in $(routes_of "$part"); do load "$route" "$PORT_A" "$WORK/a" /dev/null; load "$route" "$PORT_B" "$WORK/b" /dev/null; done
done
echo "rounds: $ROUNDS x ${DURATION}s, each probe paired with its plain twin; server CPU µs per request; compute's in-process cost: $(cat "$WORK/a/compute.floor") µs"
declare -A RATIOS EXTRAS
for round in $(seq "$ROUNDS"); do
  line="round $round:"
  for part in "${PARTS[@]}"; do
    read -r twin probe <<<"$(routes_of "$part")"
    read -r P X _ _ < <(pair "$twin" "$probe" "$round")
    RATIOS[$part]+=" $(python3 -c "print(round($P / $X, 3))")"
    EXTRAS[$part]+=" $(python3 -c "print(round($X - $P, 2))")"
    line+=" | $part $X over $P"
  done
  echo "$line"
done
median() { python3 -c "import statistics, sys; print(round(statistics.median(map(float, sys.argv[1:])), 3))" "$@"; }
for part in "${PARTS[@]}"; do
  # shellcheck disable=SC2086
  printf '%-13s plain / part median %s, adds %s µs a request (median)\n' "$part" "$(median ${RATIOS[$part]})" "$(median ${EXTRAS[$part]})"
done

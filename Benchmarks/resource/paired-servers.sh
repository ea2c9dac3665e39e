# Sourced by paired.sh and decompose.sh (issue 16): two ResourceServerBench servers on CPU 0
# (ports PORT_A and PORT_B), `cpu_ns`, `load` and `pair` (see paired.sh for the method). Expects
# DURATION, CONNECTIONS and SCRIPT (the caller's name, for messages); the working directory is
# Benchmarks/resource. BASELINE_BIN (a shell variable ab.sh sets, never read from the environment)
# serves another build on server a, for an A/B of two builds; otherwise both serve one build.
BASELINE_BIN="${BASELINE_BIN:-}"
BIN="${RESOURCE_BENCH_BIN:-$(cd .. && pwd)/.build/release/ResourceServerBench}"
PORT_A="${RESOURCE_BENCH_PORT:-8093}"
PORT_B=$((PORT_A + 1))
[ -x "$BIN" ] || { echo "$SCRIPT: build first: (cd Benchmarks && swift build -c release --product ResourceServerBench)" >&2; exit 1; }
for tool in wrk taskset python3; do command -v $tool >/dev/null || { echo "$SCRIPT: $tool is missing" >&2; exit 1; }; done
[ "$(nproc)" -ge 2 ] || { echo "$SCRIPT: needs two CPUs (servers on one, wrk on the other)" >&2; exit 1; }

WORK="$(mktemp -d)"
mkdir "$WORK/a" "$WORK/b"
cleanup() { kill "${PID_A:-}" "${PID_B:-}" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
# As run.sh's default: Swift's global executor on NIO's loops, jobs run as generic ones.
RESOURCE_BENCH_NIO_EXECUTOR=generic taskset -c 0 "${BASELINE_BIN:-$BIN}" serve "$PORT_A" "$WORK/a" >"$WORK/a.log" 2>&1 &
PID_A=$!
RESOURCE_BENCH_NIO_EXECUTOR=generic taskset -c 0 "$BIN" serve "$PORT_B" "$WORK/b" >"$WORK/b.log" 2>&1 &
PID_B=$!
for _ in $(seq 400); do [ -f "$WORK/a/ready" ] && [ -f "$WORK/b/ready" ] && break; sleep 0.05; done
[ -f "$WORK/a/ready" ] && [ -f "$WORK/b/ready" ] || { echo "$SCRIPT: the servers did not start:" >&2; cat "$WORK"/*.log >&2; exit 1; }

# CPU time the server's threads have had, in ns (the scheduler's own count, summed over them):
# /proc/PID/stat's 10-ms ticks would be ~1 % of a 2-s round each.
cpu_ns() { cat /proc/"$1"/task/*/schedstat | awk '{ns += $1} END {printf "%.0f\n", ns}'; }
# load KIND PORT DIR OUT: wrk against one server; the number of requests into OUT. Every answer
# must be a 2xx.
load() {
  local output
  output=$(KIND="$1" TOKEN="$(cat "$3/bearer.token")" taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" -s requests.lua "http://127.0.0.1:$2/$1")
  if grep -q -e "Non-2xx" -e "Socket errors" <<<"$output"; then echo "$SCRIPT: $1: answers other than 200, or socket errors:" >&2; echo "$output" >&2; exit 1; fi
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


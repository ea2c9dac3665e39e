#!/usr/bin/env bash
# The resource server's hot path (issues 12, 13, 16): one Hummingbird app (ResourceServerBench)
# with the same handler on several routes, loaded by wrk on loopback:
#   plain   GET /plain   no check (the request carries the same Authorization header as the
#                        others, ignored: a ratio measures the check, not 600 more bytes)
#   bearer  GET /bearer  a bearer token requiring orders.read (the same token: verified-token cache)
#   uncached GET /uncached  the same with the verifier's cache off: every request verifies the
#                        token's signature (ES256)
#   revocations GET /revocations  the same uncached, with 100,000 other tokens on the deny list
#   dpop    GET /dpop    the same with a DPoP-bound token and a fresh proof per request (RFC 9449)
#   work    GET /work    the bearer route whose handler also does one raw P-256 verification: a
#                        control, for what ~50 µs of crypto in a handler costs here, DPoP or not
#   unsigned POST /unsigned  a bearer route reading a small JSON body
#   signed   POST /signed    the same requiring a signed request (RFC 9421: hmac-sha256 over @method
#                        @target-uri content-digest authorization, the body checked against its
#                        Content-Digest, replay memory): reported as signed / unsigned CPU per request.
#                        Target <= 1.5: the check is an HMAC, a SHA-256 of a small body, parsing
#                        ~300 bytes of structured fields and building a ~400-byte base -- ~20 µs of
#                        work done well, half the unsigned route's ~45 µs here
#   refused  GET /refused    a bearer route the token lacks the scope for: every request a 403
#   refused-reported GET /refused-reported  the same, each refusal reported (issue 14: a
#                        SecurityEventReporter batching them to POST /events of the same app)
#   reported GET /reported   the bearer route with reporting on (nothing refused)
#                        Target (issue 14): reporting on / off >= 0.97, as refused / refused-reported
#                        and bearer / reported CPU per request
# and, in process, the floor of one extra proof: a raw P-256 verification (and Warden's whole
# proof check). Each round measures every route back to back; the server's CPU time per request
# comes from /proc/PID/stat (wrk shares the two cores, so requests per second move with whatever
# else the machine does; CPU per request far less). The medians of the rounds are the result.
#
# Target (docs/benchmarks.md): what a DPoP request costs the server beyond the same request with a
# bearer token is at most 1.2 times Warden's whole proof check measured in process:
# (dpop - bearer) CPU per request / in-process proof check <= 1.2 -- the standard issue 16 sets
# for the bearer path (uncached - plain <= 1.2 x in-process verify). The proof check itself is one
# P-256 verification plus parsing a ~500-byte JWS, a SHA-256 of the token (ath), the URI
# comparison and a replay-memory insert: ~1.3 raw P-256 verifications here, so the target is
# ~1.55 raw P-256 verifications per DPoP request.
# Issue 16's targets, on the medians: plain / bearer (cached) CPU per request >= 0.95, and
# (uncached - plain) / the in-process verification (measured by the server before it starts,
# DIR/verify.floor) <= 1.2.
# Executor: RESOURCE_BENCH_EXECUTOR=generic (the default) runs Swift's global executor on NIO's
# event loops with jobs run as generic ones (WardenExecutor's EventLoopGlobalExecutor.install()),
# as every Warden executable does and the README advises services to; =nio the same loops by
# NIO's own hook (NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor(),
# jobs isolated to the loop: an executor switch per nonisolated call); =swift keeps Swift's
# cooperative pool beside NIO's loops (Swift's default); =preference keeps the pool but has the
# server's tasks prefer NIO's event loops as their task executor (SE-0417, EventLoopTaskExecutor).
# docs/benchmarks.md has all four.
# Event loops: as many as the CPUs the server may run on (one when pinned; NIO itself counts
# cgroup limits, not taskset's affinity); RESOURCE_BENCH_LOOPS=N sets another number.
# RESOURCE_BENCH_BIN=PATH: another build to measure than Benchmarks/.build/release.
# RESOURCE_BENCH_BASELINE=PATH: a second ResourceServerBench (another build: the code before a
# change) served beside this one (same CPU, port + 1, loaded only while measured); each round
# also measures its plain, bearer and uncached routes, right after this build's, and reports
# baseline / this build CPU per request (>= 0.98: the change costs nothing measurable).
# RESOURCE_BENCH_ONLY=core: only the rounds' first line (plain, bearer, uncached, deny list)
# and the control (work) route -- a quicker run for trying a change.
# Benchmarks/resource/switches.sh counts executor and context switches per request instead
# (counts, not timings: they hold on a noisy host).
# Usage: Benchmarks/resource/run.sh [seconds per measurement=5] [connections=16] [rounds=3]
# Needs: apt-get install wrk; a release build in Benchmarks/:
#   (cd Benchmarks && swift build -c release --product ResourceServerBench)
set -euo pipefail
cd "$(dirname "$0")"
DURATION="${1:-5}"
CONNECTIONS="${2:-16}"
ROUNDS="${3:-3}"
BIN="${RESOURCE_BENCH_BIN:-$(cd .. && pwd)/.build/release/ResourceServerBench}"
PORT="${RESOURCE_BENCH_PORT:-8093}"
BASE="http://127.0.0.1:$PORT"
WORK="$(mktemp -d)"
cleanup() { kill "${SERVER_PID:-}" "${BASELINE_PID:-}" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

[ -x "$BIN" ] || { echo "run.sh: build first: (cd Benchmarks && swift build -c release --product ResourceServerBench)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "run.sh: wrk is missing (apt-get install wrk)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "run.sh: python3 is missing" >&2; exit 1; }
# Proofs are made before each measurement and accepted within 60 s of their iat.
[ "$DURATION" -le 50 ] || { echo "run.sh: at most 50 seconds per measurement (DPoP proofs are made beforehand and live 60 s)" >&2; exit 1; }

EXECUTOR="${RESOURCE_BENCH_EXECUTOR:-generic}"
TASK_EXECUTOR=0
case "$EXECUTOR" in
  generic) NIO_EXECUTOR=generic ;;
  nio) NIO_EXECUTOR=1 ;;
  swift) NIO_EXECUTOR=0 ;;
  preference) NIO_EXECUTOR=0; TASK_EXECUTOR=1 ;;
  *) echo "run.sh: RESOURCE_BENCH_EXECUTOR is generic, nio, swift or preference" >&2; exit 1 ;;
esac
# The server on CPU 0, wrk on CPU 1 (when there are two): each has a core of its own, so the
# server's CPU per request does not move with wrk's scheduling (unpinned, the same route varied
# by 30 % between rounds here; pinned, by 2 %). RESOURCE_BENCH_PIN=0 turns it off.
PIN_SERVER=()
PIN_WRK=()
if [ "${RESOURCE_BENCH_PIN:-1}" = 1 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  PIN_SERVER=(taskset -c 0)
  PIN_WRK=(taskset -c 1)
fi
RESOURCE_BENCH_TASK_EXECUTOR=$TASK_EXECUTOR RESOURCE_BENCH_NIO_EXECUTOR=$NIO_EXECUTOR "${PIN_SERVER[@]}" "$BIN" serve "$PORT" "$WORK" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
BASELINE="${RESOURCE_BENCH_BASELINE:-}"
if [ -n "$BASELINE" ]; then
  [ -x "$BASELINE" ] || { echo "run.sh: RESOURCE_BENCH_BASELINE is not an executable: $BASELINE" >&2; exit 1; }
  mkdir "$WORK/baseline"
  RESOURCE_BENCH_TASK_EXECUTOR=$TASK_EXECUTOR RESOURCE_BENCH_NIO_EXECUTOR=$NIO_EXECUTOR "${PIN_SERVER[@]}" "$BASELINE" serve "$((PORT + 1))" "$WORK/baseline" >"$WORK/baseline.log" 2>&1 &
  BASELINE_PID=$!
fi
for _ in $(seq 400); do [ -f "$WORK/ready" ] && { [ -z "$BASELINE" ] || [ -f "$WORK/baseline/ready" ]; } && break; sleep 0.05; done
[ -f "$WORK/ready" ] || { echo "run.sh: the server did not start:" >&2; cat "$WORK/server.log" >&2; exit 1; }
[ -z "$BASELINE" ] || [ -f "$WORK/baseline/ready" ] || { echo "run.sh: the baseline server did not start:" >&2; cat "$WORK/baseline.log" >&2; exit 1; }
BEARER_TOKEN="$(cat "$WORK/bearer.token")"
BOUND_TOKEN="$(cat "$WORK/bound.token")"
# Enough proofs for the fastest rate seen here (~21,000 requests/s) with room.
PROOF_COUNT=$((DURATION * 40000))

# CPU seconds (user + system) the server has used so far, in clock ticks (100 per second).
# MEASURED_PID, MEASURED_BASE, MEASURED_TOKEN: the server measure() loads (this build's, or the
# baseline's).
MEASURED_PID=$SERVER_PID
MEASURED_BASE=$BASE
cpu_ticks() { awk '{print $14 + $15}' "/proc/$MEASURED_PID/stat"; }
# measure_baseline KIND PATH SECONDS: measure() against the baseline server.
measure_baseline() {
  MEASURED_PID=$BASELINE_PID MEASURED_BASE="http://127.0.0.1:$((PORT + 1))" BEARER_TOKEN="$(cat "$WORK/baseline/bearer.token")" measure "$@"
}

# The signed routes' body and its Content-Digest (RFC 9530), as ResourceServerBench signs it.
export BODY='{"order_id": "o-1", "amount": 1250}'
DIGEST="sha-256=:$(python3 -c 'import base64, hashlib, os; print(base64.b64encode(hashlib.sha256(os.environ["BODY"].encode()).digest()).decode())'):"
export DIGEST

# measure KIND PATH SECONDS: prints "requests cpu-µs-per-request"; fails on any non-2xx answer.
measure() {
  local kind="$1" path="$2" seconds="$3" token="$BEARER_TOKEN"
  if [ "$kind" = dpop ]; then
    token="$BOUND_TOKEN"
    "$BIN" proofs "$WORK" "$BASE$path" "$PROOF_COUNT" >"$WORK/proofs"
  fi
  if [ "$kind" = signed ]; then
    "$BIN" signatures "$WORK" "$BASE$path" "$PROOF_COUNT" >"$WORK/signatures"
  fi
  local before after output requests
  before=$(cpu_ticks)
  output=$(KIND="$kind" TOKEN="$token" PROOFS="$WORK/proofs" SIGNATURES="$WORK/signatures" "${PIN_WRK[@]}" wrk -t1 -c"$CONNECTIONS" -d"${seconds}s" -s requests.lua "$MEASURED_BASE$path")
  after=$(cpu_ticks)
  # The refused routes answer 403 by design; every other answer must be a 2xx.
  if [[ "$kind" != refused* ]] && grep -q -e "Non-2xx" <<<"$output" || grep -q -e "Socket errors" <<<"$output"; then
    echo "run.sh: $kind: answers other than 200 (out of proofs, or refused) or socket errors:" >&2
    echo "$output" >&2
    exit 1
  fi
  requests=$(awk '/requests in/ {print $1}' <<<"$output")
  python3 -c "print($requests, round(($after - $before) * 1e4 / $requests, 1))"
}

ONLY="${RESOURCE_BENCH_ONLY:-all}"
case "$ONLY" in all|core) ;; *) echo "run.sh: RESOURCE_BENCH_ONLY is all or core" >&2; exit 1 ;; esac
# Warm-up, not measured.
WARM_UP=(plain bearer uncached revocations work dpop unsigned signed refused refused-reported reported)
[ "$ONLY" = all ] || WARM_UP=(plain bearer uncached revocations work)
for route in "${WARM_UP[@]}"; do measure "$route" "/$route" 2 >/dev/null; done
if [ -n "$BASELINE" ]; then for route in plain bearer uncached; do measure_baseline "$route" "/$route" 2 >/dev/null; done; fi
VERIFY_FLOOR="$(cat "$WORK/verify.floor")"

echo "rounds: $ROUNDS x ${DURATION}s per route, $CONNECTIONS connections, 1 wrk thread, executor $EXECUTOR, $(ls "/proc/$SERVER_PID/task" | wc -l) server threads; server CPU µs per request"
CACHED_RATIOS=()
UNCACHED_OVER_VERIFY=()
REVOCATION_RATIOS=()
EXTRA_RATIOS=()
EXTRA_OVER_PROOF=()
CONTROL_RATIOS=()
SIGNED_RATIOS=()
DPOP_OVER_BEARER=()
THROUGHPUT_RATIOS=()
REPORTING_REFUSED=()
REPORTING_PASSED=()
BASELINE_PLAIN=()
BASELINE_BEARER=()
BASELINE_UNCACHED=()
for round in $(seq "$ROUNDS"); do
  # plain and bearer take turns going first (the second of two identical routes measured up to
  # ~2 % dearer in some runs: an order effect, not the check).
  if (( round % 2 )); then
    read -r P_N P_CPU < <(measure plain /plain "$DURATION")
    read -r B_N B_CPU < <(measure bearer /bearer "$DURATION")
  else
    read -r B_N B_CPU < <(measure bearer /bearer "$DURATION")
    read -r P_N P_CPU < <(measure plain /plain "$DURATION")
  fi
  read -r C_N C_CPU < <(measure uncached /uncached "$DURATION")
  read -r R_N R_CPU < <(measure revocations /revocations "$DURATION")
  CACHED_RATIOS+=("$(python3 -c "print(round($P_CPU / $B_CPU, 3))")")
  UNCACHED_OVER_VERIFY+=("$(python3 -c "print(round(($C_CPU - $P_CPU) / $VERIFY_FLOOR, 2))")")
  REVOCATION_RATIOS+=("$(python3 -c "print(round($R_CPU / $C_CPU, 3))")")
  printf 'round %s: plain %6.1f µs (%s req) | bearer (cached) %6.1f µs (%s req) | uncached %6.1f µs (%s req) | 100k deny list %6.1f µs (%s req) | in-process verify %s µs | plain / cached %s | (uncached - plain) / verify %s\n' \
    "$round" "$P_CPU" "$P_N" "$B_CPU" "$B_N" "$C_CPU" "$C_N" "$R_CPU" "$R_N" "$VERIFY_FLOOR" "${CACHED_RATIOS[-1]}" "${UNCACHED_OVER_VERIFY[-1]}"
  if [ -n "$BASELINE" ]; then
    read -r BP_N BP_CPU < <(measure_baseline plain /plain "$DURATION")
    read -r BB_N BB_CPU < <(measure_baseline bearer /bearer "$DURATION")
    read -r BC_N BC_CPU < <(measure_baseline uncached /uncached "$DURATION")
    BASELINE_PLAIN+=("$(python3 -c "print(round($BP_CPU / $P_CPU, 3))")")
    BASELINE_BEARER+=("$(python3 -c "print(round($BB_CPU / $B_CPU, 3))")")
    BASELINE_UNCACHED+=("$(python3 -c "print(round($BC_CPU / $C_CPU, 3))")")
    printf '         baseline: plain %6.1f µs (%s req) | bearer %6.1f µs (%s req) | uncached %6.1f µs (%s req) | baseline / this build: %s, %s, %s\n' \
      "$BP_CPU" "$BP_N" "$BB_CPU" "$BB_N" "$BC_CPU" "$BC_N" "${BASELINE_PLAIN[-1]}" "${BASELINE_BEARER[-1]}" "${BASELINE_UNCACHED[-1]}"
  fi
  FLOOR=$("$BIN" floor 20000 "$WORK" "$BASE/dpop")
  RAW=$(awk '/raw_p256_us/ {print $2}' <<<"$FLOOR")
  PROOF=$(awk '/dpop_proof_us/ {print $2}' <<<"$FLOOR")
  read -r W_N W_CPU < <(measure work /work "$DURATION")
  CONTROL_RATIOS+=("$(python3 -c "print(round(($W_CPU - $B_CPU) / $RAW, 2))")")
  if [ "$ONLY" = core ]; then
    printf '         work %6.1f µs (%s req) | raw P-256 in process %s µs | control (work - bearer) / raw P-256 %s\n' "$W_CPU" "$W_N" "$RAW" "${CONTROL_RATIOS[-1]}"
    continue
  fi
  read -r D_N D_CPU < <(measure dpop /dpop "$DURATION")
  read -r U_N U_CPU < <(measure unsigned /unsigned "$DURATION")
  read -r S_N S_CPU < <(measure signed /signed "$DURATION")
  SIGNED_RATIOS+=("$(python3 -c "print(round($S_CPU / $U_CPU, 2))")")
  EXTRA_RATIOS+=("$(python3 -c "print(round(($D_CPU - $B_CPU) / $RAW, 2))")")
  EXTRA_OVER_PROOF+=("$(python3 -c "print(round(($D_CPU - $B_CPU) / $PROOF, 2))")")
  DPOP_OVER_BEARER+=("$(python3 -c "print(round($D_CPU / $B_CPU, 2))")")
  THROUGHPUT_RATIOS+=("$(python3 -c "print(round($D_N / $B_N, 2))")")
  printf '         plain %6.1f µs (%s req) | bearer %6.1f µs (%s req) | work %6.1f µs (%s req) | dpop %6.1f µs (%s req) | in process: raw P-256 %s µs, proof check %s µs | (dpop - bearer) / proof check = %s, / raw P-256 = %s | control (work - bearer) / raw P-256 = %s\n' \
    "$P_CPU" "$P_N" "$B_CPU" "$B_N" "$W_CPU" "$W_N" "$D_CPU" "$D_N" "$RAW" "$PROOF" "${EXTRA_OVER_PROOF[-1]}" "${EXTRA_RATIOS[-1]}" "${CONTROL_RATIOS[-1]}"
  printf '         unsigned POST %6.1f µs (%s req) | signed POST %6.1f µs (%s req) | signed / unsigned = %s\n' "$U_CPU" "$U_N" "$S_CPU" "$S_N" "${SIGNED_RATIOS[-1]}"
  read -r F_N F_CPU < <(measure refused /refused "$DURATION")
  read -r FR_N FR_CPU < <(measure refused-reported /refused-reported "$DURATION")
  read -r B2_N B2_CPU < <(measure bearer /bearer "$DURATION")
  read -r RP_N RP_CPU < <(measure reported /reported "$DURATION")
  REPORTING_REFUSED+=("$(python3 -c "print(round($F_CPU / $FR_CPU, 3))")")
  REPORTING_PASSED+=("$(python3 -c "print(round($B2_CPU / $RP_CPU, 3))")")
  printf '         403 %6.1f µs (%s req) | 403 reported %6.1f µs (%s req) | off / on %s | bearer %6.1f µs (%s req) | bearer, reporting on %6.1f µs (%s req) | off / on %s\n' \
    "$F_CPU" "$F_N" "$FR_CPU" "$FR_N" "${REPORTING_REFUSED[-1]}" "$B2_CPU" "$B2_N" "$RP_CPU" "$RP_N" "${REPORTING_PASSED[-1]}"
done
median() { python3 -c "import statistics, sys; print(round(statistics.median(map(float, sys.argv[1:])), 4))" "$@"; }
echo "control: (work - bearer) / raw P-256:               median $(median "${CONTROL_RATIOS[@]}") (what any handler pays over its crypto here)"
if [ -n "$BASELINE" ]; then
  echo "baseline / this build, CPU per request: plain median $(median "${BASELINE_PLAIN[@]}"), bearer $(median "${BASELINE_BEARER[@]}"), uncached $(median "${BASELINE_UNCACHED[@]}") (>= 0.98: nothing measurable)"
fi
if [ "$ONLY" = all ]; then
echo "dpop - bearer, in in-process proof checks:        median $(median "${EXTRA_OVER_PROOF[@]}") (target <= 1.2)"
echo "dpop - bearer, in raw P-256 verifications:        median $(median "${EXTRA_RATIOS[@]}")"
echo "signed / unsigned POST, server CPU per request: median $(median "${SIGNED_RATIOS[@]}")x (target <= 1.5)"
echo "dpop / bearer, server CPU per request:            median $(median "${DPOP_OVER_BEARER[@]}")x"
echo "dpop / bearer, requests served (throughput):      median $(median "${THROUGHPUT_RATIOS[@]}")x"
echo "issue 14: reporting off / on, every request a 403:  median $(median "${REPORTING_REFUSED[@]}") (target >= 0.97)"
echo "issue 14: reporting off / on, requests that pass:    median $(median "${REPORTING_PASSED[@]}") (target >= 0.97)"
fi
echo "issue 16: plain / bearer (cached), CPU per request: median $(median "${CACHED_RATIOS[@]}") (target >= 0.95)"
echo "issue 16: (uncached - plain) / in-process verify:   median $(median "${UNCACHED_OVER_VERIFY[@]}") (target <= 1.2)"
echo "issue 16: 100,000-entry deny list / uncached, CPU:  median $(median "${REVOCATION_RATIOS[@]}")"

#!/usr/bin/env bash
# HTTP benchmarks of the authorization server, each a ratio to a baseline measured in the same
# run on the same machine (wrk from Debian, loopback only, bounded duration):
#   1. client_credentials issuance: Warden vs a FastAPI + uvicorn + python-jose reference
#      (fastapi_reference.py, same claims, same ES256 signature), target >= 4x;
#   2. introspection vs a plain route on the same Warden server (GET /oauth2/jwks: in memory,
#      no database), target >= 0.7x; also reported as the ratio of the server's CPU time per
#      request (from /proc/PID/stat), which wrk's share of the two cores moves far less.
# Usage: Benchmarks/http/run.sh [seconds per measurement, default 5] [connections, default 32] [rounds, default 5]
# Needs: apt-get install wrk; pip install -r Benchmarks/http/requirements.txt;
# a release build: swift build -c release --product warden (from the repository root).
set -euo pipefail
cd "$(dirname "$0")"
DURATION="${1:-5}"
CONNECTIONS="${2:-32}"
ROUNDS="${3:-5}"
ROOT="$(cd ../.. && pwd)"
WARDEN="$ROOT/.build/release/warden"
WORK="$(mktemp -d)"
SECRET="bench-secret-0123456789abcdef"
AUTH="$(printf 'bench-service:%s' "$SECRET" | base64 -w0)"
cleanup() { kill "${WARDEN_PID:-}" "${FASTAPI_PID:-}" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

rps() { awk '/Requests\/sec/ {print $2}'; }
# CPU seconds (user + system) the process has used so far, in clock ticks (100 per second).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# Warden, on a fresh SQLite file.
DB="$WORK/warden.sqlite"
"$WARDEN" scope create orders.read --description "Read orders" --database "$DB" >/dev/null
"$WARDEN" client create bench-service --secret "$SECRET" --grant client_credentials --scope orders.read --audience orders --database "$DB" >/dev/null
"$WARDEN" client create orders --secret "orders-secret-0123456789" --grant client_credentials --scope orders.read --audience orders --database "$DB" >/dev/null
WARDEN_LOG_LEVEL=warning "$WARDEN" serve --port 8002 --database "$DB" >/dev/null &
WARDEN_PID=$!
(cd "$WORK" && BENCH_SECRET="$SECRET" uvicorn --app-dir "$OLDPWD" fastapi_reference:app --host 127.0.0.1 --port 8001 --log-level warning) &
FASTAPI_PID=$!
for _ in $(seq 100); do
  curl -sf http://127.0.0.1:8002/health >/dev/null && curl -s -o /dev/null http://127.0.0.1:8001/docs && break
  sleep 0.1
done

# Sanity: both issue a token.
curl -sf -u "bench-service:$SECRET" -d grant_type=client_credentials http://127.0.0.1:8002/oauth2/token >/dev/null
curl -sf -u "bench-service:$SECRET" -d grant_type=client_credentials http://127.0.0.1:8001/oauth2/token >/dev/null

TOKEN=$(curl -sf -u "bench-service:$SECRET" -d grant_type=client_credentials http://127.0.0.1:8002/oauth2/token | python3 -c 'import sys, json; print(json.load(sys.stdin)["access_token"])')
ISSUE_AUTH="$AUTH"
INTROSPECT_AUTH="$(printf 'orders:%s' "orders-secret-0123456789" | base64 -w0)"

# Warm-up (not measured): every endpoint once for a few seconds.
export BODY="grant_type=client_credentials&scope=orders.read" AUTH="$ISSUE_AUTH"
wrk -t2 -c"$CONNECTIONS" -d3s -s post.lua http://127.0.0.1:8002/oauth2/token >/dev/null
wrk -t2 -c"$CONNECTIONS" -d3s -s post.lua http://127.0.0.1:8001/oauth2/token >/dev/null
export BODY="token=$TOKEN" AUTH="$INTROSPECT_AUTH"
wrk -t2 -c"$CONNECTIONS" -d3s -s post.lua http://127.0.0.1:8002/oauth2/introspect >/dev/null
wrk -t2 -c"$CONNECTIONS" -d3s http://127.0.0.1:8002/oauth2/jwks >/dev/null

# Each round measures a candidate and its baseline back to back, so both see the same machine;
# the ratios of the rounds are reported, and their median is the result.
echo "rounds: $ROUNDS x ${DURATION}s per measurement, ${CONNECTIONS} connections, 2 wrk threads"
ISSUE_RATIOS=()
INTROSPECT_RATIOS=()
INTROSPECT_CPU_RATIOS=()
for round in $(seq "$ROUNDS"); do
  export BODY="grant_type=client_credentials&scope=orders.read" AUTH="$ISSUE_AUTH"
  W=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s post.lua http://127.0.0.1:8002/oauth2/token | rps)
  F=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s post.lua http://127.0.0.1:8001/oauth2/token | rps)
  export BODY="token=$TOKEN" AUTH="$INTROSPECT_AUTH"
  # Introspection and its baseline also by the server's CPU time per request: wrk shares the two
  # cores, so requests per second move with whatever else the machine does; CPU per request less.
  C0=$(cpu_ticks "$WARDEN_PID")
  I=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s post.lua http://127.0.0.1:8002/oauth2/introspect | rps)
  C1=$(cpu_ticks "$WARDEN_PID")
  P=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" http://127.0.0.1:8002/oauth2/jwks | rps)
  C2=$(cpu_ticks "$WARDEN_PID")
  I_CPU=$(python3 -c "print(round(($C1 - $C0) * 1e4 / ($I * $DURATION), 1))")  # µs per request
  P_CPU=$(python3 -c "print(round(($C2 - $C1) * 1e4 / ($P * $DURATION), 1))")
  ISSUE_RATIOS+=("$(python3 -c "print(round($W/$F, 2))")")
  INTROSPECT_RATIOS+=("$(python3 -c "print(round($I/$P, 2))")")
  INTROSPECT_CPU_RATIOS+=("$(python3 -c "print(round($P_CPU/$I_CPU, 2))")")
  printf 'round %s: issuance warden %8.0f req/s, fastapi %6.0f req/s (%sx) | introspection %8.0f req/s, plain route %8.0f req/s (%sx); CPU %s vs %s µs/request (%sx)\n' \
    "$round" "$W" "$F" "${ISSUE_RATIOS[-1]}" "$I" "$P" "${INTROSPECT_RATIOS[-1]}" "$I_CPU" "$P_CPU" "${INTROSPECT_CPU_RATIOS[-1]}"
done
median() { python3 -c "import statistics, sys; print(statistics.median(map(float, sys.argv[1:])))" "$@"; }
echo "client_credentials issuance, warden / fastapi+python-jose: median $(median "${ISSUE_RATIOS[@]}")x (target >= 4x)"
echo "introspection / plain route:                          median $(median "${INTROSPECT_RATIOS[@]}")x (target >= 0.7x)"
echo "introspection / plain route, by server CPU per request: median $(median "${INTROSPECT_CPU_RATIOS[@]}")x"

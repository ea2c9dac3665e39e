#!/usr/bin/env bash
# Bounded growth (issue 17): `warden serve` on a fresh SQLite file issues client_credentials tokens
# at full speed (wrk on loopback) for a fixed time, at default settings; reports tokens per second,
# resident memory (at 10 s, at 60 s when the run is that long, and at the end) and what the disk
# grew by (database + WAL + the log at the default level), per 1,000 tokens.
# Target (issue 17): at most 5 bytes of disk per token; RSS within +20 % after the first minute.
#
#   Benchmarks/growth/run.sh PATH/TO/warden [seconds=60] [connections=32]
#   GROWTH_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres Benchmarks/growth/run.sh …
#
# Use a release build for the rate (`swift build -c release --product warden`); the bytes per
# token do not depend on it. Needs wrk (apt-get install wrk) and python3. GROWTH_BENCH_ASSERT=1
# fails the run above 5 bytes per token (CI runs 12 s of it: bytes, not time, are checked);
# GROWTH_BENCH_SERVE_ARGS passes options to `warden serve` (e.g. --audit-every-token).
set -euo pipefail
WARDEN="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
SECONDS_TO_RUN="${2:-60}"
CONNECTIONS="${3:-32}"
PORT="${GROWTH_BENCH_PORT:-8094}"
WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
command -v wrk >/dev/null || { echo "run.sh: wrk is missing (apt-get install wrk)" >&2; exit 1; }

# On PostgreSQL (GROWTH_BENCH_POSTGRES_URL=postgres://user@host:port/db, a server you may create
# databases on): a fresh database for the run, dropped after; its size is pg_database_size.
PG_ADMIN="${GROWTH_BENCH_POSTGRES_URL:-}"
PG_DATABASE=""
if [ -n "$PG_ADMIN" ]; then
  command -v psql >/dev/null || { echo "run.sh: psql is missing (apt-get install postgresql-client)" >&2; exit 1; }
  PG_DATABASE="warden_growth_$$_$RANDOM"
  psql "$PG_ADMIN" -qAtc "CREATE DATABASE $PG_DATABASE" >/dev/null
  cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true; psql "$PG_ADMIN" -qAtc "DROP DATABASE IF EXISTS $PG_DATABASE WITH (FORCE)" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
  export WARDEN_DATABASE="${PG_ADMIN%/*}/$PG_DATABASE"
else
  export WARDEN_DATABASE="$WORK/warden.sqlite"
fi
WARDEN_MASTER_KEY="$(head -c 32 /dev/urandom | base64)"
export WARDEN_MASTER_KEY
"$WARDEN" scope create orders.read --description "Read orders" >/dev/null
SECRET="$("$WARDEN" client create bench --grant client_credentials --scope orders.read --audience orders --json \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["client_secret"])')"
start_server() {
  # shellcheck disable=SC2086 # GROWTH_BENCH_SERVE_ARGS: extra options, e.g. --audit-every-token
  "$WARDEN" serve --port "$PORT" ${GROWTH_BENCH_SERVE_ARGS:-} >>"$WORK/serve.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "run.sh: the server did not start" >&2; cat "$WORK/serve.log" >&2; exit 1
}
# Stopped as an operator stops it (SIGTERM): it writes what it counted and SQLite folds its WAL
# into the database, so that both measurements see the same kind of files.
stop_server() { kill -TERM "$SERVER_PID"; wait "$SERVER_PID" || true; SERVER_PID=""; }
start_server

disk() {
  local log
  log=$(du -cb "$WORK"/warden.sqlite* "$WORK/serve.log" 2>/dev/null | tail -1 | cut -f1)
  if [ -n "$PG_DATABASE" ]; then
    echo $((log + $(psql "$WARDEN_DATABASE" -qAtc "SELECT pg_database_size(current_database())")))
  else
    echo "$log"
  fi
}
rss() { awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status"; }
cat >"$WORK/token.lua" <<LUA
wrk.method = "POST"
wrk.body = "grant_type=client_credentials"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic $(printf 'bench:%s' "$SECRET" | base64 -w0)"
LUA

# Warm-up (not counted), a restart, then the state to grow from.
wrk -t1 -c"$CONNECTIONS" -d2s -s "$WORK/token.lua" "http://127.0.0.1:$PORT/oauth2/token" >/dev/null
stop_server
DISK_START=$(disk)
start_server
wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_TO_RUN}s" -s "$WORK/token.lua" "http://127.0.0.1:$PORT/oauth2/token" >"$WORK/wrk.out" &
WRK_PID=$!
sleep 10; RSS_10=$(rss)
RSS_60=""
if [ "$SECONDS_TO_RUN" -gt 65 ]; then sleep 50; RSS_60=$(rss); fi
wait "$WRK_PID"
RSS_END=$(rss)
grep -q -e "Non-2xx" -e "Socket errors" "$WORK/wrk.out" && { echo "run.sh: errors under load:" >&2; cat "$WORK/wrk.out" >&2; exit 1; }
TOKENS=$(awk '/requests in/ {print $1}' "$WORK/wrk.out")
stop_server
DISK_END=$(disk)
python3 - "$TOKENS" "$SECONDS_TO_RUN" "$DISK_START" "$DISK_END" "$RSS_10" "${RSS_60:-}" "$RSS_END" <<'PY'
import sys
tokens, seconds, d0, d1, r10, r60, rend = sys.argv[1:]
tokens, seconds, d0, d1 = int(tokens), int(seconds), int(d0), int(d1)
grown = d1 - d0
print(f"tokens: {tokens} in {seconds} s ({tokens / seconds:.0f}/s)")
print(f"disk: {d0} -> {d1} bytes (database + WAL + log; on PostgreSQL pg_database_size + log): {grown / tokens:.2f} bytes per token, {grown * 1000 / tokens:.0f} per 1,000 (target <= 5 per token)")
base = int(r60) if r60 else int(r10)
import os
if os.environ.get("GROWTH_BENCH_ASSERT") == "1" and grown / tokens > 5:
    print("growth: more than 5 bytes of disk per token", file=sys.stderr)
    sys.exit(1)
print(f"RSS: {int(r10) // 1024} MB at 10 s" + (f", {int(r60) // 1024} MB at 60 s" if r60 else "") + f", {int(rend) // 1024} MB at the end: {int(rend) / base:.2f}x of {'60' if r60 else '10'} s (target <= 1.2 after the first minute)")
PY

#!/usr/bin/env bash
# Runs the README's test command, `swift test`, with a watchdog: a run still going after
# SWIFT_TEST_LIMIT seconds (900; the whole suite takes 1–3 minutes) is stopped — first its
# processes and every thread's stack are printed (gdb) — the tests that had started and not ended
# are printed (from swift-testing's event stream), and the suite runs once more. Twice in ~20 full runs on 2026-12-01 the suite stopped making progress early, every
# task waiting, both times under heavy load from other builds; it never came back under a
# terminal, nor in 10 runs meant to catch it. docs/status.md tracks it: the names printed here
# are the lead. Extra arguments go to `swift test`.
set -uo pipefail
LIMIT="${SWIFT_TEST_LIMIT:-900}"
EVENTS="$(mktemp)"

# Before a stop: what every thread of the test process was doing (gdb, installed on demand
# from Debian's packages), and the processes it had started — the evidence a hang leaves.
snapshot() {
  # setsid made `swift test` a session leader: its session holds the test process (in a
  # process group of its own) and everything that started.
  local tests
  tests=$(pgrep -s "$1" -f 'PackageTests' 2>/dev/null)
  echo "swift test: processes of its session:" >&2
  ps -o pid,ppid,stat,etime,args -s "$1" 2>/dev/null | cut -c1-200 >&2 || true
  command -v gdb >/dev/null || apt-get install -y --no-install-recommends gdb >/dev/null 2>&1 \
    || { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends gdb >/dev/null 2>&1; } || true
  for test in $tests; do
    echo "swift test: threads of $test:" >&2
    timeout 120 gdb -p "$test" -batch -ex 'thread apply all bt 16' 2>/dev/null | grep -E '^(Thread|#)' | cut -c1-240 >&2 || true
  done
}

# `swift test` in a process group of its own, so that a stop takes its test process too;
# status 124 when stopped.
# The cluster tests start PostgreSQL servers of their own (.ci/start-postgres.sh, pg_ctl: daemons
# outside the test's process group) and stop them when they end; a stopped run leaves them
# running. Those whose data folder is newer than the run's start are stopped and removed.
stop_postgres_started_since() {
  local data
  for data in /tmp/warden-postgres.*; do
    [ -d "$data/db" ] && [ "$data" -nt "$1" ] || continue
    su postgres -s /bin/sh -c "'$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/pg_ctl' -D '$data/db' stop -m immediate" </dev/null >/dev/null 2>&1 || true
    rm -rf "$data"
  done
}
STARTED="$(mktemp)"
trap 'rm -f "$EVENTS" "$STARTED"' EXIT

run() {
  touch "$STARTED"
  rm -f "$EVENTS"
  setsid swift test --event-stream-output-path "$EVENTS" --event-stream-version 0 "$@" &
  local pid=$! waited=0
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$waited" -ge "$LIMIT" ]; then
      snapshot "$pid"
      # SwiftPM starts the test process in a process group of its own: stop that group (the
      # test process and the servers it started), then swift test's.
      for child in $(pgrep -P "$pid"); do kill -KILL -- "-$child" 2>/dev/null || kill -KILL "$child" 2>/dev/null; done
      kill -KILL -- "-$pid" 2>/dev/null
      wait "$pid" 2>/dev/null
      stop_postgres_started_since "$STARTED"
      return 124
    fi
    sleep 1
    waited=$((waited + 1))
  done
  wait "$pid"
}

run "$@"
status=$?
if [ "$status" -eq 124 ]; then
  echo "swift test: still running after ${LIMIT}s; stopped. Tests started and not ended:" >&2
  python3 - "$EVENTS" >&2 <<'PY'
import json, os, sys
started, ended = {}, set()
if not os.path.exists(sys.argv[1]):
    print("  (none: no test had started; still building?)")
    sys.exit(0)
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    try:
        record = json.loads(line)
    except ValueError:
        continue
    payload = record.get("payload", {})
    kind, test = payload.get("kind"), payload.get("testID")
    if kind == "testStarted" and test:
        started[test] = payload.get("instant", {}).get("absolute")
    elif kind == "testEnded" and test:
        ended.add(test)
for test, at in started.items():
    if test not in ended and "/" in test:
        print(f"  {test} (started at {at})")
PY
  echo "swift test: once more (a hang is a bug: see docs/status.md)" >&2
  run "$@"
  status=$?
fi
exit "$status"

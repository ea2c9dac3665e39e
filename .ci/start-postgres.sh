#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server from Debian's packages on loopback (a free port, data in a
# temporary folder, trust authentication for local connections only). Prints one line:
#   URL DATA_DIRECTORY BIN_DIRECTORY
# (.ci/run exports the URL as WARDEN_POSTGRES_URL and stops the server on exit). Works as root:
# the server runs as the `postgres` user the package creates. Several may start at once (the
# cluster tests start servers of their own while the suite runs): a start that fails, say because
# the port was taken between the check and the bind, is retried on another port; when every try
# fails, the setup and server logs go to stderr so that the caller's error says why.
set -euo pipefail
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
DATA="$(mktemp -d /tmp/warden-postgres.XXXXXX)"
chown postgres:postgres "$DATA"
chmod 700 "$DATA"
fail() {
  echo "start-postgres.sh: $1" >&2
  for log in "$DATA/setup.log" "$DATA/server.log"; do
    [ -f "$log" ] && { echo "--- $log (last 40 lines)" >&2; tail -n 40 "$log" >&2; }
  done
  exit 1
}
run_as_postgres() { su postgres -s /bin/sh -c "$*" </dev/null >>"$DATA/setup.log" 2>&1; }
initialised=no
for attempt in 1 2 3; do
  if run_as_postgres "'$BIN/initdb' -D '$DATA/db' -A trust -U postgres --no-instructions"; then
    initialised=yes
    break
  fi
  echo "initdb attempt $attempt failed" >>"$DATA/setup.log"
  rm -rf "$DATA/db"
  sleep 1
done
[ "$initialised" = yes ] || fail "initdb failed 3 times"
# A free port below the kernel's usual ephemeral range (32768-60999), so that outgoing
# connections and port-0 listeners seldom compete for it.
free_port() {
  python3 -c '
import random, socket
for _ in range(200):
    port = random.randrange(20000, 32768)
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
    print(port)
    break
'
}
for attempt in 1 2 3 4 5; do
  PORT="$(free_port)"
  [ -n "$PORT" ] || continue
  # The server's own output goes to its log file, never to this script's pipes.
  if run_as_postgres "'$BIN/pg_ctl' -D '$DATA/db' -l '$DATA/server.log' -w -o \"-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off\" start"; then
    echo "postgres://postgres@127.0.0.1:$PORT/postgres $DATA $BIN"
    exit 0
  fi
  echo "start attempt $attempt on port $PORT failed" >>"$DATA/setup.log"
done
fail "the server did not start in 5 attempts"

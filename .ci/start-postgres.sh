#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server from Debian's packages on loopback (a free port, data in a
# temporary folder, trust authentication for local connections only). Prints one line:
#   URL DATA_DIRECTORY BIN_DIRECTORY
# (.ci/run exports the URL as WARDEN_POSTGRES_URL and stops the server on exit). Works as root:
# the server runs as the `postgres` user the package creates.
set -euo pipefail
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
# A free port below the kernel's ephemeral range (32768-60999), so no outgoing connection or
# port-0 listener can take it between this check and the server's start.
PORT="$(python3 -c '
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
')"
DATA="$(mktemp -d /tmp/warden-postgres.XXXXXX)"
chown postgres:postgres "$DATA"
chmod 700 "$DATA"
run_as_postgres() { su postgres -s /bin/sh -c "$*" </dev/null >>"$DATA/setup.log" 2>&1; }
run_as_postgres "'$BIN/initdb' -D '$DATA/db' -A trust -U postgres --no-instructions"
# The server's own output goes to its log file, never to this script's pipes.
run_as_postgres "'$BIN/pg_ctl' -D '$DATA/db' -l '$DATA/server.log' -w -o \"-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off\" start"
echo "postgres://postgres@127.0.0.1:$PORT/postgres $DATA $BIN"

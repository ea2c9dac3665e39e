# Sourced by ab.sh and profile.sh (issue 16): two `warden` builds side by side on CPU 0, each on
# its own SQLite file with the same clients — the baseline BASE on 8031 (pid PB, token TB) and
# NEW on 8032 (PN, TN) — and AUTH, the introspecting client's Basic credentials. Needs ROOT.
W=$(mktemp -d); SECRET="bench-secret-0123456789abcdef"
start() { # bin port db
  $1 scope create orders.read --description "Read orders" --database "$3" >/dev/null
  # An hour's tokens: introspection of an expired one would still answer 200 (inactive), and a
  # long run would measure that instead.
  $1 client create bench-service --secret "$SECRET" --grant client_credentials --scope orders.read --audience orders --token-lifetime 3600 --database "$3" >/dev/null
  $1 client create orders --secret "orders-secret-0123456789" --grant client_credentials --scope orders.read --audience orders --database "$3" >/dev/null
  WARDEN_LOG_LEVEL=warning taskset -c 0 $1 serve --port $2 --database "$3" >/dev/null &
}
start "$BASE" 8031 $W/b.sqlite; PB=$!
start "$NEW" 8032 $W/n.sqlite; PN=$!
trap 'kill $PB $PN; rm -rf $W' EXIT
for p in 8031 8032; do for _ in $(seq 100); do curl -sf http://127.0.0.1:$p/health >/dev/null && break; sleep 0.1; done; done
tok() { curl -sf -u "bench-service:$SECRET" -d grant_type=client_credentials http://127.0.0.1:$1/oauth2/token | python3 -c 'import sys, json; print(json.load(sys.stdin)["access_token"])'; }
TB=$(tok 8031); TN=$(tok 8032)
export AUTH="$(printf 'orders:%s' "orders-secret-0123456789" | base64 -w0)"
cd "$ROOT/Benchmarks/http"

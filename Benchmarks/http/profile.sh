#!/usr/bin/env bash
# Where introspection's CPU goes, in two `warden` builds side by side (issue 16): a baseline (a
# copy of .build/release/warden made before a change) and this build each serve on CPU 0 while
# wrk (CPU 1) posts introspection requests; `perf record` samples each server, two rounds each,
# and the self time per request of the symbols that differ most is printed (ns a request;
# sampling: differences under ~50 ns mean nothing), then those of client authentication's
# lockout check and the client's address.
#   cp .build/release/warden /tmp/warden-base; (change, swift build -c release --product warden)
#   Benchmarks/http/profile.sh /tmp/warden-base [seconds=8]
# Needs: perf (linux-perf), wrk, python3, curl; serves on 8031 and 8032.
set -euo pipefail
BASE="${1:?usage: profile.sh BASELINE_WARDEN [seconds]}"; SECS="${2:-8}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
NEW="$ROOT/.build/release/warden"
command -v perf >/dev/null || { echo "profile.sh: perf is missing (apt-get install linux-perf)" >&2; exit 1; }
. "$ROOT/Benchmarks/http/two-wardens.sh"
for r in 1 2; do for which in b n; do
  if [ $which = b ]; then pid=$PB; port=8031; t=$TB; else pid=$PN; port=8032; t=$TN; fi
  BODY="token=$t" taskset -c 1 wrk -t1 -c16 -d$((SECS+2))s -s post.lua http://127.0.0.1:$port/oauth2/introspect > $W/$which.$r.wrk &
  WRK=$!; sleep 1
  perf record -q -F 10000 -g -p $pid -o $W/$which.$r.data -- sleep $SECS >/dev/null 2>&1
  wait $WRK
  perf report -i $W/$which.$r.data --no-children --sort symbol --stdio -g none 2>/dev/null | awk '/^ +[0-9.]+%/ { sub(/%/, "", $1); $2 = ""; name = $0; sub(/^[^ ]+ +/, "", name); print $1 "\t" name }' > $W/$which.$r.symbols
  perf script -i $W/$which.$r.data -F period 2>/dev/null | wc -l > $W/$which.$r.samples
  awk '/Requests\/sec/ { print $2 }' $W/$which.$r.wrk > $W/$which.$r.rate
done; done
python3 - $W $SECS <<'PY'
import collections, sys
w, secs = sys.argv[1], float(sys.argv[2])
def per(which):
    t = collections.Counter(); tot = 0
    for r in (1, 2):
        s = int(open(f"{w}/{which}.{r}.samples").read().split()[0]); rate = float(open(f"{w}/{which}.{r}.rate").read().split()[0])
        ns = s / 10000 * 1e9 / (rate * secs); tot += ns / 2
        for line in open(f"{w}/{which}.{r}.symbols"):
            share, name = line.rstrip("\n").split("\t", 1); t[name.strip()] += float(share) / 100 * ns / 2
    return t, tot
a, na = per("b"); b, nb = per("n")
print(f"base {na:.0f} ns, new {nb:.0f} ns a request (sampled)")
import re
for n in sorted(set(a) | set(b), key=lambda n: -abs(b[n] - a[n]))[:40]:
    print(f"{b[n]-a[n]:+8.0f} {a[n]:8.0f} {b[n]:8.0f}  {n[:140]}")
print("--- lockout/address symbols")
for n in sorted(set(a) | set(b)):
    if re.search(r"BruteForce|SharedFailure|FailureThrottle|IPAddressRange|inet_ntop|inet_pton|clientAddress|peerIP|ipAddress|AddressSpellings", n):
        print(f"{b[n]-a[n]:+8.0f} {a[n]:8.0f} {b[n]:8.0f}  {n[:140]}")
PY

#!/usr/bin/env bash
# Two `warden` builds side by side, interleaved, on the same CPU (issue 16): the introspection and
# JWKS routes of a baseline build (a copy of .build/release/warden made before a change) and of
# this build, server CPU per request from /proc, 1 s rounds taking turns going first. For a
# change worth a few percent on a host whose noise is ±5 % a round: compare within one run.
#   cp .build/release/warden /tmp/warden-base; (change, swift build -c release --product warden)
#   Benchmarks/http/ab.sh /tmp/warden-base [rounds=12]
# Needs: wrk, python3, curl; warden serves on 8031 (baseline) and 8032 (this build).
set -euo pipefail
BASE="${1:?usage: ab.sh BASELINE_WARDEN [rounds]}"
ROUNDS="${2:-12}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
NEW="$ROOT/.build/release/warden"
. "$ROOT/Benchmarks/http/two-wardens.sh"
m() { # pid port path token
  b=$(awk '{print $14+$15}' /proc/$1/stat)
  if [ "$3" = jwks ]; then n=$(taskset -c 1 wrk -t1 -c16 -d1s http://127.0.0.1:$2/oauth2/jwks | awk '/requests in/ {print $1}')
  else n=$(BODY="token=$4" taskset -c 1 wrk -t1 -c16 -d1s -s post.lua http://127.0.0.1:$2/oauth2/introspect | awk '/requests in/ {print $1}'); fi
  a=$(awk '{print $14+$15}' /proc/$1/stat); python3 -c "print(round(($a-$b)*1e4/$n,2))"
}
for x in 1 2; do m $PB 8031 intro $TB >/dev/null; m $PN 8032 intro $TN >/dev/null; done
: > $W/v
for r in $(seq $ROUNDS); do
  if (( r % 2 )); then bi=$(m $PB 8031 intro $TB); ni=$(m $PN 8032 intro $TN); bj=$(m $PB 8031 jwks); nj=$(m $PN 8032 jwks)
  else ni=$(m $PN 8032 intro $TN); bi=$(m $PB 8031 intro $TB); nj=$(m $PN 8032 jwks); bj=$(m $PB 8031 jwks); fi
  echo "$bi $ni $bj $nj" >> $W/v; echo "round $r: intro base $bi new $ni | jwks base $bj new $nj"
done
python3 - $W/v <<'PY'
import sys, statistics
rows=[list(map(float,l.split())) for l in open(sys.argv[1])]
bi,ni,bj,nj=zip(*rows)
print("intro base %.2f new %.2f  new/base per round median %.3f" % (statistics.median(bi), statistics.median(ni), statistics.median([n/b for n,b in zip(ni,bi)])))
print("jwks  base %.2f new %.2f" % (statistics.median(bj), statistics.median(nj)))
print("jwks/intro by CPU: base %.3f new %.3f" % (statistics.median([j/i for j,i in zip(bj,bi)]), statistics.median([j/i for j,i in zip(nj,ni)])))
PY

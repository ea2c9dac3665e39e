#!/usr/bin/env bash
# libFuzzer over Warden's hand-written parsers (issue 17), address sanitizer on:
#   FuzzBase64URL         Base64URL.decodeCanonical: canonical round trip, agreement with Foundation
#   FuzzJSON              StrictJSONParser: no crash; what it accepts serializes to text it reads back the same
#   FuzzTokenJSON         the claims and JWS-header readers against StrictJSONParser: same refusals, same values
#   FuzzAuthorization     the Authorization header scan: no crash; a token it returns is a b64token of the header
#   FuzzForm              form bodies: components decode as Foundation's; accepted bodies round-trip
#   FuzzDPoPProof         DPoP proofs (any bytes; or any payload under a valid signature): accepted only for
#                         this request and only once; htu normalisation idempotent
#   FuzzSignatureFields   Signature-Input/Signature/Content-Digest: no crash; the duplicate scan agrees with
#                         swift-http-structured-headers
#   FuzzServerSentEvents  the revocation feed's SSE parser: the same events however the stream is cut into reads
#   FuzzCacheControl      Cache-Control max-age: never negative, never invented
#   FuzzPostgresURL       database URLs: no crash; no error message repeats the password
#   FuzzIPAddressRange    trusted-proxy blocks and forwarded addresses: blocks print and parse back alike;
#                         an address's one spelling and its throttling bucket hold it
#
#   Fuzz/run.sh [seconds-per-target=60]        (FUZZ_TARGETS="A B" to run some;
#                                              FUZZ_RUNS=N to stop each after N inputs;
#                                              FUZZ_MAX_LEN=N for inputs of at most N bytes, 4096 by default;
#                                              FUZZ_CONFIGURATION=debug to build unoptimized)
#
# Starts from the committed seeds (Fuzz/Corpus/TARGET) and a working corpus in Fuzz/.corpus
# (kept between runs, not committed). Exits non-zero on any crash, leak, sanitizer report or
# failed property; the input that did it is written to Fuzz/.artifacts/ (fix it, then add it to
# Fuzz/Corpus/TARGET and a regression test). CI runs 10 s a target; docs/benchmarks.md records a
# long run.
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_PER_TARGET="${1:-60}"
# Release by default, for long runs (DPoP proofs ~25x the inputs a second). CI builds debug
# (FUZZ_CONFIGURATION=debug, ~4 minutes from a clean clone) for a 10 s smoke run that replays
# the seeds and tries thousands of inputs a target (the DPoP target, whose inputs are signed,
# some hundreds).
CONFIGURATION="${FUZZ_CONFIGURATION:-release}"
case "$CONFIGURATION" in release|debug) ;; *) echo "fuzz: FUZZ_CONFIGURATION is release or debug" >&2; exit 2;; esac
FLAGS=(-c "$CONFIGURATION" -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -enable-testing)
swift build "${FLAGS[@]}"
BIN="$(swift build "${FLAGS[@]}" --show-bin-path)"
TARGETS="${FUZZ_TARGETS:-FuzzBase64URL FuzzJSON FuzzTokenJSON FuzzAuthorization FuzzForm FuzzDPoPProof FuzzSignatureFields FuzzServerSentEvents FuzzCacheControl FuzzPostgresURL FuzzIPAddressRange}"
mkdir -p .corpus .artifacts
status=0
for target in $TARGETS; do
  mkdir -p ".corpus/$target"
  echo "fuzz: $target for ${SECONDS_PER_TARGET}s"
  if ! "$BIN/$target" -max_total_time="$SECONDS_PER_TARGET" ${FUZZ_RUNS:+-runs=$FUZZ_RUNS} -max_len="${FUZZ_MAX_LEN:-4096}" -print_final_stats=1 \
      -artifact_prefix=".artifacts/$target-" ".corpus/$target" "Corpus/$target" 2>".artifacts/$target.log"; then
    echo "fuzz: $target FAILED; the end of its log:" >&2
    tail -30 ".artifacts/$target.log" >&2
    status=1
  else
    grep -E "stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb" ".artifacts/$target.log" | sed "s/^/  /"
  fi
done
exit $status

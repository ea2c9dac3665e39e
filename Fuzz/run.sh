#!/usr/bin/env bash
# libFuzzer over Warden's hand-written parsers (issue 17), address sanitizer on:
#   FuzzBase64URL      Base64URL.decodeCanonical: canonical round trip, agreement with Foundation
#   FuzzJSON           StrictJSONParser: no crash; what it accepts serializes to text it reads back the same
#   FuzzAuthorization  the Authorization header scan: no crash; a token it returns is a b64token of the header
#
#   Fuzz/run.sh [seconds-per-target=60]
#
# Starts from the committed seeds (Fuzz/Corpus/TARGET) and a working corpus in Fuzz/.corpus
# (kept between runs, not committed). Exits non-zero on any crash, leak, sanitizer report or
# failed property; the input that did it is written to Fuzz/.artifacts/ (fix it, then add it to
# Fuzz/Corpus/TARGET and a regression test). CI runs 15 s a target; docs/benchmarks.md records a
# long run.
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_PER_TARGET="${1:-60}"
swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
BIN="$(swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library --show-bin-path)"
mkdir -p .corpus .artifacts
status=0
for target in FuzzBase64URL FuzzJSON FuzzAuthorization; do
  mkdir -p ".corpus/$target"
  echo "fuzz: $target for ${SECONDS_PER_TARGET}s"
  if ! "$BIN/$target" -max_total_time="$SECONDS_PER_TARGET" -max_len=4096 -print_final_stats=1 \
      -artifact_prefix=".artifacts/$target-" ".corpus/$target" "Corpus/$target" 2>".artifacts/$target.log"; then
    echo "fuzz: $target FAILED; the end of its log:" >&2
    tail -30 ".artifacts/$target.log" >&2
    status=1
  else
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" ".artifacts/$target.log" | sed "s/^/  /"
  fi
done
exit $status

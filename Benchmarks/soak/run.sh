#!/usr/bin/env bash
# The soak test (issue 17): the shop's whole flow — sign-in, orders with token exchange and signed
# payments, reads, refresh-token rotation, revocations (each checked to reach the order service),
# a signing-key rotation halfway — at steady load for a fixed time. Fails on any failed request,
# any lost revocation, memory growing past +20 % after the warm-up, or the database growing past
# its budget per round; prints latency percentiles per step (Benchmarks/soak/soak.py says more).
#
#   Benchmarks/soak/run.sh [seconds=600] [workers=4]
#
# Builds shop-demo and warden (debug; SOAK_CONFIGURATION=release for a release run: ten minutes
# before a release, docs/benchmarks.md has the numbers). CI runs a short one.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_TO_RUN="${1:-600}"
WORKERS="${2:-4}"
CONFIGURATION="${SOAK_CONFIGURATION:-debug}"
swift build -c "$CONFIGURATION" --product shop-demo >/dev/null
swift build -c "$CONFIGURATION" --product warden >/dev/null
BIN="$(swift build -c "$CONFIGURATION" --show-bin-path)"
python3 Benchmarks/soak/soak.py "$BIN" "$SECONDS_TO_RUN" "$WORKERS"

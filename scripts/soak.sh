#!/usr/bin/env bash
# A bounded soak of the real binary: a steady rate of writes and reads for a few minutes,
# reporting goroutines and resident memory at intervals and failing when they keep
# growing (cmd/ppksd/soak_test.go). Usage: scripts/soak.sh [duration] [requests/s]
set -euo pipefail
cd "$(dirname "$0")/.."
PPKS_SOAK=1 PPKS_SOAK_DURATION="${1:-3m}" PPKS_SOAK_RATE="${2:-200}" \
	go test -count=1 -run '^TestSoak$' -v -timeout 60m ./cmd/ppksd

#!/usr/bin/env bash
# The create-incident benchmark: the release host serving the release components, wrk with 8
# connections on loopback for DURATION seconds, then as long again with an Idempotency-Key on
# every request, then the host's per-request instantiation times and each component's .wasm
# size. Usage: bench/run.sh [DURATION]   (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-20}"
port=3917
export BENCH_TOKEN="bench-token-$RANDOM$RANDOM"
export SPIN_VARIABLE_BOOTSTRAP_TOKEN="$BENCH_TOKEN"
# One token from one address at well over the default limits: the limits stay on (their key-value
# reads and writes are part of the cost measured) but are set high enough never to refuse.
export SPIN_VARIABLE_RATE_LIMIT_PER_MINUTE=10000000 SPIN_VARIABLE_RATE_LIMIT_BURST=100000
export SPIN_VARIABLE_RATE_LIMIT_ADDRESS_PER_MINUTE=10000000 SPIN_VARIABLE_RATE_LIMIT_ADDRESS_BURST=100000

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cargo build --release -p itsm-host
./target/release/itsm-host build >/dev/null

. scripts/host.sh
start_host ./target/release/itsm-host "$port" --stats

echo "== warm-up (2 s), then ${duration} s of POST /api/v1/incidents with 8 connections"
wrk -t1 -c8 -d2s -s bench/create_incident.lua "http://127.0.0.1:$port/api/v1/incidents" >/dev/null
wrk -t1 -c8 -d"${duration}s" --latency -s bench/create_incident.lua "http://127.0.0.1:$port/api/v1/incidents"

echo "== then ${duration} s of the same, each with its own Idempotency-Key"
wrk -t1 -c8 -d"${duration}s" --latency -s bench/create_incident_keyed.lua "http://127.0.0.1:$port/api/v1/incidents"

echo "== rows created"
curl -fs -H "Authorization: Bearer $BENCH_TOKEN" "http://127.0.0.1:$port/api/v1/incidents?limit=1" | grep -o '"number":"INC[0-9]*"'

kill -INT "$host"
wait "$host" || true
echo "== host"
grep instantiation "$state/host.log"

echo "== component sizes (release, bytes)"
for wasm in target/wasm/wasm32-wasip2/component/*.wasm; do
  printf '%-12s %9d\n' "$(basename "$wasm" .wasm)" "$(stat -c %s "$wasm")"
done

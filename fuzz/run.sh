#!/usr/bin/env bash
# Property-based fuzzing of the whole API from its OpenAPI document (schemathesis): every
# operation gets generated valid and invalid requests; the run fails on any 5xx, any answer the
# document does not describe (status, media type, headers or body schema), and any invalid
# request that is accepted. Usage: fuzz/run.sh [MAX_EXAMPLES]   (default 50 per operation)
set -euo pipefail
cd "$(dirname "$0")/.."
examples="${1:-50}"
port=3918
export FUZZ_TOKEN="fuzz-token-$RANDOM$RANDOM$RANDOM"
export SPIN_VARIABLE_BOOTSTRAP_TOKEN="$FUZZ_TOKEN"
# Thousands of requests from one token: the rate limits would answer 429 (documented, but it
# would stop the fuzzer from reaching the handlers).
export SPIN_VARIABLE_RATE_LIMIT_PER_MINUTE=0 SPIN_VARIABLE_RATE_LIMIT_ADDRESS_PER_MINUTE=0
# Webhooks can be set up and pinged, but reach no receiver: the generated URLs are refused by
# the allow-list at once instead of waiting on hosts across the internet.
export SPIN_VARIABLE_WEBHOOK_SIGNING_KEY="fuzz-webhook-key-$RANDOM$RANDOM$RANDOM$RANDOM-0123456789"
export SPIN_VARIABLE_WEBHOOK_HOSTS="http://127.0.0.1:9"
# Chat commands are checked against a signing secret the fuzzer does not know: 401 every time.
export SPIN_VARIABLE_SLACK_SIGNING_SECRET="fuzz-slack-$RANDOM$RANDOM$RANDOM"
export SPIN_VARIABLE_TEAMS_SECURITY_TOKEN="$(head -c 32 /dev/urandom | base64)"
export SPIN_VARIABLE_MAILGUN_SIGNING_KEY="fuzz-mailgun-$RANDOM$RANDOM$RANDOM"
export SPIN_VARIABLE_RELAY_SECRET="fuzz-relay-secret-$RANDOM$RANDOM$RANDOM-0123456789abcdef"

venv=target/fuzz-venv
if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "schemathesis==4.32.5"
fi
# The debug host is enough to find wrong answers (the components are built as released either
# way), and CI has already built it for the tests.
cargo build -p itsm-host
./target/debug/itsm-host build >/dev/null

. scripts/host.sh
start_host ./target/debug/itsm-host "$port"

"$venv/bin/schemathesis" run openapi.json \
  --url "http://127.0.0.1:$port" \
  --header "Authorization: Bearer $FUZZ_TOKEN" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,negative_data_rejection \
  --max-examples "$examples" \
  --seed 20261121 \
  --no-color \
  --report junit --report-dir target/fuzz-report

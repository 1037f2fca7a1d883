#!/usr/bin/env bash
# The customer portal in a real browser: headless Chromium (Debian's package, installed here when
# missing) driven by playwright-core against the host with the portal set up, with JavaScript
# off as well as on. Screenshots go to target/portal-screenshots. Usage: tests/browser/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
port=3919
chromium=${CHROMIUM:-/usr/bin/chromium}
# Chromium, and a Chinese font so the screenshots show the Chinese pages as people see them.
if [ ! -x "$chromium" ] || ! fc-list :lang=zh | grep -q .; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-wqy-zenhei
fi
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)

export SPIN_VARIABLE_BOOTSTRAP_TOKEN="browser-token-$RANDOM$RANDOM$RANDOM"
export SPIN_VARIABLE_RELAY_SECRET="browser-relay-secret-$RANDOM$RANDOM$RANDOM-0123456789abcdef"
export SPIN_VARIABLE_PORTAL_USER=portal
cargo build -p itsm-host
./target/debug/itsm-host build >/dev/null
. scripts/host.sh
start_host ./target/debug/itsm-host "$port"

# The portal's account, as the README sets it up: a customer contact of the organisation.
api() {
  curl -fsS -X POST -H "Authorization: Bearer $SPIN_VARIABLE_BOOTSTRAP_TOKEN" \
    -H "Content-Type: application/json" "http://127.0.0.1:$port$1" -d "$2" >/dev/null
}
api /api/v1/customers '{"code": "acme", "name": "ACME"}'
api /api/v1/users '{"user_name": "portal", "display_name": "Customer portal"}'
api /api/v1/users/portal/roles '{"role": "customer", "scope": {"kind": "customer", "key": "acme"}, "reason": "the portal account"}'

mkdir -p target/portal-screenshots
BASE_URL="http://127.0.0.1:$port" CHROMIUM="$chromium" SCREENSHOTS=target/portal-screenshots \
  node tests/browser/portal.mjs

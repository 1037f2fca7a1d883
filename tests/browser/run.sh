#!/usr/bin/env bash
# The customer portal in a real browser: headless Chromium (Debian's package, installed here when
# missing) driven by playwright-core against the host with the portal set up, with JavaScript
# off as well as on. Screenshots go to target/portal-screenshots. Usage: tests/browser/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
port=3919
chromium=${CHROMIUM:-/usr/bin/chromium}
# Chromium, and a Chinese font so the screenshots show the Chinese pages as people see them.
chinese_font() { command -v fc-list >/dev/null && [ -n "$(fc-list :lang=zh)" ]; }
if [ ! -x "$chromium" ] || ! chinese_font; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fontconfig fonts-wqy-zenhei
fi
# playwright-core needs Node 20 or newer (the machines CI runs on have it; Debian 12 alone has 18).
node_major=$(node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/' || true)
if [ -z "$node_major" ] || [ "$node_major" -lt 20 ]; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm
  node_major=$(node --version | sed -E 's/^v([0-9]+).*/\1/')
  [ "$node_major" -ge 20 ] || { echo "the browser tests need Node 20 or newer (playwright-core)"; exit 1; }
fi
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)

export SPIN_VARIABLE_BOOTSTRAP_TOKEN="browser-token-$RANDOM$RANDOM$RANDOM"
export SPIN_VARIABLE_RELAY_SECRET="browser-relay-secret-$RANDOM$RANDOM$RANDOM-0123456789abcdef"
export SPIN_VARIABLE_PORTAL_USER=portal
# One browser from one address walks every page in seconds: room for that, limits still on.
export SPIN_VARIABLE_PORTAL_RATE_LIMIT_PER_MINUTE=600 SPIN_VARIABLE_PORTAL_RATE_LIMIT_BURST=100
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
  BOOTSTRAP_TOKEN="$SPIN_VARIABLE_BOOTSTRAP_TOKEN" node tests/browser/portal.mjs

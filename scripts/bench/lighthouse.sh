#!/usr/bin/env bash
# A mobile Lighthouse run (performance only) against a page of a running server, with Debian's
# Chromium; prints "RESULT performance=.. lcp_ms=.. fcp_ms=.. tbt_ms=.. transfer_kb=..".
# Usage: scripts/bench/lighthouse.sh URL [report.json]
set -euo pipefail
cd "$(dirname "$0")/lighthouse"
url=$1
report=${2:-$(mktemp --suffix=.json)}
if [ ! -x node_modules/.bin/lighthouse ] || [ ! node_modules/.package-lock.json -nt package-lock.json ]; then
  npm ci --no-audit --no-fund --silent >/dev/null
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# The flags keep a headless Chromium off the (closed) network and out of a root sandbox.
node_modules/.bin/lighthouse "$url" --quiet --only-categories=performance --form-factor=mobile \
  --chrome-path=/usr/bin/chromium --output=json --output-path="$report" \
  --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run --user-data-dir=$profile" >/dev/null 2>&1
python3 - "$report" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
a = r["audits"]
num = lambda k: a[k]["numericValue"]
print("RESULT performance=%d lcp_ms=%.0f fcp_ms=%.0f tbt_ms=%.0f transfer_kb=%.0f" % (
    round(r["categories"]["performance"]["score"] * 100), num("largest-contentful-paint"),
    num("first-contentful-paint"), num("total-blocking-time"), num("total-byte-weight") / 1024))
PY

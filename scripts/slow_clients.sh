#!/usr/bin/env bash
# Slow clients against the release build, by `make test-slow-clients` (part of `make test`):
# slowhttptest opens thousands of connections that send their headers a line every few seconds
# and never finish (slowloris), on this machine's loopback only, for a bounded time. Meanwhile a
# visitor asks for the front page every second. Passes when every one of those requests is
# answered, and the server closes the slow connections instead of keeping them.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-${CARGO_TARGET_DIR:-target}/release/ratemyderp}
PORT=${SLOW_PORT:-3300}
CONNECTIONS=${SLOW_CONNECTIONS:-3000}
ATTACK_SECONDS=${SLOW_SECONDS:-40}
LOG=$(mktemp)

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
[ -x "$BIN" ] || { echo "No release build at $BIN: run 'make build' first." >&2; exit 1; }
command -v slowhttptest >/dev/null || { echo "Please install slowhttptest (Debian: apt-get install slowhttptest), or run make setup-test." >&2; exit 1; }

"$BIN" serve --ephemeral --port "$PORT" >/dev/null 2>&1 &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -f "$LOG"' EXIT
for _ in $(seq 1 150); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null || { echo "the server did not start" >&2; exit 1; }

step "Slowloris: $CONNECTIONS connections trickling headers for ${ATTACK_SECONDS}s, a visitor every second"
slowhttptest -H -c "$CONNECTIONS" -r 500 -i 3 -x 24 -p 3 -l "$ATTACK_SECONDS" \
  -u "http://127.0.0.1:$PORT/" >"$LOG" 2>&1 &
attack=$!
probes=0 failures=0 slowest=0
while kill -0 "$attack" 2>/dev/null; do
  result=$(curl -s -o /dev/null -m 5 -w '%{http_code} %{time_total}' "http://127.0.0.1:$PORT/" || true)
  probes=$((probes + 1))
  [ "${result%% *}" = 200 ] || failures=$((failures + 1))
  slowest=$(awk -v a="$slowest" -v b="${result#* }" 'BEGIN { print (b > a) ? b : a }')
  sleep 1
done
wait "$attack" || true
# slowhttptest colours its report; each status block counts connections by state.
clean=$(sed 's/\x1b\[[0-9;]*m//g' "$LOG")
peak() { awk -v key="$1:" '$1 == key { if ($2 > max) max = $2 } END { print max + 0 }' <<<"$clean"; }
connected_peak=$(peak connected)
closed_peak=$(peak closed)
unavailable=$(grep -c 'service available: *NO' <<<"$clean" || true)
ending=$(grep -E '^(Test ended|Exit status)' <<<"$clean" | tr '\n' ' ' || true)
echo "    visitor: $((probes - failures))/$probes answered, slowest ${slowest}s"
echo "    slowhttptest: up to $connected_peak slow connections held at once, $closed_peak closed by the server in a status; service unavailable in $unavailable of its checks; $ending"
# The server dropping the slow connections shows as closed ones, or as the attack running out
# of open connections before its time.
dropped=$([ "$closed_peak" -gt 0 ] || grep -q 'No open connections left' <<<"$clean" && echo yes || echo no)
if [ "$failures" -gt 0 ] || [ "$dropped" != yes ] || [ "$unavailable" -gt 0 ]; then
  echo "xx  slow clients got in the way (see above)" >&2
  tail -n 20 <<<"$clean" >&2
  exit 1
fi
curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null
echo "1 passed, 0 failed"

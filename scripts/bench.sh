#!/usr/bin/env bash
# Load benchmark, run by `make bench` after a release build. In one run, on one fresh durable
# cluster (fsync and synchronous_commit on):
#   1. The disk's own fdatasync latency, for context: every commit waits for one.
#   2. 100,000 demo pictures. Alternating rounds: wrk drives CONCURRENCY anonymous voters through
#      the vote loop against the release server (committed votes counted in the database), then
#      pgbench runs a one-row INSERT script against the same cluster at the same concurrency,
#      then wrk asks GET /healthz (one pooled SELECT 1): the ceiling of any request here.
#      Medians over the rounds are reported, since this machine's speed drifts between minutes.
#   3. The ranking job is timed at 100,000 pictures; the cluster grows to 1,000,000, where the
#      ranking job is timed again and the next-picture query for a voter who has rated 10,000;
#      then, with a million voters and their ten million votes, the ranking job with trust
#      weighting, and the other jobs on a site with 100,000 voters active in the hour.
#   4. The upload pipeline's time on a 12-megapixel photo, and the server's memory under the worst
#      upload it accepts and under 20 hostile uploads at once.
# Results go to BENCHMARKS.md (BENCH_OUT elsewhere), written by scripts/bench/report.sh.
# BENCH_VOTE_LOOP_ONLY=1 stops after step 2 and prints its summary: for comparing two builds
# (BIN=...) in one sitting.
set -euo pipefail
cd "$(dirname "$0")/.."

CONCURRENCY=${BENCH_CONCURRENCY:-64}
SECONDS_MEASURED=${BENCH_SECONDS:-20}
ROUNDS=${BENCH_ROUNDS:-3}
WARMUP_SECONDS=${BENCH_WARMUP_SECONDS:-5}
PORT=${BENCH_PORT:-3200}
# wrk threads: each drives CONCURRENCY/threads connections, one voter each (see vote_loop.lua).
WRK_THREADS=${BENCH_WRK_THREADS:-$(nproc)}
BIN=${BIN:-${CARGO_TARGET_DIR:-target}/release/ratemyderp}
# Short, so the cluster's Unix socket path stays within the kernel's limit.
DATA=${BENCH_DATA_DIR:-/tmp/ratemyderp-bench}
OUT=${BENCH_OUT:-BENCHMARKS.md}

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
need() { command -v "$1" >/dev/null || { echo "Please install $1 ($2), then run this again." >&2; exit 1; }; }
field() { sed -n "s/.*\b$1=\([0-9.]*\).*/\1/p" <<<"$2"; }
median() { tr ' ' '\n' | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ms() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1000 }'; }

[ -x "$BIN" ] || { echo "No release build at $BIN: run 'make build' first." >&2; exit 1; }
if ! command -v wrk >/dev/null && [ "$(id -u)" -eq 0 ]; then
  step "Installing wrk"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
need wrk "Debian: apt-get install wrk"
if ! command -v vipsthumbnail >/dev/null && [ "$(id -u)" -eq 0 ]; then
  step "Installing vipsthumbnail (the reference for the upload pipeline)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libvips-tools >/dev/null
fi
need vipsthumbnail "Debian: apt-get install libvips-tools"
need python3 "Debian: apt-get install python3"
PGBENCH=$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | tail -n1 || true)
[ -n "$PGBENCH" ] || { echo "Please install pgbench (Debian: apt-get install postgresql-client)." >&2; exit 1; }
PSQL=$(command -v psql || ls /usr/lib/postgresql/*/bin/psql | tail -n1)

export RMD_DATABASE__DATA_DIR=$DATA RMD_DATABASE__DEMO_PICTURES=0 RUST_LOG=${RUST_LOG:-warn}
# The load test's voters vote at machine speed (no minimum viewing time, no anomaly detectors,
# which would flag them), all from one address: the limits stay on, set far above the load, so
# that their cost is in the figures. BENCH_LIMITS=off turns them off, for an A/B of their cost.
limit=1000000000
[ "${BENCH_LIMITS:-on}" = off ] && limit=0
export RMD_VOTES__MIN_VIEW_MS=0 RMD_VOTES__PER_VOTER_PER_MINUTE=$limit RMD_VOTES__PER_NETWORK_PER_MINUTE=$limit RMD_VOTES__ANOMALY_CHECK_EVERY_SECS=0
SOCKET=$DATA/run
sql() { "$PSQL" -h "$SOCKET" -U ratemyderp -d ratemyderp -Atqc "$1"; }

step "The disk: 8 KB write + fdatasync, 10 s"
rm -rf "$DATA" && mkdir -p "$DATA"
disk=$(python3 - "$DATA/fsync-probe" <<'PY'
import os, sys, time
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT, 0o600)
block, samples, end, i = b"x" * 8192, [], time.time() + 10, 0
while time.time() < end:
    os.pwrite(fd, block, (i % 4096) * 8192)
    i += 1
    started = time.perf_counter()
    os.fdatasync(fd)
    samples.append(time.perf_counter() - started)
os.close(fd)
os.unlink(sys.argv[1])
samples.sort()
n = len(samples)
print(f"{n} syncs: p50 {samples[n // 2] * 1e3:.2f} ms, p99 {samples[int(n * 0.99)] * 1e3:.2f} ms, "
      f"max {samples[-1] * 1e3:.0f} ms, {sum(s > 0.05 for s in samples)} over 50 ms")
PY
)
echo "    $disk"

BROWSER_PICTURES=${BENCH_BROWSER_PICTURES:-5000}
BROWSER_CACHE_MIB=${BENCH_BROWSER_CACHE_MIB:-256}
step "Fresh durable cluster in $DATA with $BROWSER_PICTURES pictures (the browser loop's pool)"
seed_browser=$("$BIN" seed --count "$BROWSER_PICTURES")
echo "    $seed_browser"

server_pid=
stop_server() {
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; server_pid=; fi
}
trap stop_server EXIT
start_server() {
  "$BIN" serve --port "$PORT" &
  server_pid=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null || { echo "the server did not start" >&2; exit 1; }
}
# Load from wrk, RESULT line in $wrk_result, committed votes/s in $rate: $1 = script.
wrk_round() {
  local before after started finished
  before=$(sql "SELECT count(*) FROM votes")
  started=$(date +%s.%N)
  wrk_out=$(wrk -t "$WRK_THREADS" -c "$CONCURRENCY" -d "${SECONDS_MEASURED}s" --timeout 10s -s "scripts/bench/$1" "http://127.0.0.1:$PORT")
  finished=$(date +%s.%N)
  after=$(sql "SELECT count(*) FROM votes")
  wrk_result=$(grep '^RESULT' <<<"$wrk_out")
  rate=$(awk -v n="$((after - before))" -v a="$started" -v b="$finished" 'BEGIN { printf "%.0f", n / (b - a) }')
}

# The browser loop against the plain vote loop on one pool of pictures that the picture cache
# holds (5,000 demo pictures at 640 px are about 75 MB as WebP, which the loop's browsers
# accept, 180 MB as JPEG), alternating rounds. A smaller pool
# makes the two loops' votes collide on the same pictures (1,500: p99 60-85 ms in both).
RMD_SERVER__PICTURE_CACHE_MIB=$BROWSER_CACHE_MIB start_server
step "Browser loop: drawing each of the $BROWSER_PICTURES pictures at 640 px once, as WebP (2 at a time)"
draw_started=$(date +%s.%N)
sql "SELECT image_key FROM submissions" | sed "s|.*|http://127.0.0.1:$PORT/media/&/640.jpg|" \
  | xargs -P 2 -n 50 curl -fsS -H "Accept: image/webp,image/*" >/dev/null
draw_seconds=$(awk -v a="$draw_started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
draw_ms=$(awk -v s="$draw_seconds" -v n="$BROWSER_PICTURES" 'BEGIN { printf "%.1f", s * 1000 * 2 / n }')
echo "    ${draw_seconds}s: ${draw_ms} ms of a core per picture, drawn and encoded"
wrk -t "$WRK_THREADS" -c "$CONCURRENCY" -d "${WARMUP_SECONDS}s" -s scripts/bench/browser_loop.lua "http://127.0.0.1:$PORT" >/dev/null
browser_rows="" plain_rates=() browser_rates=() browser_p99s=() plain_p99s=()
for round in $(seq 1 "$ROUNDS"); do
  step "Round $round/$ROUNDS: plain vote loop on $BROWSER_PICTURES pictures, ${SECONDS_MEASURED}s"
  wrk_round vote_loop.lua
  plain_rate=$rate plain_p99=$(ms "$(field p99_us "$wrk_result")")
  echo "    $plain_rate committed votes/s, p99 $plain_p99 ms"
  step "Round $round/$ROUNDS: browser loop (picture at 640 px, then the vote), ${SECONDS_MEASURED}s"
  wrk_round browser_loop.lua
  browser_rate=$rate browser_p50=$(ms "$(field p50_us "$wrk_result")") browser_p99=$(ms "$(field p99_us "$wrk_result")")
  browser_refused=$(field refused "$wrk_result") browser_images=$(field images "$wrk_result")
  echo "    $browser_rate committed votes/s, $browser_images pictures, p50 $browser_p50 ms, p99 $browser_p99 ms, $browser_refused refused"
  plain_rates+=("$plain_rate") browser_rates+=("$browser_rate") browser_p99s+=("$browser_p99") plain_p99s+=("$plain_p99")
  browser_rows+="| $round | $plain_rate | $plain_p99 ms | $browser_rate | $browser_images | $browser_p50 ms / $browser_p99 ms | $browser_refused | $(awk -v b="$browser_rate" -v p="$plain_rate" 'BEGIN { printf "%.2f", b / p }') |"$'\n'
done
plain_median=$(echo "${plain_rates[*]}" | median)
browser_median=$(echo "${browser_rates[*]}" | median)
browser_p99_median=$(echo "${browser_p99s[*]}" | median)
browser_p99_worst=$(echo "${browser_p99s[*]}" | tr ' ' '\n' | sort -g | tail -n1)
browser_ratio=$(awk -v b="$browser_median" -v p="$plain_median" 'BEGIN { printf "%.2f", b / p }')
echo "    medians: browser loop $browser_median votes/s against $plain_median plain: ratio $browser_ratio, p99 $browser_p99_median ms"
stop_server

step "Growing the cluster to 100,000 pictures"
seed_100k=$("$BIN" seed --count $((100000 - BROWSER_PICTURES)))
echo "    $seed_100k"
start_server

step "Warm-up: ${WARMUP_SECONDS}s of voting"
wrk -t "$WRK_THREADS" -c "$CONCURRENCY" -d "${WARMUP_SECONDS}s" -s scripts/bench/vote_loop.lua "http://127.0.0.1:$PORT" >/dev/null
sql "CREATE TABLE bench_inserts (id bigserial PRIMARY KEY, voter_id bigint NOT NULL, submission_id bigint NOT NULL, rating smallint NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"

votes_rates=() p50s=() p99s=() pg_rates=() pg_p99s=() health_rates=() rows=""
refused_total=0 socket_errors_total=0
for round in $(seq 1 "$ROUNDS"); do
  step "Round $round/$ROUNDS: vote loop, $CONCURRENCY voters, ${SECONDS_MEASURED}s"
  wrk_round vote_loop.lua
  p50=$(ms "$(field p50_us "$wrk_result")") p99=$(ms "$(field p99_us "$wrk_result")")
  refused_total=$((refused_total + $(field refused "$wrk_result")))
  socket_errors_total=$((socket_errors_total + $(field socket_errors "$wrk_result")))
  echo "    $rate committed votes/s, p50 $p50 ms, p99 $p99 ms"

  step "Round $round/$ROUNDS: pgbench one-row INSERTs, $CONCURRENCY clients, ${SECONDS_MEASURED}s, same cluster"
  rm -rf "$DATA/pgbench-log" && mkdir -p "$DATA/pgbench-log"
  pg_out=$(cd "$DATA/pgbench-log" && "$PGBENCH" -n -h "$SOCKET" -U ratemyderp -c "$CONCURRENCY" -j 2 -T "$SECONDS_MEASURED" \
    --log --log-prefix=tx -f "$OLDPWD/scripts/bench/insert.sql" ratemyderp 2>&1)
  pg_rate=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$pg_out" | head -n1 | awk '{ printf "%.0f", $1 }')
  pg_p99=$(ms "$(cat "$DATA"/pgbench-log/tx.* | awk '{ print $3 }' | sort -n | awk '{ v[NR] = $1 } END { print v[int(NR * 0.99)] }')")
  echo "    $pg_rate inserts/s, p99 $pg_p99 ms"

  # What any request through this HTTP stack reaches when all it asks the database is `SELECT 1`
  # (no form, no signature, no write): the ceiling the votes' ratio lives under.
  step "Round $round/$ROUNDS: GET /healthz (one pooled SELECT 1), $CONCURRENCY connections, ${SECONDS_MEASURED}s"
  health_out=$(wrk -t "$WRK_THREADS" -c "$CONCURRENCY" -d "${SECONDS_MEASURED}s" "http://127.0.0.1:$PORT/healthz")
  grep -q 'Non-2xx' <<<"$health_out" && { echo "GET /healthz failed during the benchmark" >&2; exit 1; }
  health_rate=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' <<<"$health_out" | awk '{ printf "%.0f", $1 }')
  echo "    $health_rate requests/s"

  votes_rates+=("$rate") p50s+=("$p50") p99s+=("$p99") pg_rates+=("$pg_rate") pg_p99s+=("$pg_p99") health_rates+=("$health_rate")
  rows+="| $round | $rate | $p50 ms / $p99 ms | $pg_rate | $pg_p99 ms | $(awk -v v="$rate" -v p="$pg_rate" 'BEGIN { printf "%.2f", v / p }') | $health_rate | $(awk -v h="$health_rate" -v p="$pg_rate" 'BEGIN { printf "%.2f", h / p }') |"$'\n'
done
sql "DROP TABLE bench_inserts"
votes_per_s=$(echo "${votes_rates[*]}" | median)
p50_ms=$(echo "${p50s[*]}" | median)
p99_ms=$(echo "${p99s[*]}" | median)
pg_tps=$(echo "${pg_rates[*]}" | median)
pg_p99_ms=$(echo "${pg_p99s[*]}" | median)
ratio=$(awk -v v="$votes_per_s" -v p="$pg_tps" 'BEGIN { printf "%.2f", v / p }')
health_per_s=$(echo "${health_rates[*]}" | median)
health_ratio=$(awk -v h="$health_per_s" -v p="$pg_tps" 'BEGIN { printf "%.2f", h / p }')
echo "    medians: $votes_per_s votes/s (p99 $p99_ms ms) against $pg_tps inserts/s (p99 $pg_p99_ms ms): ratio $ratio; GET /healthz $health_per_s/s: $health_ratio"
stop_server

# Voters who look before they vote: the defences on as a site runs them (the minimum viewing
# time, 400 ms, and the per-voter limit, 120 a minute; the network limit stays up, since every
# voter here comes from one address), each voter looking PACED_LOOK_MS at every picture.
PACED_LOOK_MS=${BENCH_PACED_LOOK_MS:-600}
step "Paced voters: $CONCURRENCY voters looking ${PACED_LOOK_MS} ms at each picture, ${SECONDS_MEASURED}s"
RMD_VOTES__MIN_VIEW_MS=400 RMD_VOTES__PER_VOTER_PER_MINUTE=120 start_server
# Like the other loops, measured after a warm-up: the restarted cluster's cold buffers are not
# what a paced voter meets.
BENCH_LOOK_MS=$PACED_LOOK_MS BENCH_CONNECTIONS_PER_THREAD=$((CONCURRENCY / WRK_THREADS)) wrk -t "$WRK_THREADS" -c "$CONCURRENCY" -d "${WARMUP_SECONDS}s" -s scripts/bench/paced_vote_loop.lua "http://127.0.0.1:$PORT" >/dev/null
before=$(sql "SELECT count(*) FROM votes")
paced_out=$(BENCH_LOOK_MS=$PACED_LOOK_MS BENCH_CONNECTIONS_PER_THREAD=$((CONCURRENCY / WRK_THREADS)) wrk -t "$WRK_THREADS" -c "$CONCURRENCY" -d "${SECONDS_MEASURED}s" --timeout 10s -s scripts/bench/paced_vote_loop.lua "http://127.0.0.1:$PORT")
after=$(sql "SELECT count(*) FROM votes")
stop_server
paced_result=$(grep '^RESULT' <<<"$paced_out")
paced_rate=$(awk -v n="$((after - before))" -v s="$SECONDS_MEASURED" 'BEGIN { printf "%.0f", n / s }')
paced_p50=$(ms "$(field p50_us "$paced_result")") paced_p99=$(ms "$(field p99_us "$paced_result")")
paced_refused=$(field refused "$paced_result")
# Each voter can cast at most one vote per look (plus the round trip).
paced_ceiling=$(awk -v c="$CONCURRENCY" -v l="$PACED_LOOK_MS" 'BEGIN { printf "%.0f", c * 1000 / l }')
echo "    $paced_rate committed votes/s (ceiling $paced_ceiling), p50 $paced_p50 ms, p99 $paced_p99 ms, $paced_refused refused"

# The page for a returning voter (cookie kept, their current picture shown again), and a phone.
step "SSR: GET / for a returning voter, $CONCURRENCY connections, ${SECONDS_MEASURED}s"
start_server
cookie=$(curl -fsS -o /dev/null -D - "http://127.0.0.1:$PORT/" | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' | head -n1)
wrk -t "$WRK_THREADS" -c "$CONCURRENCY" -d "${WARMUP_SECONDS}s" -H "Cookie: $cookie" "http://127.0.0.1:$PORT/" >/dev/null
ssr_out=$(wrk -t "$WRK_THREADS" -c "$CONCURRENCY" -d "${SECONDS_MEASURED}s" --latency -H "Cookie: $cookie" "http://127.0.0.1:$PORT/")
ssr_rate=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' <<<"$ssr_out" | awk '{ printf "%.0f", $1 }')
ssr_p99=$(awk '$1 == "99%" { print $2 }' <<<"$ssr_out")
ssr_non2xx=$(sed -n 's/^ *Non-2xx or 3xx responses: *//p' <<<"$ssr_out"); ssr_non2xx=${ssr_non2xx:-0}
# The Leptos SSR figure the issue names: 25,000 requests/s for a static page at 2 CPUs.
ssr_ratio=$(awk -v r="$ssr_rate" 'BEGIN { printf "%.2f", r / 25000 }')
echo "    $ssr_rate pages/s, p99 $ssr_p99, $ssr_non2xx not 2xx: $ssr_ratio of Leptos's static-page figure"
step "Lighthouse, mobile (simulated slow 4G and a 4x slower CPU), 3 runs"
lh_rows="" lh_scores=() lh_lcps=()
for run in 1 2 3; do
  lh=$(scripts/bench/lighthouse.sh "http://127.0.0.1:$PORT/" "$DATA/lighthouse-$run.json")
  echo "    $lh"
  lh_scores+=("$(field performance "$lh")") lh_lcps+=("$(field lcp_ms "$lh")")
  lh_rows+="| $run | $(field performance "$lh") | $(field lcp_ms "$lh") ms | $(field fcp_ms "$lh") ms | $(field tbt_ms "$lh") ms | $(field transfer_kb "$lh") KB |"$'\n'
done
lh_score=$(echo "${lh_scores[*]}" | median) lh_lcp=$(echo "${lh_lcps[*]}" | median)
stop_server
# What a first visit downloads of the client, and each other page after it, as served (brotli
# files written by cargo-leptos; the pages' chunks are listed in the split manifest).
SITE_PKG=${LEPTOS_SITE_ROOT:-target/site}/pkg
eval "$(python3 scripts/bench/client_size.py "$SITE_PKG")"
echo "    client: first visit $bundle_br_kb KB brotli (wasm $wasm_size, js $js_size, loader $loader_size), css $css_size; other pages: median $page_median_br_kb KB, at most $page_max_br_kb KB in $page_max_chunks chunks"

if [ -n "${BENCH_VOTE_LOOP_ONLY:-}" ]; then
  echo "SUMMARY limits=${BENCH_LIMITS:-on} browser_votes_per_s=$browser_median browser_plain_votes_per_s=$plain_median browser_ratio=$browser_ratio browser_p99_ms=$browser_p99_median votes_per_s=$votes_per_s p50_ms=$p50_ms p99_ms=$p99_ms pgbench_tps=$pg_tps ratio=$ratio healthz_ratio=$health_ratio rounds=$(echo "${votes_rates[*]}" | tr ' ' '/') paced_votes_per_s=$paced_rate paced_p99_ms=$paced_p99 paced_refused=$paced_refused ssr_pages_per_s=$ssr_rate ssr_p99=$ssr_p99 lighthouse=$lh_score lcp_ms=$lh_lcp bundle_br_kb=$bundle_br_kb"
  rm -rf "$DATA"
  exit 0
fi

ranking() { cargo run --quiet --release --locked --example ranking_time -p server -- --runs 3 "$@" | grep '^RESULT'; }
step "Ranking job at 100,000 pictures (about 1,000,000 votes)"
rank_100k=$(ranking)
echo "    $rank_100k"

step "Growing to 1,000,000 pictures"
seed_900k=$("$BIN" seed --count 900000)
echo "    $seed_900k"

step "Ranking job at 1,000,000 pictures (about 10,000,000 votes)"
rank_1m=$(ranking)
echo "    $rank_1m"
# The target is for the job's recurring run (every minute, most pictures unchanged); the first
# run, which writes every row, is reported beside it.
rank_verdict=$(awk -v ms="$(field steady_median_ms "$rank_1m")" 'BEGIN { print (ms < 5000) ? "met" : "missed" }')

step "Next-picture query at 1,000,000 pictures, voter with 10,000 rated"
pick_result=$(cargo run --quiet --release --locked --example pick_latency -p server -- --rated 10000 --picks 5000 | grep '^RESULT')
echo "    $pick_result"
pick_p50_ms=$(awk -v us="$(field p50_us "$pick_result")" 'BEGIN { printf "%.3f", us / 1000 }')
pick_p99_ms=$(awk -v us="$(field p99_us "$pick_result")" 'BEGIN { printf "%.3f", us / 1000 }')
random_ms=$(field random_order_median_ms "$pick_result")

# Search, on the server that the next step also needs.
step "Search at 1,000,000 pictures, one request at a time"
RMD_STANDINGS__RANK_EVERY_SECS=0 start_server
search_out=$(scripts/bench/search_time.sh "http://127.0.0.1:$PORT")
search_result=$(grep '^RESULT' <<<"$search_out")
echo "    $search_result"
search_rows=$(sed -n 's/^ROW query="\(.*\)" page=\([0-9]*\) median_ms=\([0-9]*\)$/| `\1` | \2 | \3 ms |/p' <<<"$search_out")

# Trust weighting reads the votes themselves (the fill above writes only tallies): a million
# voters and ten million votes are added, the tallies recounted from them, and the job timed
# on them as they are. Last at this size, since it changes the tallies and the votes.
step "Ranking job with trust weighting at 1,000,000 pictures (1,000,000 voters, about 10,000,000 votes)"
"$PSQL" -h "$SOCKET" -U ratemyderp -d ratemyderp -q -f scripts/bench/weighted_votes.sql
stop_server
rank_weighted=$(RMD_STANDINGS__TRUST_WEIGHTING=true ranking --as-is)
echo "    $rank_weighted"

# The other jobs on a busy site of that size: last, since a retirement cycle and its purge
# delete a twentieth of the pictures.
step "The other jobs at 1,000,000 pictures (100,000 voters active in the hour)"
jobs_result=$(cargo run --quiet --release --locked --example jobs_time -p server | grep '^RESULT')
echo "    $jobs_result"

step "Upload pipeline on a 12-megapixel photo"
upload_result=$(cargo run --quiet --release --locked --example upload_pipeline -p server -- --runs 11 | grep '^RESULT')
echo "    $upload_result"

step "Server memory under hostile uploads"
memory_result=$(cargo run --quiet --release --locked --example upload_memory -p server | grep '^RESULT')
echo "    $memory_result"

. scripts/bench/report.sh
step "Wrote $OUT"
rm -rf "$DATA"

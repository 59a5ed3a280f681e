#!/usr/bin/env bash
# Times /search on a running server, one request at a time, as a new visitor each time: for each
# query, pages 1 and 40, one warm-up and 5 timed requests. Prints a ROW per query and page
# (median in ms), then a RESULT with the slowest median.
#   scripts/bench/search_time.sh http://127.0.0.1:PORT
set -euo pipefail
base=$1
# Common words, a typo of one, the site's own word, a name with and without a typo, a title, and
# words no title has (see BENCHMARKS.md, "Search at a million pictures").
queries=(the a thw derp hedgehog "sir blep" "sir bleb" "bean the sleepy" zzq "xyzzy plugh")
slowest=0 slowest_query=""
for query in "${queries[@]}"; do
  for page in 1 40; do
    url="$base/search?q=${query// /+}&page=$page"
    curl -fsS -o /dev/null "$url"
    times=()
    for _ in 1 2 3 4 5; do
      times+=("$(curl -fsS -o /dev/null -w '%{time_total}' "$url")")
    done
    median_ms=$(printf '%s\n' "${times[@]}" | sort -g | awk '{ v[NR] = $1 } END { printf "%.0f", v[3] * 1000 }')
    echo "ROW query=\"$query\" page=$page median_ms=$median_ms"
    if [ "$median_ms" -gt "$slowest" ]; then slowest=$median_ms slowest_query="$query, page $page"; fi
  done
done
echo "RESULT slowest_ms=$slowest slowest_query=\"$slowest_query\""

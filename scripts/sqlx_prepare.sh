#!/usr/bin/env bash
# The checked queries' offline data (`.sqlx/`), by `make sqlx-prepare`; `--check` (in `make lint`)
# fails when it is out of date instead of writing it.
#
# sqlx's `query!` macros check every statement against a database when they compile. Builds do
# not have one (`SQLX_OFFLINE=true`): they read what this script saved. It needs no sqlx-cli:
# it starts a throw-away PostgreSQL cluster on a private Unix socket, applies `migrations/`, and
# compiles the crates with `SQLX_OFFLINE_DIR` set, which makes the macros write their data there.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

mode=${1:-write}
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -x "$PG_BIN/initdb" ] || { echo "PostgreSQL server programs not found (set PG_BIN)" >&2; exit 1; }

work=$(mktemp -d)
out=$(mktemp -d)
# initdb and postgres refuse to run as root: the cluster then belongs to `postgres`.
as_owner=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$work"
  as_owner=(runuser -u postgres --)
fi
cleanup() {
  "${as_owner[@]}" "$PG_BIN/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work" "$out"
}
trap cleanup EXIT

"${as_owner[@]}" "$PG_BIN/initdb" -D "$work/data" -U postgres --auth=trust -E UTF8 >/dev/null
"${as_owner[@]}" "$PG_BIN/pg_ctl" -D "$work/data" -w -l "$work/log" \
  -o "-c listen_addresses='' -k $work -c fsync=off" start >/dev/null
url="postgres:///postgres?host=$work&user=postgres"
for migration in migrations/*.sql; do
  "${as_owner[@]}" "$PG_BIN/psql" -q -X -v ON_ERROR_STOP=1 -1 -h "$work" -U postgres -d postgres \
    -f "$migration" >/dev/null
done

# The macros run when their crate compiles: make both crates compile again, in a target folder
# of their own, then give the files their times back, so that other builds do not redo theirs.
roots=(app/src/lib.rs server/src/lib.rs)
stamps=()
for root in "${roots[@]}"; do stamps+=("$(stat -c %Y "$root")"); done
touch "${roots[@]}"
status=0
SQLX_OFFLINE=false SQLX_OFFLINE_DIR="$out" DATABASE_URL="$url" \
  CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}/sqlx-prepare" \
  cargo check --locked --quiet -p app --features ssr -p server --all-targets || status=$?
for i in "${!roots[@]}"; do touch -d "@${stamps[$i]}" "${roots[$i]}"; done
[ "$status" = 0 ] || exit "$status"

if [ "$mode" = --check ]; then
  if ! diff -r "$out" .sqlx >/dev/null 2>&1; then
    diff -r "$out" .sqlx | head -n 20 >&2 || true
    echo "xx  .sqlx/ is out of date with the queries or migrations: run 'make sqlx-prepare' and commit it" >&2
    exit 1
  fi
  echo "    .sqlx/ is current ($(ls "$out" | wc -l) queries)"
else
  rm -rf .sqlx
  mkdir .sqlx
  cp "$out"/*.json .sqlx/
  echo "    wrote .sqlx/ ($(ls .sqlx | wc -l) queries)"
fi

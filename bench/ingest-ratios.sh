#!/usr/bin/env bash
# Sale ingest beside the database's own floor, in one run (issue 16).
#
# For each backend: the API over HTTP and the bench's plain-SQL path
# (server/examples/sales_bench.rs, 50 clients, five-line sales), the raw-SQL
# floor (bench/floor: pgbench, or the sqlite3 CLI with synchronous=FULL),
# then through a real `ocop-server serve` and `ocop-load`: a 10,000-sale
# catch-up of one till in batches of 100, and (PostgreSQL) 330 sales/s
# offered by 50 tills for 20 s. Prints each figure and the ratios to the
# floor, with the load average: figures from a shared machine are only
# comparable within one run.
#
#   bench/ingest-ratios.sh [sqlite|postgres|both]     (default both)
#
# PGURL (default postgres://postgres@127.0.0.1:5432/postgres) names a
# PostgreSQL server whose databases `floor` and `ocop_ratio_*` may be dropped.
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-both}
pg=${PGURL:-postgres://postgres@127.0.0.1:5432/postgres}
pg_base=${pg%/*}
target=${CARGO_TARGET_DIR:-target}/release
if [ -z "${NO_BUILD:-}" ]; then
    cargo build --release -q -p ocop-server --bins --example sales_bench
    cargo build --release -q -p ocop-load
fi
tmp=$(mktemp -d)
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

rate() { grep -o '[0-9.]* sales/s' | head -n 1 | awk '{print $1}'; }
p99() { grep -o 'p99 *[0-9.]* ms' | head -n 1 | awk '{print $2}'; }
ratio() { python3 -c "print(f'{100*float($1)/float($2):.0f} %')"; }

# A fresh demo server on $1 (database URL) at port $2; waits for /healthz.
serve() {
    OCOP_DATABASE_URL=$1 OCOP_BIND=127.0.0.1:$2 OCOP_LOG=warn \
        "$target/ocop-server" serve --demo >"$tmp/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 300); do
        curl -fs "http://127.0.0.1:$2/healthz" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    cat "$tmp/server.log" >&2
    return 1
}
stop() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=; }
load() { OCOP_LOAD_PASSWORD=demo1234 "$target/ocop-load" --quiet "$@"; }
fresh_pg() { psql "$pg" -q -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null; echo "$pg_base/$1"; }

echo "== $(date -u +%FT%TZ) $(git rev-parse --short HEAD) nproc $(nproc); load: $(uptime | sed 's/.*load average: //')"
summary=()
for backend in sqlite postgres; do
    [ "$which" = both ] || [ "$which" = "$backend" ] || continue
    echo "== $backend"
    if [ "$backend" = sqlite ]; then
        bench=$("$target/examples/sales_bench" | tee -a /dev/stderr)
        floor=$(bash bench/floor/run-sqlite.sh 20000 | tee -a /dev/stderr | grep 'synchronous=FULL' | rate)
        db_url=$tmp/catchup.sqlite3
    else
        bench=$("$target/examples/sales_bench" "$(fresh_pg ocop_ratio_bench)" | tee -a /dev/stderr)
        floor=$(PGURL=$pg bash bench/floor/run-pg.sh 50 20 | tee -a /dev/stderr | grep -o 'tps = [0-9.]*' | awk '{print $3}')
        db_url=$(fresh_pg ocop_ratio_load)
    fi
    api=$(grep '^API' <<<"$bench" | rate)
    api_p99=$(grep '^API' <<<"$bench" | p99)
    plain=$(grep '^plain SQL' <<<"$bench" | rate)
    serve "$db_url" 18161
    catchup=$(load --server http://127.0.0.1:18161 --tills 1 --count 10000 --batch 100 --refunds-per-mille 0 | tee -a /dev/stderr)
    catchup_s=$(grep -o 'in [0-9.]* s' <<<"$catchup" | awk '{print $2}')
    peak=
    if [ "$backend" = postgres ]; then
        peak=$(load --server http://127.0.0.1:18161 --tills 50 --rate 330 --duration 20 | tee -a /dev/stderr)
        peak=" | 330/s offered: $(rate <<<"$peak") sales/s, p99 $(p99 <<<"$peak") ms"
    fi
    echo "server VmHWM: $(grep VmHWM /proc/$server_pid/status | awk '{print $2, $3}')"
    stop
    summary+=("$backend: API $api sales/s (p99 $api_p99 ms) = $(ratio "$api" "$floor") of the floor ($floor); plain SQL $plain = $(ratio "$plain" "$floor"); 10,000-sale catch-up ${catchup_s} s$peak")
done
echo "== summary (load: $(uptime | sed 's/.*load average: //'))"
printf '%s\n' "${summary[@]}"

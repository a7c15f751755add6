#!/usr/bin/env bash
# Two ocop-server processes on one PostgreSQL database (issue 16).
#
# Starts server A (with the demo data) and server B on the same fresh
# database, then runs ocop-load twice with the same tills, carts and count:
# once with every till on A, once with the tills spread over A and B. Each
# run must pass ocop-load's own check (every acknowledged sale present once
# and identical, refunds exactly those acknowledged, nothing extra); the
# database must then hold exactly the sum of both runs, stock on hand must
# equal the ledger and the journal must verify. Prints throughput for one
# and two servers and each server's peak RSS (VmHWM).
#
#   bench/two-servers.sh [tills] [sales per run]      (default 50 tills, 5000 sales)
#
# PGURL (default postgres://postgres@127.0.0.1:5432/postgres) names the
# PostgreSQL server; the database `ocop_two_servers` is dropped and made again.
set -euo pipefail
cd "$(dirname "$0")/.."
tills=${1:-50}
count=${2:-5000}
pg=${PGURL:-postgres://postgres@127.0.0.1:5432/postgres}
url=${pg%/*}/ocop_two_servers
profile=${PROFILE:-release}
target=${CARGO_TARGET_DIR:-target}/$profile
if [ "$profile" = release ]; then
    cargo build --release -q -p ocop-server --bins && cargo build --release -q -p ocop-load
else
    cargo build -q -p ocop-server --bins && cargo build -q -p ocop-load
fi
psql "$pg" -q -c "DROP DATABASE IF EXISTS ocop_two_servers" -c "CREATE DATABASE ocop_two_servers" >/dev/null
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

start() { # name port [--demo]
    OCOP_DATABASE_URL=$url OCOP_BIND=127.0.0.1:$2 OCOP_LOG=warn \
        "$target/ocop-server" serve ${3:-} >"$tmp/$1.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 300); do
        curl -fs "http://127.0.0.1:$2/healthz" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    cat "$tmp/$1.log" >&2
    exit 1
}
start a 18162 --demo
start b 18163
a=${pids[0]}; b=${pids[1]}
load() { OCOP_LOAD_PASSWORD=demo1234 "$target/ocop-load" --quiet --tills "$tills" --count "$count" --summary "$tmp/$1.json" "${@:2}"; }
sales() { psql "$url" -tA -c "SELECT COUNT(*) FROM sales"; }

echo "== $(date -u +%FT%TZ) $(git rev-parse --short HEAD) nproc $(nproc); load: $(uptime | sed 's/.*load average: //')"
before=$(sales)
echo "== one server (A), $tills tills, $count sales"
load one --server http://127.0.0.1:18162
echo "== two servers (A and B, tills spread), $tills tills, $count sales"
load two --server http://127.0.0.1:18162,http://127.0.0.1:18163
after=$(sales)
[ "$((after - before))" -eq "$((2 * count))" ] || { echo "the database holds $((after - before)) new sales, not $((2 * count))" >&2; exit 1; }
OCOP_DATABASE_URL=$url "$target/ocop-server" stock verify >/dev/null || { echo "stock on hand differs from the ledger" >&2; exit 1; }
OCOP_DATABASE_URL=$url "$target/ocop-server" journal verify >"$tmp/journal.txt" || { tail "$tmp/journal.txt" >&2; exit 1; }
echo "== both runs checked; database holds exactly $((after - before)) new sales; stock and journal verify"
for n in one two; do
    python3 - "$tmp/$n.json" "$n" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); f = s["figures"]
servers = sorted({t["server"] for t in s["tills"]})
print(f'{sys.argv[2]:>3} server(s) {len(servers)}: {f["sales"]} sales in {f["wall_s"]:.1f} s = {f["sales_per_s"]:.0f} sales/s, '
      f'p50 {f["p50_ms"]:.1f} ms p95 {f["p95_ms"]:.1f} ms p99 {f["p99_ms"]:.1f} ms, check passed: {s["check"]["passed"]}')
PY
done
echo "peak RSS (VmHWM): A $(grep VmHWM /proc/$a/status | awk '{print $2, $3}'), B $(grep VmHWM /proc/$b/status | awk '{print $2, $3}')"

#!/usr/bin/env bash
# indicators.sh - the price of the dashboards and of keeping them current.
#
# In one run:
#   1. a database made by `dualtrack gen --trainees N` (DB=PATH reuses one);
#   2. the province dashboard - GET /api/v1/indicators?region=210000&year=Y
#      &children=0, every indicator of Liaoning for a year, from the maintained
#      aggregates - requested one at a time over HTTP (wrk -t1 -c1 for
#      DURATION when wrk is installed, else RUNS times from node): median, p99;
#   3. the same figures computed from the facts by plain GROUP BY queries
#      (bench/sql/province_dashboard.sql) in the sqlite3 tool, REPEAT times:
#      median and slowest; and the ratio of the medians;
#   4. the write side: `dualtrack gen --trainees W` into a new database with
#      the aggregate triggers and into one without them (dropped after init),
#      and 100,000 signed record-book entries inserted in one transaction by
#      sqlite3 with and without them; throughput of each and the ratio.
#
#   TRAINEES   trainees to generate (default 1000000: about an hour and 30 GB)
#   SEED       generator seed (default 1)
#   DB         an existing database instead of generating one
#   YEAR       the dashboard's year (default 2026)
#   DURATION   wrk's duration (default 5s)
#   RUNS       dashboard requests without wrk (default 2000)
#   REPEAT     GROUP BY runs (default 5)
#   WRITE_TRAINEES  size of the write comparison (default 2000)
#   BUILD      build directory (default build)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
. bench/lib.sh

trainees=${TRAINEES:-1000000}
seed=${SEED:-1}
year=${YEAR:-2026}
runs=${RUNS:-2000}
repeat=${REPEAT:-5}
wtrainees=${WRITE_TRAINEES:-2000}
build=${BUILD:-build}
bin=$PWD/$build/dualtrack
export DUALTRACK_TODAY=${DUALTRACK_TODAY:-2026-11-26}
for t in sqlite3 bc curl node; do
	command -v $t >/dev/null || { echo "indicators.sh: $t is missing (apt-get install $t)" >&2; exit 1; }
done
make --no-print-directory -s BUILD="$build" "$bin"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dualtrack-ind.XXXXXX")
api_pid=
cleanup() {
	[[ -n $api_pid ]] && kill -TERM "$api_pid" 2>/dev/null && wait "$api_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the dashboard from the aggregates ----
bench_db "$tmp"
token=$(admin_token "$db")
port=$(free_port)
"$bin" serve --db "$db" --listen "127.0.0.1:$port" --threads 2 >"$tmp/serve.log" 2>&1 &
api_pid=$!
wait_http "http://127.0.0.1:$port/healthz"
url="http://127.0.0.1:$port/api/v1/indicators?region=210000&year=$year&children=0"
echo "== GET /api/v1/indicators?region=210000&year=$year&children=0, one at a time (wrk -c1, else node $runs times)"
if command -v wrk >/dev/null; then
	# one connection, one request at a time: the latency of a single request
	out=$(wrk -t1 -c1 -d"${DURATION:-5s}" --latency -H "Authorization: Bearer $token" "$url")
	grep -q 'Non-2xx' <<<"$out" && { echo "indicators.sh: the dashboard answered errors" >&2; exit 1; }
	agg_med=$(wrk_ms 50% <<<"$out")
	agg_p99=$(wrk_ms 99% <<<"$out")
else
	read -r agg_med agg_p99 < <(node bench/dashboard.mjs "$url" "$token" "$runs")
fi
echo "   median $agg_med ms, p99 $agg_p99 ms"
kill -TERM "$api_pid"
wait "$api_pid" 2>/dev/null || true
api_pid=

# ---- the same figures by GROUP BY ----
sql=$(sed -e "s/:lo/210000/g; s/:hi/219999/g; s/:y1/$((year - 1))/g; s/:y2/$((year - 2))/g" \
	-e "s/:y3/$((year - 3))/g; s/:y/$year/g" bench/sql/province_dashboard.sql)
echo "== $repeat x sqlite3 GROUP BY over the facts (bench/sql/province_dashboard.sql)"
: >"$tmp/gb.times"
for ((i = 0; i < repeat; i++)); do
	t0=$(now)
	sqlite3 -readonly "$db" <<<"$sql" >"$tmp/gb.out"
	echo "$(now) - $t0" | bc -l | awk '{ printf "%.3f\n", $1 * 1000 }' >>"$tmp/gb.times"
done
mapfile -t gb_times <"$tmp/gb.times"
gb_med=$(median "${gb_times[@]}")
gb_max=$(sort -g "$tmp/gb.times" | tail -1)
echo "   median $gb_med ms, slowest $gb_max ms"
sed 's/^/   | /' "$tmp/gb.out"

# ---- the write side ----
echo "== gen --trainees $wtrainees with and without the aggregate triggers"
drop_triggers() {
	sqlite3 "$1" "SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name LIKE '%agg%'" |
		while read -r t; do echo "DROP TRIGGER $t;"; done | sqlite3 "$1"
}
declare -A gen_s
for mode in with without; do
	w=$tmp/write-$mode.db
	"$bin" init --db "$w" >/dev/null
	[[ $mode == without ]] && drop_triggers "$w"
	t0=$(now)
	"$bin" gen --db "$w" --trainees "$wtrainees" --seed "$seed" >/dev/null 2>&1
	gen_s[$mode]=$(echo "$(now) - $t0" | bc -l)
	writes=$(sqlite3 "$w" "SELECT count(*) FROM audit")
	printf '   %-7s %6.1f s  %8d audited writes  %7.0f writes/s\n' "$mode" "${gen_s[$mode]}" "$writes" \
		"$(echo "$writes / ${gen_s[$mode]}" | bc -l)"
done
# The inserts, then what the store does before every commit (dt_agg_flush in
# src/store/agg.c): code the counters' names, add the triggers' deltas into agg
# and agg_year.
# (record_entry's times are milliseconds since migration 018: 2026-11-26T00:00:00Z; its
# date YYYYMMDD, site a code (0 company, 1 school) and hours hundredths since 020)
echo "== 100000 signed record-book entries inserted by sqlite3 in one transaction"
declare -A ins_s
insert_sql="BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000),
c AS (SELECT id, region, row_number() OVER (ORDER BY id) - 1 AS k, count(*) OVER () AS m FROM contract WHERE status = 'active')
INSERT INTO record_entry(contract_id, date, site, hours, content, signed_by, signed_at, region, created_at, updated_at)
SELECT c.id, 20261101 + i % 25, i % 2, (4 + i % 5) * 100,
	'bench', 'bench', 1795651200000, c.region, 1795651200000, 1795651200000
FROM n JOIN c ON c.k = n.i % c.m;
INSERT INTO agg_key(name) SELECT DISTINCT d.key FROM agg_delta d
WHERE NOT EXISTS (SELECT 1 FROM agg_key k WHERE k.name = d.key) ORDER BY 1;
INSERT INTO agg(region, occ, key, period, value)
SELECT u.anc, CASE o.k WHEN 1 THEN d.occ ELSE 0 END, c.code, d.period, sum(d.v)
FROM agg_delta d JOIN agg_key c ON c.name = d.key JOIN region_up u ON u.region = d.region,
(SELECT 0 AS k UNION ALL SELECT 1) o
WHERE o.k = 0 OR d.occ IS NOT NULL GROUP BY 1, 2, 3, 4 HAVING sum(d.v) != 0
ON CONFLICT DO UPDATE SET value = value + excluded.value;
INSERT INTO agg_year(region, occ, key, year, value)
SELECT u.anc, CASE o.k WHEN 1 THEN d.occ ELSE 0 END, c.code, d.period / 100, sum(d.v)
FROM agg_delta d JOIN agg_key c ON c.name = d.key JOIN region_up u ON u.region = d.region,
(SELECT 0 AS k UNION ALL SELECT 1) o
WHERE o.k = 0 OR d.occ IS NOT NULL GROUP BY 1, 2, 3, 4 HAVING sum(d.v) != 0
ON CONFLICT DO UPDATE SET value = value + excluded.value;
DELETE FROM agg_delta;
COMMIT;"
for mode in with without; do
	t0=$(now)
	sqlite3 "$tmp/write-$mode.db" <<<"$insert_sql"
	ins_s[$mode]=$(echo "$(now) - $t0" | bc -l)
	printf '   %-7s %6.2f s  %8.0f entries/s\n' "$mode" "${ins_s[$mode]}" "$(echo "100000 / ${ins_s[$mode]}" | bc -l)"
done
"$bin" indicators --verify --db "$tmp/write-with.db" | sed 's/^/   /'

echo
echo "== result ($trainees trainees)"
printf 'province dashboard  aggregates median %s ms p99 %s ms | GROUP BY median %s ms | GROUP BY/aggregates %.0fx\n' \
	"$agg_med" "$agg_p99" "$gb_med" "$(echo "$gb_med / $agg_med" | bc -l)"
printf 'write throughput    through the store with/without aggregates %.2f | raw inserts with/without %.2f\n' \
	"$(echo "${gen_s[without]} / ${gen_s[with]}" | bc -l)" "$(echo "${ins_s[without]} / ${ins_s[with]}" | bc -l)"

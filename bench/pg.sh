#!/usr/bin/env bash
# pg.sh - SQLite against PostgreSQL on the same data, side by side in one run.
#
#   bash bench/pg.sh                              # 100,000 trainees, import of 1,000,000
#   TRAINEES=20000 IMPORT_ROWS=100000 bash bench/pg.sh   # a quick check (a few minutes)
#   DB=pilot.db ONLY=get bash bench/pg.sh         # GET by id only, on an existing database
#
# In one run:
#   1. data: `dualtrack gen --trainees N` into a SQLite file (bench_db in
#      bench/lib.sh), then `dualtrack copy` of it to a PostgreSQL database -
#      the same records, ids and audit chain on both (copy checks the counts
#      and verifies the chain); both timed, and the bytes per trainee of each
#      (SQLite: the file and its WAL; PostgreSQL: pg_database_size);
#   2. GET /api/v1/trainees/ID with wrk -t2 -cCONNECTIONS against
#      `dualtrack serve --threads SERVE_THREADS` on each, ROUNDS times in turn (as
#      bench/http.sh does): median requests/s and p99, ratio PostgreSQL/SQLite;
#      both servers must answer the same body;
#   3. the province dashboard, GET /api/v1/indicators?region=210000&year=Y
#      &children=0 (as bench/indicators.sh measures it): one request at a
#      time (wrk -t1 -c1 for DASH_DURATION), ROUNDS times in turn on each:
#      median of the rounds' median and p99 latency;
#   4. import: a CSV of IMPORT_ROWS trainees (`dualtrack export --sample`, as
#      bench/import.sh makes it) imported by `dualtrack import` into a new
#      PostgreSQL database, against psql's `\copy` of the very rows the
#      import stored (encrypted ID, blind index and all) into a table made by
#      the trainee table's own DDL (src/store/migrations/pgsql/001_init.sql:
#      the same columns, checks, keys and indexes), in the same database;
#   5. one summary table: each figure, goal and ratio.
#
# The PostgreSQL server is a throw-away one, scripts/pgtmp.sh, with fsync on
# (a real server's durability; PGTMP_FAST=1 would turn it off, and the
# summary then says so), on the same machine: it shares the cores with
# dualtrack and wrk, as SQLite does by being in-process.
#
#   TRAINEES       trainees to generate (default 100000)
#   SEED           generator seed (default 1)
#   DB             an existing SQLite database (with its key file beside it)
#                  instead of generating one
#   IMPORT_ROWS    rows of the import comparison (default 1000000; 0 skips it)
#   ONLY           "import": only step 4 (and its lines of the summary), no
#                  gen, copy or servers - a quick look at the import alone;
#                  "get": GET by id only (no dashboard, no import)
#   DURATION       wrk duration per server and round for GET by id (default 10s)
#   DASH_DURATION  wrk duration per server and round for the dashboard (default 5s)
#   ROUNDS         rounds in turn (default 3)
#   CONNECTIONS    wrk connections for GET by id (default 64)
#   SERVE_THREADS  `dualtrack serve --threads` of both servers (default 2)
#   YEAR           the dashboard's year (default 2026)
#   BUILD          build directory (default build)
#   BIN            a dualtrack binary to measure instead of BUILD's (another
#                  commit's build, for a before and after on the same data)
#   TMPDIR         where the temporary directory goes (short: the server's
#                  socket lives in it); removed on exit
#
# Time, measured on a shared 2-core machine (load 5-8): gen 40-80 trainees/s;
# copy about 7,000 rows/s all told (a COPY per table; the target's triggers
# and the checks after it take much of that) and a generated trainee is some
# 300 rows with its contract, record book and audit trail - so
# TRAINEES=100000 means about 25 minutes of gen and more than an hour of
# copy, TRAINEES=10000 about 3 and 8 minutes; import of 1,000,000 and its
# COPY a few minutes (ONLY=import runs just those).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=bench/lib.sh disable=SC2154 # $db comes from bench_db
. bench/lib.sh # free_port, wait_http, bench_db, admin_token, now, secs, median, wrk_*

root=$PWD
trainees=${TRAINEES:-100000}
seed=${SEED:-1}
import_rows=${IMPORT_ROWS:-1000000}
duration=${DURATION:-10s}
dash_duration=${DASH_DURATION:-5s}
rounds=${ROUNDS:-3}
conns=${CONNECTIONS:-64}
threads=${SERVE_THREADS:-2}
year=${YEAR:-2026}
build=${BUILD:-build}
bin=${BIN:-$root/$build/dualtrack}
only=${ONLY:-}
[[ -z $only || $only == import || $only == get ]] ||
	{ echo "pg.sh: ONLY=$only: only \"import\" and \"get\" are known" >&2; exit 2; }
[[ $only == get ]] && import_rows=0
export DUALTRACK_TODAY=${DUALTRACK_TODAY:-2026-11-26}
for t in wrk psql curl sqlite3; do
	command -v $t >/dev/null || { echo "pg.sh: $t is missing (scripts/deps.sh installs it)" >&2; exit 1; }
done
[[ -n ${BIN:-} ]] || make --no-print-directory -s BUILD="$build" "$bin"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dt-pg.XXXXXX")
pids=()
cleanup() {
	local pid
	for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
	[[ -e $tmp/pg/.pgtmp ]] && "$root/scripts/pgtmp.sh" stop "$tmp/pg"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
chmod 755 "$tmp" # as root, pgtmp.sh's server runs as postgres and must reach $tmp/pg
# A PostgreSQL database's key file is NAME.key in the current folder.
cd "$tmp"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
mib() { awk -v b="$1" 'BEGIN { printf "%.0f MiB", b / 1048576 }'; }

echo "== scripts/pgtmp.sh start: a PostgreSQL server for this run"
base=$("$root/scripts/pgtmp.sh" start "$tmp/pg")
echo "   $base: PostgreSQL $(psql -qAtX "$base/postgres" -c 'SHOW server_version'), fsync $(psql -qAtX "$base/postgres" -c 'SHOW fsync')"

if [[ $only != import ]]; then
# ---- 1. the same data on both ----
t0=$(now)
bench_db "$tmp" # sets $db (and $trainees when DB is given)
gen_s=$(secs "$t0" "$(now)")
[[ -n ${DB:-} ]] && gen_s=-
pg=$base/bench
echo "== dualtrack copy --from $db --to $pg"
t0=$(now)
if ! "$bin" copy --from "$db" --to "$pg" >"$tmp/copy.log" 2>&1; then
	cat "$tmp/copy.log" >&2
	exit 1
fi
copy_s=$(secs "$t0" "$(now)")
grep -v '^copy: ' "$tmp/copy.log" | sed 's/^/   /'
echo "   copied in $copy_s s"
lite_bytes=$(du -bc "$db"* | tail -1 | cut -f1)
pg_bytes=$(psql -qAtX "$pg" -c 'SELECT pg_database_size(current_database())')
echo "   size: SQLite $(mib "$lite_bytes"), PostgreSQL $(mib "$pg_bytes")" \
	"($((lite_bytes / trainees)) and $((pg_bytes / trainees)) bytes per trainee)"
fi

# ---- the servers ----
# server_ticks: the CPU clock ticks the PostgreSQL server has used so far
hz=$(getconf CLK_TCK)
server_ticks() {
	local pm i
	pm=$(head -1 "$tmp/pg/data/postmaster.pid")
	# a backend that has just ended counts neither as live nor as reaped
	# (its CPU in the postmaster's children's) until the postmaster reaps it
	for ((i = 0; i < 100; i++)); do
		# shellcheck disable=SC2046 # a list of pids
		grep -qs '^State:.*zombie' /dev/null $(pgrep -P "$pm" | sed 's|.*|/proc/&/status|') || break
		sleep 0.02
	done
	# the postmaster with the backends it has reaped, then the live ones
	# shellcheck disable=SC2046 # a list of pids
	echo $(($(sed 's/.*) //' "/proc/$pm/stat" | awk '{ print $12 + $13 + $14 + $15 }') +
		$(cpu_ticks $(pgrep -P "$pm"))))
}
if [[ $only != import ]]; then
declare -A url token spid
for b in sqlite pgsql; do
	if [[ $b == sqlite ]]; then d=$db; else d=$pg; fi
	token[$b]=$(admin_token "$d")
	port=$(free_port)
	"$bin" serve --db "$d" --listen "127.0.0.1:$port" --threads "$threads" >"$tmp/serve-$b.log" 2>&1 &
	pids+=($!)
	spid[$b]=$!
	url[$b]=http://127.0.0.1:$port
	wait_http "${url[$b]}/healthz"
done
id=${TRAINEE_ID:-$(((trainees + 1) / 2))}
for b in sqlite pgsql; do
	status=$(curl -s -o "$tmp/body-$b" -w '%{http_code}' -H "Authorization: Bearer ${token[$b]}" \
		"${url[$b]}/api/v1/trainees/$id")
	if [[ $status != 200 ]]; then
		echo "pg.sh: GET /api/v1/trainees/$id on $b answered $status: $(head -c 300 "$tmp/body-$b")" >&2
		exit 1
	fi
done
cmp -s "$tmp/body-sqlite" "$tmp/body-pgsql" ||
	echo "pg.sh: warning: the two servers answer GET /api/v1/trainees/$id with different bodies" >&2

# wrk_round NAME BACKEND PATH WRK-OPTIONS...: one wrk run; appends the
# requests/s, median and p99 (ms) to the arrays NAME_{rps,p50,p99}_BACKEND,
# and the CPU time per request (us) of dualtrack serve and of the PostgreSQL
# server (all its processes; none for SQLite) to NAME_{cpu,pcpu}_BACKEND.
declare -a get_rps_sqlite=() get_p99_sqlite=() get_rps_pgsql=() get_p99_pgsql=()
declare -a get_cpu_sqlite=() get_cpu_pgsql=() get_pcpu_pgsql=()
declare -a dash_p50_sqlite=() dash_p99_sqlite=() dash_p50_pgsql=() dash_p99_pgsql=()
# shellcheck disable=SC2034 # filled through eval, shown per round only
declare -a dash_cpu_sqlite=() dash_cpu_pgsql=() dash_pcpu_pgsql=()
# shellcheck disable=SC2034 # the arrays are reached through eval
wrk_round() {
	local name=$1 b=$2 path=$3 out rps p50 p99 n c0 c1 p0=0 p1=0 cpu pcpu=0
	shift 3
	c0=$(cpu_ticks "${spid[$b]}")
	[[ $b == pgsql ]] && p0=$(server_ticks)
	out=$(wrk "$@" --latency -H "Authorization: Bearer ${token[$b]}" "${url[$b]}$path")
	c1=$(cpu_ticks "${spid[$b]}")
	[[ $b == pgsql ]] && p1=$(server_ticks)
	n=$(awk '/ requests in / { print $1 }' <<<"$out")
	cpu=$(awk -v t=$((c1 - c0)) -v hz="$hz" -v n="$n" 'BEGIN { printf "%.1f", (n > 0 ? t / hz / n * 1e6 : 0) }')
	pcpu=$(awk -v t=$((p1 - p0)) -v hz="$hz" -v n="$n" 'BEGIN { printf "%.1f", (n > 0 ? t / hz / n * 1e6 : 0) }')
	if grep -q 'Non-2xx or 3xx responses' <<<"$out"; then
		echo "$out" >&2
		echo "pg.sh: $b answered errors under load" >&2
		exit 1
	fi
	rps=$(wrk_rps <<<"$out")
	p50=$(wrk_ms 50% <<<"$out")
	p99=$(wrk_ms 99% <<<"$out")
	printf '   %-7s %10.1f req/s  median %8.3f ms  p99 %8.3f ms  CPU per request: dualtrack %6.1f us' \
		"$b" "$rps" "$p50" "$p99" "$cpu"
	[[ $b == pgsql ]] && printf ', PostgreSQL %6.1f us' "$pcpu"
	echo
	eval "${name}_rps_$b+=(\"\$rps\") ${name}_p50_$b+=(\"\$p50\") ${name}_p99_$b+=(\"\$p99\")" \
		"${name}_cpu_$b+=(\"\$cpu\") ${name}_pcpu_$b+=(\"\$pcpu\")"
}

# ---- 2. GET by id ----
get_path=/api/v1/trainees/$id
echo "== GET $get_path ($(wc -c <"$tmp/body-sqlite") bytes): wrk -t2 -c$conns -d$duration, $rounds round(s) in turn"
for ((r = 1; r <= rounds; r++)); do
	echo "   round $r"
	for b in sqlite pgsql; do wrk_round get "$b" "$get_path" -t2 -c"$conns" -d"$duration"; done
done

# ---- 3. the province dashboard ----
dash_path="/api/v1/indicators?region=210000&year=$year&children=0"
[[ $only == get ]] || echo "== GET $dash_path: wrk -t1 -c1 -d$dash_duration (one request at a time), $rounds round(s) in turn"
for ((r = 1; r <= rounds; r++)); do
	[[ $only == get ]] && break
	echo "   round $r"
	for b in sqlite pgsql; do wrk_round dash "$b" "$dash_path" -t1 -c1 -d"$dash_duration"; done
done
for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
pids=()
fi

# ---- 4. import against COPY ----
# measure OUT CMD...: run CMD (its stdout and stderr to OUT, shown on
# failure); sets wall (s), cli (the command's own CPU, s) and srv (the
# PostgreSQL server's CPU meanwhile, s: on a shared machine the wall time
# depends on what else runs, the CPU time much less).
measure() {
	local out=$1 t0 s0 TIMEFORMAT='%U %S'
	shift
	s0=$(server_ticks)
	t0=$(now)
	if ! { time "$@" >"$out" 2>&1; } 2>"$tmp/time"; then
		cat "$out" >&2
		exit 1
	fi
	wall=$(secs "$t0" "$(now)")
	srv=$(awk -v a="$s0" -v b="$(server_ticks)" -v hz="$hz" 'BEGIN { printf "%.2f", (b - a) / hz }')
	cli=$(awk '{ printf "%.2f", $1 + $2 }' "$tmp/time")
}
imp_s=- copy_rows_s=- imp_cpu=- copy_cpu=- imp_srv=- copy_srv=-
if ((import_rows > 0)); then
	csv=$tmp/trainees.csv
	echo "== dualtrack export --kind trainees --sample $import_rows"
	"$bin" export --kind trainees --sample "$import_rows" -o "$csv"
	imp=$base/imp
	"$bin" init --db "$imp" >/dev/null
	size() { psql -qAtX "$imp" -c "SELECT pg_total_relation_size('$1')"; }
	audit0=$(size audit)
	echo "== dualtrack import --kind trainees ($import_rows rows) into PostgreSQL"
	measure "$tmp/import.txt" "$bin" import --kind trainees "$csv" --db "$imp"
	imp_s=$wall imp_cli=$cli imp_srv=$srv
	imp_cpu=$(awk -v a="$cli" -v b="$srv" 'BEGIN { printf "%.2f", a + b }')
	grep -v '^import: ' "$tmp/import.txt" | sed 's/^/   /'
	loaded=$(psql -qAtX "$imp" -c 'SELECT count(*) FROM trainee')
	# format 3 (migration 010) stores the action's verb beside its entity
	events=$(psql -qAtX "$imp" -c "SELECT count(*) FROM audit WHERE entity = 'trainee' AND action = 'create'")
	if [[ $loaded != "$import_rows" || $events != "$import_rows" ]]; then
		echo "pg.sh: import loaded $loaded trainees ($events audit events) of $import_rows" >&2
		exit 1
	fi
	echo "   $imp_s s; CPU: dualtrack $imp_cli s, PostgreSQL $imp_srv s"
	# The autovacuum that the import's million rows call for, now rather than
	# during the COPY's measurement (whose server CPU counts every process).
	psql -qX -v ON_ERROR_STOP=1 "$imp" -c 'VACUUM (ANALYZE) trainee, audit'

	# The trainee table's own DDL, renamed: the same columns, CHECKs, keys,
	# foreign keys and index.
	sed -n '/^CREATE TABLE trainee (/,/^);/p' "$root/src/store/migrations/pgsql/001_init.sql" |
		sed '1s/^CREATE TABLE trainee (/CREATE TABLE trainee_copy (/' >"$tmp/ddl.sql"
	grep '^CREATE INDEX trainee_[a-z_]* ON trainee(' "$root/src/store/migrations/pgsql/001_init.sql" |
		sed 's/^CREATE INDEX trainee_\([a-z_]*\) ON trainee(/CREATE INDEX trainee_copy_\1 ON trainee_copy(/' >>"$tmp/ddl.sql"
	grep -q 'CREATE TABLE trainee_copy' "$tmp/ddl.sql" || { echo "pg.sh: no trainee DDL found" >&2; exit 1; }
	psql -qX -v ON_ERROR_STOP=1 "$imp" -f "$tmp/ddl.sql"
	psql -qX -v ON_ERROR_STOP=1 "$imp" -c "\\copy (SELECT * FROM trainee ORDER BY id) TO '$tmp/rows.copy'"
	echo "== psql \\copy of the same $import_rows rows into trainee_copy (the trainee table's DDL)"
	measure "$tmp/copy.txt" psql -qX -v ON_ERROR_STOP=1 "$imp" -c "\\copy trainee_copy FROM '$tmp/rows.copy'"
	copy_rows_s=$wall copy_srv=$srv
	copy_cpu=$(awk -v a="$cli" -v b="$srv" 'BEGIN { printf "%.2f", a + b }')
	echo "   $copy_rows_s s; CPU: psql $cli s, PostgreSQL $copy_srv s"
	n=$(psql -qAtX "$imp" -c 'SELECT count(*) FROM trainee_copy')
	[[ $n == "$import_rows" ]] || { echo "pg.sh: COPY loaded $n rows of $import_rows" >&2; exit 1; }
	echo "   written, with indexes: import: trainee $(mib "$(size trainee)") and audit" \
		"$(mib $(($(size audit) - audit0))); COPY: $(mib "$(size trainee_copy)")"
fi

# ---- 5. summary ----
m() { if (($#)); then median "$@"; else echo -; fi; } # "-" for a part not run
row() { printf '%-36s %14s %14s %11s   %-12s %s\n' "$@"; }
met() { awk -v v="$1" -v op="$2" -v g="$3" 'BEGIN {
	if (v == "-") print "-"; else if (op == ">=" ? v >= g : v <= g) print "yes"; else print "NO" }'; }
imp_ratio=$(ratio "$imp_s" "$copy_rows_s")
echo
if [[ $only == import ]]; then
	echo "== summary: import only, $(nproc) cores, PostgreSQL $(psql -qAtX "$base/postgres" -c 'SHOW server_version')," \
		"fsync $(psql -qAtX "$base/postgres" -c 'SHOW fsync')"
else
gs=$(m "${get_rps_sqlite[@]}") gp=$(m "${get_rps_pgsql[@]}")
gs99=$(m "${get_p99_sqlite[@]}") gp99=$(m "${get_p99_pgsql[@]}")
ds=$(m "${dash_p50_sqlite[@]}") dp=$(m "${dash_p50_pgsql[@]}")
ds99=$(m "${dash_p99_sqlite[@]}") dp99=$(m "${dash_p99_pgsql[@]}")
get_ratio=$(ratio "$gp" "$gs")

echo "== summary: $trainees trainees (seed $seed), $(nproc) cores, PostgreSQL $(psql -qAtX "$pg" -c 'SHOW server_version')," \
	"fsync $(psql -qAtX "$pg" -c 'SHOW fsync'), synchronous_commit $(psql -qAtX "$pg" -c 'SHOW synchronous_commit')"
echo "   dualtrack serve --threads $threads on each; wrk, dualtrack and PostgreSQL share the machine"
row figure SQLite PostgreSQL PG/SQLite goal met
row "data: gen / copy (s)" "$gen_s" "$copy_s" "" "" ""
row "bytes per trainee (all-in)" "$((lite_bytes / trainees))" "$((pg_bytes / trainees))" \
	"$(ratio "$pg_bytes" "$lite_bytes")" "" ""
row "GET by id: req/s (median)" "$gs" "$gp" "$get_ratio" ">= 0.5x" "$(met "$get_ratio" '>=' 0.5)"
row "GET by id: p99 (ms)" "$gs99" "$gp99" "$(ratio "$gp99" "$gs99")" "" ""
gcs=$(m "${get_cpu_sqlite[@]}") gcp=$(m "${get_cpu_pgsql[@]}") gpp=$(m "${get_pcpu_pgsql[@]}")
row "GET by id: CPU/request, dualtrack (us)" "$gcs" "$gcp" "$(ratio "$gcp" "$gcs")" "" ""
row "GET by id: CPU/request, PostgreSQL (us)" "" "$gpp" "" "" ""
row "dashboard: median (ms)" "$ds" "$dp" "$(ratio "$dp" "$ds")" "<= 2 ms (PG)" "$(met "$dp" '<=' 2)"
row "dashboard: p99 (ms)" "$ds99" "$dp99" "$(ratio "$dp99" "$ds99")" "" ""
fi
row "" "import" "psql \\copy" "import/COPY" "" ""
row "PostgreSQL: ${import_rows/#0/no} trainees (s)" "$imp_s" "$copy_rows_s" "$imp_ratio" "<= 2x" "$(met "$imp_ratio" '<=' 2)"
row "  CPU, client + server (s)" "$imp_cpu" "$copy_cpu" "$(ratio "$imp_cpu" "$copy_cpu")" "" ""
row "  CPU, PostgreSQL server (s)" "$imp_srv" "$copy_srv" "$(ratio "$imp_srv" "$copy_srv")" "" ""

#!/usr/bin/env bash
# footprint.sh - bytes per trainee of a generated pilot, all in, and how much
# of it is the audit trail and how much the facts it records.
#
# Builds dualtrack if needed, then:
#   1. `dualtrack init` and `dualtrack gen --trainees N` into a fresh SQLite
#      database; after a checkpoint (PRAGMA wal_checkpoint(TRUNCATE)) prints
#      the file + WAL per trainee, and from the sqlite3 shell's dbstat table
#      the pages of the audit table and its indexes (name LIKE 'audit%') and
#      of everything else (the facts, their indexes and the reference data);
#   2. with PG_URI (a PostgreSQL database URI, e.g. from scripts/pgtmp.sh),
#      the same into that database (it must be empty: init refuses one that
#      holds a pilot): pg_database_size per trainee, the audit table with its
#      indexes (pg_total_relation_size('audit')) and the rest, after VACUUM.
#
# Goals (issue 13): at most 8 KB per trainee on SQLite, and the audit trail
# no larger than the facts it records.
#
#   TRAINEES  trainees to generate (default 20000)
#   SEED      generator seed (default 1)
#   BUILD     build directory (default build)
#   PG_URI    also measure PostgreSQL (optional)
#   TMPDIR    where the temporary directory goes; it is removed on exit
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

trainees=${TRAINEES:-20000}
seed=${SEED:-1}
build=${BUILD:-build}
bin=$build/dualtrack

if ! command -v sqlite3 >/dev/null; then
	echo "footprint.sh: the sqlite3 shell is needed (apt-get install sqlite3)" >&2
	exit 1
fi
make --no-print-directory -s BUILD="$build" "$bin"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dualtrack-footprint.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# size PATH...: total bytes (du) of those of the given files that exist
size() {
	local f have=()
	for f in "$@"; do
		[[ -e $f ]] && have+=("$f")
	done
	if ((${#have[@]})); then du -cb "${have[@]}" | tail -1 | cut -f1; else echo 0; fi
}

# report LABEL TOTAL AUDIT FACTS: one line of bytes per trainee and the shares
report() {
	awk -v l="$1" -v t="$2" -v a="$3" -v f="$4" -v n="$trainees" 'BEGIN {
		printf "%-10s %8.1f KB/trainee all-in (%.1f MiB)\n", l, t / n / 1000, t / 1048576
		printf "%-10s %8.1f KB/trainee audit (%.0f%%), %.1f KB/trainee facts (%.0f%%); audit/facts %.2f\n",
			"", a / n / 1000, 100 * a / t, f / n / 1000, 100 * f / t, (f > 0 ? a / f : 0)
	}'
}

# ---- SQLite ----
db=$tmp/footprint.db
export DUALTRACK_KEY_FILE=$tmp/footprint.key
"$bin" init --db "$db" >/dev/null
echo "== dualtrack gen --trainees $trainees --seed $seed (SQLite)"
t0=$(date +%s)
if ! "$bin" gen --db "$db" --trainees "$trainees" --seed "$seed" >"$tmp/gen.log" 2>&1; then
	cat "$tmp/gen.log" >&2
	exit 1
fi
echo "   generated in $(($(date +%s) - t0)) s"
sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
total=$(size "$db" "$db-wal")
audit=$(sqlite3 "$db" "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name LIKE 'audit%'")
facts=$(sqlite3 "$db" "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name NOT LIKE 'audit%'")
events=$(sqlite3 "$db" "SELECT count(*) FROM audit")
echo "   $events audit events; the largest tables and indexes (MiB):"
sqlite3 "$db" "SELECT printf('   %-28s %8.1f', name, sum(pgsize) / 1048576.0) FROM dbstat
	GROUP BY name ORDER BY sum(pgsize) DESC LIMIT 8"
report sqlite "$total" "$audit" "$facts"

# ---- PostgreSQL ----
if [[ -z ${PG_URI:-} ]]; then
	echo "postgres   (skipped: set PG_URI to a PostgreSQL database URI)"
	exit 0
fi
if ! command -v psql >/dev/null; then
	echo "footprint.sh: psql is needed for PG_URI" >&2
	exit 1
fi
export DUALTRACK_KEY_FILE=$tmp/footprint-pg.key
"$bin" init --db "$PG_URI" >/dev/null
echo "== dualtrack gen --trainees $trainees --seed $seed (PostgreSQL)"
t0=$(date +%s)
if ! "$bin" gen --db "$PG_URI" --trainees "$trainees" --seed "$seed" >"$tmp/gen-pg.log" 2>&1; then
	cat "$tmp/gen-pg.log" >&2
	exit 1
fi
echo "   generated in $(($(date +%s) - t0)) s"
psql -qAtX "$PG_URI" -c "VACUUM ANALYZE" >/dev/null
read -r total audit < <(psql -qAtX -F ' ' "$PG_URI" -c \
	"SELECT pg_database_size(current_database()), pg_total_relation_size('audit')")
facts=$(psql -qAtX "$PG_URI" -c "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)
	FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
	WHERE c.relkind IN ('r', 'm') AND n.nspname = current_schema() AND c.relname <> 'audit'")
report postgres "$total" "$audit" "$facts"

#!/bin/sh
# agg.sh - the indicator aggregates on both engines, checked with the
# engines' own clients: the migrations of each dialect, the triggers that
# store/agg_sql.c makes, the writes of tests/pg/agg_ops.sql (inserts,
# updates, deletes, several rows in one statement), a flush at each
# transaction's end; then on each engine the maintained aggregates must equal
# a rebuild, and the two engines must hold the same aggregates and the same
# rows in every contribution view.
#
#   DUALTRACK_TEST_PG=postgresql://dualtrack@127.0.0.1:PORT tests/pg/agg.sh
#                            # a server's base URI, as scripts/pgtmp.sh prints it
#   tests/pg/agg.sh          # else the server of the PG* variables (PGHOST, PGPORT, PGUSER)
#
# It makes and drops the database dt_agg_check on that server.  Until the
# store runs on PostgreSQL, this is how the PL/pgSQL triggers are tested;
# after, the property test of tests/unit/test_indicators.c covers both.
set -eu
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=dt_agg_check
if [ -n "${DUALTRACK_TEST_PG:-}" ]; then
	admin=$DUALTRACK_TEST_PG/postgres
	target=$DUALTRACK_TEST_PG/$db
else
	admin=postgres
	target=$db
fi

cc -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Isrc -o "$tmp/agg_print" \
	tests/pg/agg_print.c src/store/agg_sql.c src/core/strbuf.c
"$tmp/agg_print" flush >"$tmp/flush.sql"
"$tmp/agg_print" rebuild >"$tmp/rebuild.sql"

# The writes, with @FLUSH@ and @BLOB(hh)@ in the engine's terms ($1: sqlite|pgsql).
ops() {
	if [ "$1" = sqlite ]; then blob="x'\\1'"; else blob="decode('\\1', 'hex')"; fi
	sed -e "s/@BLOB(\([0-9a-f]*\))@/$blob/g" -e "/@FLUSH@/{r $tmp/flush.sql
d}" tests/pg/agg_ops.sql
}

# The check: kept aggregates against a rebuild, both ways; "mismatches N".
cat >"$tmp/check.sql" <<'SQL'
CREATE TEMP TABLE kept_agg AS SELECT region, occ, key, period, value FROM agg WHERE value != 0;
CREATE TEMP TABLE kept_agg_year AS SELECT region, occ, key, year, value FROM agg_year WHERE value != 0;
CREATE TEMP TABLE kept_mentor_load AS SELECT enterprise_id, mentor, region, n FROM mentor_load;
CREATE TEMP TABLE kept_enterprise_load AS SELECT enterprise_id, region, n FROM enterprise_load;
SQL
cat "$tmp/rebuild.sql" >>"$tmp/check.sql"
cat >>"$tmp/check.sql" <<'SQL'
SELECT 'mismatches', (SELECT count(*) FROM (SELECT * FROM kept_agg EXCEPT
		SELECT region, occ, key, period, value FROM agg) x)
	+ (SELECT count(*) FROM (SELECT region, occ, key, period, value FROM agg EXCEPT
		SELECT * FROM kept_agg) x)
	+ (SELECT count(*) FROM (SELECT * FROM kept_agg_year EXCEPT
		SELECT region, occ, key, year, value FROM agg_year) x)
	+ (SELECT count(*) FROM (SELECT region, occ, key, year, value FROM agg_year EXCEPT
		SELECT * FROM kept_agg_year) x)
	+ (SELECT count(*) FROM (SELECT * FROM kept_mentor_load EXCEPT
		SELECT enterprise_id, mentor, region, n FROM mentor_load) x)
	+ (SELECT count(*) FROM (SELECT enterprise_id, mentor, region, n FROM mentor_load EXCEPT
		SELECT * FROM kept_mentor_load) x)
	+ (SELECT count(*) FROM (SELECT * FROM kept_enterprise_load EXCEPT
		SELECT enterprise_id, region, n FROM enterprise_load) x)
	+ (SELECT count(*) FROM (SELECT enterprise_id, region, n FROM enterprise_load EXCEPT
		SELECT * FROM kept_enterprise_load) x);
SQL
# (the counters by name: each engine numbers them in its own order)
dump="SELECT 'agg', region, occ, (SELECT name FROM agg_key k WHERE k.code = key), period, value
	FROM agg WHERE value != 0
	UNION ALL SELECT 'agg_year', region, occ, (SELECT name FROM agg_key k WHERE k.code = key), year,
	value FROM agg_year WHERE value != 0
	UNION ALL SELECT 'mentor_load', enterprise_id, region, mentor, 0, n FROM mentor_load
	UNION ALL SELECT 'enterprise_load', enterprise_id, region, '', 0, n FROM enterprise_load"
# and every row of every contribution view
for v in contract record_entry assessment outcome demand place organization; do
	dump="$dump UNION ALL SELECT '${v}_contrib', id, region, coalesce(CAST(occ AS TEXT), '-') || ' ' || key, period, v
	FROM ${v}_contrib"
done
dump="$dump;"

# SQLite
sq="$tmp/agg.db"
for m in src/store/migrations/[0-9]*.sql; do
	sqlite3 -bail "$sq" <"$m" >/dev/null
done
"$tmp/agg_print" triggers sqlite | sqlite3 -bail "$sq"
ops sqlite | sqlite3 -bail "$sq"
sqlite3 -bail "$sq" "$dump" | LC_ALL=C sort >"$tmp/sqlite.rows"
sqlite3 -bail "$sq" <"$tmp/check.sql" >"$tmp/sqlite.check"

# PostgreSQL
psql() { PGOPTIONS="-c client_min_messages=warning" command psql -X -q -v ON_ERROR_STOP=1 "$@"; }
psql -d "$admin" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
for m in src/store/migrations/pgsql/[0-9]*.sql; do
	psql -d "$target" -1 -f "$m"
done
"$tmp/agg_print" triggers pgsql | psql -d "$target" -1
ops pgsql | psql -d "$target"
psql -d "$target" -At -c "$dump" | LC_ALL=C sort >"$tmp/pgsql.rows"
psql -d "$target" -At <"$tmp/check.sql" >"$tmp/pgsql.check"
psql -d "$admin" -c "DROP DATABASE $db"

fail=0
for e in sqlite pgsql; do
	n=$(grep -c . "$tmp/$e.rows")
	echo "$e: $(cat "$tmp/$e.check") ($n rows kept)"
	grep -qx 'mismatches|0' "$tmp/$e.check" || fail=1
	[ "$n" -gt 50 ] || fail=1
done
# The window of three calendar months: 2024-11-30 reaches 2025-02-28, 2025-01-31 reaches 2025-04-30.
grep -qx 'agg|0|0|retained_3m|202411|1' "$tmp/pgsql.rows" || { echo "retained_3m 202411"; fail=1; }
grep -qx 'agg|0|0|retained_3m|202501|1' "$tmp/pgsql.rows" || { echo "retained_3m 202501"; fail=1; }
if ! diff "$tmp/sqlite.rows" "$tmp/pgsql.rows" >"$tmp/diff"; then
	echo "the engines differ (< sqlite, > pgsql):"
	head -40 "$tmp/diff"
	fail=1
fi
[ $fail = 0 ] && echo "agg.sh: the aggregates equal a rebuild on both engines, and each other"
exit $fail

#!/usr/bin/env bash
# import.sh - bulk import against the sqlite3 shell's bare .import.
#
# Builds dualtrack if needed, then in one run:
#   1. makes a CSV of N trainees with the project itself
#      (`dualtrack export --kind trainees --sample N`: valid, distinct,
#      made-up national IDs; UTF-8 with BOM, as Excel writes it);
#   2. times `dualtrack import --kind trainees` of it into a new database:
#      every row parsed and checked (GB 11643 ID, dates, region in the
#      table, age), the ID encrypted and blind-indexed, the trainee table's
#      indexes maintained, one audit event per record in the hash chain,
#      all in one transaction; parsing, checking, sealing and building the
#      audit text on one thread, inserting on another (the bulk path of
#      docs/IMPORT.md);
#   3. times the sqlite3 shell's `.import --csv` of the same file (without
#      its BOM) into a fresh database with one unindexed table;
#   4. prints both times, the rows per second, the size of both databases
#      (what each had to write) and the ratio import/sqlite3, and checks that
#      both loaded every row and that `dualtrack check` passes.
#
#   TRAINEES  rows (default 1000000)
#   BUILD     build directory (default build)
#   TMPDIR    where the temporary directory goes; it is removed on exit
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
. bench/lib.sh # now, secs

trainees=${TRAINEES:-1000000}
build=${BUILD:-build}
bin=$build/dualtrack

if ! command -v sqlite3 >/dev/null; then
	echo "import.sh: the sqlite3 shell is needed (apt-get install sqlite3)" >&2
	exit 1
fi
make --no-print-directory -s BUILD="$build" "$bin"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dualtrack-import.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

export DUALTRACK_TODAY=${DUALTRACK_TODAY:-2026-11-26} # ages are checked against "today"
csv=$tmp/trainees.csv
echo "== dualtrack export --kind trainees --sample $trainees"
t0=$(now)
"$bin" export --kind trainees --sample "$trainees" -o "$csv"
t1=$(now)
echo "   $(secs "$t0" "$t1") s, $(du -h "$csv" | cut -f1)"

db=$tmp/dualtrack.db
"$bin" init --db "$db" >/dev/null
echo "== dualtrack import --kind trainees ($trainees rows)"
t2=$(now)
"$bin" import --kind trainees "$csv" --db "$db" >"$tmp/summary.txt" 2>"$tmp/progress.txt" || {
	cat "$tmp/summary.txt" "$tmp/progress.txt" >&2
	exit 1
}
t3=$(now)
cat "$tmp/summary.txt"
loaded=$(sqlite3 "$db" "SELECT count(*) FROM trainee")
# format 3 (migration 010) stores the action's verb beside its entity
events=$(sqlite3 "$db" "SELECT count(*) FROM audit WHERE entity = 'trainee' AND action = 'create'")

plain=$tmp/plain.csv
tail -c +4 "$csv" >"$plain" # without the BOM, which the shell would take as data
imp=$tmp/sqlite3.db
sqlite3 "$imp" "CREATE TABLE t(national_id TEXT, name TEXT, gender TEXT, birth_date TEXT,
	region TEXT, phone TEXT, email TEXT, guardian_name TEXT)"
echo "== sqlite3 .import --csv --skip 1 of the same file into an unindexed table"
t4=$(now)
sqlite3 "$imp" ".import --csv --skip 1 $plain t"
t5=$(now)
shell_rows=$(sqlite3 "$imp" "SELECT count(*) FROM t")

if [[ $loaded != "$trainees" || $shell_rows != "$trainees" || $events != "$trainees" ]]; then
	echo "import.sh: dualtrack loaded $loaded ($events audit events), sqlite3 $shell_rows, of $trainees" >&2
	exit 1
fi
"$bin" check --db "$db" >/dev/null

imp_s=$(secs "$t2" "$t3")
sh_s=$(secs "$t4" "$t5")
echo
printf '%-46s %8s s  %9.0f rows/s\n' "dualtrack import ($trainees trainees)" "$imp_s" \
	"$(awk -v n="$trainees" -v s="$imp_s" 'BEGIN { print (s > 0 ? n / s : 0) }')"
printf '%-46s %8s s  %9.0f rows/s\n' "sqlite3 .import (unindexed, no checks)" "$sh_s" \
	"$(awk -v n="$trainees" -v s="$sh_s" 'BEGIN { print (s > 0 ? n / s : 0) }')"
mib() { du -bc "$1"* | tail -1 | awk '{ printf "%.0f", $1 / 1048576 }'; }
echo "database written: dualtrack $(mib "$db") MiB (records, audit events, indexes), sqlite3 $(mib "$imp") MiB"
awk -v a="$imp_s" -v b="$sh_s" 'BEGIN { printf "ratio import/sqlite3: %.2f (goal: <= 1.0)\n", (b > 0 ? a / b : 0) }'

#!/usr/bin/env bash
# gen.sh - the price of the rules: `dualtrack gen` against a bare import.
#
# Builds dualtrack if needed, then in one run:
#   1. init a new database and time `dualtrack gen --trainees N` into it (every
#      record through the store's checks, contract actions and the audit
#      chain), reporting the time and the database size;
#   2. export the trainees as CSV (the masked national_id column stands in for
#      the payload) and time the sqlite3 shell's `.import --csv` of the same
#      rows into a fresh database with one unindexed table;
#   3. print both times and sizes and the ratio gen/import.
#
#   TRAINEES  trainees to generate (default 1000000)
#   SEED      generator seed (default 1)
#   BUILD     build directory (default build)
#   TMPDIR    where the temporary directory goes; it is removed on exit
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

trainees=${TRAINEES:-1000000}
seed=${SEED:-1}
build=${BUILD:-build}
bin=$build/dualtrack

if ! command -v sqlite3 >/dev/null; then
	echo "gen.sh: the sqlite3 shell is needed (apt-get install sqlite3)" >&2
	exit 1
fi
make --no-print-directory -s BUILD="$build" "$bin"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dualtrack-gen.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
# size PATH...: total bytes (du) of those of the given files that exist
size() {
	local f have=()
	for f in "$@"; do
		[[ -e $f ]] && have+=("$f")
	done
	if ((${#have[@]})); then du -cb "${have[@]}" | tail -1 | cut -f1; else echo 0; fi
}
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }

db=$tmp/gen.db
export DUALTRACK_DB=$db DUALTRACK_KEY_FILE=$tmp/gen.key
"$bin" init >/dev/null

echo "== dualtrack gen --trainees $trainees --seed $seed"
t0=$(now)
"$bin" gen --trainees "$trainees" --seed "$seed"
t1=$(now)
gen_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
gen_bytes=$(size "$db" "$db-wal")

csv=$tmp/trainees.csv
sqlite3 "$db" -csv "SELECT national_id, name, gender, birth_date, region, phone FROM trainee" >"$csv"
rows=$(wc -l <"$csv")

imp=$tmp/import.db
# The table exists before the import, so the shell takes every line as data.
sqlite3 "$imp" "CREATE TABLE trainee_import(national_id TEXT, name TEXT, gender TEXT,
	birth_date TEXT, region INTEGER, phone TEXT)"
echo "== sqlite3 .import --csv of the same $rows trainee rows"
t2=$(now)
sqlite3 "$imp" ".import --csv $csv trainee_import"
t3=$(now)
imp_s=$(awk -v a="$t2" -v b="$t3" 'BEGIN { printf "%.2f", b - a }')
imp_bytes=$(size "$imp" "$imp-wal" "$imp-journal")
imported=$(sqlite3 "$imp" "SELECT count(*) FROM trainee_import")
if [[ $imported != "$rows" ]]; then
	echo "gen.sh: imported $imported rows of $rows" >&2
	exit 1
fi

echo
printf '%-34s %10s s  %s\n' "gen ($trainees trainees, all records)" "$gen_s" "$(mib "$gen_bytes")"
printf '%-34s %10s s  %s\n' "sqlite3 .import ($rows rows)" "$imp_s" "$(mib "$imp_bytes")"
awk -v g="$gen_s" -v i="$imp_s" -v gb="$gen_bytes" -v ib="$imp_bytes" 'BEGIN {
	printf "ratio gen/import: time %.0fx, size %.0fx\n", (i > 0 ? g / i : 0), (ib > 0 ? gb / ib : 0)
}'

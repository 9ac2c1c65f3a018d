#!/usr/bin/env bash
# xlsx_import.sh - importing trainees from an Excel workbook against the same
# rows from CSV, in one run.
#
# Builds dualtrack if needed, then:
#   1. makes TRAINEES made-up trainees with the project itself, once as CSV
#      and once as XLSX (`dualtrack export --kind trainees --sample N`: the
#      same rows; the workbook with shared strings and the birth date as an
#      Excel date, as libxlsxwriter writes it);
#   2. times `dualtrack import --kind trainees` of the CSV into a new
#      database, then of the XLSX into another (every row checked, sealed,
#      audited, one transaction: docs/IMPORT.md);
#   3. checks that both loaded every row, and prints both times, the rows
#      per second and the ratio XLSX/CSV (goal: <= 1.5).
#
#   TRAINEES  rows (default 100000; e.g. TRAINEES=5000 for a quick run)
#   BUILD     build directory (default build)
#   TMPDIR    where the temporary directory goes; it is removed on exit
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
. bench/lib.sh # now, secs

trainees=${TRAINEES:-100000}
build=${BUILD:-build}
bin=$build/dualtrack
make --no-print-directory -s BUILD="$build" "$bin"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dualtrack-xlsx.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export DUALTRACK_TODAY=${DUALTRACK_TODAY:-2026-11-26} # ages are checked against "today"

echo "== dualtrack export --kind trainees --sample $trainees (CSV and XLSX)"
"$bin" export --kind trainees --sample "$trainees" -o "$tmp/t.csv"
"$bin" export --kind trainees --format xlsx --sample "$trainees" -o "$tmp/t.xlsx"
echo "   CSV $(du -h "$tmp/t.csv" | cut -f1), XLSX $(du -h "$tmp/t.xlsx" | cut -f1)"

# import FILE NAME: times the import of FILE into a new database; sets $took
import() {
	local db=$tmp/$2.db t0 t1 n
	"$bin" init --db "$db" >/dev/null
	echo "== dualtrack import --kind trainees $2 ($trainees rows)"
	t0=$(now)
	"$bin" import --kind trainees "$1" --db "$db" >"$tmp/$2.txt" 2>"$tmp/$2.err" || {
		cat "$tmp/$2.txt" "$tmp/$2.err" >&2
		exit 1
	}
	t1=$(now)
	cat "$tmp/$2.txt"
	n=$(sqlite3 "$db" "SELECT count(*) FROM trainee")
	if [[ $n != "$trainees" ]]; then
		echo "xlsx_import.sh: $2 loaded $n of $trainees" >&2
		exit 1
	fi
	took=$(secs "$t0" "$t1")
}

import "$tmp/t.csv" csv
csv_s=$took
import "$tmp/t.xlsx" xlsx
xlsx_s=$took

echo
rate() { awk -v n="$trainees" -v s="$1" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
printf '%-40s %8s s  %9s rows/s\n' "import from CSV ($trainees trainees)" "$csv_s" "$(rate "$csv_s")"
printf '%-40s %8s s  %9s rows/s\n' "import from XLSX ($trainees trainees)" "$xlsx_s" "$(rate "$xlsx_s")"
awk -v a="$xlsx_s" -v b="$csv_s" 'BEGIN { printf "ratio XLSX/CSV: %.2f (goal: <= 1.5)\n", (b > 0 ? a / b : 0) }'

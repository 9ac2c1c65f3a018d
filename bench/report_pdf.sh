#!/usr/bin/env bash
# report_pdf.sh - the time of the annual evaluation report of a pilot city as
# PDF, beside the JSON indicators of the same city in the same run.
#
# In one run, on the demo pilot (`dualtrack demo`; DB=PATH reuses one):
#   1. GET /api/v1/reports/REGION/YEAR.pdf, RUNS times one after another:
#      median and slowest seconds per report, and its size and pages;
#   2. the anchor: GET /api/v1/indicators?region=REGION&year=YEAR (every
#      indicator of the city with targets and attainment, as the dashboard
#      reads it), RUNS times: median; and the ratio of the medians;
#   3. `dualtrack report --region REGION --year YEAR -o FILE` (a process
#      start, the database opened, the report written): median of RUNS.
# The goal is at most 1 s per report.
#
#   DB      an existing database (default: a new demo pilot, about a minute)
#   REGION  the city (default 210100, Shenyang)
#   YEAR    the year (default 2026)
#   RUNS    requests of each kind (default 20)
#   BUILD   build directory (default build)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
. bench/lib.sh

region=${REGION:-210100}
year=${YEAR:-2026}
runs=${RUNS:-20}
build=${BUILD:-build}
bin=$PWD/$build/dualtrack
[[ -x $bin ]] || make -j2 "$build/dualtrack" >/dev/null
tmp=$(mktemp -d)
pid=
cleanup() {
	[[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

if [[ -n ${DB:-} ]]; then
	db=$DB
	echo "== using $db"
else
	db=$tmp/demo.db
	"$bin" init --db "$db" >/dev/null
	echo "== dualtrack demo"
	"$bin" demo --db "$db" >"$tmp/demo.log" 2>&1 || { cat "$tmp/demo.log" >&2; exit 1; }
fi
tok=$(admin_token "$db")
port=$(free_port)
"$bin" serve --db "$db" --listen "127.0.0.1:$port" --threads 2 >"$tmp/serve.log" 2>&1 &
pid=$!
wait_http "http://127.0.0.1:$port/healthz"

# the seconds of each of RUNS GETs of $1, one after another (the body into $2)
times() {
	local i
	for ((i = 0; i < runs; i++)); do
		curl -s -o "$2" -w '%{time_total}\n' -H "Authorization: Bearer $tok" \
			"http://127.0.0.1:$port$1"
	done
}

pdf_url="/api/v1/reports/$region/$year.pdf"
json_url="/api/v1/indicators?region=$region&year=$year"
code=$(curl -s -o "$tmp/r.pdf" -w '%{http_code}' -H "Authorization: Bearer $tok" "http://127.0.0.1:$port$pdf_url")
[[ $code == 200 ]] || { echo "GET $pdf_url: $code" >&2; cat "$tmp/r.pdf" >&2; exit 1; }
# wall times, and the server's CPU (user + system ticks) over the RUNS requests:
# on a shared machine the wall time stretches with the load, the CPU time does not
hz=$(getconf CLK_TCK)
c0=$(cpu_ticks "$pid")
mapfile -t pdf_t < <(times "$pdf_url" "$tmp/r.pdf")
c1=$(cpu_ticks "$pid")
mapfile -t json_t < <(times "$json_url" "$tmp/r.json")
c2=$(cpu_ticks "$pid")
pdf_cpu=$(awk -v t=$((c1 - c0)) -v n="$runs" -v hz="$hz" 'BEGIN { printf "%.3f", t / hz / n }')
json_cpu=$(awk -v t=$((c2 - c1)) -v n="$runs" -v hz="$hz" 'BEGIN { printf "%.3f", t / hz / n }')
pdf_med=$(median "${pdf_t[@]}")
json_med=$(median "${json_t[@]}")
pdf_max=$(printf '%s\n' "${pdf_t[@]}" | sort -g | tail -1)
pages=$(pdfinfo "$tmp/r.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
size=$(stat -c %s "$tmp/r.pdf")
kill "$pid"
wait "$pid" 2>/dev/null || true
pid=

cli_t=()
for ((i = 0; i < runs; i++)); do
	t0=$(now)
	"$bin" report --db "$db" --region "$region" --year "$year" -o "$tmp/c.pdf" --lang zh
	cli_t+=("$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.4f", b - a }')")
done

printf '== annual report PDF of %s, %s (%d runs each, %s pages, %s bytes)\n' "$region" "$year" "$runs" "${pages:-?}" "$size"
printf 'GET %-42s median %.3f s   slowest %.3f s   server CPU %.3f s\n' "$pdf_url" "$pdf_med" "$pdf_max" "$pdf_cpu"
printf 'GET %-42s median %.3f s   (anchor)            server CPU %.3f s\n' "$json_url" "$json_med" "$json_cpu"
awk -v a="$pdf_med" -v b="$json_med" -v c="$pdf_cpu" -v d="$json_cpu" 'BEGIN { printf "ratio report PDF / indicators JSON: %.1f (wall), %.1f (CPU)\n", a / b, (d > 0 ? c / d : 0) }'
printf 'dualtrack report (whole process)               median %.3f s\n' "$(median "${cli_t[@]}")"
printf 'load average during the run: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
awk -v a="$pdf_med" 'BEGIN { printf "goal <= 1 s per report: %s\n", a <= 1 ? "met" : "NOT met" }'

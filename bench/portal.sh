#!/usr/bin/env bash
# portal.sh - the price of the public portal: `dualtrack serve` answering
# the portal's home page and a pilot city's page (rendered once, then from
# its in-memory cache) against nginx serving the same bytes from files.
#
# In one run (the method of bench/http.sh):
#   1. installs wrk and nginx-light with apt-get if they are missing (as root,
#      or through sudo), and builds dualtrack;
#   2. makes the demo pilot (`dualtrack demo`, which publishes its pilot
#      cities' figures), or uses DB=PATH;
#   3. starts `dualtrack serve --threads 2 --portal-rate 0` on a free port,
#      fetches / and /cities/CODE once and writes the exact bodies to files
#      that nginx (2 workers, no access log, sendfile, open-file cache) serves
#      on another free port;
#   4. runs `wrk -t2 -c64 -d DURATION --latency` against each page of
#      dualtrack and then of nginx, ROUNDS times in turn, and prints the
#      medians (requests/s, p99, server CPU per request) and the ratio
#      dualtrack/nginx for each page.
# Both servers are stopped and the temporary directory removed on exit.
#
#   DB           an existing database with published figures (default: a new demo)
#   CITY         the pilot city page to fetch (default: the first on the home page)
#   DURATION     wrk duration per server, page and round (default 10s)
#   ROUNDS       rounds (default 3)
#   CONNECTIONS  wrk connections (default 64)
#   BUILD        build directory (default build)
#   TMPDIR       where the temporary directory goes
#
# wrk, dualtrack and nginx share the machine's cores: the numbers compare the
# two servers under the same load generator, they are not capacity figures.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
. bench/lib.sh # free_port, wait_http, median, need_wrk_nginx, start_nginx, wrk_load

duration=${DURATION:-10s}
rounds=${ROUNDS:-3}
conns=${CONNECTIONS:-64}
build=${BUILD:-build}
bin=$PWD/$build/dualtrack
export DUALTRACK_TODAY=${DUALTRACK_TODAY:-2026-11-26}

# ---- tools ----
need_wrk_nginx portal.sh
make --no-print-directory -s BUILD="$build" "$bin"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dualtrack-portal.XXXXXX")
api_pid=
nginx_pid=
trap stop_servers EXIT
trap 'exit 130' INT TERM

# ---- the database ----
if [[ -n ${DB:-} ]]; then
	db=$DB
	echo "== using $db"
else
	db=$tmp/portal.db
	"$bin" init --db "$db" >/dev/null
	echo "== dualtrack demo (a few minutes)"
	"$bin" demo --db "$db" >"$tmp/demo.log" 2>&1 || { cat "$tmp/demo.log" >&2; exit 1; }
fi

# ---- the servers ----
aport=$(free_port)
"$bin" serve --db "$db" --listen "127.0.0.1:$aport" --threads 2 --portal-rate 0 >"$tmp/serve.log" 2>&1 &
api_pid=$!
wait_http "http://127.0.0.1:$aport/healthz"
city=${CITY:-$(curl -s "http://127.0.0.1:$aport/" | grep -o 'href="/cities/[0-9]*"' | head -1 | grep -o '[0-9]\{6\}' || true)}
if [[ -z $city ]]; then
	echo "portal.sh: no published pilot city on the home page (dualtrack publish first)" >&2
	exit 1
fi
pages=(/ "/cities/$city")

www=$tmp/www
mkdir -p "$www/cities"
curl -s -o "$www/index.html" "http://127.0.0.1:$aport/"
curl -s -o "$www/cities/$city" "http://127.0.0.1:$aport/cities/$city"

nport=$(free_port)
while [[ $nport == "$aport" ]]; do nport=$(free_port); done
start_nginx "$tmp" "$www" "$nport" text/html
wait_http "http://127.0.0.1:$nport/"
for p in "${pages[@]}"; do
	if ! cmp -s <(curl -s "http://127.0.0.1:$nport$p") <(curl -s "http://127.0.0.1:$aport$p"); then
		echo "portal.sh: nginx does not serve the same bytes for $p" >&2
		exit 1
	fi
done

# ---- the load ----
declare -A rps=() p99=() cpu=()
# bench SERVER PAGE URL: wrk_load, its figures appended to rps, p99 (ms) and
# cpu (the server's CPU time per request, microseconds)
bench() {
	local srv=$1 page=$2 url=$3 pids
	if [[ $srv == dualtrack ]]; then pids=$api_pid; else pids=$(pgrep -P "$nginx_pid" | tr '\n' ' '); fi
	wrk_load portal.sh "$pids" "$url"
	rps[$srv $page]+="$load_rps "
	p99[$srv $page]+="$load_p99 "
	cpu[$srv $page]+="$load_cpu "
}
for ((r = 1; r <= rounds; r++)); do
	echo "== round $r of $rounds"
	for p in "${pages[@]}"; do
		bench dualtrack "$p" "http://127.0.0.1:$aport$p"
		bench nginx "$p" "http://127.0.0.1:$nport$p"
	done
done

echo
echo "the public portal, wrk -t2 -c$conns -d$duration, $rounds round(s), $(nproc) cores"
for p in "${pages[@]}"; do
	# shellcheck disable=SC2086 # the lists
	a=$(median ${rps[dualtrack $p]}) n=$(median ${rps[nginx $p]})
	# shellcheck disable=SC2086
	pa=$(median ${p99[dualtrack $p]}) pn=$(median ${p99[nginx $p]})
	# shellcheck disable=SC2086
	ca=$(median ${cpu[dualtrack $p]}) cn=$(median ${cpu[nginx $p]})
	bytes=$(curl -s "http://127.0.0.1:$nport$p" | wc -c)
	echo "GET $p ($bytes bytes):"
	printf '  %-28s %12s req/s   p99 %9s ms   CPU %7s us/request\n' "dualtrack serve --threads 2" "$a" "$pa" "$ca"
	printf '  %-28s %12s req/s   p99 %9s ms   CPU %7s us/request\n' "nginx (2 workers, file)" "$n" "$pn" "$cn"
	awk -v a="$a" -v n="$n" -v pa="$pa" -v pn="$pn" 'BEGIN {
		printf "  ratio dualtrack/nginx: throughput %.2f, p99 latency %.2f\n", (n > 0 ? a / n : 0), (pn > 0 ? pa / pn : 0)
	}'
done

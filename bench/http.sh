#!/usr/bin/env bash
# http.sh - the price of the API: `dualtrack serve` against nginx serving the
# same bytes from a file.
#
# In one run:
#   1. installs wrk and nginx-light with apt-get if they are missing (as root,
#      or through sudo), and builds dualtrack;
#   2. makes a database with `dualtrack gen --trainees N`, an admin account
#      and an API token;
#   3. starts `dualtrack serve --threads 2` on a free port, fetches
#      GET /api/v1/trainees/ID once and writes the exact body to a file that
#      nginx (2 workers, no access log) serves on another free port;
#   4. runs `wrk -t2 -c64 -d DURATION --latency` against the API (with the
#      bearer token) and then against nginx, ROUNDS times in turn, and prints
#      the median requests/s and 99th-percentile latency of both and the
#      ratios api/nginx of the medians (each round's figures too), and the
#      CPU time each server used per request (user + system, all its threads
#      or workers, from /proc): a figure other load on the machine disturbs
#      less than requests/s.
# Both servers are stopped and the temporary directory removed on exit.
#
# nginx is set up as it would serve static files for real: sendfile with
# tcp_nopush (headers and body leave in one segment), an open-file cache (no
# open/fstat/close per request), keep-alive, no access log.  Taking turns
# matters on a shared machine: other work that comes and goes then falls on
# both servers alike, and the median drops a round that caught a burst.
#
# Generating is most of the time: about 430 trainees/s on a 2-core machine
# with every record going through the store's checks and the audit chain, so
# the default million takes about 40 minutes and some 30 GB of disk
# (TRAINEES=20000: about 50 s and 0.6 GB).  DB=PATH reuses a database made
# before (with its key file beside it) and skips the generation.
#
#   TRAINEES     trainees to generate (default 1000000)
#   SEED         generator seed (default 1)
#   DB           an existing database to use instead of generating one
#   TRAINEE_ID   the trainee to fetch (default: the middle one)
#   DURATION     wrk duration per server and round (default 10s)
#   ROUNDS       rounds of api-then-nginx (default 3)
#   CONNECTIONS  wrk connections (default 64)
#   BUILD        build directory (default build)
#   TMPDIR       where the temporary directory goes
#
# wrk, dualtrack and nginx share the machine's cores: the numbers compare the
# two servers under the same load generator, they are not capacity figures.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
. bench/lib.sh # free_port, wait_http, median, need_wrk_nginx, start_nginx, wrk_load

trainees=${TRAINEES:-1000000}
seed=${SEED:-1}
duration=${DURATION:-10s}
rounds=${ROUNDS:-3}
conns=${CONNECTIONS:-64}
build=${BUILD:-build}
bin=$PWD/$build/dualtrack
export DUALTRACK_TODAY=${DUALTRACK_TODAY:-2026-11-26}

# ---- tools ----
need_wrk_nginx http.sh
make --no-print-directory -s BUILD="$build" "$bin"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dualtrack-http.XXXXXX")
api_pid=
nginx_pid=
trap stop_servers EXIT
trap 'exit 130' INT TERM

# ---- the database ----
if [[ -n ${DB:-} ]]; then
	db=$DB
	[[ -f $db ]] || { echo "http.sh: DB=$db does not exist" >&2; exit 1; }
	trainees=$(sqlite3 "$db" "SELECT count(*) FROM trainee")
	echo "== using $db ($trainees trainees)"
else
	db=$tmp/http.db
	"$bin" init --db "$db" >/dev/null
	echo "== dualtrack gen --trainees $trainees --seed $seed (about $((trainees / 430 + 1)) s)"
	t0=$(date +%s)
	if ! "$bin" gen --db "$db" --trainees "$trainees" --seed "$seed" >"$tmp/gen.log" 2>&1; then
		cat "$tmp/gen.log" >&2
		exit 1
	fi
	echo "   generated in $(($(date +%s) - t0)) s, $(du -bc "$db"* | tail -1 | awk '{ printf "%.0f MiB", $1 / 1048576 }')"
fi
login=bench-$$
pw=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
echo "$pw" | "$bin" user add --db "$db" --login "$login" --role admin --password-stdin >/dev/null
token=$("$bin" token create --db "$db" --login "$login" --expires 1 2>/dev/null | tail -1)
id=${TRAINEE_ID:-$(((trainees + 1) / 2))}

# ---- the servers ----
aport=$(free_port)
"$bin" serve --db "$db" --listen "127.0.0.1:$aport" --threads 2 >"$tmp/serve.log" 2>&1 &
api_pid=$!
api_url=http://127.0.0.1:$aport/api/v1/trainees/$id
wait_http "http://127.0.0.1:$aport/healthz"

www=$tmp/www
mkdir -p "$www/api/v1/trainees"
status=$(curl -s -o "$www/api/v1/trainees/$id" -w '%{http_code}' -H "Authorization: Bearer $token" "$api_url")
if [[ $status != 200 ]]; then
	echo "http.sh: GET $api_url answered $status: $(cat "$www/api/v1/trainees/$id")" >&2
	exit 1
fi
nport=$(free_port)
while [[ $nport == "$aport" ]]; do nport=$(free_port); done
start_nginx "$tmp" "$www" "$nport" application/json
nginx_url=http://127.0.0.1:$nport/api/v1/trainees/$id
wait_http "$nginx_url"
if ! curl -s "$nginx_url" | cmp -s - "$www/api/v1/trainees/$id"; then
	echo "http.sh: nginx does not serve the same bytes" >&2
	exit 1
fi
bytes=$(wc -c <"$www/api/v1/trainees/$id")

# ---- the load ----
declare -a rps_api=() p99_api=() cpu_api=() rps_nginx=() p99_nginx=() cpu_nginx=()
# bench NAME URL [wrk options...]: wrk_load, its figures appended to rps_NAME,
# p99_NAME (ms) and cpu_NAME (the server's CPU time per request, microseconds)
bench() {
	local name=$1 url=$2 pids
	shift 2
	if [[ $name == api ]]; then pids=$api_pid; else pids=$(pgrep -P "$nginx_pid" | tr '\n' ' '); fi
	wrk_load http.sh "$pids" "$url" "$@"
	eval "rps_$name+=(\"\$load_rps\") p99_$name+=(\"\$load_p99\") cpu_$name+=(\"\$load_cpu\")"
}
for ((r = 1; r <= rounds; r++)); do
	echo "== round $r of $rounds"
	bench api "$api_url" -H "Authorization: Bearer $token"
	bench nginx "$nginx_url"
done

echo
echo "GET /api/v1/trainees/$id ($bytes bytes), $trainees trainees, wrk -t2 -c$conns -d$duration, $rounds round(s), $(nproc) cores"
for ((r = 0; r < rounds; r++)); do
	awk -v r=$((r + 1)) -v a="${rps_api[r]}" -v n="${rps_nginx[r]}" -v ca="${cpu_api[r]}" -v cn="${cpu_nginx[r]}" 'BEGIN {
		printf "  round %d: api %10.2f req/s, nginx %10.2f req/s, ratio %.2f; server CPU per request: api %.2f us, nginx %.2f us\n",
			r, a, n, (n > 0 ? a / n : 0), ca, cn }'
done
a=$(median "${rps_api[@]}") n=$(median "${rps_nginx[@]}")
pa=$(median "${p99_api[@]}") pn=$(median "${p99_nginx[@]}")
echo "medians:"
ca=$(median "${cpu_api[@]}") cn=$(median "${cpu_nginx[@]}")
printf '%-28s %12s req/s   p99 %9s ms   CPU %7s us/request\n' "dualtrack serve --threads 2" "$a" "$pa" "$ca"
printf '%-28s %12s req/s   p99 %9s ms   CPU %7s us/request\n' "nginx (2 workers, file)" "$n" "$pn" "$cn"
awk -v a="$a" -v n="$n" -v pa="$pa" -v pn="$pn" 'BEGIN {
	printf "ratio api/nginx: throughput %.2f, p99 latency %.2f\n", (n > 0 ? a / n : 0), (pn > 0 ? pa / pn : 0)
}'

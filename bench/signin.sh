#!/usr/bin/env bash
# signin.sh - what a flood of wrong sign-ins costs the readers.
#
# In one run:
#   1. installs wrk with apt-get if it is missing, builds dualtrack;
#   2. makes a database with `dualtrack gen --trainees N` (or uses DB=PATH),
#      an admin account with an API token, and ACCOUNTS accounts for the
#      flood to guess at;
#   3. starts `dualtrack serve --threads 2 --trust-proxy` on a free port;
#   4. ROUNDS times in turn: `wrk -t2 -c64` of the authenticated
#      GET /api/v1/trainees/ID alone (reads/s without a flood), then the
#      same while a second wrk (FLOOD_CONNECTIONS connections) posts wrong
#      sign-ins as fast as they are answered: half for unknown logins, half
#      wrong passwords for the ACCOUNTS accounts, each from a random
#      X-Forwarded-For address, so that neither the per-login nor the
#      per-address lock simply refuses them all and most of them are hashed;
#   5. prints how many wrong sign-ins/s the server takes with nothing else
#      running (the flood alone, measured first), the median reads/s without
#      and with the flood, their ratio, and what the flood's sign-ins were
#      answered (401 hashed and wrong, 429 locked, 503 the pool full).
# The hashing runs at a lower priority than the event loops: while the
# readers keep the cores busy, the flood gets the little CPU left and its
# sign-ins wait (its latency is printed) - that is the point.
# The server is stopped and the temporary directory removed on exit.
#
#   TRAINEES           trainees to generate (default 2000)
#   SEED               generator seed (default 1)
#   DB                 an existing database to use instead of generating one
#   DURATION           wrk duration of each measurement (default 8s)
#   ROUNDS             rounds of without-then-with (default 2)
#   CONNECTIONS        connections of the readers (default 64)
#   FLOOD_CONNECTIONS  connections of the flood (default 16)
#   ACCOUNTS           accounts the flood guesses passwords of (default 20)
#   BUILD              build directory (default build)
#
# wrk, the flood and dualtrack share the machine's cores: the figures compare
# the server with and without the flood under the same load generator.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
. bench/lib.sh # free_port, wait_http, bench_db, admin_token

trainees=${TRAINEES:-2000}
seed=${SEED:-1}
duration=${DURATION:-8s}
rounds=${ROUNDS:-2}
conns=${CONNECTIONS:-64}
fconns=${FLOOD_CONNECTIONS:-16}
accounts=${ACCOUNTS:-20}
build=${BUILD:-build}
bin=$PWD/$build/dualtrack
export DUALTRACK_TODAY=${DUALTRACK_TODAY:-2026-11-26}

if ! command -v wrk >/dev/null; then
	if ((EUID == 0)); then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
		echo "signin.sh: wrk missing, and neither root nor sudo to install it" >&2
		exit 1
	fi
	echo "== apt-get install wrk"
	"${sudo[@]}" apt-get update -qq
	DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends wrk >/dev/null
fi
make --no-print-directory -s BUILD="$build" "$bin"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dualtrack-signin.XXXXXX")
api_pid=
flood_pid=
cleanup() {
	local pid
	for pid in $flood_pid $api_pid; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in $flood_pid $api_pid; do wait "$pid" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bench_db "$tmp"
token=$(admin_token "$db")
id=$(sqlite3 "$db" "SELECT id FROM trainee ORDER BY id LIMIT 1 OFFSET $((trainees / 2))")
echo "== $accounts accounts for the flood to guess at"
for ((i = 0; i < accounts; i++)); do
	head -c 18 /dev/urandom | base64 | tr -d '/+=' |
		"$bin" user add --db "$db" --login "flood-$$-$i" --role city --scope 210100 --password-stdin >/dev/null
done

port=$(free_port)
"$bin" serve --db "$db" --listen "127.0.0.1:$port" --threads 2 --trust-proxy >"$tmp/serve.log" 2>&1 &
api_pid=$!
base=http://127.0.0.1:$port
wait_http "$base/healthz"
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$base/api/v1/trainees/$id")
[[ $status == 200 ]] || { echo "signin.sh: GET /api/v1/trainees/$id answered $status" >&2; exit 1; }

# The flood: wrong sign-ins, each from its own address; the answers counted by status.
cat >"$tmp/flood.lua" <<EOF
local threads = {}
local n = 0
function setup(thread)
	thread:set("id", #threads)
	table.insert(threads, thread)
end
function init(args)
	math.randomseed(os.time() * 1000 + id)
	counts = {}
	wrk.method = "POST"
	wrk.headers["Content-Type"] = "application/json"
end
function request()
	n = n + 1
	local login
	if n % 2 == 0 then
		login = string.format("nobody-%d-%d", id, math.random(1, 1000000))
	else
		login = string.format("flood-$$-%d", math.random(0, $accounts - 1))
	end
	wrk.headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
	local body = string.format('{"login":"%s","password":"wrong-%d"}', login, math.random(1, 1000000000))
	return wrk.format(nil, "/api/v1/session", nil, body)
end
function response(status, headers, body)
	counts[status] = (counts[status] or 0) + 1
end
function done(summary, latency, requests)
	local total = {}
	for _, t in ipairs(threads) do
		for _, s in ipairs({ 200, 401, 429, 503 }) do
			total[s] = (total[s] or 0) + (t:get("counts")[s] or 0)
		end
	end
	io.write(string.format("flood: %d sign-ins, 401 %d, 429 %d, 503 %d, 200 %d; latency p50 %.0f ms, p99 %.0f ms\n",
		summary.requests, total[401], total[429], total[503], total[200],
		latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
EOF

# reads: one wrk run of the GET; prints its requests/s
reads() {
	local out
	out=$(wrk -t2 -c"$conns" -d"$duration" -H "Authorization: Bearer $token" "$base/api/v1/trainees/$id")
	if grep -q 'Non-2xx or 3xx responses' <<<"$out"; then
		echo "signin.sh: the reads answered errors" >&2
		echo "$out" >&2
		exit 1
	fi
	awk '/^Requests\/sec:/ { print $2 }' <<<"$out"
}
secs=${duration%s}
# The flood alone first: how fast the server takes wrong sign-ins when nothing else runs.
wrk -t2 -c"$fconns" -d"$duration" -s "$tmp/flood.lua" "$base/api/v1/session" >"$tmp/flood.0" 2>&1
alone=$(awk '/^Requests\/sec:/ { print $2 }' "$tmp/flood.0")
echo "== the flood alone: $alone sign-ins/s"
grep '^flood:' "$tmp/flood.0" | sed 's/^/   /'
declare -a quiet=() flooded=()
for ((r = 1; r <= rounds; r++)); do
	q=$(reads)
	echo "== round $r: reads alone           $q req/s"
	wrk -t2 -c"$fconns" -d"$((secs + 2))s" -s "$tmp/flood.lua" "$base/api/v1/session" >"$tmp/flood.$r" 2>&1 &
	flood_pid=$!
	sleep 1
	f=$(reads)
	wait "$flood_pid" || true
	flood_pid=
	echo "== round $r: reads under the flood $f req/s"
	grep '^flood:' "$tmp/flood.$r" | sed 's/^/   /' || { cat "$tmp/flood.$r" >&2; exit 1; }
	quiet+=("$q")
	flooded+=("$f")
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { printf "%.2f\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
q=$(median "${quiet[@]}")
f=$(median "${flooded[@]}")
echo
echo "GET /api/v1/trainees/$id, wrk -t2 -c$conns -d$duration; flood: wrk -t2 -c$fconns of wrong sign-ins; $rounds round(s), $(nproc) cores"
printf 'wrong sign-ins/s, alone  %12s\n' "$alone"
printf 'reads/s without a flood %12s\n' "$q"
printf 'reads/s under the flood %12s\n' "$f"
awk -v q="$q" -v f="$f" 'BEGIN { printf "ratio flooded/quiet     %12.2f\n", (q > 0 ? f / q : 0) }'

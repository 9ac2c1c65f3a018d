#!/usr/bin/env bash
# bodies.sh - the server's memory under oversized request bodies.
#
# Starts `dualtrack serve --threads 2` (default limits: --max-body 1 MiB,
# --max-upload 256 MiB) on a fresh database and a free port, reads its
# VmRSS and VmHWM from /proc/PID/status, sends 4 concurrent anonymous POSTs
# of SIZE bytes each (2 to POST /api/v1/session, 2 to POST /api/v1/imports),
# waits for them to end, and reads the figures again.  Once with
# Content-Length, once chunked, each against a server of its own.  The
# bodies come from a sparse file, so the disk is not touched.
#
#   BIN    the binary (default build/dualtrack; give an older build to compare)
#   SIZE   bytes per POST (default 262144000, 250 MiB)
#
# Prints, per case: before (VmRSS), after (VmRSS, VmHWM) in MB, and the
# statuses curl saw (000: the connection was closed before an answer).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bin=${BIN:-build/dualtrack}
size=${SIZE:-262144000}
[[ -x $bin ]] || make -j2 build/dualtrack >/dev/null
tmp=$(mktemp -d)
pid=
cleanup() {
	[[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
"$bin" init --db "$tmp/db" >/dev/null
truncate -s "$size" "$tmp/body"

mb() { awk -v k="$2" '$1 == k":" { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

run_case() { # content-length | chunked
	local name=$1 port i codes=''
	local -a how=(-T "$tmp/body")
	[[ $name == chunked ]] && how=(-T - -H 'Transfer-Encoding: chunked')
	port=$(free_port)
	"$bin" serve --db "$tmp/db" --listen "127.0.0.1:$port" --threads 2 >"$tmp/serve.log" 2>&1 &
	pid=$!
	wait_http "http://127.0.0.1:$port/healthz"
	local before
	before=$(mb "$pid" VmRSS)
	for i in 1 2 3 4; do
		local path=/api/v1/session
		((i > 2)) && path='/api/v1/imports?kind=trainees'
		curl -s -o /dev/null -w '%{http_code}\n' -X POST -H 'Expect:' \
			-H 'Content-Type: application/octet-stream' "${how[@]}" \
			"http://127.0.0.1:$port$path" <"$tmp/body" >"$tmp/code.$i" 2>/dev/null &
	done
	wait $(jobs -p | grep -v "^$pid\$") 2>/dev/null || true
	for i in 1 2 3 4; do codes+="$(cat "$tmp/code.$i") "; done
	printf '%-15s before %5s MB   after %5s MB   peak (VmHWM) %5s MB   statuses %s\n' \
		"$name" "$before" "$(mb "$pid" VmRSS)" "$(mb "$pid" VmHWM)" "$codes"
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	pid=
}

echo "== 4 concurrent anonymous POSTs of $size bytes ($bin)"
run_case content-length
run_case chunked

#!/usr/bin/env bash
# signoff.sh - bulk sign-off against one sign-off per entry, in the same run.
#
#   1. builds dualtrack, makes a database with `dualtrack gen --trainees N`
#      (or uses DB=PATH), an admin token, a company mentor and a school
#      mentor in the register, and the company mentor's own account (linked
#      with `mentor link`) with a token;
#   2. starts `dualtrack serve --threads 2` on a free port;
#   3. bench/signoff.mjs: two contracts naming the mentor, ENTRIES entries on
#      each, then the mentor signs the first contract's one request per entry
#      and the second's in one POST /api/v1/record-entries/signoff; prints both
#      times and the ratio.  The target: 1,000 in one request in at most 1 s.
#
#   TRAINEES  trainees to generate (default 50)    SEED  generator seed (default 1)
#   ENTRIES   entries per contract (default 1000)  BUILD build directory (default build)
#   DB        an existing SQLite database instead of a generated one
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
. bench/lib.sh # free_port, wait_http, bench_db, admin_token

trainees=${TRAINEES:-50}
seed=${SEED:-1}
entries=${ENTRIES:-1000}
build=${BUILD:-build}
bin=$PWD/$build/dualtrack
export DUALTRACK_TODAY=${DUALTRACK_TODAY:-2026-11-26}
make --no-print-directory -s BUILD="$build" "$bin"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dualtrack-signoff.XXXXXX")
api_pid=
cleanup() {
	[[ -n $api_pid ]] && kill -TERM "$api_pid" 2>/dev/null && wait "$api_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bench_db "$tmp"
token=$(admin_token "$db")
ent=$(sqlite3 "$db" "SELECT id FROM organization WHERE kind = 'enterprise' AND region BETWEEN 210100 AND 210199 ORDER BY id LIMIT 1")
school=$(sqlite3 "$db" "SELECT id FROM organization WHERE kind = 'school' ORDER BY id LIMIT 1")
programme=$(sqlite3 "$db" "SELECT id FROM programme WHERE school_id = $school ORDER BY id LIMIT 1")
mentor=$("$bin" add mentor --db "$db" --json "{\"name\": \"王师傅\", \"organization_id\": $ent, \"kind\": \"company\"}" | sed -n 's/.*"id": *\([0-9]*\).*/\1/p' | head -1)
smentor=$("$bin" add mentor --db "$db" --json "{\"name\": \"李老师\", \"organization_id\": $school, \"kind\": \"school\"}" | sed -n 's/.*"id": *\([0-9]*\).*/\1/p' | head -1)
pw=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
echo "$pw" | "$bin" user add --db "$db" --login wang --role enterprise --scope "org:$ent" --password-stdin >/dev/null
"$bin" mentor link "$mentor" wang --db "$db" >/dev/null
mtoken=$("$bin" token create --db "$db" --login wang --expires 1 2>/dev/null | tail -1)

port=$(free_port)
"$bin" serve --db "$db" --listen "127.0.0.1:$port" --threads 2 >"$tmp/serve.log" 2>&1 &
api_pid=$!
wait_http "http://127.0.0.1:$port/healthz"
echo "== $entries entries on each of two contracts naming mentor $mentor; signing"
BASE="http://127.0.0.1:$port" ADMIN_TOKEN=$token MENTOR_TOKEN=$mtoken ENT=$ent SCHOOL=$school \
	PROGRAMME=$programme MENTOR=$mentor SCHOOL_MENTOR=$smentor N=$entries node bench/signoff.mjs

#!/usr/bin/env bash
# ui.sh - the web application's figures: time to a rendered dashboard in
# headless Chromium on the demo database, the JS+CSS transferred for it, and
# the compressed size of every JS and CSS file the binary embeds.
#
#   BUILD (default build)      where dualtrack is
#   UI_BENCH_DB                a demo database to reuse (default: made once
#                              under $BUILD/bench-ui/, about 25 s)
#   UI_BENCH_RUNS (10)         runs per measurement
#   UI_BENCH_LOGIN (nation)    who signs in (the dashboard of their scope)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=${BUILD:-build}
bin=$build/dualtrack
db=${UI_BENCH_DB:-$build/bench-ui/demo.db}
export DUALTRACK_TODAY=${DUALTRACK_TODAY:-2026-11-26}

[[ -x $bin ]] || { echo "ui.sh: $bin missing (make BUILD=$build)" >&2; exit 1; }
[[ -d node_modules/playwright-core ]] || { echo "ui.sh: run scripts/deps.sh first (npm ci)" >&2; exit 1; }
if [[ ! -e $db ]]; then
	mkdir -p "$(dirname "$db")"
	echo "ui.sh: creating the demo database $db"
	"$bin" init --db "$db" >/dev/null
	"$bin" demo --db "$db" >/dev/null
fi

mkdir -p "$build/bench-ui"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" serve --db "$db" --listen "127.0.0.1:$port" >"$build/bench-ui/serve.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

node bench/ui.mjs "http://127.0.0.1:$port" "${UI_BENCH_LOGIN:-nation}" dualtrack-demo "${UI_BENCH_RUNS:-10}"

# Everything the application could ever load (all screens, both languages).
base="http://127.0.0.1:$port"
ver=$(curl -fs "$base/" | grep -o '/assets/[0-9a-f]*/' | head -n 1)
total=0 raw=0 n=0
for f in $(cd web && find . -name '*.js' -o -name '*.css' | sed 's|^\./||' | sort); do
	gz=$(curl -fs -H 'accept-encoding: gzip' "$base$ver$f" | wc -c)
	plain=$(curl -fs "$base$ver$f" | wc -c)
	total=$((total + gz)) raw=$((raw + plain)) n=$((n + 1))
done
awk -v n="$n" -v gz="$total" -v raw="$raw" 'BEGIN { printf "all embedded JS+CSS: %d files, %.1f KiB gzip (%.1f KiB uncompressed)\n", n, gz / 1024, raw / 1024 }'

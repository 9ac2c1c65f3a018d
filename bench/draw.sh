#!/usr/bin/env bash
# draw.sh - the price of the verifiable draw (docs/SUPERVISION.md).
#
# Builds bench/draw.c against the library and runs it: a draw over
# CANDIDATES candidate objects (default 100,000 in 100 cities, rate 5 %)
# and INSPECTORS inspectors (default 500, cross-city, with organisations),
# then its re-verification, each the median of RUNS runs (default 7), and as
# an anchor a plain qsort of CANDIDATES 64-bit keys in the same run.  The
# goal is at most 100 ms for the draw and for the verification.
#
#   CANDIDATES INSPECTORS CITIES RUNS   as above
#   BUILD                               build directory (default build)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=${BUILD:-build}
make -s -j2 "$build/libdualtrack.a" >/dev/null
cc -std=c17 -D_GNU_SOURCE -O2 -Isrc -o "$build/bench_draw" bench/draw.c "$build/libdualtrack.a" \
	-lsodium -ljansson
"$build/bench_draw" "${CANDIDATES:-100000}" "${INSPECTORS:-500}" "${CITIES:-100}" "${RUNS:-7}"

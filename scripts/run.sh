#!/usr/bin/env bash
# run.sh - used by `make run`: create and load the demo pilot on first use,
# then show its summary per city.  (Will start the HTTP server once it exists.)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin=${BUILD:-build}/dualtrack
export DUALTRACK_DB=${DUALTRACK_DB:-dualtrack.db}

if [[ ! -e $DUALTRACK_DB ]]; then
	# A half-made database would be skipped next time: remove it on failure.
	if ! { "$bin" init && "$bin" demo; }; then
		rm -f "$DUALTRACK_DB" "$DUALTRACK_DB-wal" "$DUALTRACK_DB-shm"
		exit 1
	fi
fi
"$bin" summary

#!/usr/bin/env bash
# run.sh - used by `make run`: create and load the demo pilot on first use,
# show its summary per city, then serve it over HTTP until Ctrl-C.
# DUALTRACK_DB (default ./dualtrack.db) and DUALTRACK_LISTEN (default
# 127.0.0.1:8080) choose the database and the address.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin=${BUILD:-build}/dualtrack
export DUALTRACK_DB=${DUALTRACK_DB:-dualtrack.db}
listen=${DUALTRACK_LISTEN:-127.0.0.1:8080}

if [[ ! -e $DUALTRACK_DB ]]; then
	# A half-made database would be skipped next time: remove it on failure.
	if ! { "$bin" init && "$bin" demo; }; then
		rm -f "$DUALTRACK_DB" "$DUALTRACK_DB-wal" "$DUALTRACK_DB-shm"
		exit 1
	fi
fi
"$bin" summary
cat <<MSG

dualtrack: http://$listen/  (the public portal; English: /en/)
  the application: http://$listen/app/
  API:      http://$listen/api/v1/  (OpenAPI: http://$listen/api/openapi.json)
  sign in:  POST /api/v1/session {"login": L, "password": "dualtrack-demo"} with L one of
            admin nation liaoning shenyang inspector school company trainee
  stop:     Ctrl-C
MSG
exec "$bin" serve --listen "$listen"

#!/usr/bin/env bash
# pgtmp.sh - a throw-away PostgreSQL server for tests and benchmarks.
#
#   scripts/pgtmp.sh start DIR   make a cluster in DIR (which must not exist, or be empty),
#                                start it on 127.0.0.1 and a free port, and print its base
#                                URI, postgresql://dualtrack@127.0.0.1:PORT, on stdout
#   scripts/pgtmp.sh uri DIR     print the base URI of the server running in DIR
#   scripts/pgtmp.sh stop DIR    stop the server in DIR and remove DIR
#
#   PGTMP_FAST=1                 fsync, synchronous_commit and full_page_writes off (a crash
#                                of the machine loses the cluster; a crash of a process does not)
#   PGTMP_BIN=/path/to/bin       the PostgreSQL programs (default: the highest version under
#                                /usr/lib/postgresql, else initdb on PATH)
#
# The superuser is "dualtrack", trusted without a password on 127.0.0.1 and on the Unix
# socket, which lives in DIR itself (a path short enough for a socket name: under ~90 bytes).
# The server's log is DIR/log.  initdb refuses to run as root: as root, DIR is given to the
# postgres user (the postgresql package makes it) and the programs run as that user.
set -euo pipefail

usage() {
	echo "usage: scripts/pgtmp.sh start|uri|stop DIR" >&2
	exit 2
}

(($# == 2)) || usage
cmd=$1
dir=$2
[[ $dir == /* ]] || dir=$PWD/$dir

bindir() {
	if [[ -n ${PGTMP_BIN:-} ]]; then
		echo "$PGTMP_BIN"
		return
	fi
	local v
	v=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)
	if [[ -n $v && -x /usr/lib/postgresql/$v/bin/initdb ]]; then
		echo "/usr/lib/postgresql/$v/bin"
	elif command -v initdb >/dev/null 2>&1; then
		dirname "$(command -v initdb)"
	else
		echo "pgtmp.sh: no PostgreSQL server programs (install postgresql)" >&2
		exit 1
	fi
}

# as_pg CMD...: run CMD as the owner of the cluster (postgres when we are root), in DIR.
as_pg() {
	if ((EUID != 0)); then
		(cd "$dir" && "$@")
	elif command -v runuser >/dev/null 2>&1; then
		(cd "$dir" && runuser -u postgres -- "$@")
	elif command -v setpriv >/dev/null 2>&1; then
		(cd "$dir" && setpriv --reuid=postgres --regid=postgres --init-groups -- "$@")
	else
		local q
		q=$(printf '%q ' "$@")
		(cd "$dir" && su postgres -s /bin/sh -c "$q")
	fi
}

uri_of() {
	echo "postgresql://dualtrack@127.0.0.1:$(cat "$dir/port")"
}

start() {
	local bin locale port tries=0
	bin=$(bindir)
	if [[ -e $dir ]] && [[ -n $(ls -A "$dir") ]]; then
		echo "pgtmp.sh: $dir exists and is not empty" >&2
		exit 1
	fi
	mkdir -p "$dir"
	if ((${#dir} > 90)); then
		echo "pgtmp.sh: $dir is too long a path for the server's socket" >&2
		exit 1
	fi
	: >"$dir/.pgtmp" # the mark that lets stop remove DIR
	if ((EUID == 0)); then
		if ! id postgres >/dev/null 2>&1; then
			echo "pgtmp.sh: running as root needs the postgres user (install postgresql)" >&2
			exit 1
		fi
		chown postgres: "$dir" "$dir/.pgtmp"
		if ! as_pg test -w "$dir"; then
			echo "pgtmp.sh: the postgres user cannot reach $dir (choose a DIR under /tmp)" >&2
			exit 1
		fi
	fi

	locale=C.UTF-8
	if locale -a 2>/dev/null | grep -qiE '^en_US\.utf-?8$'; then
		locale=en_US.UTF-8
	fi
	if ! as_pg "$bin/initdb" -D "$dir/data" --auth=trust -U dualtrack --encoding=UTF8 \
		--locale="$locale" --no-instructions >"$dir/initdb.log" 2>&1; then
		cat "$dir/initdb.log" >&2
		exit 1
	fi
	{
		echo "# pgtmp.sh"
		echo "listen_addresses = '127.0.0.1'"
		echo "unix_socket_directories = '$dir'"
		echo "max_connections = 200"
		echo "logging_collector = off"
		if [[ ${PGTMP_FAST:-} == 1 ]]; then
			echo "fsync = off"
			echo "synchronous_commit = off"
			echo "full_page_writes = off"
		fi
	} >>"$dir/data/postgresql.conf"

	# A free port: ask the kernel for one, then let the server bind it; if
	# someone else took it in between, try another.
	while :; do
		port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
			echo $((20000 + RANDOM % 40000)))
		if as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 -o "-p $port" start \
			>/dev/null 2>&1; then
			break
		fi
		tries=$((tries + 1))
		if ((tries >= 10)) || ! grep -q "could not bind\|already in use" "$dir/log" 2>/dev/null; then
			echo "pgtmp.sh: the server did not start; its log:" >&2
			tail -n 20 "$dir/log" >&2 || true
			exit 1
		fi
	done
	echo "$port" >"$dir/port"
	uri_of
}

stop() {
	if [[ ! -e $dir/.pgtmp ]]; then
		echo "pgtmp.sh: $dir was not made by pgtmp.sh; not removing it" >&2
		exit 1
	fi
	if [[ -f $dir/data/postmaster.pid ]]; then
		as_pg "$(bindir)/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 ||
			as_pg "$(bindir)/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
}

case $cmd in
start) start ;;
uri)
	[[ -f $dir/port ]] || {
		echo "pgtmp.sh: no server in $dir" >&2
		exit 1
	}
	uri_of
	;;
stop) stop ;;
*) usage ;;
esac

# shellcheck shell=bash disable=SC2034,SC2154 # globals shared with the scripts that source it
# lib.sh - shared by the benchmark scripts (sourced, not run).
#
#   free_port           a TCP port on 127.0.0.1 that nothing answers on
#   wait_http URL       until URL answers (10 s at most)
#   bench_db DIR        set $db: $DB when given (counting its trainees into
#                       $trainees), else a new database in DIR made by
#                       `dualtrack gen --trainees $trainees --seed $seed`
#   admin_token DB      print a fresh admin account's API token (1 day)
#   now                 the time in seconds, with nanoseconds
#   secs T0 T1          T1 - T0 in seconds, two decimals
#   median V...         the median of the numbers V (three decimals)
#   wrk_rps             from wrk's report on stdin: requests/s
#   cpu_ticks PID...    user + system clock ticks the processes (all their
#                       threads) have used
#   wrk_ms PCT          from wrk --latency's report on stdin: the PCT (50%, 99%)
#                       latency in milliseconds
#   need_wrk_nginx WHO  install wrk, nginx-light and curl with apt-get when
#                       missing (as root or through sudo); set $nginx
#   start_nginx DIR WWW PORT TYPE
#                       nginx (2 workers, no access log, sendfile, open-file
#                       cache) serving the files under WWW as TYPE on
#                       127.0.0.1:PORT, its files in DIR/nginx; sets $nginx_pid
#   stop_servers        (the EXIT trap) stop $api_pid and $nginx_pid, remove $tmp
#   wrk_load WHO PIDS URL [wrk options...]
#                       run wrk -t2 -c$conns -d$duration --latency on URL and
#                       print its report; set $load_rps, $load_p99 (ms) and
#                       $load_cpu (the CPU time of the processes PIDS, a
#                       space-separated list, per request, microseconds)
# They expect $bin (the dualtrack binary) and, for bench_db, $trainees and $seed.

free_port() {
	local p i
	for ((i = 0; i < 200; i++)); do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
	echo "no free port found" >&2
	return 1
}

wait_http() {
	local i
	for ((i = 0; i < 200; i++)); do
		curl -s -o /dev/null "$1" && return 0
		sleep 0.05
	done
	echo "$1 does not answer" >&2
	return 1
}

bench_db() {
	if [[ -n ${DB:-} ]]; then
		db=$DB
		[[ -f $db ]] || { echo "DB=$db does not exist" >&2; exit 1; }
		trainees=$(sqlite3 "$db" "SELECT count(*) FROM trainee")
		echo "== using $db ($trainees trainees)"
		return
	fi
	db=$1/bench.db
	"$bin" init --db "$db" >/dev/null
	echo "== dualtrack gen --trainees $trainees --seed $seed"
	local t0
	t0=$(date +%s)
	if ! "$bin" gen --db "$db" --trainees "$trainees" --seed "$seed" >"$1/gen.log" 2>&1; then
		cat "$1/gen.log" >&2
		exit 1
	fi
	echo "   generated in $(($(date +%s) - t0)) s, $(du -bc "$db"* | tail -1 | awk '{ printf "%.0f MiB", $1 / 1048576 }')"
}

admin_token() {
	local login=bench-$$-$RANDOM pw
	pw=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
	echo "$pw" | "$bin" user add --db "$1" --login "$login" --role admin --password-stdin >/dev/null
	"$bin" token create --db "$1" --login "$login" --expires 1 2>/dev/null | tail -1
}

now() { date +%s.%N; }

secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
		END { printf "%.3f\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

wrk_rps() { awk '/^Requests\/sec:/ { print $2 }'; }

wrk_ms() {
	awk -v p="$1" '$1 == p { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
		printf "%.3f\n", u == "us" ? v / 1000 : u == "s" ? v * 1000 : u == "m" ? v * 60000 : v }'
}

cpu_ticks() {
	local pid t=0 v
	for pid in "$@"; do
		# fields 14 and 15 of /proc/PID/stat, counted after the ")" that ends the name
		# (none when the process has just ended)
		v=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{ print $12 + $13 }') || v=0
		t=$((t + ${v:-0}))
	done
	echo "$t"
}

need_wrk_nginx() {
	local need=() sudo=()
	nginx=$(command -v nginx || { [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx; } || true)
	command -v wrk >/dev/null || need+=(wrk)
	[[ -n $nginx ]] || need+=(nginx-light)
	command -v curl >/dev/null || need+=(curl)
	((${#need[@]})) || return 0
	if ((EUID != 0)); then
		if ! command -v sudo >/dev/null; then
			echo "$1: ${need[*]} missing, and neither root nor sudo to install them" >&2
			exit 1
		fi
		sudo=(sudo)
	fi
	echo "== apt-get install ${need[*]}"
	"${sudo[@]}" apt-get update -qq
	DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
	nginx=$(command -v nginx || echo /usr/sbin/nginx)
}

start_nginx() {
	local dir=$1 www=$2 port=$3 type=$4
	mkdir -p "$dir/nginx"
	# nginx's workers run as nobody when started as root: let them read the files
	chmod 755 "$dir"
	find "$www" -type d -exec chmod 755 {} +
	find "$www" -type f -exec chmod 644 {} +
	cat >"$dir/nginx.conf" <<NGINX
worker_processes 2;
daemon off;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log warn;
events { worker_connections 1024; }
http {
	access_log off;
	types { }
	default_type $type;
	keepalive_requests 1000000;
	sendfile on;
	tcp_nopush on;
	open_file_cache max=1000 inactive=60s;
	open_file_cache_valid 60s;
	client_body_temp_path $dir/nginx/body;
	proxy_temp_path $dir/nginx/proxy;
	fastcgi_temp_path $dir/nginx/fastcgi;
	uwsgi_temp_path $dir/nginx/uwsgi;
	scgi_temp_path $dir/nginx/scgi;
	server {
		listen 127.0.0.1:$port;
		root $www;
		index index.html;
	}
}
NGINX
	"$nginx" -p "$dir/nginx" -e "$dir/nginx/error.log" -c "$dir/nginx.conf" &
	nginx_pid=$!
}

wrk_load() {
	local who=$1 pids=$2 url=$3 out t0 t1 n
	shift 3
	echo "== wrk -t2 -c$conns -d$duration --latency $url"
	# shellcheck disable=SC2086 # pids: a list
	t0=$(cpu_ticks $pids)
	out=$(wrk -t2 -c"$conns" -d"$duration" --latency "$@" "$url")
	# shellcheck disable=SC2086
	t1=$(cpu_ticks $pids)
	echo "$out"
	if grep -q 'Non-2xx or 3xx responses' <<<"$out"; then
		echo "$who: $url answered errors under load" >&2
		exit 1
	fi
	n=$(awk '/ requests in / { print $1 }' <<<"$out")
	load_rps=$(wrk_rps <<<"$out")
	load_p99=$(wrk_ms 99% <<<"$out")
	load_cpu=$(awk -v t=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" -v n="$n" 'BEGIN { printf "%.2f", (n > 0 ? t / hz / n * 1e6 : 0) }')
}

stop_servers() {
	local pid
	for pid in $api_pid $nginx_pid; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in $api_pid $nginx_pid; do
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$tmp"
}

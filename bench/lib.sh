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

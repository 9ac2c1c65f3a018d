#!/usr/bin/env bash
# fuzz.sh NAME... - run the libFuzzer harnesses build/fuzz/bin/fuzz_NAME,
# FUZZ_JOBS at a time (default: one per core), each for FUZZ_SECONDS, and
# finish with one line "N passed, N failed" (a harness that ran clean is one
# passed, one that crashed or did not run is one failed).  Exit status 0 only when all ran clean.
#
# Each harness starts from its seed corpus (tests/fuzz/corpus/NAME) and its
# regressions (tests/fuzz/regress/NAME), read only; what it finds goes to
# build/fuzz/corpus/NAME, kept between runs, and a crash to
# build/fuzz/crashes/NAME/ (crash-..., leak-..., timeout-...).
#
#   FUZZ_BUILD     where the harnesses are (default: build/fuzz)
#   FUZZ_SECONDS   seconds per harness (default: 60)
#   FUZZ_JOBS      harnesses run at once (default: nproc)
#   FUZZ_ARGS      extra libFuzzer flags, e.g. "-runs=10000000" or "-jobs=2"
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
FUZZ_BUILD=${FUZZ_BUILD:-build/fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
read -r -a extra <<<"${FUZZ_ARGS:-}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

passed=0
failed=0
logs=$(mktemp -d "${TMPDIR:-/tmp}/dualtrack-fuzz.XXXXXX")
trap 'rm -rf "$logs"' EXIT

# run_one NAME: one harness for FUZZ_SECONDS; its report goes to
# $logs/NAME.out and its verdict (pass or fail) to $logs/NAME.rc.
run_one() {
	local name=$1 bin work crashes log=$logs/$1.log out=$logs/$1.out rc execs speed
	bin=$FUZZ_BUILD/bin/fuzz_$name
	work=$FUZZ_BUILD/corpus/$name
	crashes=$FUZZ_BUILD/crashes/$name
	mkdir -p "$work" "$crashes"
	local args=(-max_total_time="$FUZZ_SECONDS" -timeout=20 -print_final_stats=1
		-artifact_prefix="$crashes/")
	[[ -f tests/fuzz/$name.dict ]] && args+=(-dict="tests/fuzz/$name.dict")
	local opt=()
	[[ -f tests/fuzz/$name.options ]] && read -r -a opt <"tests/fuzz/$name.options" && args+=("${opt[@]}")
	local dirs=("$work") d
	for d in tests/fuzz/corpus/$name tests/fuzz/regress/$name; do
		[[ -d $d ]] && dirs+=("$d")
	done
	{
		echo "== fuzz $name (${FUZZ_SECONDS}s)"
		if [[ ! -x $bin ]]; then
			echo "FAIL fuzz $name: no binary $bin"
			echo fail >"$logs/$name.rc"
			return
		fi
		"$bin" "${args[@]}" "${extra[@]}" "${dirs[@]}" >"$log" 2>&1 </dev/null
		rc=$?
		# libFuzzer's progress lines are many; keep the end and any report.
		grep -E '^(==[0-9]+==|SUMMARY|INFO: Seed|#[0-9]+ +(INITED|DONE))|runtime error|stat::' "$log" |
			tail -n 40
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
		speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
		if ((rc == 0)); then
			echo "PASS fuzz $name: ${execs:-?} executions, ${speed:-?} exec/s, no crash"
			echo pass >"$logs/$name.rc"
		else
			echo "FAIL fuzz $name: exit status $rc after ${execs:-?} executions; see $crashes/"
			tail -n 60 "$log"
			echo fail >"$logs/$name.rc"
		fi
	} >"$out" 2>&1
}

# FUZZ_JOBS harnesses at a time (default: the number of cores); each
# report is printed whole, in the order the harnesses were named.
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
((jobs >= 1)) || jobs=1
running=0
for name in "$@"; do
	if ((running >= jobs)); then
		wait -n
		running=$((running - 1))
	fi
	run_one "$name" &
	running=$((running + 1))
done
wait
for name in "$@"; do
	cat "$logs/$name.out" 2>/dev/null
	if [[ $(cat "$logs/$name.rc" 2>/dev/null) == pass ]]; then
		passed=$((passed + 1))
	else
		[[ -f $logs/$name.rc ]] || echo "FAIL fuzz $name: no verdict"
		failed=$((failed + 1))
	fi
done

echo "$passed passed, $failed failed"
((failed == 0 && passed > 0))

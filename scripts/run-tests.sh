#!/usr/bin/env bash
# run-tests.sh UNIT_BIN... - run the cmocka unit test binaries, then the fuzz
# harnesses' replays over their seed corpus and regressions, then the
# end-to-end tests (node --test on tests/e2e) when there are any, on each
# storage backend in turn, and finish with one line "N passed, N failed".
# Exit status 0 only when something ran and nothing failed.
#
# On PostgreSQL the store's unit tests and the end-to-end tests run again
# against a throw-away server that scripts/pgtmp.sh starts (and removes
# afterwards); the other unit tests and the fuzz replays run once.  Suites
# of that pass are named "pgsql:NAME".
#
#   DUALTRACK_BACKEND  sqlite, pgsql or both (default: both)
#   BUILD              build directory holding dualtrack (default: build)
#   FUZZ_REPLAY        replay binaries (BUILD/tests/replay_NAME), space-separated
#   E2E_JOBS           end-to-end test files run at once (default: 2)
#   TEST_TIMEOUT       seconds allowed per unit binary / e2e run (default: 1800)
#   DUALTRACK_TEST_PG  base URI of a PostgreSQL server for the tests (default: one started
#                      by scripts/pgtmp.sh for the run and removed after; "none": no server)
#   ASAN_OPTIONS etc.  passed through unchanged
set -uo pipefail

BUILD=${BUILD:-build}
[[ $BUILD == /* ]] || BUILD=$PWD/$BUILD
bins=()
for b in "$@"; do
	[[ $b == /* ]] || b=$PWD/$b
	bins+=("$b")
done
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
timeout_s=${TEST_TIMEOUT:-1800}
# Test files at once: most of an end-to-end test's time is spent waiting on a
# server, so two files share a core well (node's own default is cores - 1).
e2e_jobs=${E2E_JOBS:-2}
backend=${DUALTRACK_BACKEND:-both}
case $backend in
sqlite | pgsql | both) ;;
*)
	echo "run-tests.sh: DUALTRACK_BACKEND must be sqlite, pgsql or both (not '$backend')" >&2
	exit 2
	;;
esac
pgdir=
cleanup() {
	rm -f "$log"
	[[ -n $pgdir ]] && scripts/pgtmp.sh stop "$pgdir" >/dev/null 2>&1
	return 0
}

total_pass=0
total_fail=0
ran=0
failed_suites=()
log=$(mktemp "${TMPDIR:-/tmp}/dualtrack-test.XXXXXX")
trap cleanup EXIT

# The PostgreSQL half of the tests runs on a throw-away server unless
# DUALTRACK_TEST_PG already names one (DUALTRACK_TEST_PG=none: no server;
# then the tests that need one say they were skipped, or fail when CI=true).
# The driver's own tests (test_db) use it in every pass; the store's tests
# and the end-to-end tests use it in the PostgreSQL pass only, told so by
# DUALTRACK_TEST_BACKEND=pgsql.
if [[ -z ${DUALTRACK_TEST_PG:-} ]]; then
	pgdir=$(mktemp -d "${TMPDIR:-/tmp}/dualtrack-pg.XXXXXX")
	rmdir "$pgdir"
	if uri=$(PGTMP_FAST=1 scripts/pgtmp.sh start "$pgdir"); then
		export DUALTRACK_TEST_PG=$uri
		echo "== PostgreSQL for the tests: $uri"
	else
		echo "== no PostgreSQL server for the tests (scripts/pgtmp.sh start failed)"
		[[ -e $pgdir ]] || pgdir=
	fi
elif [[ $DUALTRACK_TEST_PG == none ]]; then
	unset DUALTRACK_TEST_PG
fi

# summary SUITE PASS FAIL [NOTE]
summary() {
	local status=PASS
	(($3)) && status=FAIL
	printf '%s %s: %d passed, %d failed%s\n' "$status" "$1" "$2" "$3" "${4:+ ($4)}"
	total_pass=$((total_pass + $2))
	total_fail=$((total_fail + $3))
	ran=$((ran + 1))
	(($3)) && failed_suites+=("$1")
	return 0
}

# --- unit tests (cmocka) -------------------------------------------------
# cmocka prints its summary on stderr, once per group:
#   [  PASSED  ] 3 test(s).
#   [  FAILED  ] 2 test(s), listed below:
# and exits with the number of failed tests.
# run_unit PREFIX: on PostgreSQL ("pgsql:") only the binaries whose tests
# open a store (tests/unit/NAME.c uses store_fixture.h or names
# DUALTRACK_TEST_BACKEND).
run_unit() {
local prefix=$1 bin name rc pass fail groups note
for bin in "${bins[@]}"; do
	name=${bin##*/}
	if [[ -n $prefix ]] && ! grep -qE 'store_fixture\.h|DUALTRACK_TEST_BACKEND' "tests/unit/$name.c" 2>/dev/null; then
		continue
	fi
	echo "== ${bin#"$PWD"/}"
	if [[ ! -x $bin ]]; then
		summary "$prefix$name" 0 1 "missing binary"
		continue
	fi
	CMOCKA_MESSAGE_OUTPUT=stdout timeout -k 10 "$timeout_s" "$bin" >"$log" 2>&1 </dev/null
	rc=$?
	cat "$log"
	pass=0 fail=0 groups=0
	while IFS= read -r line; do
		if [[ $line =~ ^\[\ \ PASSED\ \ \]\ ([0-9]+)\ test ]]; then
			pass=$((pass + BASH_REMATCH[1]))
			groups=$((groups + 1))
		elif [[ $line =~ ^\[\ \ FAILED\ \ \]\ ([0-9]+)\ test\(s\),\ listed\ below ]]; then
			fail=$((fail + BASH_REMATCH[1]))
		fi
	done <"$log"
	# A timeout, a crash, a missing summary, or a non-zero exit with nothing
	# reported failed (LeakSanitizer after a passing run) is one more failure.
	note=
	if ((rc == 124 || rc == 137)); then
		note="timed out after ${timeout_s}s"
	elif ((rc > 128)); then
		note="killed by signal $((rc - 128))"
	elif ((groups == 0 && fail == 0)); then
		note="no cmocka summary, exit status $rc"
	elif ((rc != 0 && fail == 0)); then
		note="exit status $rc"
	fi
	[[ -n $note ]] && fail=$((fail + 1))
	summary "$prefix$name" "$pass" "$fail" "$note"
done
}

# --- end-to-end tests (node:test) -----------------------------------------
run_e2e() {
local prefix=$1 rc pass fail cancelled seen note
shopt -s nullglob
local e2e=(tests/e2e/*.test.mjs)
if ((${#e2e[@]})); then
	echo "== node --test --test-concurrency=$e2e_jobs tests/e2e/"
	DUALTRACK_BIN=$BUILD/dualtrack timeout -k 10 "$timeout_s" \
		node --test --test-concurrency="$e2e_jobs" --test-reporter=tap tests/e2e/ >"$log" 2>&1 </dev/null
	rc=$?
	cat "$log"
	# The run's summary is the last top-level "# pass N" / "# fail N"; a
	# test's console output also becomes a "# ..." comment, so take the last.
	pass=0 fail=0 cancelled=0 seen=0
	while IFS= read -r line; do
		if [[ $line =~ ^#\ pass\ ([0-9]+)$ ]]; then
			pass=${BASH_REMATCH[1]}
			seen=1
		elif [[ $line =~ ^#\ fail\ ([0-9]+)$ ]]; then
			fail=${BASH_REMATCH[1]}
		elif [[ $line =~ ^#\ cancelled\ ([0-9]+)$ ]]; then
			cancelled=${BASH_REMATCH[1]}
		fi
	done <"$log"
	fail=$((fail + cancelled))
	note=
	if ((!seen)); then
		note="no TAP summary, exit status $rc"
		fail=$((fail + 1))
	elif ((rc != 0 && fail == 0)); then
		note="exit status $rc"
		fail=1
	fi
	summary "${prefix}e2e" "$pass" "$fail" "$note"
fi
}

if [[ $backend != pgsql ]]; then
	run_unit ""
fi
# --- fuzz replays ----------------------------------------------------------
# Each harness of tests/fuzz run by the ordinary compiler over its seed
# corpus and every crash once found (tests/fuzz/regress/NAME): one passed
# per harness that runs them all, one failed if it crashes or reports.
for bin in ${FUZZ_REPLAY:-}; do
	[[ $bin == /* ]] || bin=$PWD/$bin
	name=${bin##*/replay_}
	echo "== ${bin#"$PWD"/}"
	if [[ ! -x $bin ]]; then
		summary "fuzz-replay-$name" 0 1 "missing binary"
		continue
	fi
	timeout -k 10 "$timeout_s" "$bin" "tests/fuzz/corpus/$name" "tests/fuzz/regress/$name" \
		>"$log" 2>&1 </dev/null
	rc=$?
	tail -n 40 "$log"
	if ((rc == 0)) && grep -q "^replay " "$log"; then
		summary "fuzz-replay-$name" 1 0
	else
		summary "fuzz-replay-$name" 0 1 "exit status $rc"
	fi
done

if [[ $backend != pgsql ]]; then
	run_e2e ""
fi
if [[ $backend != sqlite ]]; then
	if [[ -n ${DUALTRACK_TEST_PG:-} ]]; then
		export DUALTRACK_TEST_BACKEND=pgsql
		run_unit "pgsql:"
		run_e2e "pgsql:"
		unset DUALTRACK_TEST_BACKEND
	else
		summary "pgsql" 0 1 "no PostgreSQL server for the tests"
	fi
fi

if ((${#failed_suites[@]})); then
	echo "failed: ${failed_suites[*]}"
fi
if ((ran == 0)); then
	echo "no tests found" >&2
fi
echo "$total_pass passed, $total_fail failed"
((ran > 0 && total_pass + total_fail > 0 && total_fail == 0))

#!/bin/sh
# isolation.sh - --isolation fork (the default): each item in a process of its
# own, no state carried over; --isolation none: all in the runner's process,
# failures and skips still contained, a crash ends the run but names the test.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init isolation

src=tests/e2e/isolation.c
t_build isolation $src
bin=$T_WORK/isolation
pids=$T_WORK/pids.log
mixed=$T_WORK/mixed.log

for iso in default fork; do
	rm -f "$pids"
	if [ $iso = default ]; then
		t_run "$bin" -k state
	else
		t_run "$bin" --isolation fork -k state
	fi
	t_status 0 "$iso: no state carried from one item to the next"
	t_summary "3 passed, 7 deselected" "$iso: closing line"
	t_eq "$(sort -u "$pids" | wc -l)" 3 "$iso: three items, three processes"
done

rm -f "$pids"
t_run "$bin" --isolation none -k state
t_status 1 "none: state carried over makes state::second fail"
t_match out "^FAILED $(t_re "$src::state::second") - " "none: FAILED line for state::second"
t_summary "1 failed, 2 passed, 7 deselected" "none: closing line"
t_eq "$(sort -u "$pids" | wc -l)" 1 "none: three items, one process"

for iso in fork none; do
	t_run "$bin" --isolation $iso -k api
	t_status 0 "$iso: herd_test_id(), herd_worker_id() = main, herd_param() = NULL"
done

for iso in fork none; do
	rm -f "$mixed"
	t_run "$bin" --isolation $iso -k mixed
	t_status 1 "$iso: failures exit 1"
	t_summary "2 failed, 1 passed, 1 skipped, 6 deselected" \
		"$iso: failure, REQUIRE, skip and pass each counted"
	t_want mixed "fails went on" "passes ran"
	t_same "$mixed" "$T_WORK/mixed.want" \
		"$iso: CHECK goes on, REQUIRE and herd_skip stop the test, the next test runs"
done

# A crash in-process ends the run, but says which test did it.
t_run "$bin" --isolation none -k boom
t_status_failed "none: a segfault makes the run fail"
t_has all "$src::boom::dies" "none: the report names the test that crashed"

t_run "$bin" -k boom -v
t_status 1 "fork: a segfault is contained, exit 1"
t_outcome CRASHED "$src::boom::dies" "fork: the segfault is CRASHED"
t_outcome PASSED "$src::boom::later" "fork: the next test still runs"

t_finish

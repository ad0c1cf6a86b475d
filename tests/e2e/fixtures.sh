#!/bin/sh
# fixtures.sh - fixtures seen from outside: test-scoped set-up and tear-down
# around every item in order (also after a failing test), a failing set-up
# making every dependent item an error, suite-scoped fixtures set up once per
# suite in the runner before the items fork. Both isolation modes.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init fixtures

src=tests/e2e/fixtures.c
t_build fixtures $src
bin=$T_WORK/fixtures
log=$T_WORK/fx.log
slog=$T_WORK/suite.log

t_want order setup "body first" teardown setup "body second" teardown \
	setup "body check_fails" "after the CHECK" teardown \
	setup "body require_fails" teardown \
	setup setup2 "body two_fixtures" teardown2 teardown

for iso in fork none; do
	rm -f "$log"
	t_run "$bin" --isolation $iso -k order
	t_status 1 "$iso: failing tests with fixtures: exit 1"
	t_summary "2 failed, 3 passed, 8 deselected" "$iso: closing line"
	t_same "$log" "$T_WORK/order.want" \
		"$iso: set-up, body, tear-down per test; tear-down after failures; two fixtures nest"
done

# A set-up that fails.
rm -f "$log"
t_run "$bin" -k errs
t_status 1 "failing set-up: exit 1"
t_match out "^$(t_re $src) +EE *\[100%\]\$" "failing set-up: progress EE"
t_summary "2 errors, 11 deselected" "failing set-up: closing line '2 errors'"
t_match out "^ERROR $(t_re "$src::errs::one") - .+" "ERROR line for errs::one"
t_match out "^ERROR $(t_re "$src::errs::two") - .+" "ERROR line for errs::two"
t_section "$src::errs::one"
t_has "$T_SECTION" "database unavailable" "errs::one: the set-up's message is shown"
t_section "$src::errs::two"
t_has "$T_SECTION" "database unavailable" "errs::two: the set-up's message is shown"
t_count "$log" '^broken setup$' 2 "the failing set-up ran once per item"
t_lacks "$log" "body errs" "no body runs after its set-up failed"

# A test without fixtures runs no fixture.
rm -f "$log"
t_run "$bin" -k no_fixture
t_status 0 "a test without fixtures passes"
t_want plain "body no_fixture"
t_same "$log" "$T_WORK/plain.want" "no fixture runs for a test that names none"

# Suite scope. Lines of suite.log: "setup PID", "test PID", "teardown PID".
for iso in fork none; do
	rm -f "$slog"
	t_run "$bin" --isolation $iso -k suite_
	t_status 0 "$iso: suite fixture: the tests see its state, exit 0"
	t_summary "5 passed, 8 deselected" "$iso: suite fixture: closing line"
	t_eq "$(awk '{ printf "%s ", $1 }' "$slog" 2>/dev/null)" \
		"setup test test test teardown setup test test teardown " \
		"$iso: suite fixture set up once per suite, torn down after it"
	t_eq "$(awk '$1 == "setup" { s = $2 } $1 == "teardown" && $2 != s { bad++ }
		END { print bad + 0 }' "$slog" 2>/dev/null)" 0 \
		"$iso: suite set-up and tear-down run in the same process"
done
t_eq "$(awk '{ print $2 }' "$slog" | sort -u | wc -l)" 1 \
	"none: fixtures and tests all run in the one process"
rm -f "$slog"
t_run "$bin" -k suite_
t_eq "$(awk '$1 == "test" { print $2 }' "$slog" 2>/dev/null | sort -u | wc -l)" 5 \
	"fork (default): every item runs in a process of its own"
t_eq "$(awk '$1 == "setup" { s[$2] = 1 } $1 == "test" && ($2 in s) { bad++ }
	END { print bad + 0 }' "$slog" 2>/dev/null)" 0 \
	"fork: the suite is set up in the runner, not in an item's process"

t_finish

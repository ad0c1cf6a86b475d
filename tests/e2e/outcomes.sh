#!/bin/sh
# outcomes.sh - every outcome of a well-behaved test (passed, failed, skipped
# by option and at run time, xfailed, xpassed, strict xpass), expected signals
# and exit statuses, the pytest-like report, node ids and the exit codes 0, 1
# and 5 of a standalone test binary.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init outcomes

src=tests/e2e/outcomes.c
id=$src::basic
t_build outcomes $src
bin=$T_WORK/outcomes
check_line=$(grep -n 'CHECK_EQ(got, 42' "$HERD_SRC/$src" | cut -d: -f1)

# --- the whole file, default options ---
t_run "$bin"
t_status 1 "a run with failures exits 1"
t_match out '^=+ test session starts =+$' "header line"
t_match out '^collected 7 items$' "collected 7 items"
t_match out "^$(t_re $src) +\.FssxXF *\[100%\]\$" \
	"progress line: file name, .FssxXF, [100%]"
t_match out '^=+ FAILURES =+$' "FAILURES header"
t_section "$id::fails"
t_has "$T_SECTION" "$src:$check_line" "failure names file:line of the CHECK_EQ"
t_has "$T_SECTION" "CHECK_EQ" "failure names the macro"
t_match "$T_SECTION" 'got.*42|42.*got' "failure shows the expression text 'got' and '42'"
t_match "$T_SECTION" '(^|[^0-9])41([^0-9]|$)' "failure shows the value 41"
t_has "$T_SECTION" "the answer was off by one" "failure shows the assertion's message"
t_section "$id::xpass_strict"
t_match out '^=+ short test summary info =+$' "short test summary header"
t_match out "^FAILED $(t_re "$id::fails") - .+" "FAILED line for basic::fails"
t_match out "^FAILED $(t_re "$id::xpass_strict")( |\$)" \
	"a strict xpass is reported FAILED"
t_nomatch out "^[A-Z]+ $(t_re "$id::")(passes|xpasses|xfails|skipped_opt|skipped_rt)( |\$)" \
	"no summary line for items that did not fail"
t_summary "2 failed, 1 passed, 2 skipped, 1 xfailed, 1 xpassed" "closing line counts"
t_eq "$(cat "$T_WORK/ran.log" 2>/dev/null)" "" "skipped tests never run past the skip"

# --- verbose ---
t_run "$bin" -v
t_status 1 "-v: exit 1"
t_outcome PASSED "$id::passes" "-v: passes PASSED"
t_outcome FAILED "$id::fails" "-v: fails FAILED"
t_outcome SKIPPED "$id::skipped_opt" "-v: .skip is SKIPPED"
t_outcome SKIPPED "$id::skipped_rt" "-v: herd_skip is SKIPPED"
t_outcome XFAIL "$id::xfails" "-v: xfails XFAIL"
t_outcome XPASS "$id::xpasses" "-v: xpasses XPASS"
t_outcome FAILED "$id::xpass_strict" "-v: strict xpass FAILED"
t_count out '^\[ *[0-9]+%\] [A-Z]+ ' 7 "-v: one line per item"
t_match out '^\[100%\] [A-Z]+ ' "-v: the last item is at [100%]"
t_nomatch out "^$(t_re $src) +[.FEsxXCT]+" "-v: no progress-character line"
t_summary "2 failed, 1 passed, 2 skipped, 1 xfailed, 1 xpassed" "-v: closing line"

# --- exit statuses of subsets ---
t_run "$bin" -k "basic and passes and not xpasses"
t_status 0 "only a passing test: exit 0"
t_match out '^collected 7 items / 6 deselected' "collected 7 items / 6 deselected"
t_summary "1 passed, 6 deselected" "closing line: 1 passed, 6 deselected"
t_run "$bin" -k xpasses
t_status 0 "a non-strict xpass does not fail the run"
t_summary "1 xpassed, 6 deselected" "closing line: 1 xpassed"
t_run "$bin" -k xfails
t_status 0 "an xfail does not fail the run"
t_summary "1 xfailed, 6 deselected" "closing line: 1 xfailed"
t_run "$bin" -k skipped
t_status 0 "skips do not fail the run"
t_summary "2 skipped, 5 deselected" "closing line: 2 skipped"
t_run "$bin" -k xpass_strict
t_status 1 "a strict xpass fails the run"
t_summary "1 failed, 6 deselected" "closing line: strict xpass counts as failed"
t_run "$bin" -k no_such_test
t_status 5 "nothing selected: exit 5"
t_match out '^collected 7 items / 7 deselected' "collected 7 items / 7 deselected"
t_summary "no tests ran.*|7 deselected" "closing line when nothing ran"

# --- in-process, the same outcomes ---
t_run "$bin" --isolation none
t_status 1 "--isolation none: exit 1"
t_summary "2 failed, 1 passed, 2 skipped, 1 xfailed, 1 xpassed" \
	"--isolation none: same closing line"
t_eq "$(cat "$T_WORK/ran.log" 2>/dev/null)" "" "--isolation none: skips stop the test"

# --- node ids ---
t_run "$bin" --list
t_status 0 "--list exits 0"
t_want list "$id::passes" "$id::fails" "$id::skipped_opt" "$id::skipped_rt" \
	"$id::xfails" "$id::xpasses" "$id::xpass_strict"
t_same out "$T_WORK/list.want" "--list: one node id per line, in line order"
t_build outcomes_dot ./$src
t_run "$T_WORK/outcomes_dot" --list
t_eq "$(head -n 1 "$T_OUT")" "$id::passes" "a leading ./ of the source path is not in the id"

# --- a binary without tests ---
t_build empty tests/e2e/empty.c
t_run "$T_WORK/empty"
t_status 5 "no tests at all: exit 5"
t_match out '^collected 0 items' "collected 0 items"
t_summary "no tests ran" "closing line: no tests ran"

# --- expected signals and exit statuses ---
src=tests/e2e/expect.c
t_build expect $src
t_run "$T_WORK/expect" -v
t_status 1 "expectations not met fail the run"
t_outcome PASSED "$src::sig::segv_ok" ".signal = SIGSEGV and a segfault: PASSED"
t_outcome PASSED "$src::sig::abort_ok" ".signal = SIGABRT and abort(): PASSED"
t_outcome FAILED "$src::sig::returns" ".signal = SIGSEGV but returns: FAILED"
t_outcome "FAILED|CRASHED" "$src::sig::wrong_signal" \
	".signal = SIGSEGV but SIGABRT: not passed"
t_outcome PASSED "$src::ex::exit3_ok" ".exit_code = 3 and exit(3): PASSED"
t_outcome PASSED "$src::ex::exit0_ok" ".exit_code = 0, .expect_exit and exit(0): PASSED"
t_outcome FAILED "$src::ex::returns" ".exit_code = 3 but returns: FAILED"
t_outcome "FAILED|CRASHED" "$src::ex::wrong_code" ".exit_code = 3 but exit(4): not passed"
t_outcome "FAILED|CRASHED" "$src::ex::signal_instead" \
	".exit_code = 3 but SIGABRT: not passed"
t_eq "$(t_summary_n passed)" 4 "closing line: 4 passed"
t_eq $(($(t_summary_n failed) + $(t_summary_n crashed))) 5 \
	"closing line: 5 failed or crashed"
t_run "$T_WORK/expect" -k ok
t_status 0 "met expectations pass the run"
t_summary "4 passed, 5 deselected" "closing line: 4 passed, 5 deselected"

t_finish

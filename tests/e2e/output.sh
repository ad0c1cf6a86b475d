#!/bin/sh
# output.sh - what the report shows: captured output (stdout, stderr, child
# processes) only for failing items, or none with -s; assertion details with
# file:line, macro, expression and values; -v and -q.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init output

src=tests/e2e/output.c
t_build output $src
bin=$T_WORK/output
line_of() {
	grep -n "mark:$1" "$HERD_SRC/$src" | cut -d: -f1
}

t_run "$bin"
t_status 1 "exit 1"
t_match out "^$(t_re $src) +\.FFFFFFFF *\[100%\]\$" "progress line .FFFFFFFF"
t_summary "8 failed, 1 passed" "closing line"
t_count out "^FAILED $(t_re $src)::" 8 "one FAILED line per failing item"
t_lacks all "NOISY-PASS-STDOUT" "stdout of a passing test is not shown"
t_lacks all "NOISY-PASS-STDERR" "stderr of a passing test is not shown"
t_lacks all "AFTER-REQUIRE" "a failed REQUIRE stops the test"

t_section "$src::out::noisy_fail"
t_match "$T_SECTION" '^-+ Captured output -+$' "a failing test that printed has Captured output"
t_has "$T_SECTION" "OUT-MARKER" "captured stdout (unflushed stdio included)"
t_has "$T_SECTION" "ERR-MARKER" "captured stderr"
t_has "$T_SECTION" "SHELL-CHILD-MARKER" "captured stdout of a child from system()"
t_has "$T_SECTION" "SHELL-CHILD-STDERR" "captured stderr of a child from system()"
t_has "$T_SECTION" "FORK-CHILD-MARKER" "captured output of a forked child"

t_section "$src::detail::check_eq"
t_has "$T_SECTION" "$src:$(line_of check_eq)" "CHECK_EQ: file:line"
t_has "$T_SECTION" "CHECK_EQ" "CHECK_EQ: the macro"
t_has "$T_SECTION" "a + 1" "CHECK_EQ: the first expression"
t_match "$T_SECTION" '(^|[^0-9])12345([^0-9]|$)' "CHECK_EQ: the first value"
t_match "$T_SECTION" '(^|[^0-9])67890([^0-9]|$)' "CHECK_EQ: the second value"
t_nomatch "$T_SECTION" '^-+ Captured output -+$' "no Captured output for a test that printed nothing"

t_section "$src::detail::two_checks"
t_has "$T_SECTION" "$src:$(line_of check_one)" "two CHECKs: the first is reported"
t_has "$T_SECTION" "$src:$(line_of check_two)" "two CHECKs: the second is reported too"
t_has "$T_SECTION" "AFTER-CHECK" "a failed CHECK lets the test go on"

t_section "$src::detail::str_eq"
t_has "$T_SECTION" "apple pie" "CHECK_STR_EQ: the first string"
t_has "$T_SECTION" "cherry tart" "CHECK_STR_EQ: the second string"

t_section "$src::detail::with_message"
t_has "$T_SECTION" "after 3 pushes" "the assertion's printf-style message"

t_section "$src::detail::fail_macro"
t_has "$T_SECTION" "gave up at step 9" "FAIL's message"

t_section "$src::quiet::fails_silently"
t_has "$T_SECTION" "0 > 1" "CHECK: the expression text"

# --- -s: nothing captured, everything straight through ---
t_run "$bin" -s
t_status 1 "-s: exit 1"
t_has out "NOISY-PASS-STDOUT" "-s: a passing test's stdout reaches stdout"
t_has err "NOISY-PASS-STDERR" "-s: a passing test's stderr reaches stderr"
t_has out "OUT-MARKER" "-s: a failing test's stdout reaches stdout"
t_has out "FORK-CHILD-MARKER" "-s: a child's output reaches stdout"
t_nomatch out '^-+ Captured output -+$' "-s: no Captured output sections"
t_summary "8 failed, 1 passed" "-s: closing line"

# --- -v and -q ---
t_run "$bin" -v
t_status 1 "-v: exit 1"
t_count out '^\[ *[0-9]+%\] [A-Z]+ ' 9 "-v: one line per item"
t_outcome PASSED "$src::out::noisy_pass" "-v: [ NN%] PASSED id"
t_outcome FAILED "$src::detail::check_eq" "-v: [ NN%] FAILED id"
t_match out "^\[100%\] FAILED $(t_re "$src::quiet::fails_silently")\$" \
	"-v: the last item at [100%]"
t_match out "^\[ 11%\] PASSED $(t_re "$src::out::noisy_pass")\$" \
	"-v: the first of 9 items at [ 11%]"
t_lacks all "NOISY-PASS-STDOUT" "-v: a passing test's output is still not shown"
t_summary "8 failed, 1 passed" "-v: closing line"

t_run "$bin" -q
t_status 1 "-q: exit 1"
t_nomatch out 'test session starts' "-q: no header"
t_has out "8 failed, 1 passed" "-q: the counts are still reported"

t_finish

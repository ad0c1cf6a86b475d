#!/bin/sh
# misbehave.sh - tests that crash, exit, hang, ignore SIGTERM, flood stdout,
# close fd 1, leave children behind and write garbage: each ends with exactly
# one outcome, the run ends, nothing is left running, the JUnit file is valid.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init misbehave

src=tests/e2e/misbehave.c
t_build misbehave $src
bin=$T_WORK/misbehave
xml=$T_WORK/misbehave.xml

# --- everything at once ---
t_run "$bin" --timeout 1 --junit-xml "$xml"
t_status 1 "a run with crashes, timeouts and failures exits 1"
t_lt "$T_ELAPSED" 120 "the run ends well within the guard (3 timeouts of 1 s)"
t_match out '^collected 15 items$' "collected 15 items"
t_match out "^$(t_re $src) +CCCCCTT\.FF\.\.TF\. *\[100%\]\$" \
	"progress line CCCCCTT.FF..TF."
t_summary "3 failed, 5 crashed, 3 timeouts?, 4 passed" "closing line counts"
t_match out "^CRASHED $(t_re "$src::crash::segv") - .*SIGSEGV" \
	"CRASHED line for the segfault names SIGSEGV"
t_match out "^CRASHED $(t_re "$src::crash::aborts") - .*SIGABRT" \
	"CRASHED line for abort() names SIGABRT"
t_match out "^CRASHED $(t_re "$src::crash::exit_zero") - .+" \
	"exit(0) in a test is a crash"
t_match out "^CRASHED $(t_re "$src::crash::exit_seven") - .*7" \
	"exit(7) in a test is a crash, and the status is shown"
t_match out "^CRASHED $(t_re "$src::crash::kills_group") - .*SIGTERM" \
	"SIGTERM to its process group kills the test alone: CRASHED, SIGTERM"
t_match out "^TIMEOUT $(t_re "$src::hang::spins") - .+" "TIMEOUT line for an endless loop"
t_match out "^TIMEOUT $(t_re "$src::hang::ignores_term") - .+" \
	"TIMEOUT line for a test that ignores SIGTERM"
t_match out "^TIMEOUT $(t_re "$src::linger::child_hang") - .+" \
	"TIMEOUT line for a hung test with a child"
t_match out "^FAILED $(t_re "$src::flood::fail_10mb") - .+" "FAILED line after 10 MB of output"
t_match out "^FAILED $(t_re "$src::fds::close_stdout_fail") - .+" \
	"FAILED line after close(1)"
t_match out "^FAILED $(t_re "$src::garbage::fails") - .+" "FAILED line after garbage output"
t_nomatch out "^[A-Z]+ $(t_re "$src::")(flood::pass_10mb|fds::close_all_pass|linger::child_pass|zz::quick_pass) " \
	"no summary line for the tests that passed"
t_section "$src::fds::close_stdout_fail"
t_has "$T_SECTION" "failed with fd 1 closed" "the failure with fd 1 closed is reported"
t_has "$T_SECTION" "BEFORE-CLOSE" "output written before close(1) is shown"
t_section "$src::garbage::fails"
t_has "$T_SECTION" "GARBAGE-DONE" "output after the garbage is shown"

# Nothing the tests started outlives the run.
for f in linger_pass linger_hang ignores_term; do
	if [ -s "$T_WORK/$f.pid" ]; then
		p=$(head -n 1 "$T_WORK/$f.pid")
		if t_wait_gone "$p" 30; then
			t_pass "the process of $f is gone after the run"
		else
			t_fail "the process of $f is gone after the run" "pid $p dead" \
				"still running: $(ps -o pid=,stat=,args= -p "$p" 2>/dev/null)"
		fi
	else
		t_fail "the test wrote $f.pid" "a pid in $f.pid" "no file"
	fi
done

# The JUnit file survives all of it and agrees with the terminal.
t_xml_valid "$xml" "JUnit XML is well-formed despite the garbage"
t_xml_eq "$xml" 'sum(//testsuite/@tests)' 15 "JUnit: tests=15"
t_xml_eq "$xml" 'sum(//testsuite/@failures)' 11 \
	"JUnit: failures=11 (failed, crashed and timeouts)"
t_xml_eq "$xml" 'sum(//testsuite/@errors)' 0 "JUnit: errors=0"
t_xml_eq "$xml" 'sum(//testsuite/@skipped)' 0 "JUnit: skipped=0"
t_xml_eq "$xml" 'count(//testcase)' 15 "JUnit: 15 testcases"
t_xml_eq "$xml" 'count(//testcase[failure])' 11 "JUnit: 11 testcases with <failure>"
t_xml_eq "$xml" "contains(//testcase[contains(concat(@classname,' ',@name),'garbage')]/system-out, 'GARBAGE-DONE')" true \
	"JUnit: system-out of the garbage test holds its output"
t_eq "$(($(t_summary_n failed) + $(t_summary_n crashed) + $(t_summary_n 'timeouts\{0,1\}')))" \
	"$(t_xpath "$xml" 'sum(//testsuite/@failures)')" \
	"terminal and JUnit agree on the failures"

# --- one line per item ---
t_run "$bin" --timeout 1 -v
t_status 1 "-v: exit 1"
t_outcome CRASHED "$src::crash::segv" "-v: segfault CRASHED"
t_outcome CRASHED "$src::crash::aborts" "-v: abort() CRASHED"
t_outcome CRASHED "$src::crash::exit_zero" "-v: exit(0) CRASHED"
t_outcome CRASHED "$src::crash::exit_seven" "-v: exit(7) CRASHED"
t_outcome CRASHED "$src::crash::kills_group" "-v: SIGTERM to its own group CRASHED"
t_outcome TIMEOUT "$src::hang::spins" "-v: endless loop TIMEOUT"
t_outcome TIMEOUT "$src::hang::ignores_term" "-v: SIGTERM ignored, TIMEOUT"
t_outcome PASSED "$src::flood::pass_10mb" "-v: 10 MB then pass PASSED"
t_outcome FAILED "$src::flood::fail_10mb" "-v: 10 MB then fail FAILED"
t_outcome FAILED "$src::fds::close_stdout_fail" "-v: close(1) then fail FAILED"
t_outcome PASSED "$src::fds::close_all_pass" "-v: close(0, 1, 2) then pass PASSED"
t_outcome PASSED "$src::linger::child_pass" "-v: lingering child, test passes: PASSED"
t_outcome TIMEOUT "$src::linger::child_hang" "-v: lingering child, test hangs: TIMEOUT"
t_outcome FAILED "$src::garbage::fails" "-v: garbage then fail FAILED"
t_outcome PASSED "$src::zz::quick_pass" "-v: the last test still runs and PASSED"
t_count out '^\[ *[0-9]+%\] [A-Z]+ ' 15 "-v: exactly one line per item"

# --- output of a passing test is not shown, a failing test's is ---
t_run "$bin" -k pass_10mb
t_status 0 "10 MB then pass: exit 0"
t_summary "1 passed, 14 deselected" "10 MB then pass: closing line"
t_lt "$(wc -c <"$T_OUT")" 100000 "10 MB then pass: the output is not shown"
t_lacks out "FLOOD-BEGIN" "10 MB then pass: no captured output"
t_run "$bin" -k fail_10mb
t_status 1 "10 MB then fail: exit 1"
t_section "$src::flood::fail_10mb"
t_match "$T_SECTION" '^-+ Captured output -+$' "10 MB then fail: Captured output shown"
t_match "$T_SECTION" '^(FLOOD-BEGIN|FLOOD-END)$' \
	"10 MB then fail: the start or the end of the output is shown"
t_has "$T_SECTION" "flooded, then failed" "10 MB then fail: the failure message is shown"

# --- the lingering child alone: the run ends, the child is gone ---
rm -f "$T_WORK/linger_pass.pid"
t_run "$bin" -k child_pass
t_status 0 "a test leaving a child behind passes"
t_lt "$T_ELAPSED" 60 "a test leaving a child behind does not hang the run"
p=$(head -n 1 "$T_WORK/linger_pass.pid" 2>/dev/null)
if [ -n "$p" ] && t_wait_gone "$p" 30; then
	t_pass "the child left behind by a passing test is killed"
else
	t_fail "the child left behind by a passing test is killed" "pid ${p:-?} dead" \
		"still running: $(ps -o pid=,stat=,args= -p "${p:-0}" 2>/dev/null)"
fi

# In-process a test's child cannot be killed with it, but it must not hang
# the run either (it holds the output pipe).
rm -f "$T_WORK/linger_pass.pid"
t_run "$bin" --isolation none -k "child_pass or quick_pass"
t_status 0 "none: a test leaving a child behind passes"
t_lt "$T_ELAPSED" 60 "none: a child holding the output pipe does not hang the run"
t_summary "2 passed, 13 deselected" "none: closing line"

t_finish

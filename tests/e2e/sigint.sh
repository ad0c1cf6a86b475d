#!/bin/sh
# sigint.sh - SIGINT to a standalone run while a test blocks: the running test
# is killed (even one ignoring SIGINT and SIGTERM), the partial summary is
# printed, the JUnit file is complete and well-formed, the exit status is 2.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init sigint

src=tests/e2e/sigint.c
t_build sigint $src
bin=$T_WORK/sigint

# interrupt NAME ARG...: starts the binary, waits for test NAME to write
# NAME.pid, sends SIGINT to the runner, waits for the run to end.
interrupt() {
	int_name=$1
	shift
	rm -f "$T_WORK/$int_name.pid"
	t_start_bg "$bin" "$@"
	if [ -z "$T_BG" ]; then
		t_fail "$int_name: the runner starts" "a pid" "none"
	elif t_wait_file "$T_WORK/$int_name.pid" 60; then
		t_pass "$int_name: the blocking test started"
		kill -INT "$T_BG"
	else
		t_fail "$int_name: the blocking test started" "$int_name.pid written" \
			"nothing after 60 s"
		kill -INT "$T_BG" 2>/dev/null
	fi
	t_wait_bg
	t_lt "$T_ELAPSED" 60 "$int_name: the run ends soon after SIGINT"
	int_pid=$(head -n 1 "$T_WORK/$int_name.pid" 2>/dev/null)
	if [ -n "$int_pid" ] && t_wait_gone "$int_pid" 30; then
		t_pass "$int_name: the interrupted test's process is gone"
	else
		t_fail "$int_name: the interrupted test's process is gone" "pid ${int_pid:-?} dead" \
			"$(ps -o pid=,stat=,args= -p "${int_pid:-0}" 2>/dev/null)"
	fi
}

xml=$T_WORK/intr.xml
interrupt blocks -v --junit-xml "$xml" -k intr_a
t_status 2 "SIGINT: exit 2"
t_outcome PASSED "$src::intr_a::before" "the test before the interrupt is reported"
t_nomatch out "^\[ *[0-9]+%\] PASSED $(t_re "$src::intr_a::")(blocks|after)\$" \
	"the interrupted and the following tests are not reported passed"
t_eq "$(cat "$T_WORK/after.log" 2>/dev/null)" "" "no test runs after the interrupt"
t_summary "(.*, )?1 passed(, .*)?" "a partial closing line with the 1 passed test"
t_match all '[Ii]nterrupt' "the report says the run was interrupted"
t_xml_valid "$xml" "the JUnit file is complete and well-formed"
t_xml_eq "$xml" "count(//testcase[contains(@name,'before')])" 1 \
	"the JUnit file holds the test that ran"
t_xml_eq "$xml" "count(//testcase[contains(@name,'before')]/*[self::failure or self::error or self::skipped])" 0 \
	"the JUnit file records it as passed"
t_xml_eq "$xml" "sum(//testsuite/@tests) = count(//testcase)" true \
	"the JUnit counts agree with its testcases"

interrupt stubborn -k intr_b
t_status 2 "SIGINT, a test ignoring SIGINT and SIGTERM: exit 2"
t_match out '^=+ .* in [0-9]+(\.[0-9]+)?s =+$' "a closing line is printed"

t_finish

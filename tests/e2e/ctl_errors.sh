#!/bin/sh
# ctl_errors.sh - the herd controller facing bad input and interruptions: a
# path that is not a herd binary, unknown options and bad -k (exit 4, one
# line); a binary that crashes, speaks garbage or sleeps at start-up, or whose
# workers collect different tests (exit 3, no hang); -x stopping the run; and
# SIGINT in the middle of a run (exit 2, a partial summary, complete reports,
# no process left behind).
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init ctl_errors

herd=$HERD_BUILD/herd
[ -x "$herd" ] || t_bail "the controller is built" "$herd" "no such file"
command -v python3 >/dev/null 2>&1 || t_bail "python3 is there" "python3" "not found"

src=tests/e2e/ctl_errors.c
t_build errors $src
bin=$T_WORK/errors
rep=$T_WORK/reports
json=$rep/report.json
xml=$rep/report.xml

# fresh: empty logs and report folder for the next run.
fresh() {
	rm -rf "$rep" "$T_WORK/runs.log" "$T_WORK/startup.pid" "$T_WORK/blocks.pid"
	mkdir -p "$rep"
}

# workers_left: the pids of live processes running the test binary (its path
# is their argv[0]: the workers and the tests they forked).
workers_left() {
	for wl_d in /proc/[0-9]*; do
		wl_a=$({ tr '\000' '\n' <"$wl_d/cmdline"; } 2>/dev/null | head -n 1)
		[ "$wl_a" = "$bin" ] && t_alive "${wl_d#/proc/}" && printf '%s ' "${wl_d#/proc/}"
	done
	return 0
}

# none_left DESC: polls (30 s at most) until no process runs the binary.
none_left() {
	nl_i=600
	while [ -n "$(workers_left)" ] && [ "$nl_i" -gt 0 ]; do
		sleep 0.05
		nl_i=$((nl_i - 1))
	done
	nl_w=$(workers_left)
	if [ -z "$nl_w" ]; then
		t_pass "$1"
	else
		t_fail "$1" "no process running ${bin##*/}" \
			"$(for p in $nl_w; do ps -o pid=,stat=,args= -p "$p"; done 2>/dev/null | tr '\n' '|')"
	fi
}

# gone PID DESC: the process is dead, or dies within 30 s.
gone() {
	if [ -z "$1" ]; then
		t_fail "$2" "a pid" "none recorded"
	elif t_wait_gone "$1" 30; then
		t_pass "$2"
	else
		t_fail "$2" "pid $1 dead" "$(ps -o pid=,stat=,args= -p "$1" 2>/dev/null)"
	fi
}

# one_line DESC ERE: stderr is one line matching ERE, stdout is empty.
one_line() {
	t_count err '.' 1 "$1: one line on stderr"
	t_match err "$2" "$1: the line names the problem"
	t_count out '.' 0 "$1: nothing on stdout"
}

# --- usage errors: exit 4 ---
cp /bin/true "$T_WORK/notherd"
t_run "$herd" "$T_WORK/notherd"
t_status 4 "not a herd binary: exit 4"
one_line "not a herd binary" 'notherd.*not a herd test binary'

t_run "$herd" "$T_WORK/notherd" "$bin"
t_status 4 "a herd binary and one that is not: exit 4"
t_count all '(passed|PASSED)' 0 "a herd binary and one that is not: nothing runs"

mkdir -p "$T_WORK/nobins"
cp /bin/true "$T_WORK/nobins/true"
t_run "$herd" "$T_WORK/nobins"
t_status 5 "a folder without herd binaries: exit 5"
t_has err "nobins" "a folder without herd binaries: the message names it"

t_run "$herd" --no-such-option "$bin"
t_status 4 "unknown option: exit 4"
one_line "unknown option" "'--no-such-option'"

t_run "$herd" -k "before and (" "$bin"
t_status 4 "malformed -k: exit 4"
one_line "malformed -k" "-k.*before and \("

t_run "$herd" --dist sideways "$bin"
t_status 4 "unknown --dist mode: exit 4"
one_line "unknown --dist mode" "sideways"

t_run "$herd" "$T_WORK/no-such-file"
t_status 4 "a path that does not exist: exit 4"
one_line "a path that does not exist" "no-such-file"

# --- a binary that fails at start-up: exit 3, one line, no hang ---
export CTL_ERRORS
fresh
CTL_ERRORS='segv'
t_run "$herd" -n 2 "$bin"
t_status 3 "segfault at start-up: exit 3"
t_lt "$T_ELAPSED" 60 "segfault at start-up: no hang"
one_line "segfault at start-up" "$(t_re "$bin").*SIGSEGV"
gone "$(head -n 1 "$T_WORK/startup.pid" 2>/dev/null)" "segfault at start-up: the worker is gone"

fresh
CTL_ERRORS='garbage'
t_run "$herd" -n 2 "$bin"
t_status 3 "garbage at start-up: exit 3"
t_lt "$T_ELAPSED" 60 "garbage at start-up: no hang"
one_line "garbage at start-up" "$(t_re "$bin").*(garbage|protocol)"
gone "$(head -n 1 "$T_WORK/startup.pid" 2>/dev/null)" "garbage at start-up: the worker is gone"
none_left "garbage at start-up: no worker left"

fresh
CTL_ERRORS='sleep'
t_run "$herd" -n 2 --collect-timeout 2 "$bin"
t_status 3 "asleep at start-up, --collect-timeout 2: exit 3"
t_lt "$T_ELAPSED" 30 "asleep at start-up: the run ends soon after the 2 s"
one_line "asleep at start-up" "$(t_re "$bin").*2 ?s"
gone "$(head -n 1 "$T_WORK/startup.pid" 2>/dev/null)" "asleep at start-up: the worker is gone"
none_left "asleep at start-up: no worker left"

# --- workers collecting different tests: exit 3 ---
fresh
CTL_ERRORS='extra'
t_run "$herd" -n 2 "$bin"
t_status 3 "different collections: exit 3"
t_lt "$T_ELAPSED" 60 "different collections: no hang"
t_has err "Different tests were collected between" \
	"different collections: xdist's message"
t_has err "gw1" "different collections: the message names gw1"
t_has err "+$src::errs::only_on_gw1" "different collections: the diff shows gw1's extra test"
t_lacks all "replacing crashed worker" \
	"different collections: herd's own kill is not a crash to replace a worker for"
t_nomatch out '^CRASHED ' "different collections: no item is blamed for herd's own kill"
none_left "different collections: no worker left"
CTL_ERRORS=

# --- -x: the first failure stops the run ---
# (--no-cache: in file order, not longest first by earlier runs' times.)
# Told hold=1, a worker starts nothing after a failure until herd has said
# to go on or to stop (docs/protocol.md, config): nothing after it runs.
for iso in fork none; do
	fresh
	t_run "$herd" -n 1 --no-cache -x --isolation $iso "$bin" --json "$json" --junit-xml "$xml"
	t_status 1 "-x, $iso: exit 1"
	t_has out "stopping after 1 failure" "-x, $iso: the run says why it stopped"
	t_summary "1 failed, 5 passed, 17 not run" \
		"-x, $iso: the 5 items before the failure passed, none after it ran"
	t_lacks err "replacing crashed worker" "-x, $iso: no worker is replaced"
	t_eq "$(grep -c '::errs::after\[' "$T_WORK/runs.log" 2>/dev/null)" 0 \
		"-x, $iso: no item after the failure started"
	t_eq "$(t_jx "$json" "len(T), C(t['outcome'] for t in T)['not-run']")" "(23, 17)" \
		"-x, $iso: the JSON has the 23 items, the 17 not run among them"
	t_xml_eq "$xml" 'count(//testcase)' 23 "-x, $iso: JUnit has the 23 items"
done

# --maxfail 2 with one failure: the worker, waiting after it, is told to go
# on, and runs the rest.
fresh
t_run "$herd" -n 1 --no-cache --maxfail 2 "$bin" -k errs
t_status 1 "--maxfail 2, one failure: exit 1"
t_summary "1 failed, 15 passed, 7 deselected" "--maxfail 2, one failure: the run goes on after it"
t_eq "$(grep -c '::errs::after\[' "$T_WORK/runs.log" 2>/dev/null)" 10 \
	"--maxfail 2, one failure: the 10 items after it ran"

# --maxfail 2 on two workers (--dist each: each fails errs::fails once): the
# first failure is answered "go on", the second stops the run.
fresh
t_run "$herd" -n 2 --no-cache --maxfail 2 --dist each "$bin" -k errs
t_status 1 "--maxfail 2, -n 2: exit 1"
t_has out "stopping after 2 failures" "--maxfail 2, -n 2: the run says why it stopped"
t_eq "$(t_summary_n failed)" 2 "--maxfail 2, -n 2: both workers' failures ($(t_closing))"

# --- SIGINT in the middle of a run ---
# interrupt DESC ARG...: starts herd with the blocking test (in file order:
# --no-cache), waits for it to start, sends SIGINT to herd, waits for herd
# to end.
interrupt() {
	int_desc=$1
	shift
	fresh
	CTL_ERRORS='block'
	t_start_bg "$herd" --no-cache -k intr --junit-xml "$xml" --json "$json" "$@" "$bin"
	CTL_ERRORS=
	if [ -z "$T_BG" ]; then
		t_fail "$int_desc: herd starts" "a pid" "none"
	elif t_wait_file "$T_WORK/blocks.pid" 60; then
		t_pass "$int_desc: the blocking test started"
		kill -INT "$T_BG"
	else
		t_fail "$int_desc: the blocking test started" "blocks.pid written" \
			"nothing after 60 s"
		kill -INT "$T_BG" 2>/dev/null
	fi
	t_wait_bg
	t_status 2 "$int_desc: exit 2"
	t_lt "$T_ELAPSED" 60 "$int_desc: herd ends soon after SIGINT"
	t_match out "!+ Interrupted: SIGINT !+" "$int_desc: the report says it was interrupted"
	t_summary "[0-9]+ passed, [0-9]+ not run, 16 deselected" \
		"$int_desc: a partial closing line"
	t_eq "$(($(t_summary_n passed) + $(t_summary_n 'not run')))" 7 \
		"$int_desc: passed + not run = the 7 selected"
	t_eq "$(t_jx "$json" "[t['outcome'] for t in T if t['name'] == 'blocks']")" "['not-run']" \
		"$int_desc: the interrupted test is not run, not passed"
	t_eq "$(t_jx "$json" "len(T), d['summary']['passed'], d['summary']['not-run']")" \
		"(7, $(t_summary_n passed), $(t_summary_n 'not run'))" \
		"$int_desc: the JSON report is complete and agrees with the terminal"
	t_xml_valid "$xml" "$int_desc: the JUnit file is well-formed"
	t_xml_eq "$xml" 'count(//testcase)' 7 "$int_desc: the JUnit file holds the 7 items"
	t_xml_eq "$xml" 'sum(//testsuite/@tests)' 7 "$int_desc: JUnit tests=7"
	t_xml_eq "$xml" 'count(//testcase[not(*)])' "$(t_summary_n passed)" \
		"$int_desc: JUnit and the terminal agree on the passed"
	t_eq "$(cd "$rep" && ls -A | tr '\n' ' ')" "report.json report.xml " \
		"$int_desc: no temporary report file left"
	int_test=
	int_worker=
	{ read -r int_test int_worker <"$T_WORK/blocks.pid"; } 2>/dev/null
	gone "$int_test" "$int_desc: the interrupted test is gone"
	gone "$int_worker" "$int_desc: its parent (the worker, or herd's) is gone"
	none_left "$int_desc: no worker or test process left"
}

interrupt "SIGINT, -n 1" -n 1
t_summary "3 passed, 4 not run, 16 deselected" "SIGINT, -n 1: the 3 before passed, 4 not run"
t_eq "$(grep -c '::intr::later' "$T_WORK/runs.log" 2>/dev/null)" 0 \
	"SIGINT, -n 1: nothing ran after the interrupt"
interrupt "SIGINT, -n 2" -n 2
interrupt "SIGINT, -n 2, isolation none" -n 2 --isolation none

t_finish

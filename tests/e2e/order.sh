#!/bin/sh
# order.sh - order dependence under --isolation none. A failure there that
# had other tests before it in its process is rerun alone in a fresh one;
# when it then passes it stays failed, noted "order-dependent: passes alone"
# with the tests that ran before it (terminal, JUnit, JSON, counts unchanged).
# --no-isolation-check and fork isolation run no check; a test that fails
# alone too stays an ordinary failure. -x and --maxfail stop the run, not the
# check of the failures that stopped it. herd --bisect ID finds the polluter
# among twenty innocent tests in about log2 steps.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init order

herd=$HERD_BUILD/herd
[ -x "$herd" ] || t_bail "the controller is built" "$herd" "no such file"
src=tests/e2e/order.c
t_build order $src
bin=$T_WORK/order
ran=$T_WORK/ran.log
victim=$src::order::victim
polluter=$src::order::pollute
broken=$src::plain::broken

# In collection order on one worker, order::pollute runs before order::victim.
rm -f "$ran"
t_run "$herd" -n 1 --isolation none --junit-xml "$T_WORK/o.xml" --json "$T_WORK/o.json" \
	-k "not crowd" "$bin"
t_status 1 "none: the victim fails after the polluter, exit 1"
t_summary "2 failed, 22 passed, 62 deselected" "none: the counts are the run's, the check adds none"
t_match out "^FAILED $(t_re "$victim") - order-dependent: passes alone\$" \
	"none: the victim is reported order-dependent"
t_match out "^FAILED $(t_re "$broken") - .*CHECK\(0\) failed\$" \
	"none: a test that fails alone too is an ordinary failure"
t_count "$ran" "^victim " 2 "none: the victim ran twice, in the run and alone"
t_eq "$(sed -n 's/^victim //p' "$ran" | sort -u | wc -l)" 2 \
	"none: the second run of the victim was in a process of its own"
t_count "$ran" "^broken " 2 "none: plain::broken was checked too"
t_section "$victim"
t_has "$T_SECTION" "  $polluter" "none: the report names the polluter among the tests before it"
t_has "$T_SECTION" "after 21 tests ran there" "none: ... and counts them"
t_has "$T_SECTION" "CHECK_EQ(polluted, 0) failed: got 1, expected 0" \
	"none: ... and keeps the failure of the run"
t_count "$T_SECTION" "^  $(t_re "$src")::" 21 "none: the 21 tests before it, one a line"

# JSON and JUnit carry the note, and their counts agree with the terminal's.
t_count "$T_WORK/o.json" "\"outcome\": \"failed\"" 2 "json: two failed items"
t_has "$T_WORK/o.json" "\"failed\": 2, " "json: the summary says 2 failed"
t_match "$T_WORK/o.json" "\"id\": \"$(t_re "$victim")\".*\"outcome\": \"failed\".*\"message\": \"order-dependent: passes alone\\\\n" \
	"json: the victim is failed with the note first in its message"
if command -v xmllint >/dev/null 2>&1; then
	t_xml_eq "$T_WORK/o.xml" "string(/testsuites/@failures)" 2 "junit: 2 failures"
	t_xml_eq "$T_WORK/o.xml" "string(//testcase[@name='victim']/failure/@message)" \
		"order-dependent: passes alone" "junit: the victim's failure message is the note"
	t_junit_valid "$T_WORK/o.xml" "junit: valid against junit-10.xsd"
else
	t_skip "junit: counts and the note" "xmllint is not installed"
fi

# --reruns first: the rerun fails in the same process, then the check runs.
t_run "$herd" -n 1 --isolation none --reruns 1 --json "$T_WORK/r.json" -k "not crowd" "$bin"
t_status 1 "reruns: the victim still fails"
t_match out "^FAILED $(t_re "$victim") - order-dependent: passes alone\$" \
	"reruns: after its rerun fails too, the check finds it order-dependent"
t_match "$T_WORK/r.json" "\"id\": \"$(t_re "$victim")\".*\"reruns\": 1}" \
	"reruns: the check is not counted as a rerun"

# --no-isolation-check: a plain failure, run once.
rm -f "$ran"
t_run "$herd" -n 1 --isolation none --no-isolation-check -k "not crowd" "$bin"
t_status 1 "--no-isolation-check: exit 1"
t_summary "2 failed, 22 passed, 62 deselected" "--no-isolation-check: the same counts"
t_match out "^FAILED $(t_re "$victim") - .*CHECK_EQ\(polluted, 0\) failed" \
	"--no-isolation-check: a plain failure"
t_nomatch all "order-dependent" "--no-isolation-check: no note"
t_count "$ran" "^victim " 1 "--no-isolation-check: the victim ran once"

# -x stops the run at the victim, yet the check still runs (and nothing else):
# the stop is shown to be order-dependent, not a real failure. The victim is
# the last item sent to its worker; mf::p1, of a second binary, is still held
# by the scheduler when the run stops (with one worker the binary listed last
# runs first, and the bigger one too).
t_build maxfail tests/e2e/maxfail.c
rm -f "$ran" "$T_WORK/mf.log"
t_run "$herd" -n 1 --isolation none -x -k "(order and not crowd and not plain) or p1" \
	"$T_WORK/maxfail" "$bin"
t_status 1 "-x: exit 1"
t_has out "stopping after 1 failure" "-x: the order-dependent failure counts: the run stops at it"
t_summary "1 failed, 21 passed, 1 not run, 70 deselected" "-x: the counts are the run's, nothing more ran"
t_match out "^FAILED $(t_re "$victim") - order-dependent: passes alone\$" \
	"-x: the failure that stopped the run was checked, and is order-dependent"
t_eq "$(sed -n 's/^victim //p' "$ran" | sort -u | wc -l)" 2 \
	"-x: the victim ran twice, the second time in a process of its own"
t_eq "$(cat "$T_WORK/mf.log" 2>/dev/null)" "" "-x: the check ran none of the items the stop left"

# An order-dependent failure counts toward --maxfail: it stops the run at 2.
t_run "$herd" -n 1 --isolation none --maxfail 2 -k "not crowd" "$bin"
t_status 1 "--maxfail 2: exit 1"
t_has out "stopping after 2 failures" "--maxfail 2: the order-dependent failure is one of the 2"
t_match out "^FAILED $(t_re "$victim") - order-dependent: passes alone\$" \
	"--maxfail 2: the victim is checked"
t_match out "^FAILED $(t_re "$broken") - .*CHECK\(0\) failed\$" \
	"--maxfail 2: plain::broken, checked too, stays an ordinary failure"

# Fork isolation: nothing leaks, and a failure is not rerun.
rm -f "$ran"
t_run "$herd" -n 1 -k "not crowd" "$bin"
t_summary "1 failed, 23 passed, 62 deselected" "fork: only plain::broken fails"
t_count "$ran" "^broken " 1 "fork: no isolation check"

# --bisect over the history the run stored in the cache.
rm -rf "$T_WORK/cache"
t_run env HERD_ADDOPTS= "$herd" -q -n 1 --isolation none --cache-dir "$T_WORK/cache" \
	-k "not crowd" "$bin"
t_eq "$(ls "$T_WORK/cache/v1/order" 2>/dev/null | wc -l)" 1 \
	"cache: one history stored, for the one order-dependent failure"
t_run env HERD_ADDOPTS= "$herd" --cache-dir "$T_WORK/cache" --bisect "$victim" "$bin"
t_status 0 "bisect: the polluter is found, exit 0"
t_has out "over the 21 tests that ran before it" "bisect: over the stored history"
t_match out "^polluter: $(t_re "$polluter")\$" "bisect: names order::pollute"
steps=$(sed -n 's/^found in \([0-9]*\) steps\{0,1\} .*/\1/p' "$T_OUT")
t_eq "$(sed -n '/^step [0-9]*: /p' "$T_OUT" | wc -l)" "${steps:-none}" "bisect: one line a step"
t_lt "${steps:-99}" 7 "bisect: about log2(21) steps and a last check, not one per test"
t_lt 3 "${steps:-0}" "bisect: ... and not fewer than log2 allows"

t_run env HERD_ADDOPTS= "$herd" --cache-dir "$T_WORK/cache" --cache-clear
t_status 0 "--cache-clear: exit 0"
t_eq "$(find "$T_WORK/cache" 2>/dev/null | wc -l)" 0 "--cache-clear: the stored histories go with the rest"

# A long history is named bounded: the last 50 tests, and how many came earlier.
t_run "$herd" -n 1 --isolation none -k crowd "$bin"
t_status 1 "crowd: the victim fails after sixty fillers"
t_match out "^FAILED $(t_re "$src::crowd::victim") - order-dependent: passes alone\$" \
	"crowd: order-dependent"
t_section "$src::crowd::victim"
t_has "$T_SECTION" "after 61 tests ran there" "crowd: all 61 are counted"
t_count "$T_SECTION" "^  $(t_re "$src")::" 50 "crowd: the last 50 are named"
t_has "$T_SECTION" "  (11 earlier not shown)" "crowd: the 11 earlier ones are counted"
t_lacks "$T_SECTION" "crowd::pollute" "crowd: the polluter, first of all, is not among those named"
t_has "$T_SECTION" "$src::crowd::filler[59]" "crowd: the last one before it is named"

# The alias, with -k naming the candidates (no history needed).
t_run "$herd" --find-polluter "$victim" -k "order and not a0 and not crowd" "$bin"
t_status 0 "--find-polluter -k: exit 0"
t_has out "over the 13 other selected tests" "--find-polluter -k: the candidates are -k's (the file name holds \"order\")"
t_match out "^polluter: $(t_re "$polluter")\$" "--find-polluter -k: names order::pollute"

t_run "$herd" --bisect "$victim" -k "b0" "$bin"
t_status 1 "bisect: no polluter among the candidates, exit 1"
t_has out "it passes after the 10 candidates, in their order: the failure does not reproduce" \
	"bisect: says it does not reproduce"

t_run "$herd" --bisect "$broken" -k plain "$bin"
t_status 1 "bisect: a test that fails alone, exit 1"
t_has out "it fails alone" "bisect: says it fails alone"

t_run "$herd" --bisect "no::such[test]" "$bin"
t_status 4 "bisect: an unknown id is a usage error"
t_eq "$(wc -l <"$T_ERR")" 1 "bisect: one line on stderr"
t_has err "no collected test has the id 'no::such[test]'" "bisect: naming the id"

t_finish

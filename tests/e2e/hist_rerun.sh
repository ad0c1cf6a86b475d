#!/bin/sh
# hist_rerun.sh - reruns and flaky tests: --reruns N retries a failed,
# crashed or timed-out item; passing on a retry is "flaky" (its own count in
# the closing line, FLAKY in the short summary, <flakyFailure> in JUnit, the
# tries in the JSON "reruns"), which fails the run only with --flaky-fails;
# an item failing every try keeps <rerunFailure> elements; .reruns per test;
# --reruns-delay.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init hist_rerun

herd=$HERD_BUILD/herd
[ -x "$herd" ] || t_bail "the controller is built" "$herd" "no such file"
command -v python3 >/dev/null 2>&1 || t_bail "python3 is there" "python3" "not found"
command -v xmllint >/dev/null 2>&1 || t_bail "xmllint is there" "xmllint" "not found"

# Hermetic without HERD_ADDOPTS: the cache is off through the project's herd.ini.
printf '[herd]\naddopts = --no-cache\n' >"$T_WORK/herd.ini"
HERD_ADDOPTS=
export HERD_ADDOPTS

src=tests/e2e/hist_rerun.c
t_build rr $src
bin=$T_WORK/rr
json=$T_WORK/report.json
xml=$T_WORK/report.xml
nstate=0

# fresh: every item's next try is a first try again; no log, no report.
fresh() {
	nstate=$((nstate + 1))
	HIST_STATE=$T_WORK/state.$nstate
	export HIST_STATE
	mkdir -p "$HIST_STATE"
	rm -f "$T_WORK/tries.log" "$json" "$xml"
}

# tries NAME: how many times rr::NAME ran.
tries() {
	grep -c "^$src::rr::$1 " "$T_WORK/tries.log" 2>/dev/null
}

# jx EXPR: t_jx over the JSON report, W the item of each test's name.
jx() {
	t_jx "$json" "$1" name
}

# agree DESC: the closing line, the JSON summary and JUnit give the same counts.
agree() {
	ag_want="$(t_summary_n failed) $(t_summary_n crashed) $(t_summary_n timeout) $(t_summary_n passed) $(t_summary_n flaky)"
	t_eq "$(jx "' '.join(str(d['summary'][k]) for k in ('failed', 'crashed', 'timeout', 'passed', 'flaky'))")" \
		"$ag_want" "$1: the JSON summary agrees with the closing line"
	t_eq "$(t_xpath "$xml" 'string(//testsuite/@failures)') $(t_xpath "$xml" 'count(//testcase)')" \
		"$(($(t_summary_n failed) + $(t_summary_n crashed) + $(t_summary_n timeout))) $(jx 'len(T)')" \
		"$1: JUnit's failures and testcases agree"
}

# --- without --reruns, a failure is a failure, tried once ---
fresh
t_run "$herd" -n 2 -k "passes or fails_once" "$bin" --json "$json"
t_status 1 "no --reruns: exit 1"
t_summary "1 failed, 1 passed, 3 deselected" "no --reruns: 1 failed, 1 passed"
t_eq "$(tries fails_once)" 1 "no --reruns: fails_once ran once"
t_eq "$(jx "W['fails_once']['outcome'], W['fails_once']['reruns']")" "('failed', 0)" \
	"no --reruns: JSON failed, reruns 0"

# --- --reruns 2: failing the first try only is flaky, exit 0 ---
fresh
t_run "$herd" -n 2 --reruns 2 -k "passes or fails_once" "$bin" --json "$json" --junit-xml "$xml"
t_status 0 "--reruns 2, flaky: exit 0"
t_summary "1 passed, 1 flaky, 3 deselected" "--reruns 2, flaky: '1 flaky' in the closing line"
t_match out "^FLAKY $(t_re "$src::rr::fails_once")( |\$)" "--reruns 2, flaky: FLAKY in the short summary"
t_nomatch out "^FLAKY $(t_re "$src::rr::passes")" "--reruns 2, flaky: the passing item is not flaky"
t_eq "$(tries fails_once) $(tries passes)" "2 1" \
	"--reruns 2, flaky: fails_once ran twice (not a third time), passes once"
t_xml_valid "$xml" "--reruns 2, flaky: the JUnit file is well-formed"
t_junit_valid "$xml" "--reruns 2, flaky: the JUnit file (flakyFailure) is valid against junit-10.xsd"
t_xml_eq "$xml" "count(//flakyFailure)" 1 "--reruns 2, flaky: exactly one flakyFailure"
t_xml_eq "$xml" "count(//testcase[@name='fails_once']/flakyFailure)" 1 \
	"--reruns 2, flaky: it belongs to fails_once"
t_xml_eq "$xml" "count(//rerunFailure | //failure | //error)" 0 \
	"--reruns 2, flaky: no rerunFailure, failure or error"
t_xml_eq "$xml" "count(//testcase[@name='fails_once']/flakyFailure[@type='failed' and starts-with(@message, '$src:') and contains(@message, 'CHECK(!first) failed')])" \
	1 "--reruns 2, flaky: the flakyFailure has the first try's type and message"
t_xml_eq "$xml" "contains(//testcase[@name='fails_once']/flakyFailure/system-out, 'output of the first try')" \
	true "--reruns 2, flaky: the flakyFailure keeps the first try's output"
t_eq "$(jx "W['fails_once']['outcome'], W['fails_once']['reruns'], W['passes']['reruns']")" \
	"('flaky', 1, 0)" "--reruns 2, flaky: JSON flaky with reruns 1; passes reruns 0"
agree "--reruns 2, flaky"

# --- --flaky-fails: flaky fails the run ---
fresh
t_run "$herd" -n 2 --reruns 2 --flaky-fails -k "passes or fails_once" "$bin" --json "$json" --junit-xml "$xml"
t_status 1 "--flaky-fails: exit 1"
t_summary "1 passed, 1 flaky, 3 deselected" "--flaky-fails: still counted flaky"
t_match out "^FLAKY $(t_re "$src::rr::fails_once")( |\$)" "--flaky-fails: FLAKY in the short summary"

# --- an always-failing test with .reruns = 2 ---
fresh
t_run "$herd" -n 2 -k always_fails "$bin" --json "$json" --junit-xml "$xml"
t_status 1 ".reruns = 2, always failing: exit 1"
t_summary "1 failed, 4 deselected" ".reruns = 2, always failing: failed, not flaky"
t_eq "$(tries always_fails)" 3 ".reruns = 2, always failing: tried 3 times without --reruns"
t_xml_valid "$xml" ".reruns = 2, always failing: the JUnit file is well-formed"
t_junit_valid "$xml" ".reruns = 2, always failing: the JUnit file (rerunFailure) is valid against junit-10.xsd"
t_xml_eq "$xml" "count(//testcase[@name='always_fails']/rerunFailure)" 2 \
	".reruns = 2, always failing: 2 rerunFailure elements"
t_xml_eq "$xml" "count(//testcase[@name='always_fails']/failure) + count(//flakyFailure)" 1 \
	".reruns = 2, always failing: one failure, no flakyFailure"
t_eq "$(jx "W['always_fails']['outcome'], W['always_fails']['reruns']")" "('failed', 2)" \
	".reruns = 2, always failing: JSON failed, reruns 2"
agree ".reruns = 2"

fresh
t_run "$herd" -n 2 --reruns 5 -k always_fails "$bin" --json "$json"
t_eq "$(tries always_fails)" 3 ".reruns = 2 wins over --reruns 5: tried 3 times"

# --- a crash on the first try, rerun (fork, and no isolation) ---
for iso in fork none; do
	fresh
	t_run "$herd" -n 2 --isolation $iso --reruns 1 -k "crashes_once or passes" "$bin" \
		--json "$json" --junit-xml "$xml"
	t_status 0 "$iso, crash once, --reruns 1: exit 0"
	t_summary "1 passed, 1 flaky, 3 deselected" "$iso, crash once: flaky"
	t_eq "$(tries crashes_once)" 2 "$iso, crash once: tried twice"
	t_xml_eq "$xml" "string(//testcase[@name='crashes_once']/flakyFailure/@type)" crashed \
		"$iso, crash once: the flakyFailure is of type crashed"
	t_xml_eq "$xml" "contains(//testcase[@name='crashes_once']/flakyFailure/@message, 'SIGSEGV')" \
		true "$iso, crash once: the flakyFailure names SIGSEGV"
	t_eq "$(jx "W['crashes_once']['outcome'], W['crashes_once']['reruns']")" "('flaky', 1)" \
		"$iso, crash once: JSON flaky, reruns 1"
	agree "$iso, crash once"
done
t_has err "replacing crashed worker" "none, crash once: the crashed worker was replaced"

# Without a rerun left, the crash stands.
fresh
t_run "$herd" -n 2 --isolation none -k crashes_once "$bin" --json "$json"
t_status 1 "crash once, no --reruns: exit 1"
t_summary "1 crashed, 4 deselected" "crash once, no --reruns: crashed"

# --- a timeout on the first try, rerun ---
for iso in fork none; do
	fresh
	t_run "$herd" -n 2 --isolation $iso --reruns 1 -k hangs_once "$bin" --json "$json" --junit-xml "$xml"
	t_status 0 "$iso, hang once, --reruns 1: exit 0"
	t_summary "1 flaky, 4 deselected" "$iso, hang once: flaky"
	t_lt "$T_ELAPSED" 60 "$iso, hang once: the run ends well within the guard"
	t_xml_eq "$xml" "string(//testcase[@name='hangs_once']/flakyFailure/@type)" timeout \
		"$iso, hang once: the flakyFailure is of type timeout"
	t_eq "$(jx "W['hangs_once']['reruns']")" 1 "$iso, hang once: JSON reruns 1"
done

# --- --reruns-delay ---
fresh
t_run "$herd" -n 2 --reruns 3 --reruns-delay 0.2 -k "passes or fails_once or always_fails" "$bin" \
	--json "$json" --junit-xml "$xml"
t_status 1 "--reruns-delay 0.2: exit 1 (always_fails)"
t_lt "$T_ELAPSED" 60 "--reruns-delay 0.2: the run ends well within the guard"
t_summary "1 failed, 1 passed, 1 flaky, 2 deselected" "--reruns-delay 0.2: 1 failed, 1 passed, 1 flaky"
t_eq "$(tries fails_once) $(tries always_fails)" "2 3" \
	"--reruns-delay 0.2: fails_once tried twice, always_fails 3 times (its .reruns)"
t_eq "$(jx "[W[n]['reruns'] for n in ('passes', 'fails_once', 'always_fails')]")" "[0, 1, 2]" \
	"--reruns-delay 0.2: JSON reruns 0, 1, 2"
agree "--reruns-delay 0.2"
# A lower bound only: a loaded machine makes the gap longer, never shorter.
gap=$(awk -v id="$src::rr::fails_once" '$1 == id { t[$2] = $4 } END { print t["again"] - t["first"] }' \
	"$T_WORK/tries.log" 2>/dev/null)
if [ "${gap:-0}" -ge 200 ]; then
	t_pass "--reruns-delay 0.2: the rerun started ${gap} ms after the first try (>= 200)"
else
	t_fail "--reruns-delay 0.2: the rerun waits the delay" ">= 200 ms between the tries" "${gap:-?} ms"
fi
fresh
t_run "$herd" -n 1 --reruns 1 -k fails_once "$bin"
gap=$(awk -v id="$src::rr::fails_once" '$1 == id { t[$2] = $4 } END { print t["again"] - t["first"] }' \
	"$T_WORK/tries.log" 2>/dev/null)
printf '# without --reruns-delay the rerun started %s ms after the first try\n' "$gap"
t_run "$herd" --reruns-delay soon "$bin"
t_status 4 "--reruns-delay soon: a usage error"
t_run "$herd" --reruns -1 "$bin"
t_status 4 "--reruns -1: a usage error"
if [ -e "$T_WORK/.herd_cache" ]; then
	t_fail "herd.ini's addopts = --no-cache: no cache written" "no .herd_cache" "one"
else
	t_pass "herd.ini's addopts = --no-cache: no cache written"
fi

t_finish

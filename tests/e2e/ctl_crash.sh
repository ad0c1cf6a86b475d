#!/bin/sh
# ctl_crash.sh - crash containment by the herd controller: with fork
# isolation a segfault, abort(), exit(0) or hang is one outcome and no worker
# is replaced; with --isolation none the crash kills the worker, which is
# named, replaced, and the run goes on; --max-worker-restart stops the run,
# the rest counted as not run; a timeout kills the worker and the run goes
# on; a test leaving a child behind does not hang the run.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init ctl_crash

herd=$HERD_BUILD/herd
[ -x "$herd" ] || t_bail "the controller is built" "$herd" "no such file"
command -v python3 >/dev/null 2>&1 || t_bail "python3 is there" "python3" "not found"

src=tests/e2e/ctl_crash.c
t_build crash $src
t_build linger tests/e2e/ctl_linger.c
t_build steal tests/e2e/ctl_crash_steal.c
crash=$T_WORK/crash
linger=$T_WORK/linger
steal=$T_WORK/steal
json=$T_WORK/report.json
xml=$T_WORK/report.xml

# agree DESC: the closing line, the JSON summary, the JSON tests and JUnit
# give the same counts of failures (failed, crashed, timeout), passes and
# items not run.
agree() {
	ag_line=$(t_closing)
	ag_want="$(t_summary_n crashed) $(t_summary_n timeout) $(t_summary_n passed) $(t_summary_n 'not run')"
	t_eq "$(t_jx "$json" "' '.join(str(d['summary'].get(k, 0)) for k in ('crashed', 'timeout', 'passed', 'not-run'))")" \
		"$ag_want" "$1: JSON summary = closing line ($ag_line)"
	t_eq "$(t_jx "$json" "' '.join(str(C(t['outcome'] for t in T)[k]) for k in ('crashed', 'timeout', 'passed', 'not-run'))")" \
		"$ag_want" "$1: JSON tests = closing line"
	t_eq "$(t_xpath "$xml" 'sum(//testsuite/@failures)') $(t_xpath "$xml" 'count(//testcase)')" \
		"$(($(t_summary_n crashed) + $(t_summary_n timeout) + $(t_summary_n failed))) $(t_jx "$json" 'len(T)')" \
		"$1: JUnit failures and testcases = closing line and JSON"
}

# fresh: the next run's tests log into empty files; no stale report.
fresh() {
	rm -f "$T_WORK/runs.log" "$T_WORK/crashes.log" "$json" "$xml"
}

# ran PATTERN: how many lines of runs.log are for ids matching the ERE.
ran() {
	grep -cE -e "$1" "$T_WORK/runs.log" 2>/dev/null
}

ids_once="len(T) == len(set(t['id'] for t in T))"

# --- fork isolation: one outcome each, no worker replaced ---
fresh
t_run "$herd" -n 2 --timeout 1 "$crash" --json "$json" --junit-xml "$xml"
t_status 1 "fork: crashes and a hang: exit 1"
t_lt "$T_ELAPSED" 60 "fork: the run ends well within the guard"
t_summary "3 crashed, 1 timeout, 26 passed" "fork: 3 crashed, 1 timeout, 26 passed"
t_eq "$(t_jx "$json" "len(T), $ids_once")" "(30, True)" "fork: 30 items, each once, in the JSON"
t_eq "$(t_jx "$json" "[W[n]['outcome'] for n in ('$src::crash::segv', '$src::crash::aborts', '$src::crash::exit_zero', '$src::crash::hang')]")" \
	"['crashed', 'crashed', 'crashed', 'timeout']" \
	"fork: segv, abort and exit(0) crashed, the hang timed out"
t_match out "^CRASHED $(t_re "$src::crash::segv") - .*SIGSEGV" "fork: the segfault names SIGSEGV"
t_match out "^CRASHED $(t_re "$src::crash::aborts") - .*SIGABRT" "fork: the abort names SIGABRT"
t_lacks err "replacing crashed worker" "fork: no worker is replaced"
t_eq "$(ran '::(before|after)\[')" 26 "fork: the 26 passing items ran"
t_lt "$(awk '{print $4}' "$T_WORK/runs.log" 2>/dev/null | sort -u | wc -l)" 3 \
	"fork: the passing items ran in at most 2 worker processes"
agree "fork"

# --- no isolation: the crash kills the worker; it is named and replaced ---
fresh
t_run "$herd" -n 2 --isolation none --timeout 1 "$crash" --json "$json" --junit-xml "$xml"
t_status 1 "none: crashes and a hang: exit 1"
t_lt "$T_ELAPSED" 60 "none: the run ends well within the guard"
t_summary "3 crashed, 1 timeout, 26 passed" "none: 3 crashed, 1 timeout, 26 passed"
t_eq "$(t_jx "$json" "len(T), $ids_once")" "(30, True)" "none: 30 items, each once, in the JSON"
t_eq "$(t_jx "$json" "sorted(t['name'] for t in T if t['outcome'] == 'crashed' and (t['message'] or '').startswith(\"worker '%s' crashed while running '%s'\" % (t['worker'], t['id'])))")" \
	"['aborts', 'exit_zero', 'segv']" \
	"none: each crash's message names the worker that ran it and the item"
for name in segv aborts exit_zero; do
	t_match out "^CRASHED $(t_re "$src::crash::$name") - worker 'gw[01]' crashed while running '$(t_re "$src::crash::$name")'" \
		"none: the short summary names the worker that crashed in $name"
done
t_match out "^CRASHED $(t_re "$src::crash::segv") - .*SIGSEGV" "none: the segfault names SIGSEGV"
t_match out "^CRASHED $(t_re "$src::crash::aborts") - .*SIGABRT" "none: the abort names SIGABRT"
t_match out "^CRASHED $(t_re "$src::crash::exit_zero") - .*status 0" "none: exit(0) shows the status"
t_match out "^TIMEOUT $(t_re "$src::crash::hang") - .*timed out" "none: the hang timed out"
t_eq "$(t_jx "$json" "[k in W['$src::crash::segv']['output'] for k in ('LAST-WORDS-OUT', 'LAST-WORDS-ERR')]")" \
	"[True, True]" "none: the segfault's output before the crash is its report's"
t_count err '^replacing crashed worker gw[01]$' 3 "none: each of the 3 crashed workers is replaced"
t_eq "$(ran '::(before|after)\[') $(cut -d ' ' -f 1 "$T_WORK/runs.log" | sort -u | wc -l)" \
	"26 26" "none: every other item ran, once"
agree "none"

# --- held-back results: a worker with no isolation sends its results in
# batches and keeps the unsent ones where the controller finds them. Dealt
# all its items at once (worksteal), the worker holds back the ten quick
# passes before the segfault (unless 50 ms pass between two of them): they
# keep their pass and the crash is the segfault's alone ---
fresh
t_run "$herd" -n 1 --no-cache --dist worksteal --isolation none -k "before or segv or after" \
	"$crash" --max-worker-restart 0 --json "$json" --junit-xml "$xml"
t_status 1 "none, held-back results: exit 1"
t_summary "1 crashed, 10 passed, 16 not run, 3 deselected" \
	"none, held-back results: 1 crashed, 10 passed, the rest not run"
t_eq "$(t_jx "$json" "sorted((t['name'], t['outcome']) for t in T if t['outcome'] not in ('passed', 'not-run')), sorted(t['name'] for t in T if t['outcome'] == 'passed') == sorted('before[%d]' % i for i in range(10))")" \
	"([('segv', 'crashed')], True)" \
	"none, held-back results: the crash is segv's, before[0-9] each passed"
t_eq "$( (cat "$T_WORK/runs.log"; head -n 1 "$T_WORK/crashes.log") | cut -d ' ' -f 3 | sort -u | wc -l)" 1 \
	"none, held-back results: the passes ran in the process that crashed first"
t_eq "$(t_jx "$json" "[k in W['$src::crash::segv']['output'] for k in ('LAST-WORDS-OUT', 'LAST-WORDS-ERR')]")" \
	"[True, True]" "none, held-back results: the segfault's output before the crash is its report's"
agree "none, held-back results"

# The runs with -n 1 below count on the items running in file order, so
# they run with --no-cache: with durations known from earlier runs, herd
# would run the longest first.

# --- --max-worker-restart: past the limit, the run stops ---
fresh
t_run "$herd" -n 1 --no-cache --isolation none --max-worker-restart 0 -k "not hang" "$crash" \
	--json "$json" --junit-xml "$xml"
t_status 1 "--max-worker-restart 0: exit 1"
t_has all "maximum crashed workers reached: 0" "--max-worker-restart 0: the run says why it stopped"
t_summary "1 crashed, 10 passed, 18 not run, 1 deselected" \
	"--max-worker-restart 0: the first crash stops the run, 18 not run"
t_lacks err "replacing crashed worker" "--max-worker-restart 0: no worker is replaced"
t_eq "$(ran '::after\[')" 0 "--max-worker-restart 0: no item after the crash ran"
t_eq "$(t_jx "$json" "len(T), C(t['outcome'] for t in T)['not-run']")" "(29, 18)" \
	"--max-worker-restart 0: the JSON has the 29 items, 18 not run"
agree "--max-worker-restart 0"

fresh
t_run "$herd" -n 1 --no-cache --isolation none --max-worker-restart 1 -k "not hang" "$crash" \
	--json "$json" --junit-xml "$xml"
t_status 1 "--max-worker-restart 1: exit 1"
t_count err '^replacing crashed worker gw0$' 1 "--max-worker-restart 1: one worker replaced"
t_has all "maximum crashed workers reached: 1" "--max-worker-restart 1: the second crash stops the run"
t_summary "2 crashed, 10 passed, 17 not run, 1 deselected" \
	"--max-worker-restart 1: segv and abort crashed, 17 not run"
t_eq "$(ran '::after\[')" 0 "--max-worker-restart 1: no item after the crashes ran"
agree "--max-worker-restart 1"

# --- a timeout with no isolation: the worker is killed, the run goes on ---
fresh
t_run "$herd" -n 1 --no-cache --isolation none --timeout 1 -k "hang or after" "$crash" \
	--json "$json" --junit-xml "$xml"
t_status 1 "none, timeout: exit 1"
t_lt "$T_ELAPSED" 60 "none, timeout: the run ends well within the guard"
t_summary "1 timeout, 16 passed, 13 deselected" "none, timeout: 1 timeout, 16 passed"
t_match out "^TIMEOUT $(t_re "$src::crash::hang") - timed out after 1s" \
	"none, timeout: the TIMEOUT line gives the limit"
t_eq "$(ran '::after\[')" 16 "none, timeout: the 16 items after the hang ran"
agree "none, timeout"

# --- a worker killed for a timeout while asked to release items ---
# (ctl_crash_steal.c sets it up: gw1 hangs with items queued, gw0 runs dry.)
rm -f "$T_WORK/seen.gw1" "$T_WORK/hung.once" "$T_WORK/steal.log"
t_run timeout 60 "$herd" -n 2 --isolation none --timeout 2 "$steal"
t_eq "$(wc -l 2>/dev/null <"$T_WORK/hung.once")" 1 \
	"steal from a hung worker: the scenario happened (gw1's first item hung)"
t_status 1 "steal from a hung worker: the run ends, exit 1 (124: herd hung)"
t_summary "1 timeout, 19 passed" "steal from a hung worker: 1 timeout, 19 passed"
t_eq "$(cut -d ' ' -f 1 "$T_WORK/steal.log" 2>/dev/null | sort -u | wc -l)" 20 \
	"steal from a hung worker: every item ran"

# --- a lingering child does not hang the run, nor outlive it ---
for iso in fork none; do
	rm -f "$T_WORK/linger.pid" "$T_WORK/runs.log"
	t_run timeout 120 "$herd" -n 2 --isolation $iso "$linger"
	t_status 0 "$iso, lingering child: the run ends (exit 0, 124 would be a hang)"
	t_summary "5 passed" "$iso, lingering child: 5 passed"
	t_eq "$(ran '::after\[')" 4 "$iso, lingering child: the other items ran"
	lp=$(head -n 1 "$T_WORK/linger.pid" 2>/dev/null)
	if [ -z "$lp" ]; then
		t_fail "$iso, lingering child: it is gone after the run" "a pid in linger.pid" "none"
	elif t_wait_gone "$lp" 30; then
		t_pass "$iso, lingering child: it is gone after the run"
	else
		t_fail "$iso, lingering child: it is gone after the run" "pid $lp dead" \
			"$(ps -o pid=,stat=,args= -p "$lp" 2>/dev/null)"
	fi
	# Read through a pipe: the run ends only if nothing left holds its stdout.
	rm -f "$T_WORK/linger.pid"
	# shellcheck disable=SC2016 # $@ and $? belong to the inner shell
	t_run sh -c '{ timeout 120 "$@"; echo "herd exit $?"; } | cat' sh \
		"$herd" -n 2 --isolation $iso "$linger"
	t_status 0 "$iso, lingering child, stdout a pipe: the reader sees EOF"
	t_has out "herd exit 0" "$iso, lingering child, stdout a pipe: exit 0"
	lp=$(head -n 1 "$T_WORK/linger.pid" 2>/dev/null)
	[ -n "$lp" ] && t_kill_ours "$lp"
done

t_finish

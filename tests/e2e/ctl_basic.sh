#!/bin/sh
# ctl_basic.sh - the herd controller on well-behaved suites: two binaries in
# one run, every --dist mode giving each item exactly one outcome, where
# loadscope, loadfile, loadgroup and each put the items, load using both
# workers, the variables a test sees, the terminal, JUnit and JSON agreeing
# on the counts, --collect-only, -k and -m, exit 5, and --tap.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init ctl_basic

herd=$HERD_BUILD/herd
[ -x "$herd" ] || t_bail "the controller is built" "$herd" "no such file"
command -v python3 >/dev/null 2>&1 || t_bail "python3 is there" "python3" "not found"

sa=tests/e2e/ctl_basic_a.c
sb=tests/e2e/ctl_basic_b.c
sc=tests/e2e/ctl_basic_c.c
t_build basic $sa $sb
t_build other $sc
t_build spread tests/e2e/ctl_basic_spread.c
basic=$T_WORK/basic
other=$T_WORK/other
spread=$T_WORK/spread
json=$T_WORK/report.json
xml=$T_WORK/report.xml

# The JSON and JUnit reports, read by python3 (xml.etree for JUnit).
#   agree.py JSON XML CLOSING: "ok" when the closing line, the JSON summary,
#     the JSON tests and the JUnit totals give the same counts, else the counts
cat >"$T_WORK/agree.py" <<'EOF'
import collections, json, re, sys
import xml.etree.ElementTree as ET

def load(path):
    with open(path) as f:
        return json.load(f)

KINDS = ["passed", "failed", "error", "skipped", "xfailed", "xpassed",
         "crashed", "timeout", "flaky", "not-run"]

def main():
    try:
        d = load(sys.argv[1])
    except Exception as e:
        print("unreadable JSON: %s" % e)
        return
    T = d.get("tests", [])
    s = d.get("summary", {})
    from_summary = {k: s.get(k, 0) for k in KINDS}
    tally = collections.Counter(t.get("outcome") for t in T)
    from_tests = {k: tally.get(k, 0) for k in KINDS}
    words = {"errors": "error", "not run": "not-run"}
    from_line = {k: 0 for k in KINDS}
    for n, w in re.findall(r"(\d+) (failed|crashed|timeout|errors?|passed|"
                           r"flaky|skipped|xfailed|xpassed|not run)",
                           sys.argv[3]):
        from_line[words.get(w, w)] = int(n)
    try:
        root = ET.parse(sys.argv[2]).getroot()
        suites = [root] if root.tag == "testsuite" else root.iter("testsuite")
        junit = collections.Counter()
        for ts in suites:
            for a in ("tests", "failures", "errors", "skipped"):
                junit[a] += int(ts.get(a, 0))
        junit = dict(junit)
    except Exception as e:
        junit = "unreadable JUnit: %s" % e
    c = from_tests
    want_junit = {"tests": sum(c.values()),
                  "failures": c["failed"] + c["crashed"] + c["timeout"],
                  "errors": c["error"],
                  "skipped": c["skipped"] + c["xfailed"] + c["not-run"]}
    if from_summary == from_tests == from_line and junit == want_junit and \
       s.get("total") == len(T):
        print("ok")
    else:
        print("line %s; json summary %s (total %s); json tests %s (%d); "
              "junit %s, want %s" % (from_line, from_summary, s.get("total"),
                                     from_tests, len(T), junit, want_junit))

main()
EOF

# agree DESC: the last run's closing line, $json and $xml give the same counts.
agree() {
	t_eq "$(python3 "$T_WORK/agree.py" "$json" "$xml" "$(t_closing)" 2>&1 |
		tail -n 1)" ok "$1: terminal, JUnit and JSON agree on the counts"
}

# fresh NAME: the tests of the next run log into an empty directory
# log-NAME; the reports of the last run are removed.
fresh() {
	E2E_DIR=$T_WORK/log-$1
	rm -rf "$E2E_DIR" "$json" "$xml"
	mkdir -p "$E2E_DIR"
	export E2E_DIR
}

# runs: the ids in the current runs.log, one line per run, sorted.
runs() {
	cut -d ' ' -f 1 "$E2E_DIR/runs.log" 2>/dev/null | sort
}

# places KEY: how many distinct (scope, parent pid) pairs runs.log holds,
# then how many scopes; KEY is "file" (the scope is the file) or "suite".
places() {
	awk -v key="$1" '{
		split($1, p, "::")
		s = key == "file" ? p[1] : p[1] "::" p[2]
		pair[s " " $4] = 1; scope[s] = 1
	} END {
		for (k in pair) np++
		for (k in scope) ns++
		print np + 0, ns + 0
	}' "$E2E_DIR/runs.log" 2>/dev/null
}

# --- the reference list of ids ---
t_run "$herd" --collect-only "$basic"
t_status 0 "--collect-only exits 0"
t_count out '.' 40 "--collect-only lists 40 ids"
t_count out "^($(t_re $sa)|$(t_re $sb))::(a1|a2|b1|b2)::[a-z_]+(\[[0-9]\])?\$" 40 \
	"--collect-only: every line is a node id with the source path"
t_count all '(PASSED|passed|FAILED|failed)' 0 "--collect-only runs nothing"
sort "$T_OUT" >"$T_WORK/ids.want"
grep -v '::a2::skipped$' "$T_WORK/ids.want" >"$T_WORK/ran.want"

# --- two binaries in one run ---
fresh two
t_run "$herd" -n 2 "$basic" "$other" --json "$json" --junit-xml "$xml"
t_status 1 "two binaries, one failing item: exit 1"
t_match out '^collected 45 items$' "two binaries: collected 45 items"
t_summary "1 failed, 42 passed, 1 skipped, 1 xfailed" "two binaries: counts add up"
t_eq "$(t_jx "$json" "len(T), len(set(t['id'] for t in T))")" "(45, 45)" \
	"two binaries: the JSON holds 45 distinct ids"
t_eq "$(t_jx "$json" "sorted(C(t['file'] for t in T).items())")" \
	"[('$sa', 20), ('$sb', 20), ('$sc', 5)]" \
	"two binaries: the items of both binaries are in the JSON"
t_eq "$(runs | uniq | wc -l) $(runs | wc -l)" "44 44" \
	"two binaries: each of the 44 items that run runs once"
agree "two binaries"

# --- every --dist mode: one outcome per item, the same counts ---
for mode in load loadscope loadfile loadgroup worksteal no; do
	fresh "dist-$mode"
	t_run "$herd" -n 2 --dist "$mode" "$basic" --json "$json" --junit-xml "$xml"
	t_status 1 "--dist $mode: exit 1"
	t_summary "1 failed, 37 passed, 1 skipped, 1 xfailed" "--dist $mode: the counts"
	t_jx "$json" "'\n'.join(sorted(t['id'] for t in T))" >"$T_WORK/ids.got"
	t_same "$T_WORK/ids.got" "$T_WORK/ids.want" \
		"--dist $mode: the JSON has each collected id exactly once"
	t_eq "$(t_jx "$json" "sorted(set(t['outcome'] for t in T) - {'passed', 'failed', 'skipped', 'xfailed'})")" \
		"[]" "--dist $mode: no item without a real outcome"
	runs >"$T_WORK/ran.got"
	t_same "$T_WORK/ran.got" "$T_WORK/ran.want" \
		"--dist $mode: each item but the skipped one ran exactly once"
	agree "--dist $mode"
	case $mode in
	loadscope)
		t_eq "$(t_jx "$json" "len(set((t['file'], t['suite'], t['worker']) for t in T))")" 4 \
			"--dist loadscope: each suite on one worker (JSON)"
		t_eq "$(places suite)" "4 4" \
			"--dist loadscope: each suite in one worker process (parent pids)"
		;;
	loadfile)
		t_eq "$(t_jx "$json" "len(set((t['file'], t['worker']) for t in T))")" 2 \
			"--dist loadfile: each file on one worker (JSON)"
		t_eq "$(places file)" "2 2" \
			"--dist loadfile: each file in one worker process (parent pids)"
		;;
	loadgroup)
		t_eq "$(t_jx "$json" "len(set(t['worker'] for t in T if t['name'] == 'grouped'))")" 1 \
			"--dist loadgroup: the group of two items on one worker (JSON)"
		t_eq "$(grep -c '::grouped ' "$E2E_DIR/runs.log" 2>/dev/null) $(grep '::grouped ' "$E2E_DIR/runs.log" 2>/dev/null | cut -d ' ' -f 4 | sort -u | wc -l)" \
			"2 1" "--dist loadgroup: the group in one worker process (parent pids)"
		;;
	esac
done

# --- each: every item once per worker ---
fresh each
t_run "$herd" -n 3 --dist each "$basic" --json "$json" --junit-xml "$xml"
t_status 1 "-n 3 --dist each: exit 1"
t_summary "3 failed, 111 passed, 3 skipped, 3 xfailed" "-n 3 --dist each: 3 x the counts"
t_eq "$(t_jx "$json" "len(T)")" 120 "-n 3 --dist each: 120 items in the JSON"
t_eq "$(t_jx "$json" "len(set(t['id'] for t in T)), set(tuple(sorted(w)) for w in [[u['worker'] for u in T if u['id'] == t['id']] for t in T])")" \
	"(40, {('gw0', 'gw1', 'gw2')})" \
	"-n 3 --dist each: each of the 40 ids once on gw0, gw1 and gw2"
t_eq "$(runs | uniq -c | awk '{print $1}' | sort -u | tr '\n' ' ')$(runs | uniq | wc -l)" "3 39" \
	"-n 3 --dist each: each item that runs runs three times"
t_eq "$(awk '{print $4}' "$E2E_DIR/runs.log" | sort -u | wc -l)" 3 \
	"-n 3 --dist each: in three worker processes"
agree "-n 3 --dist each"

# --- load spreads 200 trivial items over both workers ---
fresh spread
t_run "$herd" -n 2 --dist load "$spread" --json "$json" --junit-xml "$xml"
t_status 0 "-n 2 --dist load, 200 items: exit 0"
t_summary "200 passed" "-n 2 --dist load: 200 passed"
t_eq "$(t_jx "$json" "sorted(C(t['worker'] for t in T))")" "['gw0', 'gw1']" \
	"-n 2 --dist load: both workers ran items"
agree "-n 2 --dist load, 200 items"

# --- short runs, where a worker steals the other's last items: many runs,
# since a race between a steal and a finishing item shows only now and then ---
for mode in load worksteal; do
	fresh "steal-$mode"
	st_bad=0
	st_i=0
	while [ "$st_i" -lt 40 ]; do
		t_run "$herd" -n 2 --dist "$mode" "$other"
		if [ "$T_STATUS" -ne 0 ] ||
			! t_closing | grep -qE '^=+ 5 passed in [0-9.]+s =+$'; then
			st_bad=$((st_bad + 1))
			[ "$st_bad" -eq 1 ] && cat "$T_OUT" "$T_ERR" >"$T_WORK/steal-$mode.first"
		fi
		st_i=$((st_i + 1))
	done
	if [ "$st_bad" -eq 0 ]; then
		t_pass "--dist $mode -n 2, 5 items, 40 runs: every run passes"
	else
		t_fail "--dist $mode -n 2, 5 items, 40 runs: every run passes" "40 runs with exit 0 and 5 passed" \
			"$st_bad runs went wrong; the first:" "$T_WORK/steal-$mode.first"
	fi
done

# --- what a test sees ---
fresh env
t_run "$herd" -n 2 --dist each -k env "$basic"
t_status 0 "the env test passes on both workers"
envlog=$E2E_DIR/env.log
t_eq "$(cut -d ' ' -f 1 "$envlog" 2>/dev/null | sort | tr '\n' ' ')" "gw0 gw1 " \
	"HERD_WORKER is gw0 and gw1 on the two workers"
t_eq "$(awk '$1 != $4' "$envlog" 2>/dev/null | wc -l) $(wc -l 2>/dev/null <"$envlog")" "0 2" \
	"herd_worker_id() returns HERD_WORKER"
t_eq "$(awk '{print $2, $5}' "$envlog" 2>/dev/null | sort -u)" "2 2" \
	"HERD_WORKER_COUNT and herd_worker_count() are 2"
uid1=$(awk '$3 == $6 {print $3}' "$envlog" 2>/dev/null | sort -u)
t_match "$envlog" '^gw[01] 2 [A-Za-z0-9_-]+ gw[01] 2 [A-Za-z0-9_-]+$' \
	"HERD_TESTRUN_UID is set"
case $uid1 in
'' | - | *' '* | *"
"*)
	t_fail "both workers see one HERD_TESTRUN_UID, herd_testrun_uid() agrees" \
		"one value on both lines" "$(tr '\n' '|' 2>/dev/null <"$envlog")" ;;
*) t_pass "both workers see one HERD_TESTRUN_UID, herd_testrun_uid() agrees" ;;
esac
fresh env2
t_run "$herd" -n 2 --dist each -k env "$basic"
uid2=$(awk '{print $3}' "$E2E_DIR/env.log" 2>/dev/null | sort -u)
if [ -n "$uid2" ] && [ "$uid1" != "$uid2" ]; then
	t_pass "another run has another HERD_TESTRUN_UID"
else
	t_fail "another run has another HERD_TESTRUN_UID" "not '$uid1'" "'$uid2'"
fi

# --- selection ---
t_run "$herd" --collect-only -k a1 "$basic"
t_status 0 "--collect-only -k a1: exit 0"
t_eq "$(grep -c . "$T_OUT") $(grep -c '::a1::' "$T_OUT")" "10 10" \
	"--collect-only -k a1 lists the 10 items of a1"
t_run "$herd" --collect-only -m slow "$basic"
t_want slow "$sa::a2::marked" "$sb::b2::marked"
t_same out "$T_WORK/slow.want" "--collect-only -m slow lists the two marked items"
t_run "$herd" --collect-only -m "slow and not fast" "$basic"
t_want slow1 "$sa::a2::marked"
t_same out "$T_WORK/slow1.want" "--collect-only -m 'slow and not fast'"
t_run "$herd" --collect-only -k nothing_like_this "$basic"
t_status 5 "--collect-only selecting nothing: exit 5"

fresh sel
t_run "$herd" -n 2 -k "a2 and not skipped" "$basic" --json "$json" --junit-xml "$xml"
t_status 0 "-k 'a2 and not skipped': exit 0"
t_match out '^collected 40 items / 31 deselected / 9 selected$' \
	"-k: collected 40 items / 31 deselected / 9 selected"
t_summary "9 passed, 31 deselected" "-k: 9 passed, 31 deselected"
t_eq "$(runs | grep -vc '::a2::')" 0 "-k: only the selected items ran"
agree "-k"
t_run "$herd" -n 2 -m slow "$basic"
t_status 0 "-m slow: exit 0"
t_summary "2 passed, 38 deselected" "-m slow: 2 passed, 38 deselected"
t_run "$herd" -n 2 -k nothing_like_this "$basic"
t_status 5 "-k selecting nothing: exit 5"
t_summary "40 deselected" "-k selecting nothing: 40 deselected"
t_run "$herd" -n 2 -m nothing_like_this "$basic" "$other"
t_status 5 "-m selecting nothing in two binaries: exit 5"

# --- TAP ---
t_run "$herd" -n 2 --tap "$basic"
t_status 1 "--tap with a failure: exit 1"
t_match out '^1\.\.40$' "--tap: the plan 1..40"
t_count out '^(not )?ok [0-9]+ ' 40 "--tap: 40 test lines"
t_count out '^not ok [0-9]+ - .*::b1::fails$' 1 "--tap: the failure is 'not ok'"
cp "$T_OUT" "$T_WORK/fail.tap"
t_run "$herd" -n 2 --tap -k "not fails" "$basic"
t_status 0 "--tap without the failure: exit 0"
cp "$T_OUT" "$T_WORK/pass.tap"
if command -v prove >/dev/null 2>&1; then
	t_run prove -e cat "$T_WORK/pass.tap"
	t_status 0 "prove accepts the TAP of a passing run"
	t_has out "Result: PASS" "prove: Result: PASS"
	t_run prove -e cat "$T_WORK/fail.tap"
	t_status_failed "prove rejects the TAP of a failing run"
	t_has out "Failed 1/40" "prove counts 1 failure of 40"
	t_lacks all "Parse errors" "prove finds no parse error"
else
	printf '# prove not found: TAP not checked with it\n'
fi

t_finish

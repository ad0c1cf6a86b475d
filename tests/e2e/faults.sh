#!/bin/sh
# faults.sh - the fault matrix: every misbehaviour of the misbehave suites
# (segfault, abort, exit(0) and exit(7) mid-test, SIGTERM to its own group,
# SIGKILL to its worker, an endless loop, a test ignoring SIGTERM, a stopped
# test, a hang with a child, 10 MB of output, fd 1 closed, fds 0-2 closed,
# lingering children, one of them deaf to SIGTERM, garbage bytes) in
# one binary with passing tests between them, beside a calm second binary,
# run under every --isolation x -n 1|2|8 x --dist mode. Each run must give
# every item exactly one outcome (under --dist each one per item per worker),
# the outcome its misbehaviour deserves, the same counts in the terminal,
# JSON and JUnit, exit 1, and leave no process of its session alive.
#
# The 42 combinations are taken in a fixed rotation (mode, isolation and
# worker count each advance by one at every step; 7, 2 and 3 share no factor,
# so 42 steps visit every combination once). make check runs the first 9,
# where every mode, isolation and worker count appears (about 40 s);
# FAULTS_FULL=1 (make faults) runs all 42, FAULTS_STEPS=N the first N, and
# FAULTS_TIMES=1 prints each run's wall time. --max-worker-restart is lifted
# so that no crash count stops a run: the limit has its test in ctl_crash.sh.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init faults

herd=$HERD_BUILD/herd
[ -x "$herd" ] || t_bail "the controller is built" "$herd" "no such file"
for tool in python3 xmllint setsid ps; do
	if ! command -v $tool >/dev/null 2>&1; then
		t_skip "the fault matrix" "it needs $tool, which is not installed"
		t_finish
	fi
done

t_build faults tests/e2e/faults.c
t_build calm tests/e2e/faults_calm.c

# The items, as the binaries list them: the checker's list of what must
# come back, not read from the reports it checks.
if ! { "$T_WORK/faults" --list >"$T_WORK/ids" 2>&1 &&
	"$T_WORK/calm" --list >>"$T_WORK/ids" 2>&1; }; then
	t_bail "the binaries list their items" "--list works" "$(head -n 3 "$T_WORK/ids")"
fi
t_eq "$(wc -l <"$T_WORK/ids")" 36 "36 items collected from the two binaries"

# The checker. Arguments: MODE WORKERS ISOLATION STDOUT JSON JUNIT IDS. Prints
# one line per check: "ok DESC" or "FAIL DESC<TAB>EXPECTED<TAB>GOT".
cat >"$T_WORK/check.py" <<'EOF'
import collections, json, re, sys
import xml.etree.ElementTree as ET

mode, workers, iso, out_f, json_f, xml_f, ids_f = sys.argv[1:8]
workers = int(workers)
C = collections.Counter
say = []

def check(desc, got, want):
    if got == want:
        say.append("ok " + desc)
    else:
        say.append("FAIL %s\t%s\t%s" % (desc, str(want)[:300], str(got)[:300]))

# What each misbehaviour ends as, by the prefix of its suite's name. With no
# isolation, SIGTERM to its own group reaches the worker, whose stop handler
# may keep it alive until the timeout: crashed or timeout, never anything else.
BY_PREFIX = {"pass": "passed", "crash": "crashed", "hang": "timeout",
             "fail": "failed", "skip": "skipped", "xfail": "xfailed"}

def expected(item_id):
    suite = item_id.split("::")[1]
    if suite == "crash_term" and iso == "none":
        return {"crashed", "timeout"}
    return {BY_PREFIX[suite.split("_")[0]]}

ids = [l.strip() for l in open(ids_f) if l.strip()]
copies = workers if mode == "each" else 1

try:
    d = json.load(open(json_f, encoding="utf-8", errors="replace"))
    T = d.get("tests", [])
except Exception as e:
    say.append("FAIL the JSON report is readable\treadable JSON\t%s" % e)
    d, T = {"summary": {}}, []

# One outcome per item (per worker under each), and the right one.
per_id = C(t["id"] for t in T)
check("JSON: the %d items, %d cop%s each" % (len(ids), copies, "y" if copies == 1 else "ies"),
      sorted(per_id.items()), sorted((i, copies) for i in ids))
if mode == "each":
    pairs = C((t["id"], t["worker"]) for t in T)
    check("JSON: each item once on each of gw0..gw%d" % (workers - 1),
          sorted(pairs.items()),
          sorted(((i, "gw%d" % w), 1) for i in ids for w in range(workers)))
wrong = sorted("%s: %s" % (t["id"], t["outcome"]) for t in T
               if t["id"] in ids and t["outcome"] not in expected(t["id"]))
check("JSON: every item has the outcome its misbehaviour deserves", wrong, [])

# JSON summary = JSON tests.
outcomes = C(t["outcome"] for t in T)
summ = {k: v for k, v in d.get("summary", {}).items()
        if k not in ("total", "deselected") and v}
check("JSON: summary = the outcomes of its tests", summ, dict(outcomes))
check("JSON: total = number of tests", d.get("summary", {}).get("total"), len(T))

# Terminal: the closing line and the -v lines = JSON.
text = open(out_f, encoding="utf-8", errors="replace").read().replace("\0", "")
lines = [l for l in text.split("\n") if l.strip()]
closing = lines[-1] if lines else ""
m = re.match(r"^=+ (.*) in [0-9.]+s =+$", closing)
term = {}
if m:
    for part in m.group(1).split(", "):
        n, _, word = part.partition(" ")
        word = {"timeouts": "timeout", "errors": "error", "not run": "not-run"}.get(word, word)
        term[word] = term.get(word, 0) + int(n)
check("terminal: the closing line counts = JSON summary (%s)" % closing[:120],
      term, dict(outcomes))
WORD = {"PASSED": "passed", "FAILED": "failed", "CRASHED": "crashed",
        "TIMEOUT": "timeout", "SKIPPED": "skipped", "XFAIL": "xfailed",
        "XPASS": "xpassed", "ERROR": "error", "FLAKY": "flaky"}
verbose = C()
for l in text.split("\n"):
    v = re.match(r"^(?:\[gw[0-9]+\] )?\[ *[0-9]+%\] ([A-Z]+) (\S+)$", l)
    if v:
        verbose[(v.group(2), WORD.get(v.group(1), v.group(1)))] += 1
check("terminal: one -v line per item, with the JSON's outcome",
      sorted(verbose.items()), sorted(C((t["id"], t["outcome"]) for t in T).items()))

# JUnit = JSON, testcase by testcase.
KIND = {"passed": "passed", "xpassed": "passed", "flaky": "passed", "error": "error"}
try:
    root = ET.parse(xml_f).getroot()
    suites = root.findall(".//testsuite")
    cases = root.findall(".//testcase")
    junit = C()
    for tc in cases:
        kind = "passed"
        for child in tc:
            if child.tag in ("failure", "skipped"):
                kind = child.get("type", child.tag)
            elif child.tag == "error":
                kind = "error"
        junit[(tc.get("classname"), tc.get("name"), kind)] += 1
    want = C()
    for t in T:
        cls = re.sub(r"\.c$", "", t["file"]).replace("/", ".") + "." + t["suite"]
        want[(cls, t["name"], KIND.get(t["outcome"], t["outcome"]))] += 1
    check("JUnit: the testcases and their outcomes = JSON",
          sorted(junit.items()), sorted(want.items()))
    tot = lambda a: sum(int(s.get(a, 0)) for s in suites)
    fails = sum(outcomes[k] for k in ("failed", "crashed", "timeout"))
    skips = sum(outcomes[k] for k in ("skipped", "xfailed", "not-run"))
    check("JUnit: tests, failures, errors, skipped = JSON",
          (tot("tests"), tot("failures"), tot("errors"), tot("skipped")),
          (len(T), fails, outcomes["error"], skips))
except Exception as e:
    say.append("FAIL the JUnit report is readable\tparseable XML\t%s" % e)

print("\n".join(say))
EOF

# session_left SID: pids (and what they run) of live processes in session
# SID, polled until none is left or 10 s have passed: killed processes take
# a moment to be reaped. Zombies are dead and do not count.
session_left() {
	sl_i=200
	while :; do
		ps -e -o sid=,pid=,stat=,args= |
			awk -v s="$1" '$1 == s && $3 !~ /^Z/ { $1 = ""; print }' >"$T_WORK/left"
		[ -s "$T_WORK/left" ] || return 1
		sl_i=$((sl_i - 1))
		[ "$sl_i" -gt 0 ] || return 0
		sleep 0.05
	done
}

# one MODE WORKERS ISOLATION: one run of the matrix and its checks.
one() {
	tag="$3 -n $2 --dist $1"
	json=$T_WORK/report.json
	xml=$T_WORK/report.xml
	rm -f "$json" "$xml" "$T_WORK/sid"
	# shellcheck disable=SC2016 # $$ and $@ belong to the inner shell
	t_run setsid sh -c 'echo $$ >"$0"; exec "$@"' "$T_WORK/sid" \
		"$herd" -v --no-cache --isolation "$3" -n "$2" --dist "$1" \
		--timeout 1 --kill-grace 0.25 --max-worker-restart 1000 \
		--json "$json" --junit-xml "$xml" "$T_WORK/faults" "$T_WORK/calm"
	t_status 1 "$tag: exit 1 (failures, crashes and timeouts)"
	t_lt "$T_ELAPSED" 120 "$tag: the run ends well within the guard"
	[ -n "${FAULTS_TIMES-}" ] && echo "# $tag: ${T_ELAPSED}s"
	t_lacks err "Sanitizer" "$tag: no sanitizer report from the controller"
	t_xml_valid "$xml" "$tag: the JUnit XML is well-formed despite the garbage"
	python3 "$T_WORK/check.py" "$1" "$2" "$3" "$T_OUT" "$json" "$xml" \
		"$T_WORK/ids" >"$T_WORK/answers" 2>&1
	if [ ! -s "$T_WORK/answers" ] || grep -qv -e '^ok ' -e '^FAIL ' "$T_WORK/answers"; then
		t_fail "$tag: the checker runs" "ok or FAIL lines" "other lines" \
			"$T_WORK/answers"
	fi
	while IFS='	' read -r ans want got; do
		case $ans in
		'ok '*) t_pass "$tag: ${ans#ok }" ;;
		'FAIL '*) t_fail "$tag: ${ans#FAIL }" "$want" "$got" "$T_ERR" ;;
		esac
	done <"$T_WORK/answers"
	sid=$(cat "$T_WORK/sid" 2>/dev/null)
	if [ -z "$sid" ]; then
		t_fail "$tag: the run's session is known" "a session id" "none"
	elif session_left "$sid"; then
		t_fail "$tag: no process of the run is left alive" "none in session $sid" \
			"$(wc -l <"$T_WORK/left") processes after 10 s" "$T_WORK/left"
		# The session is the run's own: whatever is in it is ours to end.
		# (A session id is not reused while a process is in the session.)
		while read -r p _; do
			kill -KILL "$p" 2>/dev/null
		done <"$T_WORK/left"
	else
		t_pass "$tag: no process of the run is left alive"
	fi
}

modes="load loadscope loadfile loadgroup worksteal each no"
steps=9
[ "${FAULTS_FULL:-0}" = 1 ] && steps=42
case ${FAULTS_STEPS-} in '' | *[!0-9]*) ;; *) steps=$FAULTS_STEPS ;; esac
i=0
while [ "$i" -lt "$steps" ]; do
	# shellcheck disable=SC2086 # the lists are words
	mode=$(set -- $modes && shift $((i % 7)) && echo "$1")
	iso=$(set -- fork none && shift $((i % 2)) && echo "$1")
	n=$(set -- 1 2 8 && shift $((i % 3)) && echo "$1")
	one "$mode" "$n" "$iso"
	i=$((i + 1))
done

t_finish

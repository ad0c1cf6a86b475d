#!/bin/sh
# trace.sh - --trace FILE.json (src/plugin_trace.c): the Chrome trace event
# format's object form, which parses as JSON; a named thread per worker and
# one for the controller; a complete slice per item try with its outcome,
# worker and message, reruns included (numbered tries); the collection per
# worker, the global fixture's setup and a lock wait as slices; the crash of
# a worker and its restart as instants; the scheduler's sends on the
# controller's thread; timestamps that never go back on a thread, and item
# slices that do not overlap on their worker. --json of the same run says
# which outcomes to expect. -p no:trace takes the option away.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init trace

herd=$HERD_BUILD/herd
mkdir "$T_WORK/out"
t_build trace_a -DSIDE_A -I tests/e2e tests/e2e/trace.c
t_build trace_b -I tests/e2e tests/e2e/trace.c

t_run "$herd" --no-cache -q -n 2 --isolation none --reruns 1 --timeout 60 \
	--trace "$T_WORK/out/run.json" --json "$T_WORK/report.json" "$T_WORK/trace_a" "$T_WORK/trace_b"
t_status 1 "exit 1: rerun::never and msg::hostile fail on every try"

cat >"$T_WORK/check.py" <<'EOF'
import json, re, sys
trace_path, report_path = sys.argv[1], sys.argv[2]
try:
    doc = json.load(open(trace_path))
except Exception as e:
    for c in sys.argv[3:]:
        print("trace does not parse: %s" % e)
    sys.exit(0)
ev = doc.get("traceEvents", [])
report = json.load(open(report_path))
final = {it["id"].split("::", 1)[1]: it["outcome"] for it in report["tests"]}
names = {e["tid"]: e["args"]["name"] for e in ev if e.get("ph") == "M" and e["name"] == "thread_name"}
items = [e for e in ev if e.get("ph") == "X" and e.get("cat") == "item"]
def any_gw(s):
    return re.sub(r"\bgw\d+", "gwN", s)
def short(e):
    return e["name"].split("::", 1)[1]
def check(what):
    if what == "object":
        return "ok" if isinstance(doc, dict) and isinstance(doc.get("traceEvents"), list) else "no traceEvents list"
    if what == "threads":
        return " ".join(sorted(names.values()))
    if what == "slices-per-item":
        # every try is a slice: one per item, two for the ones that were rerun
        got = {}
        for e in items:
            got.setdefault(short(e), []).append(e)
        bad = []
        for k, o in sorted(final.items()):
            s = sorted(got.get(k, []), key=lambda e: e["ts"])
            tries = [e["args"]["try"] for e in s]
            if tries != list(range(1, len(s) + 1)) or not s:
                bad.append("%s tries %s" % (k, tries))
            elif s[-1]["args"]["outcome"] != o:
                bad.append("%s last slice %s, report %s" % (k, s[-1]["args"]["outcome"], o))
            elif any(e["args"]["outcome"] != "rerun" for e in s[:-1]):
                bad.append("%s earlier tries %s" % (k, [e["args"]["outcome"] for e in s[:-1]]))
        extra = set(got) - set(final)
        return "ok" if not bad and not extra else "; ".join(bad + ["extra %s" % sorted(extra)])
    if what == "tries":
        return " ".join("%s=%d" % (k, sum(1 for e in items if short(e) == k))
                        for k in ("rerun::flaky", "rerun::never", "crash::once", "msg::hostile", "pass::a1"))
    if what == "on-worker-track":
        bad = [short(e) for e in items if names.get(e["tid"]) != e["args"]["worker"]]
        return "ok" if not bad else "on another thread: %s" % bad
    if what == "message":
        m = [e["args"].get("message", "") for e in items if short(e) == "rerun::never"]
        return re.sub(r":\d+:", ":LINE:", m[-1]) if m else "none"
    if what == "lock":
        s = [e for e in ev if e.get("ph") == "X" and e.get("cat") == "lock"]
        return any_gw(" ".join("%s|%s|%s" % (e["name"], names.get(e["tid"]), "dur>0" if e["dur"] > 0 else "dur=0") for e in s)) or "none"
    if what == "fixture":
        s = [e for e in ev if e.get("ph") == "X" and e.get("cat") == "fixture"]
        return " ".join("%s|%s" % (e["name"], e["args"].get("result")) for e in s) or "none"
    if what == "collect":
        s = [names.get(e["tid"]) for e in ev if e.get("ph") == "X" and e.get("cat") == "collect"]
        return " ".join(sorted(set(s))) or "none"
    if what == "crash":
        s = [e for e in ev if e.get("ph") == "i" and e.get("cat") == "crash"]
        return any_gw(" ".join("%s|%s" % (names.get(e["tid"]), "crash::once" in e["args"].get("detail", "")) for e in s)) or "none"
    if what == "restart":
        s = [names.get(e["tid"]) for e in ev if e.get("ph") == "i" and e.get("cat") == "restart"]
        c = [names.get(e["tid"]) for e in ev if e.get("ph") == "i" and e.get("cat") == "crash"]
        return "%d, on the crashed worker" % len(s) if s == c else "restarts %s, crashes %s" % (s, c)
    if what == "schedule":
        s = [e for e in ev if e.get("cat") == "schedule"]
        return "%s %d" % (" ".join(sorted(set(names.get(e["tid"], "?") for e in s))), len(s) > 0)
    if what == "monotone":
        last, end, bad = {}, {}, []
        for e in ev:
            if e.get("ph") == "M":
                continue
            t = e["tid"]
            if e["ts"] < last.get(t, 0):
                bad.append("%s goes back at %s" % (names.get(t), e["name"]))
            last[t] = e["ts"]
            if e.get("cat") == "item":
                if e["ts"] < end.get(t, 0) - 0.001:
                    bad.append("%s overlaps on %s" % (e["name"], names.get(t)))
                end[t] = e["ts"] + e["dur"]
        return "ok" if not bad else "; ".join(bad[:5])
    if what == "units":
        # microseconds from the run's start: a run of seconds, not hours
        top = max(e["ts"] + e.get("dur", 0) for e in ev if e.get("ph") != "M")
        return "ok" if 0 < top and all(e["ts"] >= 0 for e in ev if "ts" in e) and top < 600e6 else "max %s" % top
    return "unknown check " + what
for c in sys.argv[3:]:
    try:
        print(check(c))
    except Exception as e:
        print("check %s failed: %r" % (c, e))
EOF

t_pycheck "$T_WORK/out/run.json" "$T_WORK/report.json" object threads slices-per-item tries \
	on-worker-track message lock fixture collect crash restart schedule monotone units
t_eq "$(t_answer 1)" ok "the trace parses as JSON: an object with a traceEvents list"
t_eq "$(t_answer 2)" "controller gw0 gw0 sync gw1 gw1 sync" \
	"one named thread per worker, its sync thread, and the controller's"
t_eq "$(t_answer 3)" ok "a slice per item try, tries numbered 1, 2 in time order; the last has the report's outcome, earlier ones 'rerun'"
t_eq "$(t_answer 4)" "rerun::flaky=2 rerun::never=2 crash::once=2 msg::hostile=2 pass::a1=1" \
	"reruns are visible: two slices for each item that ran twice"
t_eq "$(t_answer 5)" ok "each slice is on the thread of the worker its args name"
t_eq "$(t_answer 6)" "tests/e2e/trace.c:LINE: CHECK(0) failed" \
	"a slice's args carry the first line of its message"
t_eq "$(t_answer 7)" "wait lock L|gwN sync|dur>0" \
	"lock::want's wait for L is one slice on its worker's sync thread"
t_eq "$(t_answer 8)" "setup gfix|ok" "the global fixture's setup is a slice, with its result"
t_eq "$(t_answer 9)" "gw0 gw1" "each worker's collection is a slice on its thread"
t_eq "$(t_answer 10)" "gwN|True" "the worker crash::once killed: one crash instant naming the item"
t_eq "$(t_answer 11)" "1, on the crashed worker" "its restart: one instant on the same worker"
t_eq "$(t_answer 12)" "controller 1" "the scheduler's sends are instants on the controller's thread"
t_eq "$(t_answer 13)" ok "timestamps never go back on a thread; item slices do not overlap"
t_eq "$(t_answer 14)" ok "timestamps are microseconds since the run started"
t_eq "$(ls "$T_WORK/out")" "run.json" "written through a temporary name: nothing else is left"

# --- the option belongs to the plugin ---
t_run "$herd" --no-cache -q -p no:trace --trace "$T_WORK/out/no.json" "$T_WORK/trace_a"
t_status 4 "-p no:trace: --trace is not an option then (exit 4)"
t_has err "unknown option '--trace'" "-p no:trace: one line names the option"
t_run "$herd" --no-cache -q --trace
t_status 4 "--trace without its file: exit 4"
t_has err "--trace needs a value" "--trace without its file: one line says so"
t_run "$herd" --no-cache -q -k pass --trace "$T_WORK/no/such/dir/t.json" "$T_WORK/trace_a"
t_status 3 "an unwritable trace: exit 3"
t_has err "cannot write $T_WORK/no/such/dir/t.json" "an unwritable trace: one line names the file"
t_run "$herd" --help
t_eq "$(grep -c -e '--trace' "$T_OUT")" 1 "--help lists --trace once (herd's own text, not again as a plugin's)"

t_finish

#!/bin/sh
# sync_groups.sh - group strategies proven from what the tests recorded
# (sync_groups.c: "B|E|C <monotonic ns> <pid> <worker> <tag>" lines): a serial
# group runs in one process, in definition order, its state carried over,
# and after a crash the rest of it runs on in one fresh process; an
# isolated_free or isolated_serial group overlaps no other test, and the
# isolated groups run first; two strategies declared for one group stop the
# binary (exit 4 alone, 3 under herd). Over --dist load, loadscope, loadgroup
# and worksteal with -n 2 and -n 4, both isolation modes, and run alone.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init sync_groups
# Only the options given here: none from the caller's environment.
unset HERD_ADDOPTS

herd=$HERD_BUILD/herd
[ -x "$herd" ] || t_bail "the controller is built" "$herd" "no such file"
command -v python3 >/dev/null 2>&1 || t_bail "python3 is there" "python3" "not found"

src=tests/e2e/sync_groups.c
csrc=tests/e2e/sync_groups_conflict.c
t_build groups $src
t_build conflict $csrc
bin=$T_WORK/groups
json=$T_WORK/report.json

# The checker: each check prints "ok" or what is wrong (see t_pycheck in tests/lib.sh).
cat >"$T_WORK/check.py" <<'EOF'
import json, os, sys

def load(path):
    iv = {}     # tag -> dict(b, e, pid, worker)
    counts = []
    try:
        lines = open(path).read().splitlines()
    except OSError as e:
        raise ValueError("no log: %s" % e)
    for ln in lines:
        f = ln.split()
        if len(f) != 5 or f[0] not in ("B", "E", "C"):
            raise ValueError("a malformed line: %r" % ln)
        kind, ns, pid, worker, tag = f[0], int(f[1]), f[2], f[3], f[4]
        if kind == "C":
            counts.append(tag)
            continue
        d = iv.setdefault(tag, {"b": None, "e": None, "pid": pid, "worker": worker, "n": 0})
        if kind == "B":
            d["n"] += 1
            d["b"] = ns
        else:
            d["e"] = ns
        if d["pid"] != pid:
            d["pid2"] = pid
    return iv, counts

def group(iv, name):
    return sorted((t for t in iv if t.split(".")[0] == name), key=lambda t: iv[t]["b"])

def end(d):
    return d["e"] if d["e"] is not None else d["b"]

def check(args):
    iv, counts = load(args[0])
    what = args[1]
    twice = [t for t in iv if iv[t]["n"] != 1 or "pid2" in iv[t]]
    if twice:
        return "began more than once or in two processes: %s" % twice
    if what == "ran":  # ran N: N tests began, each once
        return "ok" if len(iv) == int(args[2]) else "%d tests began, not %s" % (len(iv), args[2])
    if what == "serial":  # serial GROUP N: one pid, definition order, no overlap, counts
        g, n = args[2], int(args[3])
        m = group(iv, g)
        if len(m) != n:
            return "%d members of %s ran, not %d" % (len(m), g, n)
        pids = sorted(set(iv[t]["pid"] for t in m))
        if len(pids) != 1:
            return "%s ran in %d processes: %s" % (g, len(pids), pids)
        if m != sorted(m):
            return "%s ran in the order %s" % (g, m)
        for a, b in zip(m, m[1:]):
            if iv[a]["e"] is None or iv[a]["e"] > iv[b]["b"]:
                return "%s overlaps %s" % (a, b)
        want = ["%s=%d" % (t, k + 1) for k, t in enumerate(m)]
        got = [c for c in counts if c.split(".")[0] == g]
        if got != want:
            return "the counter went %s, not %s" % (got, want)
        return "ok"
    if what == "crash":  # crash GROUP: 1-3 in one pid, 3 died, 4-5 in one new pid
        g = args[2]
        m = group(iv, g)
        names = [t.split(".")[1] for t in m]
        if names != ["c1", "c2", "c3", "c4", "c5"]:
            return "the members began in the order %s" % names
        a = set(iv[t]["pid"] for t in m[:3])
        b = set(iv[t]["pid"] for t in m[3:])
        if len(a) != 1 or len(b) != 1 or a == b:
            return "pids before and with the crash %s, after it %s" % (sorted(a), sorted(b))
        if iv[m[2]]["e"] is not None:
            return "the crashing member ended"
        if iv[m[3]]["b"] < iv[m[2]]["b"]:
            return "c4 began before c3"
        return "ok"
    if what == "isolated":  # isolated GROUP: its span overlaps nothing else
        g = args[2]
        m = group(iv, g)
        if not m:
            return "no member of %s ran" % g
        lo = min(iv[t]["b"] for t in m)
        hi = max(end(iv[t]) for t in m)
        bad = ["%s [%+.1f ms, %+.1f ms]" % (t, (iv[t]["b"] - lo) / 1e6, (end(iv[t]) - lo) / 1e6)
               for t in iv if t not in m and iv[t]["b"] <= hi and end(iv[t]) >= lo]
        if bad:
            return "%s ran from 0 to %.1f ms; meanwhile %s" % (g, (hi - lo) / 1e6, ", ".join(bad[:4]))
        return "ok"
    if what == "first":  # first G1 G2 ...: each group ends before the next and the rest begin
        gs = args[2:]
        for k, g in enumerate(gs):
            m = group(iv, g)
            later = [t for t in iv if t.split(".")[0] not in gs[:k + 1]]
            if not m:
                return "no member of %s ran" % g
            hi = max(end(iv[t]) for t in m)
            early = [t for t in later if iv[t]["b"] < hi]
            if early:
                return "%s began before %s was over" % (early[:4], g)
        return "ok"
    if what == "outcomes":  # outcomes JSON: "id-suffix=outcome ..." (JSON beside LOG)
        d = json.load(open(os.path.join(os.path.dirname(args[0]), args[2])))
        return " ".join("%s=%s" % (t["id"].split("::", 1)[1], t["outcome"])
                        for t in sorted(d["tests"], key=lambda t: t["id"]))
    return "unknown check %s" % what

# check.py LOG "CHECK ARG..." ...: one line per check, in order.
for spec in sys.argv[2:]:
    try:
        print(check([sys.argv[1]] + spec.split()))
    except Exception as e:
        print("checker error: %r" % e)
EOF


n=0
# prove WHAT LOG: everything a run of the whole binary less crashg must show.
# With a third argument, also that the isolated groups ran first.
prove() {
	t_pycheck "$2" "ran 22" "serial ser 5" "serial isos 3" "isolated isos" "isolated isof" \
		"first isos isof"
	t_eq "$(t_answer 1)" ok "$1: the 22 selected tests each began once"
	t_eq "$(t_answer 2)" ok "$1: serial group: one process, in order, counter 1..5"
	t_eq "$(t_answer 3)" ok "$1: isolated_serial group: one process, in order"
	t_eq "$(t_answer 4)" ok "$1: isolated_serial group overlaps no other test"
	t_eq "$(t_answer 5)" ok "$1: isolated_free group overlaps no other test"
	[ -z "${3-}" ] ||
		t_eq "$(t_answer 6)" ok "$1: isolated_serial first, then isolated_free, then the rest"
}

# --- under herd: every distribution mode, 2 and 4 workers ---
for dist in load loadscope loadgroup worksteal; do
	for w in 2 4; do
		n=$((n + 1))
		log=run$n.log
		t_run env SYNC_LOG=$log "$herd" --no-cache -n $w --dist $dist --timeout 30 -k "not crashg" "$bin"
		t_status 0 "--dist $dist -n $w: exit 0"
		t_summary "22 passed, 5 deselected" "--dist $dist -n $w: 22 passed"
		prove "--dist $dist -n $w" "$T_WORK/$log" first
	done
done

n=$((n + 1))
log=run$n.log
t_run env SYNC_LOG=$log "$herd" --no-cache -n 4 --isolation none --timeout 30 -k "not crashg" "$bin"
t_status 0 "--isolation none -n 4: exit 0"
prove "--isolation none -n 4" "$T_WORK/$log" first

# --- run alone: the members are gathered into one child ---
for iso in fork none; do
	n=$((n + 1))
	log=run$n.log
	t_run env SYNC_LOG=$log "$bin" --isolation $iso -k "not crashg"
	t_status 0 "alone, $iso: exit 0"
	t_summary "22 passed, 5 deselected" "alone, $iso: 22 passed"
	prove "alone, $iso" "$T_WORK/$log"
done

# --- a crash in the middle of a serial group ---
crash_want="crashg::c1=passed crashg::c2=passed crashg::c3=crashed crashg::c4=passed crashg::c5=passed"
for iso in fork none; do
	for dist in load worksteal; do
		n=$((n + 1))
		log=run$n.log
		rm -f "$json"
		t_run env SYNC_LOG=$log "$herd" --no-cache -n 4 --dist $dist --isolation $iso --timeout 30 \
			-k "crashg or free" "$bin" --json "$json"
		t_status 1 "crash, $iso, $dist: exit 1"
		t_summary "1 crashed, 12 passed, 14 deselected" "crash, $iso, $dist: 1 crashed, 12 passed"
		t_pycheck "$T_WORK/$log" "crash crashg" "outcomes report.json"
		t_eq "$(t_answer 1)" ok \
			"crash, $iso, $dist: c1-c3 in one process, c4-c5 in one new process, in order"
		t_eq "$(t_answer 2 | tr ' ' '\n' | grep crashg | tr '\n' ' ')" \
			"$crash_want " "crash, $iso, $dist: the crashing member crashed, the others passed"
	done
done
n=$((n + 1))
log=run$n.log
t_run env SYNC_LOG=$log "$bin" -k crashg
t_status 1 "crash, alone: exit 1"
t_summary "1 crashed, 4 passed, 22 deselected" "crash, alone: 1 crashed, 4 passed"
t_pycheck "$T_WORK/$log" "crash crashg"
t_eq "$(t_answer 1)" ok "crash, alone: c1-c3 in one process, c4-c5 in one new process, in order"

# --- a group declared with two strategies ---
l1=$(grep -n 'cf, first' "$HERD_SRC/$csrc" | cut -d: -f1)
l2=$(grep -n 'cf, second' "$HERD_SRC/$csrc" | cut -d: -f1)
msg="group 'cf' is declared serial at $csrc:$l1 and isolated_free at $csrc:$l2"
for args in "" --list; do
	t_run "$T_WORK/conflict" $args
	t_status 4 "conflict, alone ${args:-run}: exit 4"
	t_has err "$msg" "conflict, alone ${args:-run}: the message names both places"
	t_nomatch out "PASSED|passed|::" "conflict, alone ${args:-run}: nothing listed or run"
done
t_run "$herd" --no-cache -n 2 "$T_WORK/conflict"
t_status 4 "conflict, herd: exit 4, as alone"
t_has err "$msg" "conflict, herd: the worker's message names both places"
t_nomatch out "passed" "conflict, herd: nothing run"

t_finish

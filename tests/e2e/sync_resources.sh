#!/bin/sh
# sync_resources.sh - resource capacities proven from what the tests recorded
# (sync_resources.c: "B|E <monotonic ns> <pid> <worker> <tag> <demand>"): the
# tokens held by the bodies running at any instant never exceed a capacity
# (--resource, herd.ini's resources, or 1 by default); an exclusive item
# overlaps nothing; an item asking more than a capacity stops the run (exit
# 4, one line naming it); a mix of big and small demands all finish.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init sync_resources
# Only the options given here: none from the caller's environment.
unset HERD_ADDOPTS

herd=$HERD_BUILD/herd
[ -x "$herd" ] || t_bail "the controller is built" "$herd" "no such file"
command -v python3 >/dev/null 2>&1 || t_bail "python3 is there" "python3" "not found"

src=tests/e2e/sync_resources.c
t_build res $src
bin=$T_WORK/res

# The checker: each check prints "ok", a number, or what is wrong (see t_pycheck in tests/lib.sh).
cat >"$T_WORK/check.py" <<'EOF'
import re, sys

def load(path):
    iv = {}
    try:
        lines = open(path).read().splitlines()
    except OSError as e:
        raise ValueError("no log: %s" % e)
    for ln in lines:
        f = ln.split()
        if len(f) != 6 or f[0] not in ("B", "E"):
            raise ValueError("a malformed line: %r" % ln)
        d = iv.setdefault(f[4], {"b": None, "e": None, "n": 0, "need": {}})
        if f[0] == "B":
            d["n"] += 1
            d["b"] = int(f[1])
        else:
            d["e"] = int(f[1])
        for w in f[5].split(","):
            if w != "-":
                name, _, k = w.partition(":")
                d["need"][name] = int(k or 1)
    return iv

def sweep(iv, weight):
    """The most weight running at one instant, and the tags then running."""
    ev = []
    for t, d in iv.items():
        if weight(t, d):
            ev.append((d["b"], 1, t))
            ev.append((d["e"], 0, t))
    ev.sort()     # at one instant an end comes before a beginning
    cur, best, now, at = 0, 0, set(), []
    for ns, kind, t in ev:
        if kind:
            now.add(t)
            cur += weight(t, iv[t])
            if cur > best:
                best, at = cur, sorted(now)
        else:
            now.discard(t)
            cur -= weight(t, iv[t])
    return best, at

def check(a):
    iv = load(a[0])
    bad = [t for t, d in iv.items() if d["n"] != 1 or d["e"] is None]
    if bad:
        return "began more than once or never ended: %s" % bad[:4]
    if a[1] == "ran":         # ran N
        return "ok" if len(iv) == int(a[2]) else "%d tests ran, not %s" % (len(iv), a[2])
    if a[1] == "capacity":    # capacity NAME=N ...: demands never exceed
        for spec in a[2:]:
            name, _, cap = spec.partition("=")
            best, at = sweep(iv, lambda t, d: d["need"].get(name, 0))
            if best > int(cap):
                return "%d of %s held at once (capacity %s) by %s" % (best, name, cap, at)
        return "ok"
    if a[1] == "most":        # most REGEX: most tests matching running at once
        return str(sweep(iv, lambda t, d: 1 if re.search(a[2], t) else 0)[0])
    if a[1] == "alone":       # alone TAG: nothing overlaps it
        x = iv.get(a[2])
        if not x:
            return "%s did not run" % a[2]
        bad = [t for t, d in iv.items() if t != a[2] and d["b"] <= x["e"] and d["e"] >= x["b"]]
        return "ok" if not bad else "%s overlapped %s" % (a[2], bad[:4])
    return "unknown check %s" % a[1]

# check.py LOG "CHECK ARG..." ...: one line per check, in order.
for spec in sys.argv[2:]:
    try:
        print(check([sys.argv[1]] + spec.split()))
    except Exception as e:
        print("checker error: %r" % e)
EOF


n=0
caps="--resource pg=2 --resource gpu=2 --resource db=3"

# --- pg=2, gpu=2 and an exclusive item, in several modes ---
for mode in "--dist load" "--dist worksteal" "--dist loadscope" "--isolation none"; do
	n=$((n + 1))
	log=run$n.log
	# shellcheck disable=SC2086 # caps and mode are lists of words
	t_run env SYNC_LOG=$log timeout 120 "$herd" --no-cache -n 4 $mode $caps --timeout 30 \
		-k "pg or gpu or excl" "$bin"
	t_status 0 "$mode: exit 0"
	t_summary "19 passed, 16 deselected" "$mode: 19 passed"
	t_pycheck "$T_WORK/$log" "ran 19" "capacity pg=2 gpu=2" "most ^gpu::big" "alone excl::alone" \
		"most ^pg::"
	t_eq "$(t_answer 1)" ok "$mode: each test ran once, to its end"
	t_eq "$(t_answer 2)" ok "$mode: never more than 2 tokens of pg, nor of gpu, held at once"
	t_eq "$(t_answer 3)" 1 "$mode: no two gpu:2 tests overlap"
	t_eq "$(t_answer 4)" ok "$mode: the exclusive test overlaps nothing"
	echo "# $mode: at most $(t_answer 5) pg tests ran at once (2 allowed)"
done

# --- no capacity given: 1 token ---
n=$((n + 1))
log=run$n.log
t_run env SYNC_LOG=$log timeout 120 "$herd" --no-cache -n 4 --timeout 30 -k "pg" "$bin"
t_status 0 "pg with its default capacity: exit 0"
t_pycheck "$T_WORK/$log" "most ^pg::"
t_eq "$(t_answer 1)" 1 "pg with its default capacity 1: one at a time"

# --- big and small demands: all finish, none starves, capacities hold ---
for dist in load worksteal; do
	n=$((n + 1))
	log=run$n.log
	# shellcheck disable=SC2086
	t_run env SYNC_LOG=$log timeout 120 "$herd" --no-cache -n 4 --dist $dist $caps --timeout 30 -k mix "$bin"
	t_status 0 "mix, $dist: exit 0 (124 would be a hang)"
	t_summary "16 passed, 19 deselected" "mix, $dist: all 16 passed"
	t_pycheck "$T_WORK/$log" "ran 16" "capacity db=3 pg=2"
	t_eq "$(t_answer 1)" ok "mix, $dist: each test ran once, to its end"
	t_eq "$(t_answer 2)" ok \
		"mix, $dist: never more than 3 tokens of db or 2 of pg held at once"
done

# --- a demand over the capacity ---
rm -f "$T_WORK/over.log"
t_run env SYNC_LOG=over.log "$herd" --no-cache -n 2 --resource gpu=1 -k gpu "$bin"
t_status 4 "gpu:2 with --resource gpu=1: exit 4"
t_count err . 1 "gpu:2 with --resource gpu=1: one line on stderr"
t_match err "$(t_re "$src::gpu::big")[1-4].*2.*'gpu'.*1" \
	"gpu:2 with --resource gpu=1: the line names the item, its demand and the capacity"
t_eq "$(test -e "$T_WORK/over.log" && echo ran || echo none)" none \
	"gpu:2 with --resource gpu=1: no test ran"
t_run "$herd" --no-cache -n 2 -k gpu "$bin"
t_status 4 "gpu:2 with the default capacity 1: exit 4"
t_run "$herd" --no-cache -n 2 --resource gpu=1 -k "gpu and small" "$bin"
t_status 0 "a deselected item over the capacity is no error"

# --- capacities from herd.ini, --resource over them ---
printf '[herd]\nresources = pg=2 gpu=1\n' >"$T_WORK/herd.ini"
t_run "$herd" --no-cache -n 2 -k gpu "$bin"
t_status 4 "herd.ini gpu=1: gpu:2 is refused, exit 4"
t_has err "'gpu'" "herd.ini gpu=1: the line names the resource"
n=$((n + 1))
log=run$n.log
t_run env SYNC_LOG=$log timeout 120 "$herd" --no-cache -n 4 --resource gpu=2 -k "pg or gpu" "$bin"
t_status 0 "herd.ini gpu=1 and --resource gpu=2: exit 0"
t_pycheck "$T_WORK/$log" "capacity pg=2 gpu=2"
t_eq "$(t_answer 1)" ok "herd.ini pg=2: never more than 2 pg held"
rm -f "$T_WORK/herd.ini"

# --- run alone: resources need no controller ---
t_run env SYNC_LOG=alone.log "$bin"
t_status 0 "alone: exit 0"
t_summary "35 passed" "alone: 35 passed"
t_pycheck "$T_WORK/alone.log" "most ."
t_eq "$(t_answer 1)" 1 "alone: one test at a time"

t_finish

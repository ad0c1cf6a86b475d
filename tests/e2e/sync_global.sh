#!/bin/sh
# sync_global.sh - a global fixture proven from what the tests recorded
# (sync_global.c: "KIND <monotonic ns> <pid> <worker> <tag>"): over 1,000
# items and 2 or 8 workers its setup runs exactly once, before any dependent
# item, and every item reads what it published on the board; its teardown
# runs exactly once, after the last dependent item, also when a dependent
# test crashes; a setup that fails a REQUIRE or segfaults makes every
# dependent item an error with the reason, and the run ends. Run alone, it
# is set up once and torn down once. Then the fakedb example, under herd
# and alone.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init sync_global
# Only the options given here: none from the caller's environment.
unset HERD_ADDOPTS

herd=$HERD_BUILD/herd
[ -x "$herd" ] || t_bail "the controller is built" "$herd" "no such file"
command -v python3 >/dev/null 2>&1 || t_bail "python3 is there" "python3" "not found"

src=tests/e2e/sync_global.c
t_build global $src
bin=$T_WORK/global
json=$T_WORK/report.json

# The checker: each check prints "ok", a value, or what is wrong (see t_pycheck in tests/lib.sh).
cat >"$T_WORK/check.py" <<'EOF'
import collections, json, os, sys

def lines(path):
    try:
        text = open(path).read()
    except OSError:
        return []
    out = []
    for ln in text.splitlines():
        f = ln.split()
        if len(f) != 5:
            raise ValueError("a malformed line: %r" % ln)
        out.append((int(f[1]), f[0], f[2], f[3], f[4]))
    return sorted(out)

def check(a):
    what = a[0]
    if what == "errors":        # errors|TEXT|...: outcomes; every error says each TEXT
        tests = json.load(open(os.path.join(os.path.dirname(a[1]), "report.json")))["tests"]
        c = collections.Counter(t["outcome"] for t in tests)
        bad = [t["id"] for t in tests if t["outcome"] == "error" and
               not all(x in (t.get("message") or "") for x in a[2:])]
        if bad:
            return "%d errors do not say %s, e.g. %s: %r" % (
                len(bad), a[2:], bad[0], [t.get("message") for t in tests if t["id"] == bad[0]][0])
        return " ".join("%s=%d" % kv for kv in sorted(c.items()))
    ev = lines(a[1])
    kinds = collections.Counter(k for ns, k, p, w, t in ev)
    if what == "counts":        # counts: SETUP, PUB, TEARDOWN, ITEM lines
        return " ".join("%s=%d" % (k, kinds[k]) for k in ("SETUP", "PUB", "TEARDOWN", "ITEM"))
    if what == "order":         # order: SETUP < PUB < every ITEM < TEARDOWN
        pos = {}
        for ns, k, p, w, t in ev:
            pos.setdefault(k, []).append(ns)
        for k in ("SETUP", "PUB", "ITEM", "TEARDOWN"):
            if k not in pos:
                return "no %s line" % k
        if not (max(pos["SETUP"]) < min(pos["PUB"]) and max(pos["PUB"]) < min(pos["ITEM"])):
            return "an item ran before the setup was over"
        if not max(pos["ITEM"]) < min(pos["TEARDOWN"]):
            late = sum(1 for x in pos["ITEM"] if x > min(pos["TEARDOWN"]))
            return "%d items ran after the teardown" % late
        return "ok"
    if what == "same":          # same: every item read the address the setup published
        pub = set(t for ns, k, p, w, t in ev if k == "PUB")
        got = collections.Counter(t for ns, k, p, w, t in ev if k in ("ITEM", "TEARDOWN"))
        if len(pub) != 1:
            return "published %d addresses" % len(pub)
        other = [x for x in got if x not in pub]
        return "ok" if not other else "items read %s, the setup published %s" % (other[:3], pub)
    if what == "where":         # where: the workers of SETUP and TEARDOWN, and of the items
        w = lambda kind: sorted(set(x for ns, k, p, x, t in ev if k == kind))
        return "setup in %s, teardown in %s, items in %d workers" % (
            ",".join(w("SETUP")), ",".join(w("TEARDOWN")), len(w("ITEM")))
    return "unknown check %s" % what

# check.py LOG "CHECK ARG..." ...: one line per check, in order; a check
# whose arguments hold spaces separates them with "|".
for spec in sys.argv[2:]:
    w = spec.split("|") if "|" in spec else spec.split()
    try:
        print(check([w[0], sys.argv[1]] + w[1:]))
    except Exception as e:
        print("checker error: %r" % e)
EOF


# once DESC LOG ITEMS: set up once, torn down once, around all ITEMS items.
once() {
	t_pycheck "$2" counts order same where
	t_eq "$(t_answer 1)" "SETUP=1 PUB=1 TEARDOWN=1 ITEM=$3" "$1: setup once, teardown once, $3 items"
	t_eq "$(t_answer 2)" ok "$1: setup before every item, teardown after every item"
	t_eq "$(t_answer 3)" ok "$1: every item and the teardown read what the setup published"
	echo "# $1: $(t_answer 4)"
}

n=0
# --- 1,000 items in the workers themselves; 100 forked ---
for w in 2 8; do
	n=$((n + 1))
	t_run env SYNC_LOG=run$n.log timeout 120 "$herd" --no-cache -n $w --isolation none --timeout 30 -k use "$bin"
	t_status 0 "none -n $w, 1,000 items: exit 0"
	t_summary "1000 passed, 103 deselected" "none -n $w: 1000 passed"
	once "none -n $w" "$T_WORK/run$n.log" 1000
	n=$((n + 1))
	t_run env SYNC_LOG=run$n.log timeout 120 "$herd" --no-cache -n $w --timeout 30 -k few "$bin"
	t_status 0 "fork -n $w, 100 items: exit 0"
	t_summary "100 passed, 1003 deselected" "fork -n $w: 100 passed"
	once "fork -n $w" "$T_WORK/run$n.log" 100
done

# --- no dependent item selected: no setup ---
n=$((n + 1))
t_run env SYNC_LOG=run$n.log "$herd" --no-cache -n 2 -k plain "$bin"
t_status 0 "only tests without it: exit 0"
t_pycheck "$T_WORK/run$n.log" counts
t_eq "$(t_answer 1)" "SETUP=0 PUB=0 TEARDOWN=0 ITEM=0" "only tests without it: it is not set up"

# --- a dependent test crashes (with -n 1 and no isolation, it is the last
# item and kills the only worker: the teardown needs a new one) ---
for iso in fork none; do
	for w in 1 2 4; do
		n=$((n + 1))
		t_run env SYNC_LOG=run$n.log timeout 120 "$herd" --no-cache -n $w --isolation $iso --timeout 30 \
			-k "few or crashy" "$bin"
		t_status 1 "a dependent crash, $iso -n $w: exit 1"
		t_summary "1 crashed, 100 passed, 1002 deselected" \
			"a dependent crash, $iso -n $w: 1 crashed, 100 passed"
		once "a dependent crash, $iso -n $w" "$T_WORK/run$n.log" 101
	done
done

# --- the setup fails a REQUIRE, or segfaults ---
for iso in fork none; do
	n=$((n + 1))
	rm -f "$json"
	t_run env SYNC_LOG=run$n.log SYNC_GSETUP=fail timeout 120 "$herd" --no-cache -n 4 --isolation $iso \
		--timeout 30 -k "few or plain" "$bin" --json "$json"
	t_status 1 "failing setup, $iso: exit 1"
	t_summary "100 errors, 2 passed, 1001 deselected" "failing setup, $iso: 2 passed, 100 errors"
	t_pycheck "$T_WORK/run$n.log" "errors|fixture 'gdb' setup failed|the database would not start" counts
	t_eq "$(t_answer 1)" "error=100 passed=2" \
		"failing setup, $iso: each dependent item's error gives the reason"
	t_eq "$(t_answer 2)" "SETUP=1 PUB=0 TEARDOWN=0 ITEM=0" \
		"failing setup, $iso: tried once, no teardown, no dependent test ran"

	n=$((n + 1))
	rm -f "$json"
	t_run env SYNC_LOG=run$n.log SYNC_GSETUP=crash timeout 120 "$herd" --no-cache -n 4 --isolation $iso \
		--timeout 30 -k "few or plain" "$bin" --json "$json"
	t_status 1 "crashing setup, $iso: exit 1, in time"
	t_summary "100 errors, 2 passed, 1001 deselected" "crashing setup, $iso: 2 passed, 100 errors"
	t_pycheck "$T_WORK/run$n.log" "errors|global fixture 'gdb' setup crashed|SIGSEGV" counts
	t_eq "$(t_answer 1)" "error=100 passed=2" \
		"crashing setup, $iso: each dependent item's error says it crashed"
	t_eq "$(t_answer 2)" "SETUP=1 PUB=0 TEARDOWN=0 ITEM=0" \
		"crashing setup, $iso: tried once, no teardown, no dependent test ran"
done

# --- run alone ---
for iso in fork none; do
	n=$((n + 1))
	t_run env SYNC_LOG=run$n.log "$bin" --isolation $iso -k few
	t_status 0 "alone, $iso: exit 0"
	t_summary "100 passed, 1003 deselected" "alone, $iso: 100 passed"
	once "alone, $iso" "$T_WORK/run$n.log" 100
done
n=$((n + 1))
t_run env SYNC_LOG=run$n.log "$bin" -k "few or crashy"
t_status 1 "alone, a dependent crash: exit 1"
once "alone, a dependent crash" "$T_WORK/run$n.log" 101
n=$((n + 1))
t_run env SYNC_LOG=run$n.log SYNC_GSETUP=fail "$bin" -k few
t_status 1 "alone, failing setup: exit 1"
t_summary "100 errors, 1003 deselected" "alone, failing setup: 100 errors"
t_pycheck "$T_WORK/run$n.log" counts
t_eq "$(t_answer 1)" "SETUP=1 PUB=0 TEARDOWN=0 ITEM=0" "alone, failing setup: tried once, no dependent test ran"

# --- the fakedb example: its database made and removed in a folder of ours ---
if [ -d "$HERD_SRC/examples/fakedb" ]; then
	t_build fakedb examples/fakedb/fakedb.c examples/fakedb/test_fakedb.c
	mkdir -p "$T_WORK/fdtmp"
	for how in "herd -n 4" "herd -n 4 --isolation none" alone; do
		case $how in
		alone) t_run env TMPDIR="$T_WORK/fdtmp" timeout 120 "$T_WORK/fakedb" ;;
		*none) t_run env TMPDIR="$T_WORK/fdtmp" timeout 120 "$herd" --no-cache -n 4 \
			--isolation none "$T_WORK/fakedb" ;;
		*) t_run env TMPDIR="$T_WORK/fdtmp" timeout 120 "$herd" --no-cache -n 4 "$T_WORK/fakedb" ;;
		esac
		t_status 0 "examples/fakedb, $how: exit 0"
		t_summary "13 passed" "examples/fakedb, $how: 13 passed"
		t_eq "$(find "$T_WORK/fdtmp" -mindepth 1 | wc -l)" 0 \
			"examples/fakedb, $how: the database was removed"
	done
fi

t_finish

#!/bin/sh
# sync_locks.sh - herd_lock, the board and trails, proven from what the tests
# recorded (sync_locks.c: "KIND <monotonic ns> <pid> <worker> <tag>"): no
# two holders of a lock overlap, across workers and across binaries; bytes
# of every kind round-trip through the board, written by one worker and read
# by others; a trail says "first" and "last" once per episode; a lock held
# by a test that exits, dies of a signal, returns, crashes or times out is
# released (and said so) and a later test taking it does not hang. Both
# isolation modes, and run alone.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init sync_locks
# Only the options given here: none from the caller's environment.
unset HERD_ADDOPTS

herd=$HERD_BUILD/herd
[ -x "$herd" ] || t_bail "the controller is built" "$herd" "no such file"
command -v python3 >/dev/null 2>&1 || t_bail "python3 is there" "python3" "not found"

src=tests/e2e/sync_locks.c
t_build locks $src
bin=$T_WORK/locks
# A second binary with the same tests under other node ids (herd refuses two
# items of one id): the same source, named as another file.
{ printf '#line 1 "tests/e2e/sync_locks2.c"\n'; cat "$HERD_SRC/$src"; } >"$T_WORK/sync_locks2.c"
t_build locks2 -I tests/e2e "$T_WORK/sync_locks2.c"
json=$T_WORK/report.json

# The checker: each check prints "ok", a value, or what is wrong (see t_pycheck in tests/lib.sh).
cat >"$T_WORK/check.py" <<'EOF'
import json, os, sys

def lines(path):
    out = []
    for ln in open(path).read().splitlines():
        f = ln.split()
        if len(f) != 5:
            raise ValueError("a malformed line: %r" % ln)
        out.append((int(f[1]), f[0], f[2], f[3], f[4]))
    return sorted(out)

def check(a):
    what = a[0]
    if what == "outcome":       # outcome ID-SUFFIX: "outcome | message" (report.json beside LOG)
        for t in json.load(open(os.path.join(os.path.dirname(a[1]), "report.json")))["tests"]:
            if t["id"].endswith(a[2]):
                return "%s | %s" % (t["outcome"], (t.get("message") or "").strip().replace("\n", " / "))
        return "no such item"
    ev = lines(a[1])
    if what == "exclusive":     # exclusive N: N LB..LE intervals, none overlapping
        b = {t: ns for ns, k, p, w, t in ev if k == "LB"}
        e = {t: ns for ns, k, p, w, t in ev if k == "LE"}
        if len(b) != int(a[2]) or set(b) != set(e):
            return "%d intervals began, %d ended, not %s" % (len(b), len(e), a[2])
        iv = sorted((b[t], e[t], t) for t in b)
        for x, y in zip(iv, iv[1:]):
            if x[1] > y[0]:
                return "%s and %s held L together for %.3f ms" % (x[2], y[2], (x[1] - y[0]) / 1e6)
        return "ok"
    if what == "seq":           # seq KIND: the tags of KIND lines in time order
        return " ".join(t for ns, k, p, w, t in ev if k == a[2])
    if what == "count":         # count KIND TAG
        return str(sum(1 for ns, k, p, w, t in ev if k == a[2] and t == a[3]))
    if what == "before":        # before K1 K2: every K1 line precedes every K2 line
        x = [ns for ns, k, p, w, t in ev if k == a[2]]
        y = [ns for ns, k, p, w, t in ev if k == a[3]]
        if not x or not y:
            return "%d %s lines, %d %s lines" % (len(x), a[2], len(y), a[3])
        return "ok" if max(x) < min(y) else "a %s line came after a %s line" % (a[2], a[3])
    if what == "workers":       # workers KIND: how many workers wrote KIND lines
        return str(len(set(w for ns, k, p, w, t in ev if k == a[2])))
    return "unknown check %s" % what

# check.py LOG "CHECK ARG..." ...: one line per check, in order.
for spec in sys.argv[2:]:
    w = spec.split()
    try:
        print(check([w[0], sys.argv[1]] + w[1:]))
    except Exception as e:
        print("checker error: %r" % e)
EOF


# prove DESC LOG HERD: what a run of everything but die and to must show.
prove() {
	t_pycheck "$2" "exclusive 40" "before W R" "count R board" "count R locks" "seq T" \
		"count TW first" "count TW last" "count TW more" "workers LB" \
		"outcome ::bset::hold_exit" "outcome ::bset::hold_signal" "outcome ::bset::hold_return"
	t_eq "$(t_answer 1)" ok "$1: 40 holders of lock L, no two at once"
	t_eq "$(t_answer 2)" ok "$1: the board was written before any reader ran"
	t_eq "$(t_answer 3) $(t_answer 4)" "8 8" \
		"$1: 8 readers saw every value (tabs, newlines, NUL, empty, overwritten) and took X, Y, Z"
	t_eq "$(t_answer 5)" "s1 s0 f0 f1 s1 f1" \
		"$1: trail T: first start, start, finish, last finish; again first, last"
	tw_first=$(t_answer 6)
	tw_last=$(t_answer 7)
	if [ "$tw_first" = "$tw_last" ] && [ "$tw_first" -ge 1 ] 2>/dev/null &&
		[ "$(($(t_answer 8) + tw_first))" -eq 8 ]; then
		t_pass "$1: trail W over workers: as many firsts as lasts ($tw_first), 8 starts"
	else
		t_fail "$1: trail W over workers: as many firsts as lasts, 8 starts" \
			"firsts = lasts >= 1" "$tw_first firsts, $tw_last lasts" "$2"
	fi
	[ "$3" = herd ] || return 0
	echo "# $1: lock L was held in $(t_answer 9) workers"
	k=10
	for l in "hold_exit X" "hold_signal Y" "hold_return Z"; do
		t_eq "$(t_answer $k)" "passed | the test ended holding lock(s), now released: ${l#* }" \
			"$1: bset::${l% *} passed; its report says lock ${l#* } was released"
		k=$((k + 1))
	done
}

sel="not die and not to"
n=0
for iso in fork none; do
	n=$((n + 1))
	rm -f "$json"
	t_run env SYNC_LOG=run$n.log timeout 120 "$herd" --no-cache -n 4 --isolation $iso --timeout 10 \
		-k "$sel" "$bin" --json "$json"
	t_status 0 "$iso -n 4: exit 0 (124 would be a hang)"
	t_summary "66 passed, 4 deselected" "$iso -n 4: 66 passed"
	prove "$iso -n 4" "$T_WORK/run$n.log" herd
done

# --- one lock across two binaries ---
n=$((n + 1))
t_run env SYNC_LOG=run$n.log timeout 120 "$herd" --no-cache -n 4 --timeout 10 -k "lk and hold" "$bin" "$T_WORK/locks2"
t_status 0 "two binaries: exit 0"
t_summary "80 passed, 60 deselected" "two binaries: 80 passed"
t_pycheck "$T_WORK/run$n.log" "exclusive 80"
t_eq "$(t_answer 1)" ok "two binaries: 80 holders of lock L, no two at once"

# --- a crash and a timeout while holding a lock ---
for iso in fork none; do
	n=$((n + 1))
	rm -f "$json"
	t_run env SYNC_LOG=run$n.log timeout 120 "$herd" --no-cache -n 4 --isolation $iso --timeout 10 \
		-k "die or to" "$bin" --json "$json"
	t_status 1 "$iso, held by a crash and a timeout: exit 1, in time"
	t_summary "1 crashed, 1 timeout, 2 passed, 66 deselected" \
		"$iso, held by a crash and a timeout: 1 crashed, 1 timeout, 2 passed"
	t_match "$json" . "$iso: a JSON report"
	t_pycheck "$T_WORK/run$n.log" "outcome ::die::holding" "outcome ::to::holding" "count A K" \
		"count A K2"
	t_eq "$(t_answer 1 | sed 's/ |.*now released: / | /')" "crashed | K" \
		"$iso: the crash holding K is reported crashed, K released"
	t_eq "$(t_answer 2 | sed 's/ |.*now released: / | /')" "timeout | K2" \
		"$iso: the timeout holding K2 is reported timeout, K2 released"
	t_eq "$(t_answer 3) $(t_answer 4)" "1 1" \
		"$iso: the tests after them took K and K2"
done

# --- run alone ---
for iso in fork none; do
	n=$((n + 1))
	t_run env SYNC_LOG=run$n.log "$bin" --isolation $iso -k "$sel"
	t_status 0 "alone, $iso: exit 0"
	t_summary "66 passed, 4 deselected" "alone, $iso: 66 passed"
	prove "alone, $iso" "$T_WORK/run$n.log" alone
done
n=$((n + 1))
t_run env SYNC_LOG=run$n.log "$bin" --timeout 10 -k "die or to"
t_status 1 "alone, held by a crash and a timeout: exit 1"
t_summary "1 crashed, 1 timeout, 2 passed, 66 deselected" \
	"alone, held by a crash and a timeout: 1 crashed, 1 timeout, 2 passed"
t_pycheck "$T_WORK/run$n.log" "count A K" "count A K2"
t_eq "$(t_answer 1) $(t_answer 2)" "1 1" "alone: the tests after them took K and K2"
t_has out "the test ended holding lock(s)" "alone: the report says a lock was held"

t_finish

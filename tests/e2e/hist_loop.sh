#!/bin/sh
# hist_loop.sh - herd -f (--looponfail): it runs, waits for a test binary to
# change (inotify), reruns only the failures until they pass, then runs
# everything once and waits again; a change after an all-passing run runs
# everything; SIGINT while it waits leaves, exit 2.
#
# The binary is replaced as a build does it: a new file renamed onto its name.
# Every wait is a bounded poll of herd's output.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init hist_loop

herd=$HERD_BUILD/herd
[ -x "$herd" ] || t_bail "the controller is built" "$herd" "no such file"
if [ ! -d /proc/sys/fs/inotify ]; then
	t_skip "-f loop on failure" "inotify is not available here (no /proc/sys/fs/inotify)"
	t_finish
fi

src=tests/e2e/hist_loop.c
t_build lp $src
bin=$T_WORK/lp
fixed=$T_WORK/fixed
HIST_FIXED=$fixed
export HIST_FIXED

# seen ERE: how many lines of herd's stdout match.
seen() {
	tr -d '\000' <"$T_OUT" | grep -cE -e "$1"
}

# await ERE N DESC: polls (at most 60 s) until N lines of stdout match.
await() {
	aw_i=1200
	while [ "$(seen "$1")" -lt "$2" ] && [ "$aw_i" -gt 0 ]; do
		t_alive "$T_BG" || break
		sleep 0.05
		aw_i=$((aw_i - 1))
	done
	if [ "$(seen "$1")" -ge "$2" ]; then
		t_pass "$3"
		return 0
	fi
	t_fail "$3" "$2 lines matching /$1/ in herd's output" \
		"$(seen "$1")$(t_alive "$T_BG" || echo ', and herd is gone')"
	return 1
}

# rebuild: replaces the binary as a build would: a new file renamed onto it.
rebuild() {
	cp "$bin" "$bin.new" && mv "$bin.new" "$bin"
}

# ran NAME: how many times lp::NAME has run.
ran() {
	grep -c "::lp::$1\$" "$T_WORK/runs.log" 2>/dev/null
}

# session N: the outcome and name of each -v line of the N-th run, sorted
# (known durations order the items), on one line.
session() {
	tr -d '\000' <"$T_OUT" | awk -v n="$1" '/test session starts/ { k++ } k == n' |
		sed -n 's/^\[ *[0-9]*%\] \([A-Z]*\) .*::lp::\([a-z]*\)$/\1 \2/p' | sort -k 2 |
		tr '\n' ' ' | sed 's/ $//'
}

waiting='^#+ waiting for a change in 1 test binary \(Ctrl-C leaves\) #+$'
closing() {
	printf '^=+ %s in [0-9.]+s =+$' "$1"
}

rm -f "$fixed" "$T_WORK/runs.log"
t_start_bg env HERD_ADDOPTS= "$herd" -f -n 1 -v --cache-dir "$T_WORK/cache" "$bin"
[ -n "$T_BG" ] || t_bail "herd -f starts" "a pid" "none"

# 1. The first run: flip fails; herd waits.
if ! await "$waiting" 1 "1: after the first run, herd waits for a change"; then
	if grep -q "cannot watch" "$T_ERR"; then
		t_skip "-f loop on failure" "herd cannot watch here: $(head -n 1 "$T_ERR")"
		kill -KILL "$T_BG" 2>/dev/null
		t_wait_bg
		t_finish
	fi
	kill -INT "$T_BG" 2>/dev/null
	t_bail "herd -f waits after the first run" "the waiting line" "none"
fi
t_eq "$(seen "$(closing '1 failed, 1 passed')")" 1 "1: the first run: 1 failed, 1 passed"
t_eq "$(ran flip) $(ran ok)" "1 1" "1: both items ran once"

# 2. Fixed, but only a rebuild starts a run: the failure alone is rerun,
# then everything, then herd waits again.
touch "$fixed"
t_eq "$(seen 'test session starts')" 1 "2: no run before the binary changes"
rebuild
await "$(closing '1 passed, 1 deselected')" 1 "2: the rebuild reruns the failure only: 1 passed, 1 deselected"
await "$(closing '2 passed')" 1 "2: once it passes, everything runs: 2 passed"
await "$waiting" 2 "2: then herd waits again"
t_eq "$(ran flip) $(ran ok)" "3 2" "2: flip ran in all three runs, ok in the first and the last"
t_eq "$(session 2)" "PASSED flip" "2: the rerun's -v lines: flip passed, nothing else"
t_eq "$(session 3)" "PASSED flip PASSED ok" "2: the full run's -v lines: flip and ok passed"

# 3. A change after an all-passing run runs everything; flip fails again.
rm -f "$fixed"
rebuild
await "$(closing '1 failed, 1 passed')" 2 "3: after a passing run, a change runs everything: 1 failed, 1 passed"
await "$waiting" 3 "3: herd waits again"

# 4. Still broken: the rebuild reruns only the failure, which fails again.
rebuild
await "$(closing '1 failed, 1 deselected')" 1 "4: still broken: only the failure reruns, and fails"
await "$waiting" 4 "4: herd waits again"
t_eq "$(ran flip) $(ran ok)" "5 3" "4: ok was not rerun"
t_eq "$(session 5)" "FAILED flip" "4: the rerun's -v lines: flip failed, nothing else"

# 5. Fixed and rebuilt: the failure passes, then everything runs.
touch "$fixed"
rebuild
await "$(closing '1 passed, 1 deselected')" 2 "5: fixed: the failure reruns and passes"
await "$(closing '2 passed')" 2 "5: then everything runs: 2 passed"
await "$waiting" 5 "5: herd waits again"
t_eq "$(ran flip) $(ran ok)" "7 4" "5: flip ran 7 times, ok 4 times in all"

# 6. SIGINT while waiting: herd leaves, at once.
bg=$T_BG
kill -INT "$T_BG"
if t_wait_gone "$bg" 10; then
	t_pass "6: SIGINT while waiting: herd leaves within 10 s"
else
	t_fail "6: SIGINT while waiting: herd leaves within 10 s" "pid $bg gone" "still running"
	kill -KILL "$bg" 2>/dev/null
fi
t_wait_bg
t_status 2 "6: SIGINT while waiting: exit 2"
t_eq "$(seen 'test session starts')" 7 "6: no run started after SIGINT (7 runs in all)"

# 7. -f from herd.ini's addopts: the runs it starts ignore it (no run loops
# on its own), so a fix still goes rerun, then everything, then a wait.
rm -f "$fixed" "$T_WORK/runs.log"
printf '[herd]\naddopts = -f -n 1 -v\n' >"$T_WORK/herd.ini"
t_start_bg env HERD_ADDOPTS= "$herd" --cache-dir "$T_WORK/cache7" "$bin"
[ -n "$T_BG" ] || t_bail "herd with -f in addopts starts" "a pid" "none"
await "$waiting" 1 "7: -f in herd.ini's addopts: herd waits after the first run"
t_eq "$(seen 'test session starts') $(seen "$(closing '1 failed, 1 passed')")" "1 1" \
	"7: one run so far, 1 failed, 1 passed"
touch "$fixed"
rebuild
await "$(closing '2 passed')" 1 "7: fixed and rebuilt: the failure passes, then everything: 2 passed"
await "$waiting" 2 "7: herd waits again"
t_eq "$(session 2) / $(session 3)" "PASSED flip / PASSED flip PASSED ok" \
	"7: the rerun ran flip only, the full run both"
bg=$T_BG
kill -INT "$T_BG"
if t_wait_gone "$bg" 10; then
	t_pass "7: SIGINT while waiting: herd leaves within 10 s"
else
	t_fail "7: SIGINT while waiting: herd leaves within 10 s" "pid $bg gone" "still running"
	kill -KILL "$bg" 2>/dev/null
fi
t_wait_bg
t_status 2 "7: SIGINT while waiting: exit 2"

t_finish

#!/bin/sh
# ctl_death.sh - no worker outlives its controller, and the worker side's
# rough edges.
#
# 1. The controller is killed (KILL) or stopped (HUP, QUIT, TERM, INT) while
#    one test hangs (it also started a child) and another sleeps in a loop,
#    with fork and with no isolation: every worker and test process is gone
#    within 2 s; a stopped controller exits 2 and reports the tests not run.
# 2. -f: SIGTERM, SIGHUP or SIGQUIT while it waits for a change, or SIGTERM
#    during a run (passed on to the run): exit 2.
# 3. A hanging suite fixture errors its whole suite quickly (--timeout 1).
# 4. --isolation none and SIGINT: the running test is reported interrupted.
# 5. A forked test finds the worker's fds closed (EBADF on 3 to 6).
# 6. -s and a 50 MB line without a newline: the controller stays small
#    (it held the whole line before, 53 MB).
# 7. A refused herd_lock names the test's own file:line.
#
# Processes are followed by pid: the tests write theirs, their parents' (the
# workers, in fork mode) and their children's to files. Every wait is a
# bounded poll.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init ctl_death

herd=$HERD_BUILD/herd
[ -x "$herd" ] || t_bail "the controller is built" "$herd" "no such file"
src=tests/e2e/ctl_death.c
t_build cd $src
bin=$T_WORK/cd

# lines FILE: how many lines FILE has (0 when missing).
lines() {
	if [ -f "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi
}

# wait_lines FILE N SECONDS: polls until FILE has N lines.
wait_lines() {
	wl_i=$(($3 * 20))
	while [ "$(lines "$1")" -lt "$2" ] && [ "$wl_i" -gt 0 ]; do
		sleep 0.05
		wl_i=$((wl_i - 1))
	done
	[ "$(lines "$1")" -ge "$2" ]
}

# alive PID...: the pids among them still running (zombies are dead).
alive() {
	for al_p in "$@"; do
		t_alive "$al_p" && printf '%s ' "$al_p"
	done
	return 0
}

# all_gone SECONDS PID...: polls until none of the pids runs.
all_gone() {
	ag_i=$(($1 * 20))
	shift
	while [ -n "$(alive "$@")" ] && [ "$ag_i" -gt 0 ]; do
		sleep 0.05
		ag_i=$((ag_i - 1))
	done
	[ -z "$(alive "$@")" ]
}

# ps_of PID...: what the pids are, for a failure message.
ps_of() {
	for ps_p in "$@"; do
		ps -o pid=,ppid=,stat=,args= -p "$ps_p" 2>/dev/null
	done | tr '\n' '|'
}

# ---- 1. the controller dies or is stopped mid-run ----

# kill_mid_run SIG ISOLATION
kill_mid_run() {
	km=$1/$2
	rm -f "$T_WORK/procs.pid" "$T_WORK/started.log"
	t_start_bg "$herd" -n 2 --isolation "$2" -k "blocker or napper" "$bin"
	if [ -z "$T_BG" ]; then
		t_fail "$km: herd starts" "a pid" "none"
		return
	fi
	ctl=$T_BG
	if ! wait_lines "$T_WORK/started.log" 2 60; then
		t_fail "$km: both tests started" "2 lines in started.log" \
			"$(lines "$T_WORK/started.log")"
	fi
	kill "-$1" "$ctl"
	# The tests, their children, their workers (fork mode); not herd itself.
	pids=$(grep -vx "$ctl" "$T_WORK/procs.pid" | sort -u | tr '\n' ' ')
	if all_gone 2 $pids; then
		t_pass "$km: every worker and test process is gone within 2 s"
	else
		t_fail "$km: every worker and test process is gone within 2 s" \
			"none of $pids running" "still running: $(ps_of $(alive $pids))"
		for p in $pids; do t_kill_ours "$p"; done
	fi
	t_wait_bg
	if [ "$1" != KILL ]; then
		t_status 2 "$km: herd exits 2"
		t_summary "2 not run, [0-9]+ deselected" "$km: both tests are reported not run"
		t_has out "Interrupted: SIG$1" "$km: the report names SIG$1"
	fi
	if [ "$1" = QUIT ]; then
		t_has err "running tests/e2e/ctl_death.c::death::" \
			"$km: the state dump names a running test"
	fi
}

for sig in KILL HUP QUIT TERM INT; do
	for iso in fork none; do
		kill_mid_run $sig $iso
	done
done

# SIGUSR1 only dumps the state; the run goes on until stopped.
rm -f "$T_WORK/procs.pid" "$T_WORK/started.log"
t_start_bg "$herd" -n 2 -k "blocker or napper" "$bin"
if wait_lines "$T_WORK/started.log" 2 60; then
	kill -USR1 "$T_BG"
	i=200
	while ! grep -q "running tests/e2e" "$T_ERR" && [ "$i" -gt 0 ]; do
		sleep 0.05
		i=$((i - 1))
	done
	t_has err "items done after" "SIGUSR1: herd prints its state"
	if t_alive "$T_BG"; then
		t_pass "SIGUSR1: herd goes on"
	else
		t_fail "SIGUSR1: herd goes on" "herd running" "herd is gone"
	fi
else
	t_fail "SIGUSR1: both tests started" "2 lines" "$(lines "$T_WORK/started.log")"
fi
kill -TERM "$T_BG" 2>/dev/null
t_wait_bg
t_status 2 "SIGUSR1 then SIGTERM: exit 2"

# ---- 2. -f: a stop signal while it waits, or while a run runs ----

# loop_wait SIG: -f runs a failing test, waits for a change, gets SIG.
loop_wait() {
	t_start_bg env HERD_ADDOPTS= "$herd" -f -n 1 --cache-dir "$T_WORK/cache" \
		-k "loop and fails" "$bin"
	i=1200
	while ! grep -q "waiting for a change" "$T_OUT" && [ "$i" -gt 0 ]; do
		t_alive "$T_BG" || break
		sleep 0.05
		i=$((i - 1))
	done
	if grep -q "waiting for a change" "$T_OUT"; then
		kill "-$1" "$T_BG"
		t_wait_bg
		t_status 2 "-f: SIG$1 while waiting for a change: exit 2"
	elif grep -q "cannot watch" "$T_ERR"; then
		t_skip "-f: SIG$1 while waiting for a change" \
			"herd cannot watch here: $(head -n 1 "$T_ERR")"
		kill -KILL "$T_BG" 2>/dev/null
		t_wait_bg
	else
		t_fail "-f: herd waits after a failing run" "the waiting line" "none"
		kill -KILL "$T_BG" 2>/dev/null
		t_wait_bg
	fi
}

if [ -d /proc/sys/fs/inotify ]; then
	for sig in TERM HUP QUIT; do
		loop_wait $sig
	done
	# SIGTERM to -f during a run: passed on to the run, which stops.
	rm -f "$T_WORK/procs.pid" "$T_WORK/started.log"
	t_start_bg env HERD_ADDOPTS= "$herd" -f -n 1 --cache-dir "$T_WORK/cache" \
		-k blocker "$bin"
	if wait_lines "$T_WORK/started.log" 1 60; then
		kill -TERM "$T_BG"
		t_wait_bg
		t_status 2 "-f: SIGTERM during a run: exit 2"
		t_has out "Interrupted: SIGTERM" "-f: SIGTERM during a run: the run was interrupted"
		pids=$(sort -u "$T_WORK/procs.pid" | tr '\n' ' ')
		if all_gone 2 $pids; then
			t_pass "-f: SIGTERM during a run: the test's processes are gone"
		else
			t_fail "-f: SIGTERM during a run: the test's processes are gone" \
				"none of $pids running" "still running: $(ps_of $(alive $pids))"
		fi
	else
		t_fail "-f: the blocking test started" "a line in started.log" "none"
		kill -KILL "$T_BG" 2>/dev/null
		t_wait_bg
	fi
else
	t_skip "-f: a stop signal while waiting for a change" \
		"inotify is not available here (no /proc/sys/fs/inotify)"
fi

# ---- 3. a hanging suite fixture ----

for iso in fork none; do
	rm -f "$T_WORK/stuckfix.log"
	t_run "$herd" -n 2 --isolation $iso --timeout 1 -k stuck "$bin"
	t_status 1 "stuck suite fixture/$iso: exit 1"
	t_summary "6 errors?, [0-9]+ deselected" "stuck suite fixture/$iso: its 6 tests are errors"
	t_lt "$T_ELAPSED" 20 "stuck suite fixture/$iso: well under the 33 s backstop"
	t_has out "fixture 'stuckfix' setup timed out after 1s" \
		"stuck suite fixture/$iso: the report says the setup timed out"
	t_lt "$(lines "$T_WORK/stuckfix.log")" 3 \
		"stuck suite fixture/$iso: its setup ran at most once per worker"
done

# ---- 4. --isolation none and SIGINT ----

rm -f "$T_WORK/slow.pid" "$T_WORK/slow.log"
t_start_bg "$herd" -n 1 -v --isolation none --kill-grace 5 -k "inproc" "$bin"
if t_wait_file "$T_WORK/slow.pid" 60; then
	kill -INT "$T_BG"
else
	t_fail "none+SIGINT: the slow test started" "slow.pid" "nothing"
fi
t_wait_bg
t_status 2 "none+SIGINT: exit 2"
t_lacks out "PASSED tests/e2e/ctl_death.c::inproc::slow" \
	"none+SIGINT: the running test is not reported passed"
t_summary "1 not run, [0-9]+ deselected" "none+SIGINT: it is reported not run"
t_eq "$(cat "$T_WORK/slow.log" 2>/dev/null)" "" "none+SIGINT: the test did not run on to its end"

# ---- 5. the worker's fds ----

rm -f "$T_WORK/fds.log"
t_run "$herd" -n 1 -k private "$bin"
t_status 0 "fds: the test passes"
t_eq "$(cat "$T_WORK/fds.log" 2>/dev/null | tr '\n' ' ')" "" \
	"fds: writing to fds 3 to 6 (the worker's) fails with EBADF"

# ---- 6. -s and a long line ----

if [ -n "${HERD_WRAP-}" ]; then
	t_skip "-s, a 50 MB line: the controller's peak RSS" \
		"herd runs under HERD_WRAP, whose memory is not herd's"
elif [ -r /proc/self/status ]; then
	HERD_E2E_LINE_MB=50
	export HERD_E2E_LINE_MB
	t_start_bg "$herd" -n 1 -s -k "line and long" "$bin"
	ctl=$T_BG
	peak=0
	while t_alive "$ctl"; do
		kb=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$ctl/status" 2>/dev/null)
		[ -n "$kb" ] && [ "$kb" -gt "$peak" ] && peak=$kb
		sleep 0.05
	done
	t_wait_bg
	unset HERD_E2E_LINE_MB
	t_status 0 "-s, a 50 MB line: the test passes"
	t_lt "$peak" 32768 "-s, a 50 MB line: the controller's peak RSS stays under 32 MB (kB)"
	bytes=$(grep '^\[gw0\] ' "$T_OUT" | tr -cd 'x' | wc -c | tr -d ' ')
	t_eq "$bytes" $((50 * 1048576)) "-s, a 50 MB line: every byte is shown"
	t_eq "$(grep -c '^\[gw0\] x' "$T_OUT")" 800 \
		"-s, a 50 MB line: shown in 800 pieces of 64 KiB, each on a line of its own"
else
	t_skip "-s, a 50 MB line: the controller's peak RSS" \
		"no /proc/PID/status here to read it from"
fi

# ---- 7. herd_lock twice ----

line=$(grep -n 'herd_lock("twice");' "$HERD_SRC/$src" | sed -n '2s/:.*//p')
t_run "$herd" -n 1 -k "lock and twice" "$bin"
t_status 1 "herd_lock twice: the test fails"
t_has out "$src:$line:" "herd_lock twice: the failure names the test's file:line ($src:$line)"
t_lacks out "lib/sync.c" "herd_lock twice: not libherd's own file"

t_finish

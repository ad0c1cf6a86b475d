#!/bin/sh
# remote_cmd.sh - remote workers through a local transport, --tx cmd=sh -c
# (docs/remote.md): no ssh needed, yet every byte goes through the relay
# (herd --remote-worker), its frames and its binary cache.
#
# 1. Every --dist mode with -n 1 and two remote workers: all pass; the
#    remote workers ran items, see gw0..gw2 and a count of 3; one global
#    fixture set up and torn down once across hosts; the header lists hosts.
# 2. Output and failures of a remote worker reach the report.
# 3. The binary cache: shipped once (0700 folder, 0500 file named by its
#    hash), reused by the next run; a tampered cached file is never run and
#    is sent again.
# 4. //chdir= with quotes, $(), backquotes and ; in the folder's name: the
#    tests run there and nothing in it reaches a shell unquoted.
# 5. A relay killed or stopped mid-run: its item is crashed with "lost
#    connection", the other host finishes the run; with --reruns 1 the item
#    runs again there; a silent relay is found out by the heartbeats.
# 6. Hosts that cannot be reached, never answer, or are all gone; bad specs.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init remote_cmd

herd=$HERD_BUILD/herd
[ -x "$herd" ] || t_bail "the controller is built" "$herd" "no such file"
t_build rc tests/e2e/remote_cmd.c
bin=$T_WORK/rc
# The relay's cache, private to this script.
XDG_CACHE_HOME=$T_WORK/cache
export XDG_CACHE_HOME
tx="cmd=sh -c//herd=$herd"
sel='not output and not crash'

# ran_reset: forgets what the tests logged.
ran_reset() {
	rm -f "$T_WORK/ran" "$T_WORK/gfix" "$T_WORK/blocked"
}

# ---- 1. every --dist mode ----
# Each item known to take a second: splitting the binary pays from the start,
# whatever this machine's speed. (Without durations, a binary gets another
# worker only once this run's first timings say it is worth one.)
"$bin" --list | sed 's/.*/"&": 1.0/' | paste -sd , - | sed 's/^/{/; s/$/}/' >"$T_WORK/slow.json"
for dist in load loadscope loadfile loadgroup worksteal each no; do
	ran_reset
	n="20 passed, 2 deselected"
	[ $dist = each ] && n="60 passed, 2 deselected"
	if [ $dist = no ]; then
		t_run "$herd" --dist no --tx "$tx" -k "$sel" --durations-path "$T_WORK/slow.json" "$bin"
	else
		t_run "$herd" --dist $dist -n 1 --tx "2*$tx" -k "$sel" --durations-path "$T_WORK/slow.json" \
			--trace "$T_WORK/trace.json" "$bin"
	fi
	t_status 0 "--dist $dist: passes"
	if [ $dist = load ]; then
		t_has out "3 workers (local 1, sh -c 2)" "the header lists the hosts and their workers"
		tr '\n' ' ' <"$T_WORK/trace.json" >"$T_WORK/trace.line"
		t_has "$T_WORK/trace.line" '"pid":2,"tid":0,"name":"process_name","args":{"name":"sh -c"}' \
			"--trace: the host is a process of its own"
		t_match "$T_WORK/trace.line" '"pid":2,"tid":[0-9]+,"name":"thread_name","args":\{"name":"gw1"\}' \
			"--trace: ... holding its workers' threads"
		t_match "$T_WORK/trace.line" '"pid":1,"tid":[0-9]+,"name":"thread_name","args":\{"name":"gw0"\}' \
			"--trace: the local worker stays in herd's"
	fi
	t_summary "$n" "--dist $dist: every item ran once per copy"
	t_count "$T_WORK/gfix" '^setup ' 1 "--dist $dist: the global fixture set up once"
	t_count "$T_WORK/gfix" '^teardown ' 1 "--dist $dist: ... and torn down once"
	if [ $dist = no ]; then
		t_count "$T_WORK/ran" '^[a-z]+ gw0 1 ' 20 "--dist no: the one remote worker ran everything"
		continue
	fi
	# loadfile gives the one file to one worker, wherever it is.
	[ $dist = loadfile ] ||
		t_match "$T_WORK/ran" '^[a-z]+ gw[12] 3 ' "--dist $dist: remote workers ran items, counting 3 workers"
	t_nomatch "$T_WORK/ran" ' gw[3-9]| [0-24-9] /' "--dist $dist: no other worker name or count"
	if [ $dist = each ]; then
		t_count "$T_WORK/ran" '^plain gw2 ' 12 "--dist each: gw2 ran its own copy of each"
		t_count "$T_WORK/ran" '^sync gw1 ' 2 "--dist each: a remote worker used the global fixture, lock and board"
		t_count "$T_WORK/ran" '^sync gw0 ' 2 "--dist each: ... and so did the local one"
	fi
done
# ---- 2. output and failures ----
ran_reset
t_run "$herd" --tx "2*$tx" -k output "$bin"
t_status 1 "a remote failure fails the run"
t_match out '^herd [0-9.]+ -- 1 worker \(sh -c 1\), --dist load' "no local worker: the header lists the host alone"
t_summary "1 failed, 21 deselected" "... and is counted"
t_has out "stdout line from gw" "the test's stdout reaches the report"
t_has out "stderr line from gw" "... and its stderr"

# A worker that dies on the far side (--isolation none): the results it held
# back and its last words come back in its exit frame.
t_run "$herd" --isolation none --tx "$tx" -k 'plain or crash' "$bin"
t_status 1 "a remote worker crashed: the run fails"
t_summary "1 crashed, 12 passed, 9 deselected" "... the items it ran before keep their outcome"
t_has out "worker 'gw0' crashed while running 'tests/e2e/remote_cmd.c::crash::segv': killed by SIGSEGV" \
	"... the crash is named with its signal"
t_has out "last words of gw0" "... and its last words are shown"

# ---- 3. the cache ----
cache=$XDG_CACHE_HOME/herd/bin
t_eq "$(stat -c %a "$cache")" 700 "the cache folder is 0700"
t_eq "$(stat -c %a "$XDG_CACHE_HOME/herd")" 700 "... and so is its parent"
want=$(ls "$cache")
case $want in
*[!0-9a-f]* | '') t_fail "the cached binary is named by a 32-digit hash" "hex" "'$want'" ;;
*) t_eq "${#want}" 32 "the cached binary is named by a 32-digit hash" ;;
esac
t_eq "$(stat -c %a "$cache/$want")" 500 "... and is 0500"
t_same "$cache/$want" "$bin" "... and holds the binary's bytes"
rm -rf "$XDG_CACHE_HOME"
t_run "$herd" --tx "2*$tx" -k plain "$bin"
t_count err "^herd: sh -c: sending .*/rc \([0-9]+ bytes\)\$" 1 "an empty cache: the binary is sent once for two workers"
t_run "$herd" --tx "2*$tx" -k plain "$bin"
t_status 0 "the next run passes"
t_lacks err "sending" "... and sends nothing: the cache is reused"
chmod u+w "$cache/$want"
printf '#!/bin/sh\ntouch "%s/tampered-ran"\n' "$T_WORK" >"$cache/$want"
t_run "$herd" --tx "$tx" -k plain "$bin"
t_status 0 "a tampered cached binary: the run passes"
t_has err "sending" "... it is sent again"
t_file_absent() {
	if [ -e "$1" ]; then t_fail "$2" "no $1" "it exists"; else t_pass "$2"; fi
}
t_file_absent "$T_WORK/tampered-ran" "... and the tampered file never ran"

# ---- 4. a hostile //chdir= ----
# Were it run by a shell, in herd's folder ($T_WORK), a pwned file would appear.
hostile="$T_WORK/we'ird \$(touch pwned1) \`touch pwned2\`; touch pwned3 \"q\" ' ;touch pwned4;'"
mkdir "$hostile" || t_bail "make the hostile folder" "a folder" "mkdir failed"
ran_reset
t_run "$herd" --tx "cmd=sh -c//chdir=$hostile//herd=$herd" -k plain "$bin"
t_status 0 "//chdir= with quotes, \$(), backquotes and ;: passes"
t_count "$T_WORK/ran" "^plain gw0 1 $(t_re "$hostile")\$" 12 "... and the tests ran in that folder"
for p in pwned1 pwned2 pwned3 pwned4; do
	t_file_absent "$T_WORK/$p" "... and nothing of its name ran in a shell ($p)"
done

# ---- 5. a relay killed mid-run ----
# relay_of PID: the parent of PID's parent (test -> worker -> relay).
relay_of() {
	awk '{ print $4 }' "/proc/$(awk '{ print $4 }' "/proc/$1/stat")/stat" 2>/dev/null
}
# way: kill (the relay killed), rerun (the same with --reruns 1), stop (the
# relay stopped: silent, found out by the heartbeats within --tx-timeout).
for way in kill rerun stop; do
	ran_reset
	BLOCK=1
	export BLOCK
	reruns=0
	[ $way = rerun ] && reruns=1
	t_start_bg "$herd" -v --tx-timeout 2 --reruns $reruns --tx "$tx" --tx "$tx" -k 'plain or block' "$bin"
	unset BLOCK
	relay=
	if t_wait_file "$T_WORK/blocked" 60; then
		read -r tpid wpid <"$T_WORK/blocked"
		relay=$(relay_of "$tpid")
		t_has "/proc/$relay/cmdline" "--remote-worker" "$way: the blocked test's grandparent is the relay"
		if [ $way = stop ]; then
			kill -STOP "$relay"
			echo "$relay" >"$T_WORK/stopped.pid"	# t_cleanup kills it if need be
		else
			kill -KILL "$relay"
		fi
	else
		t_fail "$way: the blocking test started" "a 'blocked' file" "none"
	fi
	t_wait_bg
	why="sh killed by SIGKILL"
	[ $way = stop ] && why="no heartbeat for 2s"
	t_match err "^herd: lost connection to sh -c: $why\$" "$way: the lost host is named, with why"
	if [ $way = rerun ]; then
		t_status 0 "a relay killed, --reruns 1: the run passes"
		t_summary "12 passed, 1 flaky, 9 deselected" "... the item ran again on the other host"
	else
		t_status 1 "$way: the run fails"
		t_summary "1 crashed, 12 passed, 9 deselected" "$way: its item crashed, the other host ran the rest"
		t_has out "crashed while running 'tests/e2e/remote_cmd.c::block::until_killed': lost connection to sh -c: $why" \
			"$way: with 'lost connection' in its message"
	fi
	t_wait_gone "$relay" 10
	t_wait_gone "$wpid" 10
	t_wait_gone "$tpid" 10
	if t_alive "$relay" || t_alive "$wpid" || t_alive "$tpid"; then
		t_fail "$way: the lost host's relay, worker and test are gone" "dead" "alive"
	else
		t_pass "$way: the lost host's relay, worker and test are gone"
	fi
done

# ---- 6. hosts that fail ----
t_run "$herd" --tx "cmd=false" --tx "2*$tx" -k plain "$bin"
t_status 0 "an unreachable host among reachable ones: the run passes"
t_has err "herd: lost connection to false: false exited with status 1" "... and the unreachable one is named"
t_run "$herd" --tx-timeout 2 --tx "cmd=sh -c 'sleep 60; :'" --tx "$tx" -k plain "$bin"
t_status 0 "a host that never answers: the run passes on the others"
t_has err "herd: lost connection to sh -c 'sleep 60; :': no answer within 2s" "... and it is given up after --tx-timeout"
t_run "$herd" --tx "cmd=sh -c 'echo no route >&2; exit 255'" -k plain "$bin"
t_status 3 "every host unreachable: exit 3"
t_has err "[sh -c 'echo no route >&2; exit 255'] no route" "... the transport's own words are shown"
t_has err "herd: no workers left" "... and why nothing ran"
printf '#!/bin/sh\necho herd-relay 2\nexec cat >/dev/null\n' >"$T_WORK/otherherd"
chmod +x "$T_WORK/otherherd"
t_run "$herd" --tx "cmd=sh -c//herd=$T_WORK/otherherd" -k plain "$bin"
t_status 3 "a relay of another framing version: nothing can run"
t_has err "herd: lost connection to sh -c: its herd speaks another framing (herd-relay 2), this one 1" \
	"... and the versions are named at once"
t_run "$herd" --tx "ssh=-oProxyCommand=x" "$bin"
t_status 4 "a host starting with '-': usage error"
t_has err "herd: --tx 'ssh=-oProxyCommand=x': a host or user may not start with '-'" "... named in one line"
t_run "$herd" --tx "3*nowhere" "$bin"
t_status 4 "an unknown transport: usage error"
t_run "$herd" --tx-timeout 0 --tx "$tx" "$bin"
t_status 4 "--tx-timeout 0: usage error"
t_finish

#!/bin/sh
# remote_faults.sh - remote workers that fail, over `--tx cmd=` transports
# (no ssh needed): docs/remote.md, "Losing a host". A plain `cmd=sh -c` host
# runs every item; a connection cut after the 3rd result (tests/remote/cut.py,
# counting result messages in the frames, no timing) makes the item its worker
# held crashed with "lost connection to HOST" while the rest finishes on the
# local worker, or reruns it there with --reruns; a relay killed mid-item
# (found from the blocked test's worker) and a relay stopped mid-item (silent:
# the heartbeat limit) lose their host the same way, and leave no process
# behind; a host that never answers, one whose transport fails at once, one
# whose herd= is missing and one that breaks the framing are lost while the
# others run everything; a login's chatter before the greeting is harmless;
# with every host lost the items are not-run, exit 3; a far side without a
# binary's shared library gives one line naming it, exit 3; the far side's
# binary cache is private, and a cached binary that changed is sent again,
# never run.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init remote_faults

herd=$HERD_BUILD/herd
[ -x "$herd" ] || t_bail "the controller is built" "$herd" "no such file"
command -v python3 >/dev/null 2>&1 || t_bail "python3 is there" "python3" "not found"
# python3's own path: a version manager's python3 on PATH may be a script
# that takes seconds to start, and the checks start python often.
py=$(python3 -c 'import sys; print(sys.executable)')
cut=$HERD_SRC/tests/remote/cut.py

# checks 'CHECK|ARG...' ...: a run's report checks in one python3
# (tests/remote/report.py); answer N prints the N-th answer, answer_match N
# ERE DESC checks it against a regex.
checks() {
	"$py" "$HERD_SRC/tests/remote/report.py" "$@" >"$T_WORK/answers" 2>&1
}
answer() {
	sed -n "$1p" "$T_WORK/answers"
}
answer_match() {
	answer "$1" >"$T_WORK/answer"
	t_match "$T_WORK/answer" "$2" "$3"
}

t_build faults tests/e2e/remote_faults.c
bin=$T_WORK/faults
json=$T_WORK/report.json
"$bin" --list -k quick >"$T_WORK/quick.ids" 2>&1 ||
	t_bail "the binary lists its items" "--list works" "$(head -n 3 "$T_WORK/quick.ids")"

# The far side's cache, in our folder: the relays inherit our environment.
XDG_CACHE_HOME=$T_WORK/cache
export XDG_CACHE_HOME
# Where the relay is: the far side is this machine.
relay=//herd=$herd
far="cmd=env E2E_FAR=1 sh -c$relay"

# fresh: forgets the last run's files.
fresh() {
	rm -f "$json" "$T_WORK"/ran.log "$T_WORK"/far-started "$T_WORK"/far-ready.pid \
		"$T_WORK"/far-claim.*
}

# all_passed DESC WORKERS: the quick items each once, all passed, exit 0.
all_passed() {
	t_status 0 "$1: exit 0"
	checks "once|$json|$T_WORK/quick.ids" "outcomes|$json" "where|$json|passed"
	t_eq "$(answer 1)" ok "$1: every item has one outcome"
	t_eq "$(answer 2)" "passed=60" "$1: all 60 passed"
	t_eq "$(answer 3)" "$2" "$1: run by $2"
}

# far_pids_gone DESC: the far workers that ran items are gone (bounded wait).
far_pids_gone() {
	fpg_left=
	for fpg_p in $(awk '$3 == "far" { print $4 }' "$T_WORK/ran.log" 2>/dev/null | sort -u) \
		$(cat "$T_WORK/far-ready.pid" 2>/dev/null); do
		t_wait_gone "$fpg_p" 10 || fpg_left="$fpg_left $fpg_p"
	done
	t_eq "${fpg_left:-none}" none "$1: no far-side process is left"
}

# relay_of: the relay's pid, parent of the blocked test's worker.
relay_of() {
	ro_worker=$(awk '{ print $2; exit }' "$T_WORK/far-ready.pid")
	sed 's/.*) //' "/proc/$ro_worker/stat" 2>/dev/null | cut -d' ' -f2
}

# --- a plain `sh -c` host runs everything; the binary is sent once ---
fresh
t_run "$herd" --tx "cmd=sh -c$relay" -k quick --json "$json" "$bin"
if grep -q "unknown option '--tx'" "$T_ERR"; then
	t_bail "herd knows --tx" "a run" "$(head -n 1 "$T_ERR")"
fi
all_passed "cmd=sh -c alone" gw0
t_match err "^herd: [^:]+: sending .*faults \($(wc -c <"$bin") bytes\)\$" \
	"cmd=sh -c: the binary is sent, its size said"
t_match out "^herd [^ ]+ -- 1 worker \(sh -c 1\)," "cmd=sh -c: the header lists the host (its command) and its worker"
t_eq "$(awk '{ print $3 }' "$T_WORK/ran.log" | sort -u)" near "cmd=sh -c: the items ran in the relay's environment (ours, no E2E_FAR)"

# --- the cache: private, one file, and a changed file is never run ---
cache=$XDG_CACHE_HOME/herd/bin
t_eq "$(stat -c %a "$XDG_CACHE_HOME/herd" "$cache" 2>&1 | tr '\n' ' ')" "700 700 " \
	"cache: herd/ and herd/bin/ are 0700"
ls "$cache" >"$T_WORK/cached" 2>&1
cached=$(cat "$T_WORK/cached")
t_eq "$(wc -l <"$T_WORK/cached")" 1 "cache: one file"
t_match "$T_WORK/cached" '^[0-9a-f]{32}$' "cache: named by a 32-digit hash"
if cmp -s "$cache/$cached" "$bin"; then
	t_pass "cache: the cached file is the binary"
else
	t_fail "cache: the cached file is the binary" "the same bytes" "a difference"
fi
t_eq "$(stat -c %a "$cache/$cached" 2>&1)" 500 "cache: the cached binary is 0500"

fresh
t_run "$herd" --tx "$far" -k quick --json "$json" "$bin"
all_passed "second run" gw0
t_nomatch err 'sending' "second run: nothing sent"
t_eq "$(find "$cache" -type f | wc -l)" 1 "second run: still one file in the cache"

# A changed cached file (a script that would leave a canary) is not run:
# removed, asked for again, sent again.
chmod 700 "$cache/$cached"
printf '#!/bin/sh\ntouch "%s/canary"\n' "$T_WORK" >"$cache/$cached"
chmod 500 "$cache/$cached"
fresh
t_run "$herd" --tx "$far" -k quick --json "$json" "$bin"
all_passed "tampered cache" gw0
t_match err "^herd: [^:]+: sending .*faults \($(wc -c <"$bin") bytes\)\$" \
	"tampered cache: the binary is sent again"
t_eq "$(ls "$T_WORK/canary" 2>&1)" "ls: cannot access '$T_WORK/canary': No such file or directory" \
	"tampered cache: the changed file never ran"
if cmp -s "$cache/$cached" "$bin"; then
	t_pass "tampered cache: the cached file is the binary again"
else
	t_fail "tampered cache: the cached file is the binary again" "the same bytes" "a difference"
fi

# A cache folder others may write into is refused: the host is lost.
chmod 755 "$cache"
fresh
t_run "$herd" -n 1 --tx "$far" -k quick --json "$json" "$bin"
t_match err "^herd: [^:]+: cache folder $(t_re "$cache") is not private" \
	"cache 0755: refused, the folder named"
t_match err "^herd: lost connection to [^:]+: " "cache 0755: the host is lost"
all_passed "cache 0755" gw0
chmod 700 "$cache"

# --- a network cut after the 3rd result ---
fresh
t_run env E2E_GATE=1 E2E_FAR_BLOCK=3 "$herd" -n 1 --tx "cmd=$py $cut 3 env E2E_FAR=1 sh -c$relay" \
	-k quick --json "$json" "$bin"
t_status 1 "cut: exit 1"
t_match err "^herd: lost connection to [^:]+: .*exited with status 255" "cut: one line says the host is lost"
checks "once|$json|$T_WORK/quick.ids" "outcomes|$json" "where|$json|crashed" \
	"messages|$json|crashed" "summary|$json"
t_eq "$(answer 1)" ok "cut: every item has one outcome"
t_eq "$(answer 2)" "crashed=1 passed=59" "cut: the item the far worker held crashed, the rest passed"
t_eq "$(answer 3)" gw1 "cut: the crashed item was gw1's"
answer_match 4 "^[^	]+	worker 'gw1' crashed while running '[^']+': lost connection to [^:]+: " \
	"cut: its message names the worker and the lost connection"
t_eq "$(answer 5)" ok "cut: the JSON summary agrees with its tests"
t_summary "1 crashed, 59 passed, 1 deselected" "cut: the closing line"
t_eq "$(awk '$3 == "far"' "$T_WORK/ran.log" | wc -l)" 3 \
	"cut: the far worker ran the 3 items whose results passed, the rest ran locally"
far_pids_gone "cut"

fresh
t_run env E2E_GATE=1 E2E_FAR_BLOCK=3 "$herd" -n 1 --reruns 1 \
	--tx "cmd=$py $cut 3 env E2E_FAR=1 sh -c$relay" -k quick --json "$json" "$bin"
t_status 0 "cut, --reruns 1: exit 0"
checks "once|$json|$T_WORK/quick.ids" "reruns|$json" "outcomes|$json"
t_eq "$(answer 1)" ok "cut, --reruns 1: every item has one outcome"
answer_match 2 '^[^ ]+ (flaky|passed) gw0 1$' \
	"cut, --reruns 1: the lost item, and it alone, was rerun on the local worker"
answer_match 3 '^(flaky=1 )?passed=(59|60)$' "cut, --reruns 1: nothing crashed"
far_pids_gone "cut, --reruns 1"

# --- a relay killed mid-item; a relay stopped mid-item (silent) ---
# --dist each: the blocking item runs on every worker, so one copy is far.
for how in KILL STOP; do
	fresh
	case $how in
	KILL) t_start_bg "$herd" -n 1 --dist each --tx "$far" -k block --json "$json" "$bin" ;;
	STOP) t_start_bg "$herd" -n 1 --dist each --tx-timeout 2 --tx "$far" -k block --json "$json" "$bin" ;;
	esac
	if ! t_wait_file "$T_WORK/far-ready.pid" 30; then
		t_fail "relay $how: the far item started" "far-ready.pid" "none within 30 s"
		kill "$T_BG" 2>/dev/null
		t_wait_bg
		continue
	fi
	rpid=$(relay_of)
	if tr '\0' ' ' <"/proc/$rpid/cmdline" 2>/dev/null | grep -q -e '--remote-worker'; then
		t_pass "relay $how: the blocked worker's parent is the relay"
	else
		t_fail "relay $how: the blocked worker's parent is the relay" \
			"herd --remote-worker" "pid '$rpid': $(tr '\0' ' ' <"/proc/$rpid/cmdline" 2>&1)"
	fi
	kill -"$how" "$rpid"
	t_wait_bg
	t_status 1 "relay $how: exit 1"
	case $how in
	KILL) t_match err "^herd: lost connection to [^:]+: .*killed by SIGKILL" \
		"relay KILL: one line says the host is lost, killed" ;;
	STOP) t_match err "^herd: lost connection to [^:]+: no heartbeat for 2s" \
		"relay STOP: one line says the host fell silent" ;;
	esac
	checks "outcomes|$json" "where|$json|crashed" "messages|$json|crashed"
	t_eq "$(answer 1)" "crashed=1 passed=1" "relay $how: the far copy crashed, the local one passed"
	t_eq "$(answer 2)" gw1 "relay $how: the crashed copy was gw1's"
	answer_match 3 "	worker 'gw1' crashed while running '[^']*block::far': lost connection to " \
		"relay $how: its message says the connection was lost"
	t_wait_gone "$rpid" 10
	t_eq "$(t_alive "$rpid" && echo alive || echo gone)" gone "relay $how: the relay is gone"
	far_pids_gone "relay $how"
done

# --- hosts that never answer, fail at once, lack herd, break the framing ---
fresh
t_run "$herd" -n 1 --tx-timeout 1 --tx "cmd=sh -c 'cat >/dev/null'" -k quick --json "$json" "$bin"
t_match err "^herd: lost connection to [^:]+: no answer within 1s" "silent host: lost after --tx-timeout"
all_passed "silent host" gw0
t_lt "$T_ELAPSED" 60 "silent host: the run did not wait for it (under 60 s)"

fresh
t_run "$herd" -n 1 --tx "cmd=false" --tx "$far" -k quick --json "$json" "$bin"
t_match err "^herd: lost connection to [^:]+: .*exited with status 1\$" "cmd=false: lost, its status said"
all_passed "cmd=false beside a good host" "gw0 gw2"
t_eq "$(awk '{ print $2 }' "$T_WORK/ran.log" | sort -u | tr '\n' ' ')" "gw0 gw2 " \
	"cmd=false beside a good host: both live workers ran items"

fresh
t_run "$herd" -n 1 --tx "cmd=sh -c//herd=$T_WORK/no such herd" -k quick --json "$json" "$bin"
t_match err "^herd: lost connection to [^:]+: .*exited with status 127" "herd= missing: lost, status 127"
t_match err "^\[[^]]+\] .*no such herd" "herd= missing: the far shell's complaint is shown, prefixed"
all_passed "herd= missing" gw0

fresh
t_run "$herd" -n 1 --tx "cmd=sh -c 'printf \"herd-relay 1\\nZ\\0\\0\\0\\0\\0\\0\\0\\0\"; exec cat >/dev/null'" \
	-k quick --json "$json" "$bin"
t_match err "^herd: lost connection to [^:]+: broke the framing" "garbage frames: lost, the framing named"
all_passed "garbage frames" gw0

fresh
t_run "$herd" --tx "cmd=sh -c 'echo hello from a chatty login; eval \"\$1\"' sh$relay" \
	-k quick --json "$json" "$bin"
all_passed "chatter before the greeting" gw0
t_match all "^\[[^]]+\] hello from a chatty login" "chatter before the greeting: shown as the host's output"

# --- every host lost: at the start (nothing collected), and mid-run ---
fresh
t_run "$herd" --tx "cmd=false" --tx "cmd=sh -c 'exit 5'" -k quick --json "$json" "$bin"
t_status 3 "all hosts lost at the start: exit 3"
t_match err "^herd: no workers left: every host was lost\$" "all hosts lost at the start: one line says so"
t_eq "$(cat "$T_OUT")" "" "all hosts lost at the start: no header, no summary"
t_eq "$(ls "$json" 2>/dev/null)" "" "all hosts lost at the start: no report file"
t_count err "^herd: lost connection to " 2 "all hosts lost at the start: one line per host"

fresh
t_run env E2E_FAR_BLOCK=3 "$herd" --tx "cmd=$py $cut 3 env E2E_FAR=1 sh -c$relay" \
	-k quick --json "$json" "$bin"
t_status 3 "the only host cut: exit 3"
checks "once|$json|$T_WORK/quick.ids" "outcomes|$json" "allsay|$json|not-run|not run: no workers left"
t_eq "$(answer 1)" ok "the only host cut: every item has one outcome"
t_eq "$(answer 3)" ok "the only host cut: each item not run says no worker was left"
t_eq "$(answer 2)" "crashed=1 not-run=56 passed=3" \
	"the only host cut: 3 passed, the held item crashed, the rest not-run"
t_match err "^herd: no workers left for 56 item\(s\): not run\$" \
	"the only host cut: one line counts the items not run"
t_summary "1 crashed, 3 passed, 56 not run, 1 deselected" "the only host cut: the closing line"

# --- a shipped binary whose shared library the far side lacks ---
mkdir -p "$T_WORK/lib"
# shellcheck disable=SC2086 # CFLAGS is a list of words
if (cd "$HERD_SRC" && $CC $CFLAGS -shared -fPIC tests/e2e/remote_lib.c \
	-o "$T_WORK/lib/libherdremotedep.so") >"$T_WORK/build.log" 2>&1 &&
	(cd "$HERD_SRC" && $CC $CFLAGS -I include tests/e2e/remote_lib_user.c \
		"$HERD_BUILD/libherd.a" -L"$T_WORK/lib" -lherdremotedep -lm -o "$T_WORK/libuser") \
		>>"$T_WORK/build.log" 2>&1; then
	t_pass "build libherdremotedep.so and a test binary needing it"
	t_run env LD_LIBRARY_PATH="$T_WORK/lib" "$herd" -n 1 "$T_WORK/libuser"
	t_status 0 "missing library: the binary runs where the library is found"
	t_run env LD_LIBRARY_PATH="$T_WORK/lib" "$herd" --tx "cmd=env LD_LIBRARY_PATH= sh -c$relay" \
		"$T_WORK/libuser"
	t_status 3 "missing library on the far side: exit 3"
	t_match err "^herd: .*libuser: on [^:]+: missing shared library libherdremotedep\.so\$" \
		"missing library on the far side: one line names it"
	t_count err "missing shared library" 1 "missing library on the far side: said once"
else
	t_fail "build libherdremotedep.so and a test binary needing it" "it builds" "it does not" \
		"$T_WORK/build.log"
fi

t_finish

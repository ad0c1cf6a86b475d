#!/bin/sh
# plugins.sh - plugins, from outside: loading them (-p PATH, -p NAME through
# $HERD_PLUGIN_PATH, plugins = in herd.ini, -p no:NAME of a built-in and of
# a loaded one) and refusing what is not one (another ABI, no herd_plugin
# symbol, not a shared object: exit 4, one line, nothing called); a plugin
# failing in each hook (exit 3 naming plugin and hook, the reports that can
# still be written are); pluggy's call order and firstresult hooks;
# collection_modifyitems; a plugin's option on the command line, in
# herd.ini and in --help; configure_node's environment; testnodedown's
# error; a scheduler that never schedules; and each plugin of
# examples/plugins doing what its header says.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init plugins

herd=$HERD_BUILD/herd
ex=$HERD_BUILD/plugins
[ -x "$herd" ] || t_bail "the controller is built" "$herd" "no such file"
[ -f "$ex/lifecycle.so" ] || t_bail "the example plugins are built (make examples)" \
	"$ex/lifecycle.so" "no such file"
command -v python3 >/dev/null 2>&1 || t_bail "python3 is there" "python3" "not found"
unset HERD_NUM_WORKERS HERD_PLUGIN_PATH PROBE_LOG PROBE_FAIL PROBE_MODIFY \
	PROBE_AUTO_a PROBE_AUTO_b PROBE_EXIT_a

t_build pt tests/e2e/plugins_tests.c
bin=$T_WORK/pt
log=$T_WORK/probe.log
W=$T_WORK

# so NAME SRC CFLAGS...: builds a test plugin into $T_WORK/NAME.so, once.
so() {
	so_name=$1
	so_src=$2
	shift 2
	# shellcheck disable=SC2086 # CFLAGS is a list of words
	(cd "$HERD_SRC" && $CC $CFLAGS -Wall -Wextra -Werror -fPIC -shared -I include "$@" "$so_src" \
		-o "$T_WORK/$so_name.so") >>"$T_WORK/build.log" 2>&1 ||
		t_bail "build $so_name.so from $so_src" "it compiles" "it does not"
}
so a tests/e2e/plugins_probe.c -DPROBE_NAME=a
so b tests/e2e/plugins_probe.c -DPROBE_NAME=b
so f tests/e2e/plugins_probe.c -DPROBE_NAME=f -DPROBE_TRY=1
so l tests/e2e/plugins_probe.c -DPROBE_NAME=l -DPROBE_TRY=2
so badabi tests/e2e/plugins_badabi.c
so nosym tests/e2e/plugins_nosym.c
so never tests/e2e/plugins_never.c
printf 'this is not a shared object\n' >"$W/garbage.so"
t_pass "the test plugins build"

# hooks_in FILE HOOK: the plugins that logged HOOK, in order, on one line.
hooks_in() {
	awk -v h="$2" '$2 == h { printf "%s ", $1 }' "$1"
}

# one_line DESC: stderr is exactly one line, and stdout is empty.
one_line() {
	t_eq "$(grep -c . "$T_ERR") $(grep -c . "$T_OUT")" "1 0" "$1: one line on stderr, none on stdout"
}

# in_proj CMD ARG...: t_run with the working folder proj/, under its herd.ini.
in_proj() {
	# shellcheck disable=SC2016 # $@ belongs to the inner shell
	t_run sh -c 'cd proj && exec "$@"' sh "$@"
}

# ---- what is not a plugin: exit 4, one line, nothing called ----

t_run "$herd" -p ./badabi.so "$bin"
t_status 4 "another ABI: exit 4"
one_line "another ABI"
t_match err '^herd: -p \./badabi\.so: built for plugin ABI [0-9]+, this herd has ABI [0-9]+' \
	"another ABI: the line names the plugin and both ABIs"
t_eq "$(ls "$W/badabi_called" 2>/dev/null)" "" "another ABI: its configure hook never ran"

t_run "$herd" -p ./nosym.so "$bin"
t_status 4 "no herd_plugin symbol: exit 4"
one_line "no herd_plugin symbol"
t_has err "./nosym.so: not a herd plugin: it defines no symbol herd_plugin" \
	"no herd_plugin symbol: said so"

t_run "$herd" -p ./garbage.so "$bin"
t_status 4 "not a shared object: exit 4"
one_line "not a shared object"
t_has err "herd: -p ./garbage.so: cannot load" "not a shared object: said so"

# ---- finding plugins ----

mkdir "$W/pp" "$W/empty" && cp "$ex/lifecycle.so" "$W/pp/"
t_run env HERD_PLUGIN_PATH="$W/empty:$W/pp" "$herd" -p lifecycle --lifecycle-log life.log \
	-n 1 -k one "$bin"
t_status 0 "-p NAME through HERD_PLUGIN_PATH: runs"
t_has "$W/life.log" "configure log=life.log" "-p NAME: found in the second folder of HERD_PLUGIN_PATH"

t_run env HERD_PLUGIN_PATH="$W/empty" "$herd" -p lifecycle "$bin"
t_status 4 "-p NAME not found: exit 4"
one_line "-p NAME not found"
t_has err "herd: -p lifecycle: no such plugin" "-p NAME not found: said so"

# A built-in switched off: --junit-xml writes nothing (and does without no:).
t_run "$herd" -n 1 -k one --junit-xml j1.xml "$bin"
t_eq "$T_STATUS $(ls "$W/j1.xml" 2>/dev/null)" "0 $W/j1.xml" "the junitxml built-in writes --junit-xml"
t_run "$herd" -p no:junitxml -n 1 -k one --junit-xml j2.xml "$bin"
t_eq "$T_STATUS $(ls "$W/j2.xml" 2>/dev/null)" "0 " "-p no:junitxml: --junit-xml writes nothing"

# A loaded plugin switched off, before or after it is named: never called.
t_run env PROBE_LOG="$log" "$herd" -p ./a.so -p no:a -n 1 -k one "$bin"
t_eq "$T_STATUS $(cat "$log" 2>/dev/null)" "0 " "-p PATH -p no:NAME: none of its hooks ran"
t_run env PROBE_LOG="$log" "$herd" -p no:a -p ./a.so -n 1 -k one "$bin"
t_eq "$T_STATUS $(cat "$log" 2>/dev/null)" "0 " "-p no:NAME -p PATH: none of its hooks ran"
t_run env PROBE_LOG="$log" "$herd" -p ./a.so -n 1 -k one "$bin"
t_has "$log" "a configure opt=unset" "without no:, the same plugin runs (the checks above can fail)"
rm -f "$log"

# ---- options: command line, herd.ini, --help; plugins = ----

t_run env PROBE_LOG="$log" "$herd" -p ./a.so --probe-a fromcli -n 1 -k one "$bin"
t_has "$log" "a configure opt=fromcli" "a plugin's option on the command line"
rm -f "$log"
t_run env PROBE_LOG="$log" "$herd" -p ./a.so --probe-a=eq -n 1 -k one "$bin"
t_has "$log" "a configure opt=eq" "a plugin's option as --name=value"
rm -f "$log"
t_run "$herd" -p ./a.so --probe-a
t_status 4 "a plugin's option without its value: exit 4"
t_has err "--probe-a needs a value" "a plugin's option without its value: said so"

mkdir "$W/proj"
printf '[herd]\nplugins = %s/a.so\nprobe_a = fromini\n' "$W" >"$W/proj/herd.ini"
in_proj env PROBE_LOG="$log" "$herd" -n 1 -k one ../pt
t_status 0 "plugins = in herd.ini: runs"
t_has "$log" "a configure opt=fromini" "plugins = loads it; its herd.ini key is read"
rm -f "$log"
in_proj env PROBE_LOG="$log" "$herd" --probe-a cli -n 1 -k one ../pt
t_has "$log" "a configure opt=cli" "the command line wins over herd.ini"
rm -f "$log"
printf '[herd]\nplugins = %s/a.so\n' "$W" >"$W/proj/herd.ini"
in_proj env PROBE_LOG="$log" "$herd" -p no:a -n 1 -k one ../pt
t_eq "$T_STATUS $(cat "$log" 2>/dev/null)" "0 " "-p no:NAME holds back herd.ini's plugins ="
printf '[herd]\nprobe_a = x\n' >"$W/proj/herd.ini"
in_proj "$herd" -n 1 -k one ../pt
t_status 4 "a plugin's herd.ini key without the plugin: exit 4"
t_has err "unknown key 'probe_a'" "... naming the key"

t_run "$herd" -p ./a.so --help
t_match out '^  --probe-a VALUE +a value probe a logs \(a; herd.ini: probe_a\)' \
	"--help shows a plugin's option, its plugin and its herd.ini key"
t_run "$herd" --help
t_lacks out "--probe-a" "... and not when the plugin is not loaded"

# herd parses its own options and keys first: a plugin may not take one.
t_run env PROBE_OPTION=--timeout "$herd" -p ./a.so -n 1 -k one "$bin"
t_status 3 "a plugin adding herd's own --timeout: exit 3"
t_has err "herd: plugin a failed in addoption: option --timeout is herd's own" "... said so"
t_run env PROBE_INI=testpaths "$herd" -p ./a.so -n 1 -k one "$bin"
t_status 3 "a plugin adding herd's own herd.ini key testpaths: exit 3"
t_has err "herd: plugin a failed in addoption: herd.ini key testpaths is herd's own" "... said so"
t_run env PROBE_OPTION=--time "$herd" -p ./a.so --time x -n 1 -k one "$bin"
t_status 0 "a plugin's --time, a prefix of herd's --timeout, is its own"

# ---- call order: tryfirst, then the last registered first, then trylast ----

t_run env PROBE_LOG="$log" "$herd" -p ./f.so -p ./l.so -p ./a.so -p ./b.so -n 1 -k one "$bin"
t_status 0 "four plugins with every hook: runs"
t_eq "$(hooks_in "$log" configure)" "f b a l " "configure: tryfirst, last registered first, trylast"
t_eq "$(hooks_in "$log" runtest_logreport)" "f b a l " "runtest_logreport: the same order"
t_eq "$(hooks_in "$log" sessionfinish)" "f b a l " "sessionfinish: the same order"
rm -f "$log"

# firstresult: the first plugin to answer decides, the others are not asked.
t_run env PROBE_LOG="$log" PROBE_AUTO_a=3 PROBE_AUTO_b=1 "$herd" -p ./a.so -p ./b.so \
	-n auto -k plain "$bin"
t_has out "-- 1 worker," "auto_num_workers: b, registered last, answers first (1 worker)"
t_eq "$(hooks_in "$log" auto_num_workers)" "b " "auto_num_workers: a is not asked after b answered"
rm -f "$log"
t_run env PROBE_LOG="$log" PROBE_AUTO_a=3 "$herd" -p ./a.so -p ./b.so -n auto -k plain "$bin"
t_has out "-- 3 workers," "auto_num_workers: b does not answer, a's 3 is taken"
t_eq "$(hooks_in "$log" auto_num_workers)" "b a " "auto_num_workers: b asked, then a"
rm -f "$log"
t_run env PROBE_AUTO_a=3 "$herd" -p ./a.so -n 2 -k plain "$bin"
t_has out "-- 2 workers," "auto_num_workers is not asked when -n says a number"

# sessionfinish may change the exit status.
t_run env PROBE_EXIT_a=0 "$herd" -p ./a.so -n 1 -k fails "$bin"
t_status 0 "sessionfinish set the exit status of a failing run to 0"

# ---- collection_modifyitems: deselect and reorder ----

t_run env PROBE_LOG="$log" PROBE_MODIFY=a "$herd" -p ./a.so -n 1 -v -k plain "$bin"
t_eq "$(t_verbose_ids '[A-Z]*' | sed 's/.*:://' | tr '\n' ' ')" "fails four two one " \
	"collection_modifyitems: drop_three deselected, the rest run in reverse"
t_summary "1 failed, 3 passed, 9 deselected" "collection_modifyitems: the counts say 9 deselected"
t_has "$log" "plain::fails failed marks=probed" "herd_item_add_mark: the mark reaches the reports"
rm -f "$log"

# ---- configure_node, testnodedown ----

rm -f "$W/node_env"
t_run env PROBE_LOG="$log" "$herd" -p ./a.so -n 1 -k node "$bin"
t_eq "$(cat "$W/node_env")" "gw0 a:gw0 args=--probe,a:gw0" \
	"configure_node: herd_node_setenv and herd_node_add_arg reached the test"
t_has "$log" "a testnodedown gw0 error=none" "testnodedown: no error for a worker that ended well"
rm -f "$log" "$W/node_env"
t_run "$herd" -n 1 -k node "$bin"
t_eq "$(cat "$W/node_env")" "gw0 unset args=" \
	"without the plugin neither the variable nor the arguments are there"

t_run env PROBE_LOG="$log" "$herd" -p ./a.so --isolation none -n 1 -k always "$bin"
t_has "$log" "a testnodedown gw0 error=worker 'gw0' crashed while running 'tests/e2e/plugins_tests.c::crash::always': killed by SIGSEGV" \
	"testnodedown: the crash's error"
rm -f "$log"

# ---- a plugin failing in each hook ----

# A run that calls every hook: -n auto (auto_num_workers), none isolation
# and a crash (handlecrashitem, testnodedown with an error).
t_run env PROBE_LOG="$log" "$herd" -p ./a.so -p ./b.so -n auto --isolation none \
	--no-isolation-check -k 'plain or always' "$bin"
sched_called=$(hooks_in "$log" make_scheduler)
rm -f "$log"
late=" report_header testnodeready testnodedown handlecrashitem runtest_logstart runtest_logreport terminal_summary sessionfinish unconfigure "
for h in addoption configure sessionstart report_header collection_modifyitems setupnodes \
	configure_node testnodeready testnodedown node_collection_finished make_scheduler \
	auto_num_workers handlecrashitem runtest_logstart runtest_logreport terminal_summary \
	sessionfinish unconfigure event; do
	if [ "$h" = make_scheduler ] && [ -z "$sched_called" ]; then
		t_skip "a plugin failing in make_scheduler" "this herd's loop does not call make_scheduler yet"
		continue
	fi
	rm -f "$W/r.json" "$log"
	t_run env PROBE_LOG="$log" PROBE_FAIL="a:$h" timeout 60 "$herd" -p ./a.so -p ./b.so -n auto \
		--isolation none --no-isolation-check -k 'plain or always' --json r.json "$bin"
	t_status 3 "a plugin failing in $h: exit 3"
	t_has err "herd: plugin a failed in $h: asked to fail by PROBE_FAIL" \
		"a plugin failing in $h: named, with its message"
	t_eq "$(grep -c "^a $h" "$log")" 1 "a plugin failing in $h: not called there again"
	case $late in *" $h "*)
		t_eq "$(t_jx "$W/r.json" 'len(T)')" 6 "a plugin failing in $h: --json still written" ;;
	esac
	case $h in sessionfinish | unconfigure | terminal_summary)
		t_has "$log" "b unconfigure" "a plugin failing in $h: the other plugin still cleans up" ;;
	esac
done

# ---- a scheduler that never schedules anything ----

if [ -n "$sched_called" ]; then
	t_run timeout 60 "$herd" -p ./never.so -n 2 -k plain "$bin"
	t_status 3 "a scheduler that never schedules: exit 3, no hang"
	t_match err 'never' "... and the error names the scheduler"
else
	t_skip "a scheduler that never schedules" "this herd's loop does not call make_scheduler yet"
fi

# ---- examples/plugins ----

# lifecycle: every hook of a plain run, with worker and time, in the log file.
t_run "$herd" -p "$ex/lifecycle.so" --lifecycle-log life2.log -n auto --isolation none \
	-k 'plain or always' "$bin"
for h in configure sessionstart auto_num_workers setupnodes configure_node event \
	node_collection_finished collection_modifyitems report_header testnodeready \
	runtest_logstart handlecrashitem runtest_logreport testnodedown terminal_summary \
	sessionfinish unconfigure; do
	t_match "$W/life2.log" "^lifecycle \+[0-9]+\.[0-9]{6} $h( |\$)" "lifecycle logs $h"
done
t_count "$W/life2.log" '^lifecycle \+[0-9.]+ runtest_logreport gw[0-9]+ tests/e2e/plugins_tests.c::' 6 \
	"lifecycle: one runtest_logreport per item, with its worker"
t_eq "$(awk '{ t = substr($2, 2) + 0; if (t < last) bad = NR; last = t } END { print bad + 0 }' \
	"$W/life2.log")" 0 "lifecycle: the times never go backwards"
t_has out "lifecycle: logging every hook" "lifecycle: its report_header line"
t_match out '^lifecycle: [0-9.]+s since the run started' "lifecycle: its terminal_summary section"
t_run "$herd" -p "$ex/lifecycle.so" -n 1 -k one "$bin"
t_match err '^lifecycle \+[0-9.]+ runtest_logreport gw0 tests/e2e/plugins_tests.c::plain::one passed' \
	"lifecycle: to stderr without --lifecycle-log"

# priority: urgent items first, through make_scheduler.
if [ -n "$sched_called" ]; then
	t_run "$herd" -p "$ex/priority.so" -n 1 -v -k 'zz or plain' "$bin"
	t_eq "$(t_verbose_ids '[A-Z]*' | sed 's/.*:://' | head -n 3 | tr '\n' ' ')" \
		"late_critical priority_late one " "priority: critical and priority ids first"
else
	t_skip "priority: urgent items first" "this herd's loop does not call make_scheduler yet"
fi

# crash_rerun: a crashed item runs once more and is reported rerun; once only.
rm -f "$W/runs.log" "$W/crashed_once"
t_run "$herd" -p "$ex/crash_rerun.so" -p "$ex/lifecycle.so" --lifecycle-log life3.log \
	--isolation none -n 2 -k crash --json r.json "$bin"
t_status 1 "crash_rerun: crash::always still fails the run"
t_count "$W/runs.log" 'crash::once ' 2 "crash_rerun: crash::once ran twice"
t_count "$W/runs.log" 'crash::always ' 2 "crash_rerun: crash::always ran twice, not more"
t_match "$W/life3.log" 'runtest_logreport gw[0-9] tests/e2e/plugins_tests.c::crash::once rerun' \
	"crash_rerun: the crashed try is reported rerun"
t_eq "$(t_jx "$W/r.json" '[(t["outcome"], t["reruns"]) for t in T if t["name"] == "once"][0]')" \
	"('flaky', 1)" "crash_rerun: crash::once passes on its second try: flaky, the crash kept as a try"
t_eq "$(t_jx "$W/r.json" '[(t["outcome"], t["reruns"]) for t in T if t["name"] == "always"][0]')" \
	"('crashed', 1)" "crash_rerun: crash::always's second crash is final, the first kept as a try"
t_has out "crash_rerun: ran tests/e2e/plugins_tests.c::crash::once again" \
	"crash_rerun: its terminal_summary section"
pids=$(grep 'crash::once ' "$W/runs.log" | cut -d' ' -f3 | sort -u | wc -l)
t_eq "$pids" 2 "crash_rerun: the rerun ran in another process"
workers=$(grep 'crash::once ' "$W/runs.log" | cut -d' ' -f2 | tr '\n' ' ')
case $workers in
"gw0 gw0 " | "gw1 gw1 ")
	# give_back(NULL, ...) asks for another worker where one is free: a
	# best effort, which a busy or stopped other worker defeats.
	t_skip "crash_rerun: the rerun ran on another worker" \
		"no other worker was free for it this time ($workers)"
	;;
*) t_pass "crash_rerun: the rerun ran on another worker ($workers)" ;;
esac
rm -f "$W/runs.log" "$W/crashed_once"
t_run "$herd" --isolation none -n 2 -k once "$bin"
t_status 1 "without crash_rerun the same crash fails the run"

# workers_by_memory: MemAvailable / --memory-per-worker workers for -n auto.
avail=$(awk '$1 == "MemAvailable:" { print $2 * 1024 }' /proc/meminfo 2>/dev/null)
if [ -n "$avail" ]; then
	# 3.5 workers' worth: 3 unless memory moves by a seventh during the run.
	per=$(awk -v a="$avail" 'BEGIN { printf "%.0f", a / 3.5 }')
	t_run "$herd" -p "$ex/workers_by_memory.so" -n auto --memory-per-worker "$per" -k plain "$bin"
	t_has out "-- 3 workers," "workers_by_memory: MemAvailable / --memory-per-worker workers"
	printf '[herd]\nmemory_per_worker = 1000000G\n' >"$W/proj/herd.ini"
	in_proj "$herd" -p "$ex/workers_by_memory.so" -n auto -k plain ../pt
	t_has out "-- 1 worker," "workers_by_memory: memory_per_worker in herd.ini, at least one worker"
	t_run "$herd" -p "$ex/workers_by_memory.so" -n auto --memory-per-worker lots "$bin"
	t_status 3 "workers_by_memory: a bad size: exit 3"
	t_has err "herd: plugin workers_by_memory failed in auto_num_workers: --memory-per-worker: 'lots' is not a size" \
		"workers_by_memory: a bad size: named"
else
	t_skip "workers_by_memory" "no MemAvailable in /proc/meminfo"
fi

# artifacts: files a test names are copied into artifacts/<sanitised id>/.
t_run "$herd" -p "$ex/artifacts.so" -n 2 -k art "$bin"
t_status 1 "artifacts: the run (art::fails fails)"
d=$W/artifacts/tests_e2e_plugins_tests.c__art__
t_eq "$(cat "$d"passes/art_pass.txt 2>&1)" "from art::passes" "artifacts: a passing test's file"
t_eq "$(cat "$d"fails/art_fail.txt 2>&1)" "from art::fails" "artifacts: a failing test's file, from a subfolder"
t_eq "$(cat "$d"fails/art_err.txt 2>&1)" "named on stderr" "artifacts: a file named on stderr"
t_eq "$(find "$W/artifacts" -mindepth 1 -maxdepth 1 | wc -l)" 2 "artifacts: one folder per test that named files"
t_run "$herd" -p "$ex/artifacts.so" --artifacts-dir out/arts -n 1 -k passes "$bin"
t_eq "$(cat "$W/out/arts/tests_e2e_plugins_tests.c__art__passes/art_pass.txt" 2>&1)" \
	"from art::passes" "artifacts: --artifacts-dir"

t_finish

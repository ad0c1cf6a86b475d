#!/bin/sh
# tasks_run.sh - herd build on the worker pool: -n 4 runs independent tasks
# at once (each waits, bounded, until its three siblings have started: they
# can only all succeed together); SIGINT mid-build stops it with exit 2 and
# records nothing unfinished, so that the rebuild runs only what did not
# finish; a second build waits for the first's lock.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tasks.inc
. "$(dirname "$0")/tasks.inc"
t_init tasks_run
tk_init

# A task that marks its start, then waits (at most 30 s) for its siblings' marks.
sibling() {
	tk_task "$1" "produces=bld/$1.txt" \
		"mkdir -p bld && touch started.$1 && i=0; while [ \$(ls started.* | wc -l) -lt 4 ] && [ \$i -lt 600 ]; do sleep 0.05; i=\$((i+1)); done; [ \$(ls started.* | wc -l) -ge 4 ] && echo \$i >bld/$1.txt"
}
for s in p1 p2 p3 p4; do
	sibling $s
done
tk_build -n 4
t_status 0 "-n 4: four independent tasks succeed"
t_summary "4 succeeded" "-n 4: each saw its three siblings start while it ran"
t_has out "4 workers" "-n 4: four workers"

# SIGINT: first finishes; block writes a partial product, then waits for a file
# the test makes once the signal has killed it: recorded, block would be skipped.
: >"$P/t.tasks"
rm -f "$P"/started.*
tk_task first 'produces=bld/first.txt|marks=try_first' 'date +%s%N >bld/first.txt'
tk_task block 'depends_on=bld/first.txt|produces=bld/block.txt' \
	'echo partial >bld/block.txt && echo $$ >started.block && i=0; while ! [ -e release ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done; echo b >bld/block.txt'
tk_task last 'depends_on=bld/block.txt|produces=bld/last.txt' 'cp bld/block.txt bld/last.txt'
: >"$LOG"
t_start_bg sh -c 'cd "$0" && exec "$@"' "$P" "$HERD_BUILD/herd" build -n 1 ./t
if t_wait_file "$P/started.block" 60; then
	t_pass "SIGINT: the blocking task started"
else
	t_fail "SIGINT: the blocking task started" "started.block" "nothing after 60 s"
fi
kill -INT "$T_BG"
# Released once the signal has killed it: a task herd failed to stop would finish.
t_wait_gone "$(cat "$P/started.block")" 30 || t_fail "SIGINT: the task is killed" "gone" "alive"
touch "$P/release"
t_wait_bg
t_status 2 "SIGINT: exit 2"
t_match out '^t\.c::first +success$' "SIGINT: the finished task is reported"
t_match out '^t\.c::(block|last) +not run$' "SIGINT: the unfinished ones are not run"
t_has out "interrupted" "SIGINT: the summary says interrupted"
t_eq "$(cat "$P/bld/block.txt")" "partial" "SIGINT: the killed task left a partial product"
rm -f "$P/release"
: >"$LOG"
touch "$P/release"
tk_build -n 1
t_status 0 "after SIGINT: the rebuild succeeds"
tk_ran "block last" "after SIGINT: the rebuild runs only what did not finish"

# The lock: a build waits for the one that holds .herd/lock.
rm -f "$P/release" "$P/started.block" "$P/bld/first.txt"
t_start_bg sh -c 'cd "$0" && exec "$@"' "$P" "$HERD_BUILD/herd" build -n 1 ./t
first_bg=$T_BG
first_guard=$t_bg_guard
t_wait_file "$P/started.block" 60 || t_fail "lock: the first build's task started" "started.block" "nothing"
(cd "$P" && timeout 60 "$HERD_BUILD/herd" build -n 1 ./t >"$T_WORK/second.out" 2>"$T_WORK/second.err") &
second=$!
i=0
while ! grep -q 'waiting for it' "$T_WORK/second.err" 2>/dev/null && [ $i -lt 600 ]; do
	sleep 0.05
	i=$((i + 1))
done
t_has "$T_WORK/second.err" "another herd build runs in this project; waiting for it" \
	"lock: the second build says it waits"
touch "$P/release"
t_bg_guard=$first_guard
T_BG=$first_bg
t_wait_bg
t_status 0 "lock: the first build finishes"
wait $second
t_eq "$?" 0 "lock: then the second one"
t_has "$T_WORK/second.out" "3 skipped unchanged" "lock: which finds everything done"

t_finish

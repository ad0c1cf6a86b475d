#!/bin/sh
# tasks_real.sh - herd build on a binary written with the TASK macros: a TASK,
# a TASK_P whose products use {id}, a TASK .after every instance of it by
# name, a TEST .after the last; the build in dependency order, the rebuild
# that runs nothing, a test run that finds its fixture built, a changed input
# that reruns what depends on it (not what is merely .after it).
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init tasks_real

src=tests/e2e/tasks_real.c
t_build t $src
: >"$T_WORK/herd.ini"
mkdir -p "$T_WORK/data"
echo hello >"$T_WORK/data/in.txt"
ran=$T_WORK/ran

: >"$ran"
t_run "$HERD_BUILD/herd" build -n 2 ./t
t_status 0 "build: exit 0"
t_summary "4 succeeded" "build: the four tasks succeed"
t_eq "$(head -n 1 "$ran")" "$src::gen" "build: gen runs first"
t_eq "$(tail -n 1 "$ran")" "$src::join" "build: join runs after every part"
t_eq "$(sort "$ran" | tr '\n' ' ')" "$src::gen $src::join $src::part[a] $src::part[b] " \
	"build: every task once, the test not"
t_eq "$(cat "$T_WORK/bld/part-b.txt" 2>/dev/null)" "HELLO" "build: {id} named each instance's product"
t_eq "$(cat "$T_WORK/bld/join.txt" 2>/dev/null | tr '\n' ' ')" "HELLO HELLO " "build: the last product"

: >"$ran"
t_run "$HERD_BUILD/herd" build -n 2 ./t
t_summary "4 skipped unchanged" "rebuild: nothing to do"
t_eq "$(cat "$ran")" "" "rebuild: nothing ran"

: >"$ran"
t_run "$HERD_BUILD/herd" -n 2 ./t
t_status 0 "test run: exit 0"
t_eq "$(cat "$ran")" "$src::check::joined" "test run: the test's tasks are up to date, only the test runs"

echo bye >"$T_WORK/data/in.txt"
: >"$ran"
t_run "$HERD_BUILD/herd" -n 2 ./t
t_status 0 "test run after a change: exit 0"
t_eq "$(head -n 1 "$ran")" "$src::gen" "test run after a change: the tasks run first"
t_eq "$(cat "$T_WORK/bld/part-a.txt" 2>/dev/null)" "BYE" "test run after a change: the parts are rebuilt"
t_match out "^$(t_re "$src::join") +skipped unchanged\$" \
	"test run after a change: .after orders but carries no change: join, declaring no input, is unchanged"

t_run "$HERD_BUILD/herd" collect --nodes ./t
t_has out "$src::part[b]" "collect: a TASK_P instance"
t_has out "    produces:   bld/part-b.txt" "collect --nodes: its product, {id} replaced"

t_finish

#!/bin/sh
# tasks_dag.sh - each DAG error is one clear line naming the tasks and files,
# exit 3, and nothing runs: a cycle (printed), two tasks producing one file,
# a dependency nobody makes that does not exist, a path outside the project
# root, a task depending on its own product, an .after naming no task.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tasks.inc
. "$(dirname "$0")/tasks.inc"
t_init tasks_dag
tk_init

# dag_error DESC LINE: the graph in t.tasks is refused with LINE, exit 3, nothing ran.
dag_error() {
	tk_build
	t_status 3 "$1: exit 3"
	t_has err "herd: $2" "$1: the line says it"
	tk_ran "" "$1: nothing ran"
	: >"$P/t.tasks"
}

tk_task a 'depends_on=c.txt|produces=a.txt' 'true'
tk_task b 'depends_on=a.txt|produces=b.txt' 'true'
tk_task c 'depends_on=b.txt|produces=c.txt' 'true'
dag_error "a cycle" "the tasks form a cycle: t.c::"
t_match err 't\.c::(a|b|c) -> t\.c::(a|b|c) -> t\.c::(a|b|c) -> t\.c::(a|b|c)' "the cycle is printed"

tk_task one 'produces=out.txt' 'true'
tk_task two 'produces=out.txt' 'true'
dag_error "two producers" "out.txt"
t_match err 'out\.txt.*t\.c::one.*t\.c::two|out\.txt.*t\.c::two.*t\.c::one' "both producers are named"

tk_task plot 'depends_on=bld/x.csv' 'true'
dag_error "a missing dependency" "bld/x.csv: no task produces it and it does not exist; needed by t.c::plot"

tk_task out 'produces=../elsewhere.txt' 'true'
dag_error "a product outside the root" "t.c::out: product '../elsewhere.txt' is outside the project root"

tk_task own 'depends_on=own.txt|produces=own.txt' 'true'
dag_error "its own product" "t.c::own: depends on own.txt, which it produces itself"

tk_task lonely 'after=ghost' 'true'
dag_error "an unknown .after" "t.c::lonely: .after names 'ghost', which is no task"

tk_test only_a_test '' 'true'
tk_build
t_status 0 "a binary without tasks: exit 0"
t_summary "no tasks" "a binary without tasks: says so"
tk_ran "" "a binary without tasks: its test does not run"

t_finish

#!/bin/sh
# tasks_after.sh - tasks in a plain test run: they are not run or counted as
# tests; the tasks a selected test names in .after, and what they need
# upstream, run first when out of date; a test whose task failed is skipped
# saying so, and the run exits 1; an .after naming no task is exit 3.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tasks.inc
. "$(dirname "$0")/tasks.inc"
t_init tasks_after
tk_init

mkdir -p "$P/bld"
tk_task gen 'produces=bld/gen.txt' 'test ! -e broken && echo fixture >bld/gen.txt'
tk_task use 'depends_on=bld/gen.txt|produces=bld/use.txt' 'cp bld/gen.txt bld/use.txt'
tk_task unused 'produces=bld/unused.txt' 'echo u >bld/unused.txt'
tk_test reads 'after=use' 'grep -q fixture bld/use.txt'
tk_test plain '' 'true'

tk_verb -v
t_status 0 "a test run with .after: exit 0"
t_eq "$(head -n 2 "$LOG" | tr '\n' ' ')" "gen use " "the tasks the test needs run first, upstream first"
tk_ran_sorted "gen plain reads use" "then the tests; the task no test needs does not run"
t_summary "2 passed" "only the tests are counted"
t_match out '^t\.c::use +success$' "the tasks' table is shown"

tk_verb -v
tk_ran_sorted "plain reads" "up to date, the tasks do not run again"

touch "$P/broken"
rm "$P/bld/gen.txt"
tk_verb -v
t_status 1 "a test's task failed: exit 1"
t_lacks "$LOG" "reads" "the test whose task failed does not run"
t_match out '^=+ 1 passed, 1 skipped in ' "it is counted skipped"
t_has out "herd: t.c::reads skipped: needs task t.c::use, which was skipped: a task above it failed" \
	"the run says which test, and which task it needed"

tk_verb -k plain
tk_ran "plain" "a test run without the test naming tasks runs no task"
t_status 0 "... and passes"

rm "$P/broken"
sed -i 's/after=use/after=ghost/' "$P/t.tasks"
tk_verb
t_status 3 "an .after naming no task: exit 3"
t_has err "herd: t.c::reads: .after names 'ghost', which is no task" "one line names it"

t_finish

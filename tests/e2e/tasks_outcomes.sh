#!/bin/sh
# tasks_outcomes.sh - what becomes of tasks: a failure finishes everything
# below it as "skipped ancestor failed" without running it, and a rebuild
# after the fix runs what did not succeed; a task that succeeds without
# producing its product fails; persist, skip, try_first/try_last, the
# longest chain first; -x; -k and -m take what the selected tasks need
# upstream.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tasks.inc
. "$(dirname "$0")/tasks.inc"
t_init tasks_outcomes
tk_init

mkdir -p "$P/bld"
tk_task gen 'produces=bld/gen.txt' 'echo g >bld/gen.txt'
tk_task bad 'depends_on=bld/gen.txt|produces=bld/bad.txt' 'test -e fixed && cp bld/gen.txt bld/bad.txt'
tk_task below 'depends_on=bld/bad.txt|produces=bld/below.txt' 'cp bld/bad.txt bld/below.txt'
tk_task after_below 'after=below' 'true'
tk_task lazy 'produces=bld/lazy.txt' 'true'
tk_task other 'produces=bld/other.txt|marks=slow' 'echo o >bld/other.txt'

tk_build -n 1
t_status 1 "a failed task: exit 1"
t_match out '^t\.c::bad +failed$' "the failing task is failed"
t_match out '^t\.c::below +skipped ancestor failed$' "the task below it is skipped ancestor failed"
t_match out '^t\.c::after_below +skipped ancestor failed$' "... and what comes .after that"
t_lacks "$LOG" "below" "neither ran"
t_match out '^t\.c::lazy +failed$' "a task that did not produce its product fails"
t_has out "did not produce bld/lazy.txt" "and says which product"
t_has out "exit status 1" "the failure's message is shown"
t_match out '^t\.c::other +success$' "an independent task still runs"
t_summary "2 failed, 2 succeeded, 2 skipped ancestor failed" "the summary counts every outcome"

touch "$P/fixed"
tk_build -n 1
t_status 1 "after the fix (lazy still fails): exit 1"
tk_ran_sorted "after_below bad below lazy" "the rebuild runs what did not succeed or never ran, and nothing else"

# persist: with its product there, the task never runs again; its state is recorded
tk_task keep 'depends_on=bld/gen.txt|produces=bld/keep.txt|marks=persist' 'cp bld/gen.txt bld/keep.txt'
sed -i '/t.c::lazy/d' "$P/t.tasks"
tk_build
tk_ran "keep" "a persist task without its product runs"
echo changed-by-hand >"$P/bld/keep.txt"
tk_build
tk_ran "" "a persist task whose product exists does not run, though it changed"
t_match out '^t\.c::keep +persisted$' "it is persisted"
tk_build
t_match out '^t\.c::keep +skipped unchanged$' "and then unchanged: its state was recorded"
t_eq "$(cat "$P/bld/keep.txt")" "changed-by-hand" "the product was not touched"

# skip: the task and what is below it
sed -i 's|\tname=bad\t|\tname=bad\tmarks=skip\t|' "$P/t.tasks"
tk_build
t_match out '^t\.c::bad +skipped$' "a task marked skip is skipped"
t_match out '^t\.c::below +skipped$' "and so is the task below it"
t_status 0 "skips are no failure: exit 0"
sed -i 's|\tmarks=skip\t|\t|' "$P/t.tasks"

# try_first / try_last on one worker: the order among ready tasks
: >"$P/t.tasks"
tk_task a 'marks=try_last' 'true'
tk_task b '' 'true'
tk_task c 'marks=try_first' 'true'
tk_build -n 1
tk_ran "c b a" "try_first starts first, try_last last"

# Among tasks ready together, the start of the longest chain goes first (the
# critical path; never timed, each task counts the same): head before lone.
: >"$P/t.tasks"
tk_task lone '' 'true'
tk_task head 'produces=bld/head.txt' 'echo h >bld/head.txt'
tk_task tail 'depends_on=bld/head.txt' 'true'
tk_build -n 1
tk_ran "head lone tail" "the start of the longest chain goes first"

# -x stops at the first failure: nothing else starts
: >"$P/t.tasks"
tk_task f1 'marks=try_first' 'false'
tk_task f2 '' 'true'
tk_task f3 '' 'true'
tk_build -n 1 -x
t_status 1 "-x: exit 1"
tk_ran "f1" "-x: nothing starts after the first failure"
t_match out '^t\.c::f2 +not run$' "-x: the rest is not run"

# -k and -m select a task and what it needs upstream, nothing below or beside it
: >"$P/t.tasks"
rm -rf "$P/.herd" "$P/bld" && mkdir "$P/bld"
tk_task up 'produces=bld/up.txt' 'echo u >bld/up.txt'
tk_task mid 'depends_on=bld/up.txt|produces=bld/mid.txt|marks=fast' 'cp bld/up.txt bld/mid.txt'
tk_task down 'depends_on=bld/mid.txt|produces=bld/down.txt' 'cp bld/mid.txt bld/down.txt'
tk_task aside 'produces=bld/aside.txt' 'echo a >bld/aside.txt'
tk_build -k mid
tk_ran "up mid" "-k mid runs mid and what it needs upstream"
t_has out "collected 4 tasks (2 deselected)" "-k: the others are deselected"
tk_build -m fast --force
tk_ran "up mid" "-m fast: the same selection by marker"
tk_build --marker-expression=fast --force
tk_ran "up mid" "--marker-expression fast (pytask's name for -m): the same"

# The reports a test run writes, herd build writes too: JUnit, JSON and
# --trace hold every selected task, with its outcome (unchanged and ancestor
# failed as skipped, with the reason); a graph error writes none.
: >"$P/t.tasks"
rm -rf "$P/.herd" "$P/bld" && mkdir "$P/bld"
tk_task ok 'produces=bld/ok.txt' 'echo o >bld/ok.txt'
tk_build
tk_task boom 'produces=bld/boom.txt' 'false'
tk_task under 'depends_on=bld/boom.txt|produces=bld/under.txt' 'true'
r=$T_WORK/reports
mkdir -p "$r"
tk_build --junit-xml "$r/b.xml" --json "$r/b.json" --trace "$r/b.trace.json" -k 'not ok or ok'
t_status 1 "with reports, the build's status is the build's"
t_junit_valid "$r/b.xml" "the build's JUnit is valid"
t_xml_eq "$r/b.xml" "count(//testcase)" 3 "JUnit: a testcase a task"
t_xml_eq "$r/b.xml" "string(//testcase[@name='boom']/@classname)" t "JUnit: a task's classname is its file, as a pytest function's module"
t_xml_eq "$r/b.xml" "count(//testcase[@name='boom']/failure)" 1 "JUnit: the failed task is a failure"
t_xml_eq "$r/b.xml" "string(//testcase[@name='ok']/skipped/@message)" unchanged "JUnit: an unchanged task is skipped, with the reason"
t_xml_eq "$r/b.xml" "string(//testcase[@name='under']/skipped/@message)" "skipped ancestor failed: t.c::boom" "JUnit: a task below the failure is skipped, with the reason"
t_eq "$(t_jx "$r/b.json" "(d['summary']['failed'], d['summary']['skipped'], W['t.c::ok']['outcome'])")" \
	"(1, 2, 'skipped')" "JSON: the tasks' outcomes"
t_eq "$(t_jx "$r/b.trace.json" "sorted(set(e['name'] for e in d['traceEvents'] if e.get('ph') == 'X' and e['name'].startswith('t.c::')))")" \
	"['t.c::boom']" "--trace: the task that ran is a slice"
tk_task loop1 'depends_on=bld/l2.txt|produces=bld/l1.txt' 'true'
tk_task loop2 'depends_on=bld/l1.txt|produces=bld/l2.txt' 'true'
rm -f "$r/c.xml"
tk_build --junit-xml "$r/c.xml"
t_status 3 "a cycle: exit 3"
t_eq "$(ls "$r")" "$(printf "b.json\nb.trace.json\nb.xml")" "a graph error writes no report"
tk_build --tap
t_status 4 "herd build --tap: a usage error (TAP is a whole output; the build prints its table)"
t_has err "herd: --tap is for test runs: herd build prints its own report" "--tap: one line says why"

t_finish

#!/bin/sh
# tasks_build.sh - herd build on a diamond of tasks with real files: the first
# build runs everything in dependency order; a rebuild runs nothing; a change
# to one input reruns exactly what is below it (the tasks' own log says what
# ran); touching without changing, nothing; a deleted product, its task;
# a changed task source, its tasks; --dry-run writes nothing; --force and
# --explain; a state.db of the old layout (herd-state-1) is migrated,
# nothing lost; a corrupt state.db is a warning and a full rebuild.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tasks.inc
. "$(dirname "$0")/tasks.inc"
t_init tasks_build
tk_init

mkdir -p "$P/data" "$P/bld"
echo one >"$P/data/a.txt"
echo two >"$P/data/b.txt"
tk_task clean 'depends_on=data/a.txt' 'tr a-z A-Z <data/a.txt >bld/clean.txt'
tk_task left 'depends_on=bld/clean.txt|produces=bld/left.txt' 'cat bld/clean.txt >bld/left.txt'
tk_task right 'depends_on=bld/clean.txt data/b.txt|produces=bld/right.txt' \
	'cat bld/clean.txt data/b.txt >bld/right.txt'
tk_task report 'depends_on=bld/left.txt bld/right.txt|produces=bld/report.txt' \
	'cat bld/left.txt bld/right.txt >bld/report.txt'
# clean's product, declared on a line of its own for the test below
sed -i 's|name=clean\t|name=clean\tproduces=bld/clean.txt\t|' "$P/t.tasks"
tk_test unit '' 'true'

tk_build -n 2
t_status 0 "first build: exit 0"
t_eq "$(head -n 1 "$LOG")" "clean" "clean runs first"
t_eq "$(tail -n 1 "$LOG")" "report" "report runs last"
tk_ran_sorted "clean left report right" "every task ran once, and the test did not"
t_eq "$(cat "$P/bld/report.txt" 2>/dev/null | tr '\n' ' ')" "ONE ONE two " "the products are there"
t_match out '^t\.c::report +success$' "the table says success"
t_has out "collected 4 tasks" "the test is not counted as a task"
t_summary "4 succeeded" "the summary line"
[ -f "$P/.herd/state.db" ] && t_pass "the state is in .herd/state.db" ||
	t_fail "the state is in .herd/state.db" "the file" "none"

tk_build
t_status 0 "rebuild: exit 0"
tk_ran "" "a rebuild runs nothing"
t_summary "4 skipped unchanged" "and says so"

echo three >"$P/data/b.txt"
tk_build --explain
tk_ran "right report" "a changed input reruns exactly what is below it"
t_match out '^t\.c::right +success +\(data/b\.txt changed\)$' "--explain says why"
t_match out '^t\.c::left +skipped unchanged$' "its sibling is unchanged"

touch "$P/data/a.txt" "$P/data/b.txt"
tk_build
tk_ran "" "touching without changing reruns nothing (content hash)"

rm "$P/bld/left.txt"
tk_build --explain
tk_ran "left" "a deleted product reruns its task; the same content again stops there"
t_match out '^t\.c::left +success +\(product bld/left\.txt missing\)$' "--explain: product missing"

echo 'int tasks; /* edited */' >"$P/t.c"
tk_build --explain
tk_ran_sorted "clean left report right" "an edited task source reruns its tasks"
t_match out '^t\.c::clean +success +\(task source changed\)$' "--explain: task source changed"

echo four >"$P/data/a.txt"
cp "$P/.herd/state.db" "$T_WORK/state.before"
tk_build --dry-run --explain
t_status 0 "--dry-run: exit 0"
tk_ran "" "--dry-run runs nothing"
t_match out '^t\.c::clean +would execute +\(data/a\.txt changed\)$' "--dry-run: would execute, and why"
t_match out '^t\.c::report +would execute' "--dry-run: what is below would execute too"
t_summary "4 would execute" "--dry-run: the summary"
t_eq "$(cat "$P/bld/clean.txt")" "ONE" "--dry-run leaves the products alone"
if cmp -s "$P/.herd/state.db" "$T_WORK/state.before" && ! [ -e "$P/.herd/state.db-wal" ]; then
	t_pass "--dry-run leaves the state alone"
else
	t_fail "--dry-run leaves the state alone" "state.db unchanged, no -wal" "$(ls "$P/.herd")"
fi

tk_build --force --explain
tk_ran_sorted "clean left report right" "--force runs everything"
t_match out '^t\.c::left +success +\(--force\)$' "--explain: --force"

# herd-state-1 kept a task's files in rows of task_file, herd-state-2 keeps
# them in the task's row: the state just written, put back in the old layout,
# is read as it is by a dry run and migrated by a build, each task still up
# to date, and a changed input still seen.
if [ -z "$HERD_E2E_PYTHON" ]; then
	t_skip "a state.db of the old layout" "python3 is not installed"
else
	python3 - "$P/.herd/state.db" <<'PY' || t_bail "put the state in the old layout"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("CREATE TABLE task_file(task TEXT, role INTEGER, path TEXT, hash TEXT,"
           " PRIMARY KEY(task, role, path))")
for task, files in db.execute("SELECT id, files FROM task").fetchall():
    for line in (files or "").splitlines():
        role, h, path = line.split(" ", 2)
        db.execute("INSERT INTO task_file VALUES(?, ?, ?, ?)", (task, int(role), path, h))
db.execute("ALTER TABLE task DROP COLUMN files")
db.execute("UPDATE meta SET value = 'herd-state-1' WHERE key = 'schema'")
db.commit()
PY
	schema() {
		python3 -c 'import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); print(db.execute("SELECT value FROM meta").fetchone()[0], db.execute("SELECT count(*) FROM sqlite_master WHERE name = '"'task_file'"'").fetchone()[0])' "$P/.herd/state.db"
	}
	t_eq "$(schema)" "herd-state-1 1" "the state is in the old layout"
	tk_build --dry-run
	t_summary "4 skipped unchanged" "old layout: a dry run reads it as it is"
	t_lacks err "warning" "old layout: no warning"
	t_eq "$(schema)" "herd-state-1 1" "old layout: a dry run leaves it so"
	tk_build
	t_summary "4 skipped unchanged" "old layout: a build migrates it, nothing to run"
	t_eq "$(schema)" "herd-state-2 0" "old layout: migrated"
	echo five >"$P/data/b.txt"
	tk_build
	tk_ran "right report" "old layout, migrated: a changed input reruns what is below it"
	tk_build
	tk_ran "" "and is up to date again"
fi

printf 'this is not a database, just text long enough to be read as a header' >"$P/.herd/state.db"
rm -f "$P/.herd/state.db-wal" "$P/.herd/state.db-shm"
tk_build
t_status 0 "a corrupt state.db: exit 0"
t_has err "warning: .herd/state.db is not a herd state database, or is damaged" "a corrupt state.db is a warning"
tk_ran_sorted "clean left report right" "and a full rebuild"
tk_build
tk_ran "" "after which the state is good again"

t_finish

#!/bin/sh
# tasks_verbs.sh - herd collect [--nodes], herd markers, herd dag (DOT on
# stdout, -o .dot without Graphviz, -o .svg with it, a clear line when dot is
# missing), herd profile [--export csv], herd clean in its three modes with
# --exclude and git's tracked files; bad options are one line and exit 4.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tasks.inc
. "$(dirname "$0")/tasks.inc"
t_init tasks_verbs
tk_init

mkdir -p "$P/data" "$P/bld"
echo raw >"$P/data/raw.csv"
tk_task clean 'depends_on=data/raw.csv|produces=bld/clean.csv' 'cp data/raw.csv bld/clean.csv'
tk_task plot 'depends_on=bld/clean.csv|produces=bld/plot.txt bld/plot.log|marks=slow' \
	'cp bld/clean.csv bld/plot.txt && echo 12345 >bld/plot.log'
tk_task report 'after=plot' 'true'

tk_verb collect
t_status 0 "collect: exit 0"
t_want collect "t.c::clean" "t.c::plot" "t.c::report" "" "collected 3 tasks"
t_same out "$T_WORK/collect.want" "collect: the task ids and the count"
tk_verb collect --nodes
t_has out "    depends on: bld/clean.csv" "collect --nodes: the dependencies"
t_has out "    produces:   bld/plot.txt bld/plot.log" "collect --nodes: the products"
t_has out "    after:      plot" "collect --nodes: .after"
t_has out "    marks:      slow" "collect --nodes: the marks"
tk_ran "" "collect runs nothing"

t_run "$HERD_BUILD/herd" markers
t_status 0 "markers: exit 0"
for m in skip skip_unchanged persist try_first try_last; do
	t_match out "^$m +[a-z]" "markers: $m is listed with its meaning"
done

tk_verb dag
t_status 0 "dag: exit 0"
t_has out '"data/raw.csv" -> "t.c::clean";' "dag: a dependency's edge"
t_has out '"t.c::plot" -> "bld/plot.log";' "dag: a product's edge"
t_has out '"t.c::plot" -> "t.c::report" [style=dashed];' "dag: .after is dashed"
t_has out '"t.c::clean" [shape=box, style=filled, fillcolor=lightgrey];' "dag: a task that never ran is grey"
tk_verb dag -o g.dot --rankdir LR
t_has "$P/g.dot" "rankdir=LR;" "dag -o g.dot --rankdir LR: the file, left to right"
t_run sh -c 'cd "$0" && PATH=/nonexistent exec "$@"' "$P" "$HERD_BUILD/herd" dag -o g.svg ./t
t_status 3 "dag -o g.svg without dot: exit 3"
t_has err "herd: g.svg needs Graphviz's dot, which is not installed" "dag without dot: one clear line"
tk_verb dag -o g.txt
t_status 4 "dag -o g.txt: exit 4"
t_has err "the extension names the format" "dag -o g.txt: says why"

tk_build
t_status 0 "the build before profile"
tk_verb dag
t_has out '"t.c::clean" [shape=box, style=filled, fillcolor=palegreen];' "dag: a task that succeeded is green"
if command -v dot >/dev/null 2>&1; then
	tk_verb dag -o g.svg
	t_status 0 "dag -o g.svg: exit 0"
	t_has "$P/g.svg" "<svg" "dag -o g.svg: an SVG from Graphviz"
	t_has "$P/g.svg" "t.c::plot" "dag -o g.svg: with the tasks"
else
	t_skip "dag -o g.svg" "Graphviz's dot is not installed (scripts/setup check installs it)"
fi

tk_verb profile
t_status 0 "profile: exit 0"
t_match out '^t\.c::plot +[0-9]+\.[0-9]{3} +10 B$' "profile: a duration and the products' 10 bytes"
tk_verb profile --export csv
t_has "$P/profile.csv" '"t.c::plot",' "profile --export csv: profile.csv"
t_match "$P/profile.csv" '^"t\.c::clean",[0-9]+\.[0-9]{3},4$' "profile --export csv: id, duration, size"
tk_verb profile --export xml
t_status 4 "profile --export xml: exit 4"

# clean: a stale file, an excluded one, a git-tracked one, the known ones
rm -f "$P/g.svg" "$P/g.dot" "$P/profile.csv"
echo old >"$P/bld/stale.txt"
echo keep >"$P/notes.md"
echo tracked >"$P/tracked.txt"
if command -v git >/dev/null 2>&1 && (cd "$P" && git init -q && git add tracked.txt) >/dev/null 2>&1; then
	tk_verb clean --exclude '*.md'
	t_status 0 "clean: exit 0"
	t_has out "Would remove bld/stale.txt" "clean: the stale product is listed"
	t_lacks out "tracked.txt" "clean: a file git tracks is not"
	t_lacks out "notes.md" "clean: an excluded file is not"
	t_nomatch out "clean\.csv|plot\.txt|raw\.csv|t\.c$| t$|herd\.ini|\.herd" \
		"clean: products, dependencies, sources, binaries and .herd are not"
	[ -e "$P/bld/stale.txt" ] && t_pass "clean: the default dry-run removes nothing" ||
		t_fail "clean: the default dry-run removes nothing" "bld/stale.txt" "removed"
	t_run sh -c 'cd "$0" && exec "$@" </dev/null' "$P" "$HERD_BUILD/herd" clean --mode interactive --exclude '*.md' ./t
	[ -e "$P/bld/stale.txt" ] && t_pass "clean --mode interactive: end of input is no" ||
		t_fail "clean --mode interactive: end of input is no" "bld/stale.txt" "removed"
	t_run sh -c 'cd "$0" && yes y | exec "$@"' "$P" "$HERD_BUILD/herd" clean --mode interactive --exclude '*.md' --exclude log --exclude 't.tasks' ./t
	t_has out "Remove bld/stale.txt? [y/N]" "clean --mode interactive: asks"
	[ -e "$P/bld/stale.txt" ] && t_fail "clean --mode interactive: y removes" "gone" "still there" ||
		t_pass "clean --mode interactive: y removes"
	# The project in a subfolder of its repository: git names tracked files
	# from the top, the project's own paths from its root.
	outer=$T_WORK/outer
	mkdir -p "$outer"
	cp -R "$P" "$outer/proj"
	rm -rf "$outer/proj/.git"
	echo old >"$outer/proj/bld/stale.txt"
	if (cd "$outer" && git init -q && git add proj/tracked.txt) >/dev/null 2>&1; then
		t_run sh -c 'cd "$0" && exec "$@"' "$outer/proj" "$HERD_BUILD/herd" clean --exclude '*.md' ./t
		t_status 0 "clean below the repository's top: exit 0"
		t_has out "Would remove bld/stale.txt" "clean below the repository's top: the stale file is listed"
		t_lacks out "tracked.txt" "clean below the repository's top: a tracked file is not"
		t_run sh -c 'cd "$0" && exec "$@"' "$outer/proj" "$HERD_BUILD/herd" clean --mode force --exclude '*.md' --exclude t.tasks ./t
		[ -e "$outer/proj/tracked.txt" ] && [ ! -e "$outer/proj/bld/stale.txt" ] &&
			t_pass "clean --mode force below the repository's top: keeps a tracked file, removes the stale one" ||
			t_fail "clean --mode force below the repository's top: keeps a tracked file, removes the stale one" \
				"tracked.txt kept, stale.txt gone" "$(ls "$outer/proj" "$outer/proj/bld")"
	else
		t_fail "git init in a scratch folder" "a repository" "git failed"
	fi
	echo old >"$P/bld/stale.txt"
	tk_verb clean --mode force --exclude '*.md'
	[ -e "$P/bld/stale.txt" ] && t_fail "clean --mode force removes" "gone" "still there" ||
		t_pass "clean --mode force removes"
	[ -e "$P/bld/plot.txt" ] && [ -e "$P/notes.md" ] && [ -e "$P/tracked.txt" ] &&
		t_pass "clean --mode force keeps the rest" ||
		t_fail "clean --mode force keeps the rest" "plot.txt notes.md tracked.txt" "$(ls "$P" "$P/bld")"
else
	t_skip "herd clean" "git is not installed"
fi
tk_verb clean --mode all
t_status 4 "clean --mode all: exit 4"
t_has err "herd: --mode: 'all' is not one of dry-run, force, interactive" "clean --mode all: one line"

t_finish

#!/bin/sh
# task_lib.sh - tasks on libherd's side (docs/tasks.md, docs/protocol.md):
# the item keys a worker sends for tasks and tests (kind=task, depends_on,
# produces with TASK_P's {id} replaced and blanks made single spaces, after
# on tasks and tests, no suite for a task), as proto_probe.c, playing the
# controller, sees them; the paths herd_depends_on() and herd_produces() give
# a running task (absolute under HERD_ROOTDIR, set with or without a trailing
# '/', relative, or unset: the working directory; NULL past the end and in a
# test); the standalone binary runs its tests only, lists tasks marked
# "(task)" and runs one with --task; a path list trying to hold whitespace or
# an {id} outside a TASK_P is refused with one line naming the task, exit 4.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init task_lib

src=tests/e2e/task_lib.c
id=$src
t_build task_lib $src
bin=$T_WORK/task_lib
probe=$T_WORK/proto_probe
# shellcheck disable=SC2086 # CFLAGS is a list of words
if $CC $CFLAGS -o "$probe" "$HERD_SRC/tests/e2e/proto_probe.c" >"$T_WORK/build.log" 2>&1; then
	t_pass "build proto_probe"
else
	t_bail "build proto_probe" "it compiles" "it does not"
fi
TAB=$(printf '\t')
here=$(cd "$T_WORK" && pwd -P)
proot=$here/proj	# where the tasks a probe runs make their folders

# ---- run alone ----

t_run "$bin"
t_status 0 "alone: the tests pass"
t_has out "collected 2 items" "alone: the tests are collected, the tasks are not counted"
t_has out "2 passed" "alone: both tests ran"
t_count "$T_WORK/ran" '::' 2 "alone: two items ran"
t_nomatch "$T_WORK/ran" '::(clean|fit|shard|report)' "alone: no task ran"
rm -f "$T_WORK/ran"

t_run "$bin" --list
t_status 0 "--list: exit 0"
t_count out '.' 8 "--list: six tasks and two tests"
t_count out '  \(task\)$' 6 "--list: the six tasks are marked (task)"
t_count out "^$id::clean  \\(task\\)\$" 1 "--list: a task's id is file::name"
t_count out "^$id::fit\\[cubic\\]  \\(task\\)\$" 1 "--list: a TASK_P's is file::name[param]"
t_count out "^$id::check::plain\$" 1 "--list: a test is not marked"

t_run "$bin" --list -v -k after_tasks
t_has out 'after="clean fit[line]"' "--list -v: a test's .after"
t_run "$bin" --list -v -k shard
t_has out 'produces="bld/1/part-1.txt /dev/null"' "--list -v: a task's products, {id} replaced"

# --task NAME: every instance of that name, name[param] one, an id one.
t_run "$bin" -s --task fit
t_status 0 "--task fit: exit 0"
t_count "$T_WORK/ran" '::' 2 "--task fit: two items ran"
t_count "$T_WORK/ran" '::fit\[' 2 "--task fit: both instances of fit ran, nothing else"
t_has out "dep0=$here/bld/clean.csv" "--task, HERD_ROOTDIR unset: paths under the working directory"
rm -f "$T_WORK/ran"
t_run "$bin" --task 'fit[line]' --task "$id::report"
t_status 0 "--task twice: exit 0"
t_count "$T_WORK/ran" '::' 2 "--task 'fit[line]' --task ID: two items ran"
t_count "$T_WORK/ran" '::(fit\[line\]|report)$' 2 "--task 'fit[line]' --task ID: those two"
rm -f "$T_WORK/ran"
# The binary's history (--lf, --ff) is the tests': a task run alone stays out of it.
t_run "$bin" --cache-dir "$T_WORK/cache"
t_run "$bin" --task clean --cache-dir "$T_WORK/cache"
t_status 0 "--task with a cache: exit 0"
cat "$T_WORK"/cache/v1/* >"$T_WORK/history" 2>/dev/null
t_has "$T_WORK/history" "::check::plain" "the tests' run is in the history"
t_lacks "$T_WORK/history" "::clean" "--task: the task's run is not"
rm -f "$T_WORK/ran"
t_run "$bin" --task nope
t_status 4 "--task with an unknown name: usage error"
t_count err '.' 1 "--task with an unknown name: one line"
t_has err "no task 'nope'" "--task with an unknown name: the line names it"
t_file_absent() {
	if [ -e "$1" ]; then t_fail "$2" "no $1" "it exists"; else t_pass "$2"; fi
}
t_file_absent "$T_WORK/ran" "--task with an unknown name: nothing ran"

for root in "$T_WORK/sub/" sub .; do
	case $root in
	.) want=$here/data/raw.csv ;;
	*) want=$here/sub/data/raw.csv ;;
	esac
	HERD_ROOTDIR=$root t_run "$bin" -s --task clean
	t_has out "dep0=$want" "HERD_ROOTDIR=$root: the path is $want"
done
rm -f "$T_WORK/ran"

# ---- the wire ----

HERD_ROOTDIR=$proot t_run "$probe" "$bin"
cp "$T_OUT" "$T_WORK/wire"
t_has out "exit 0" "probe: the worker lists its items and stops"
t_count out "^collected${TAB}8${TAB}" 1 "probe: eight items collected"

# fields ID: the fields of ID's item message, one a line, into $T_WORK/f.
fields() {
	grep -F "item$TAB$id::$1$TAB" "$T_WORK/wire" | tr '\t' '\n' >"$T_WORK/f"
}
# key ID FIELD DESC: ID's item has exactly that field.
key() {
	fields "$1"
	if grep -qFx -e "$2" "$T_WORK/f"; then
		t_pass "$1: $3"
	else
		t_fail "$1: $3" "the field $2" "not there" "$T_WORK/f"
	fi
}
# nokey ID KEY DESC: ID's item has no KEY.
nokey() {
	fields "$1"
	t_count "$T_WORK/f" "^$2=" 0 "$1: $3"
}

key clean kind=task "kind=task"
key clean "depends_on=data/raw.csv src/clean.c" "depends_on: the paths, one space between"
key clean "produces=bld/clean.csv bld/log.txt" "produces: a tab becomes a space"
key clean name=clean "name"
key clean marks=persist "marks"
nokey clean suite "a task has no suite"
nokey clean after "no .after, no key"
key 'fit[line]' "produces=bld/fit-line.txt" "{id} is the .param_id"
key 'fit[cubic]' "produces=bld/fit-cubic.txt" "{id} for the second element"
key 'fit[line]' after=clean "a task's after"
key 'fit[line]' "name=fit[line]" "name with its param"
key 'shard[1]' "produces=bld/1/part-1.txt /dev/null" "{id} is the index without .param_id, each {id} replaced"
nokey 'shard[1]' depends_on "no .depends_on, no key"
key report "after=fit shard[1]" "after as written"
nokey report produces "no .produces, no key"
key check::after_tasks "after=clean fit[line]" "a test's after"
key check::after_tasks suite=check "a test's suite"
nokey check::after_tasks kind "a test has no kind"
nokey check::plain after "a plain test: no after"
nokey check::plain kind "a plain test: no kind"

# Indices are positions in the list: run clean, fit[cubic], shard[0], the test with .after.
index() {
	grep "^item$TAB" "$T_WORK/wire" | grep -nF "item$TAB$id::$1$TAB" | cut -d: -f1 |
		awk '{ print $1 - 1 }'
}
mkdir -p "$proot/bld" && : >"$proot/bld/1"	# in the way of shard[1]'s folder
HERD_ROOTDIR=$proot/ t_run "$probe" "$bin" "$(index clean)" "$(index 'fit[cubic]')" \
	"$(index 'shard[0]')" "$(index check::after_tasks)" "$(index 'shard[1]')"
t_has out "exit 0" "probe run: the worker ends cleanly"
t_count out "^result${TAB}[0-9]+${TAB}passed$TAB" 4 "probe run: four items passed"
t_count out "^result$TAB$(index 'shard[1]')${TAB}failed$TAB.*cannot make the folder of $proot/bld/1/part-1.txt: Not a directory" 1 \
	"shard[1]: its products' folder cannot be made: failed, saying why"
t_match out "^result$TAB$(index 'shard[1]')${TAB}failed${TAB}[^$TAB]*${TAB}[^$TAB]*$TAB\$" \
	"shard[1]: its body did not run (no output)"
if [ -d "$proot/bld/0" ]; then
	t_pass "shard[0]: the folder of its product was made (bld/0)"
else
	t_fail "shard[0]: the folder of its product was made (bld/0)" "a folder" "none"
fi
t_has out "dep0=$proot/data/raw.csv%0Adep1=$proot/src/clean.c%0Adep2=(null)%0A" \
	"clean: both inputs under HERD_ROOTDIR, NULL past the end"
t_has out "prod0=$proot/bld/clean.csv%0Aprod1=$proot/bld/log.txt%0Aprod2=(null)%0A" \
	"clean: both products, NULL past the end"
t_has out "degree=3%0Adep0=$proot/bld/clean.csv%0Adep1=(null)%0Aprod0=$proot/bld/fit-cubic.txt%0Aprod1=(null)" \
	"fit[cubic]: its own element and products"
t_has out "dep0=(null)%0Aprod0=$proot/bld/0/part-0.txt%0Aprod1=/dev/null%0Aprod2=(null)" \
	"shard[0]: no inputs; an absolute path stays as written"
t_count "$T_WORK/ran" '::' 4 "probe run: the four items ran"

t_run env -u HERD_ROOTDIR "$probe" "$bin" "$(index clean)"
t_has out "dep0=$here/data/raw.csv%0A" \
	"HERD_ROOTDIR unset in a worker: the working directory stands for the root"

# ---- refused lists ----

# bad NAME TASK LIST TEXT: the binary built with -DNAME refuses to list.
bad() {
	t_build "$1" "-D$1" $src
	t_run "$T_WORK/$1" --list
	t_status 4 "$1 alone: exit 4"
	t_count err '.' 1 "$1 alone: one line"
	t_has err "$src:$2: task '$3': $4: $5" "$1 alone: the line names file, line, task and list"
	t_run "$probe" "$T_WORK/$1"
	t_has out "exit 4" "$1 as a worker: exit 4"
	t_count out "^(item|collected)$TAB" 0 "$1 as a worker: no list sent"
	t_has err "task '$3'" "$1 as a worker: the line on stderr"
}
whitespace="a path cannot hold whitespace (the list is split at blanks)"
bad BAD_QUOTE "$(grep -n 'TASK(quoted' "$HERD_SRC/$src" | cut -d: -f1)" quoted .produces \
	"'\"bld/my file.csv\"': $whitespace"
bad BAD_ESCAPE "$(grep -n 'TASK(escaped' "$HERD_SRC/$src" | cut -d: -f1)" escaped .depends_on \
	"'bld/my\\ file.csv': $whitespace"
bad BAD_CR "$(grep -n 'TASK(carriage' "$HERD_SRC/$src" | cut -d: -f1)" carriage .produces \
	"'bld/a\\r.csv': $whitespace"
bad BAD_ID "$(grep -n 'TASK(no_params' "$HERD_SRC/$src" | cut -d: -f1)" no_params .produces \
	"'bld/out-{id}.csv': {id} stands for a TASK_P's param id, and this task has no params"

t_finish

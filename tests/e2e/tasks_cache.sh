#!/bin/sh
# tasks_cache.sh - herd build's collection cache on a real TASK binary: a
# no-op rebuild starts no worker (the binary logs each worker it becomes);
# nor does one after the binary was touched, nor --dry-run; --force and a
# changed input run from the cached list; a binary rebuilt with a changed
# dependency and a new task, another herd, a plugin that configures workers
# and a damaged cache row are listed by a worker again, and the change is
# honoured; a program whose tasks are declared in part in a shared object
# is listed by a worker on every build.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init tasks_cache

src=tests/e2e/tasks_cache.c
t_build t $src
: >"$T_WORK/herd.ini"
mkdir -p "$T_WORK/data"
echo in >"$T_WORK/data/in.txt"
echo extra >"$T_WORK/data/extra.txt"

# build ARG...: herd build ARG... ./t, the logs of workers and runs emptied first.
build() {
	: >"$T_WORK/workers"
	: >"$T_WORK/ran"
	t_run "$HERD_BUILD/herd" build "$@" ./t
}

# workers N DESC: N worker processes of ./t started during the last build.
workers() {
	t_eq "$(wc -l <"$T_WORK/workers" | tr -d ' ')" "$1" "$2"
}

# ran WANT DESC: the tasks that ran, sorted, are WANT (ids, space-separated).
ran() {
	t_eq "$(sort "$T_WORK/ran" | tr '\n' ' ' | sed 's/ $//')" "$1" "$2"
}

build
t_status 0 "first build: exit 0"
t_summary "2 succeeded" "first build: both tasks"
workers 1 "first build: one worker lists and runs them"

build
t_status 0 "no-op: exit 0"
t_summary "2 skipped unchanged" "no-op: nothing to do"
workers 0 "no-op: the list comes from the cache, no worker starts"

touch "$T_WORK/t"
build
t_summary "2 skipped unchanged" "touched binary: nothing to do"
workers 0 "touched binary: same bytes, no worker starts"

echo changed >"$T_WORK/data/in.txt"
build --dry-run --explain
t_match out "^$(t_re "$src::make") +would execute +\\(data/in\\.txt changed\\)\$" \
	"--dry-run --explain from the cache: says why"
workers 0 "--dry-run: no worker starts"
ran "" "--dry-run: nothing ran"

build --explain
t_status 0 "changed input: exit 0"
t_match out "^$(t_re "$src::make") +success +\\(data/in\\.txt changed\\)\$" \
	"changed input: --explain says why"
ran "$src::make $src::use" "changed input: both rerun (the product changed)"
workers 1 "changed input: one worker, started to run them"

build --force
ran "$src::make $src::use" "--force from the cache: every task runs"
workers 1 "--force: one worker"

# Rebuilt with a new dependency of use and a new task: the bytes changed.
t_build t -DVARIANT $src
build --explain
t_status 0 "rebuilt binary: exit 0"
t_has out "collected 3 tasks" "rebuilt binary: its new task is seen"
t_match out "^$(t_re "$src::more") +success +\\(never ran\\)\$" "rebuilt binary: the new task runs"
t_eq "$({ tr '\n' ' ' <"$T_WORK/bld/used.txt"; } 2>/dev/null)" "changed extra " \
	"rebuilt binary: use's new dependency is honoured"
workers 1 "rebuilt binary: a worker lists it again"
build
t_summary "3 skipped unchanged" "rebuilt binary, then a no-op"
workers 0 "rebuilt binary, then a no-op: its new list is cached"

# A plugin that gives workers arguments or variables may change their lists.
plugin=$HERD_BUILD/plugins/lifecycle.so
if [ ! -f "$plugin" ]; then
	t_skip "a plugin with configure_node" "$plugin is not built (make examples)"
else
	build -p "$plugin"
	t_summary "3 skipped unchanged" "configure_node plugin: nothing to do"
	workers 1 "configure_node plugin: no cache, a worker lists the binary"
fi

# Another herd (a copy is another executable): its own list.
if [ -n "${HERD_WRAP-}" ]; then
	t_skip "another herd" "HERD_WRAP runs one herd under every name"
else
	cp "$HERD_BUILD/herd" "$T_WORK/herd2" || t_bail "copy herd"
	: >"$T_WORK/workers"
	t_run "$T_WORK/herd2" build ./t
	t_summary "3 skipped unchanged" "another herd: nothing to do"
	workers 1 "another herd: lists the binary itself"
	build
	workers 1 "this herd again: lists the binary itself"
	build
	workers 0 "this herd again: its list is stored again"
fi

if [ -z "$HERD_E2E_PYTHON" ]; then
	t_skip "a damaged cache row" "python3 is not installed"
else
	# One byte of the stored list changed, as a torn write would.
	python3 - "$T_WORK/.herd/state.db" <<'PY' ||
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE listing SET data = substr(data, 1, 40) || 'X' || substr(data, 42)")
db.commit()
PY
		t_bail "damage the cache row"
	build
	t_status 0 "damaged cache row: exit 0"
	t_summary "3 skipped unchanged" "damaged cache row: nothing to do"
	workers 1 "damaged cache row: a worker lists the binary"
	build
	workers 0 "damaged cache row: stored again"
fi

# Tasks declared in a shared object the program loads: it can change while
# the program does not, so its list is never kept and a worker lists it on
# every build; a task added to the shared object alone is seen and run.
far=$T_WORK/far
mkdir -p "$far/data"
: >"$far/herd.ini"
echo in >"$far/data/in.txt"
# so [-DFARTHER]: libfar.so and the program u that loads it, both on libherd.so.
so() {
	# shellcheck disable=SC2086 # CFLAGS and LDFLAGS are lists of words
	(cd "$HERD_SRC" && $CC $CFLAGS -fPIC -shared -I include "$@" tests/e2e/tasks_cache_far.c \
		-L"$HERD_BUILD" -lherd ${LDFLAGS-} -o "$far/libfar.so" &&
		$CC $CFLAGS -I include $src -L"$far" -Wl,--no-as-needed -lfar -L"$HERD_BUILD" -lherd ${LDFLAGS-} \
			-Wl,-rpath,"$far:$HERD_BUILD" -o "$far/u") >"$T_WORK/so.log" 2>&1 ||
		t_bail "build libfar.so and u" "they build" "they do not"
}
so
: >"$far/workers"
t_run env -C "$far" E2E_DIR="$far" "$HERD_BUILD/herd" build ./u
t_status 0 "shared object: first build, exit 0"
t_summary "3 succeeded" "shared object: its task and the program's run"
: >"$far/workers"
t_run env -C "$far" E2E_DIR="$far" "$HERD_BUILD/herd" build ./u
t_summary "3 skipped unchanged" "shared object: then nothing to do"
t_eq "$(wc -l <"$far/workers" | tr -d ' ')" 1 "shared object: a worker lists the program again"
so -DFARTHER
t_run env -C "$far" E2E_DIR="$far" "$HERD_BUILD/herd" build ./u
t_status 0 "shared object changed alone: exit 0"
t_has out "collected 4 tasks" "shared object changed alone: its new task is seen"
t_has "$far/bld/farther.txt" "tests/e2e/tasks_cache_far.c::farther" \
	"shared object changed alone: its new task ran"

t_finish

#!/bin/sh
# pipeline.sh - examples/pipeline as its user builds it: a copy of the
# project with the binary where its herd.ini looks for it, `herd build`
# running every task once in dependency order, a second `herd build` running
# none, an edited input rerunning exactly the tasks downstream of it (seen
# in the log the tasks write, $PIPELINE_LOG), a touched but unchanged input
# rerunning nothing, the report's figures recomputed here from the cleaned
# data, and the example's TEST whose fixture is the clean task's product.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init pipeline

# The copy: the build writes bld/ and .herd/ there, not into the sources.
proj=$T_WORK/repo/examples/pipeline
bin=$T_WORK/repo/build/examples/pipeline
mkdir -p "$proj" "${bin%/*}"
(cd "$HERD_SRC/examples/pipeline" && cp -R data herd.ini plot.gp tasks.c test_pipeline.c "$proj/")
# Compiled in the project root, as the Makefile does, so ids are tasks.c::NAME.
# shellcheck disable=SC2086 # CFLAGS and LDFLAGS are lists of words
if (cd "$proj" && $CC $CFLAGS -I "$HERD_SRC/include" tasks.c test_pipeline.c \
	"$HERD_BUILD/libherd.a" ${LDFLAGS-} -lm -o "$bin") >"$T_WORK/build.log" 2>&1; then
	t_pass "build examples/pipeline"
else
	t_bail "build examples/pipeline" "it compiles" "it does not"
fi

runs=$T_WORK/runs.log
PIPELINE_LOG=$runs
export PIPELINE_LOG

# herd ARG...: herd started in the project root, as a user types it there.
herd() {
	: >"$runs"
	t_run env -C "$proj" "$HERD_BUILD/herd" "$@"
}

# ran DESC TASK...: exactly these tasks ran, in this order.
ran() {
	ran_desc=$1
	shift
	t_want ran "$@"
	[ $# -gt 0 ] || : >"$T_WORK/ran.want"
	t_same "$runs" "$T_WORK/ran.want" "$ran_desc"
}

# mtime FILE: its modification time, to the nanosecond.
mtime() {
	stat -c %y "$1"
}

herd build -n 2
t_status 0 "first herd build: exit 0"
ran "first herd build: every task once, in dependency order" \
	generate clean stats plot report
for f in raw.csv clean.csv stats.csv plot.txt report.md; do
	if [ -s "$proj/bld/$f" ]; then
		t_pass "bld/$f made"
	else
		t_fail "bld/$f made" "a non-empty file" "none"
	fi
done

# The report's figures, recomputed from bld/clean.csv and bld/raw.csv.
report=$proj/bld/report.md
raw=$(($(wc -l <"$proj/bld/raw.csv") - 1))
kept=$(($(wc -l <"$proj/bld/clean.csv") - 1))
t_has "$report" "$raw readings, $kept kept, $((raw - kept)) dropped" \
	"report: the readings kept and dropped"
t_eq "$raw" 192 "report: 4 sites x 48 readings generated"
awk -F, 'NR > 1 {
	if (!($1 in n)) { order[++k] = $1; lo[$1] = $3; hi[$1] = $3 }
	n[$1]++; sum[$1] += $3
	if ($3 < lo[$1]) lo[$1] = $3
	if ($3 > hi[$1]) hi[$1] = $3
} END {
	for (i = 1; i <= k; i++) {
		s = order[i]
		printf "| %s | %d | %.2f | %.1f | %.1f |\n", s, n[s], sum[s] / n[s], lo[s], hi[s]
	}
}' "$proj/bld/clean.csv" >"$T_WORK/table.want"
sed -n '/^|---/,/^$/{/^| /p;}' "$report" >"$T_WORK/table.got"
t_same "$T_WORK/table.got" "$T_WORK/table.want" \
	"report: each site's readings, mean, min and max, as computed from bld/clean.csv"
t_has "$report" "Mean temperature by site" "report: the chart is in it"

# Nothing changed: nothing runs, no product is rewritten.
before=$(mtime "$report")
herd build -n 2
t_status 0 "second herd build: exit 0"
ran "second herd build: no task ran"
t_summary "5 skipped unchanged" "second herd build: the table says every task skipped unchanged"
t_eq "$(mtime "$report")" "$before" "second herd build: bld/report.md not rewritten"

# A new upper limit: clean and everything below it, not generate.
sed 's/^max 45$/max 16/' "$proj/data/limits.txt" >"$T_WORK/limits" &&
	cat "$T_WORK/limits" >"$proj/data/limits.txt"
herd build -n 2 --explain
t_status 0 "after editing data/limits.txt: exit 0"
ran "after editing data/limits.txt: exactly the tasks downstream of it ran" \
	clean stats plot report
t_summary "4 succeeded, 1 skipped unchanged" "after editing data/limits.txt: the closing line"
t_has out "data/limits.txt changed" "--explain: clean runs because data/limits.txt changed"
t_eq "$(awk -F, 'NR > 1 && $3 > 16' "$proj/bld/clean.csv" | wc -l)" 0 \
	"bld/clean.csv: no reading above the new limit of 16"
kept2=$(($(wc -l <"$proj/bld/clean.csv") - 1))
t_lt "$kept2" "$kept" "bld/clean.csv: the new limit dropped readings"
t_has "$report" "$raw readings, $kept2 kept, $((raw - kept2)) dropped" \
	"report: rewritten with the new count"

# Touched, not changed: the content hash says nothing changed.
touch "$proj/data/sites.csv" "$proj/data/limits.txt"
herd build -n 2
t_status 0 "after touching the inputs: exit 0"
ran "after touching the inputs without changing them: no task ran"

# The TEST needs the clean task's product: a plain test run makes it again
# when it is missing, then runs the test.
rm "$proj/bld/clean.csv"
herd -n 2
t_status 0 "herd (tests): exit 0"
ran "herd (tests): the clean task the test names in .after ran first, alone" clean
t_summary "1 passed" "herd (tests): the test ran and passed"
t_has "$proj/bld/clean.csv" "site,hour,celsius" "herd (tests): bld/clean.csv made again"

t_finish

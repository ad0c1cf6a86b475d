#!/bin/sh
# tests/run.sh BUILD... - runs herd's whole test suite against each build
# directory (build, build-san): the unit tests, written with herd, the fuzz
# corpora replayed, then every end-to-end script in tests/e2e. Ends with one
# line: "check: N passed, M failed, K skipped".
#
# The jobs of all builds share one pool of HERD_CHECK_JOBS at a time (3 by
# default: most scripts spend much of their time waiting for timeouts and
# children, so a third job keeps two cores busier than two jobs do). Each
# job's output is kept apart and printed whole, in the order the jobs are
# listed, once it and every job before it have ended. Each build folder keeps
# its jobs' times of the last run (check-times), and the slowest start first
# next time, so that no long job is left running alone at the end; a fresh
# clone's builds take the times of tests/check-seed.
set -u
cd "$(dirname "$0")/.." || exit 3
HERD_SRC=$(pwd)
export HERD_SRC
# Runs stay hermetic: no history reorders them. Tests of the cache unset it.
HERD_ADDOPTS=--no-cache
export HERD_ADDOPTS
# The interpreter python3 on PATH starts, found once for every script (see
# t_python in tests/lib.sh); empty when there is none.
HERD_E2E_PYTHON=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) || HERD_E2E_PYTHON=
export HERD_E2E_PYTHON
pool=${HERD_CHECK_JOBS:-3}
case $pool in
'' | *[!0-9]* | 0*)
	echo "tests/run.sh: HERD_CHECK_JOBS is a number of jobs from 1 up, not '$pool'" >&2
	exit 4
	;;
esac
CC_=${CC:-cc}
passed=0
failed=0
skipped=0
failed_what=
start=$(date +%s)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/herd-check.XXXXXX") || exit 3

# Adds the counts in a line "RESULT passed=N failed=M" to the totals.
add_result() {
	p=$(printf '%s\n' "$1" | sed -n 's/.*passed=\([0-9]*\).*/\1/p')
	f=$(printf '%s\n' "$1" | sed -n 's/.*failed=\([0-9]*\).*/\1/p')
	s=$(printf '%s\n' "$1" | sed -n 's/.*skipped=\([0-9]*\).*/\1/p')
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	skipped=$((skipped + ${s:-0}))
}

# Counts from a herd closing line: failures are failed, crashed, timeout,
# errors; skipped items are counted apart, never as passed.
herd_counts() {
	awk 'END {
		p = 0; f = 0; s = 0
		for (i = 1; i < NF; i++) {
			w = $(i + 1); gsub(/[^a-z]/, "", w)
			if (w == "passed" || w == "xfailed") p += $i
			if (w == "skipped") s += $i
			if (w == "failed" || w == "crashed" || w == "timeout" || w == "error" || w == "errors") f += $i
		}
		printf "RESULT passed=%d failed=%d skipped=%d\n", p, f, s
	}'
}

# cflags_of BUILD: the flags the tests of a build are compiled with.
cflags_of() {
	case $1 in
	*san*) echo "-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" ;;
	*) echo "-O2 -g" ;;
	esac
}

# job N: the words of job N, "KIND BUILD [ARG...]", KIND unit, fuzz or e2e.
job() {
	sed -n "${1}p" "$scratch/jobs"
}

# run_job N KIND BUILD [ARG...]: runs job N with its output in N.out, and
# leaves its exit status in N.status and its wall time in N.time. It runs
# with SIGINT and SIGQUIT back to their defaults: a shell ignores them in a
# background job, and some scripts send them on purpose. N.child holds its
# pid, for stop.
run_job() {
	rj_n=$1 rj_kind=$2 rj_build=$3
	shift 3
	rj_cflags=$(cflags_of "$rj_build")
	rj_dir=$scratch/$rj_n
	rj_out=$scratch/$rj_n.out
	rj_t0=$(date +%s)
	mkdir "$rj_dir"
	: >"$rj_out"
	case $rj_kind in
	unit) set -- "$rj_build/tests/unit" -q --timeout 60 ;;
	fuzz)
		rj_target=$1
		shift
		# shellcheck disable=SC2086 # cflags is a list of words
		if $CC_ $rj_cflags -D_GNU_SOURCE -Iinclude -Icommon -Isrc -o "$rj_dir/replay" \
			tests/fuzz/replay.c "$@" >"$rj_out" 2>&1; then
			set -- env TMPDIR="$rj_dir" "$rj_dir/replay" "tests/fuzz/corpus-$rj_target"
		else
			set -- false
		fi
		;;
	e2e)
		set -- env HERD_BUILD="$rj_build" CC="$CC_" CFLAGS="$rj_cflags" \
			TMPDIR_E2E="$rj_dir" sh "$1"
		;;
	esac
	env --default-signal=INT,QUIT "$@" </dev/null >>"$rj_out" 2>&1 &
	echo $! >"$scratch/$rj_n.child"
	wait $!
	echo $? >"$scratch/$rj_n.status"
	echo $(($(date +%s) - rj_t0)) >"$scratch/$rj_n.time"
	# The CPU time of the job's processes, for report: no pipe or $(...),
	# whose fork would start the children's times from zero.
	times >"$scratch/$rj_n.cpu"
	rm -rf "$rj_dir"
}

# report N KIND BUILD [ARG...]: prints ended job N's output and adds its
# counts to the totals.
report() {
	rp_n=$1 rp_kind=$2 rp_build=$3
	rp_out=$scratch/$rp_n.out
	rp_status=$(cat "$scratch/$rp_n.status")
	rp_time=$(cat "$scratch/$rp_n.time")
	# The CPU time of its processes (the second line of times, that of
	# the children) is set beside the wall time: a job whose wall time is
	# far above it waits for something.
	rp_cpu=$(awk 'NR == 2 {
		split($1 " " $2, t, /[ ms]+/)
		printf "%.1f", t[1] * 60 + t[2] + t[3] * 60 + t[4] }' "$scratch/$rp_n.cpu")
	rp_took="${rp_time}s, cpu ${rp_cpu}s"
	printf '%s %s:%s\n' "$rp_time" "$rp_build" "${4:-unit}" >>"$scratch/times-$rp_n"
	case $rp_kind in
	unit)
		echo "==== $rp_build: unit tests ($rp_took)"
		cat "$rp_out"
		rp_line=$(grep -v '^$' "$rp_out" | tail -n 1 | herd_counts)
		rp_what=$rp_build:unit
		;;
	fuzz)
		if [ "$rp_status" -eq 0 ]; then
			echo "ok - fuzz corpus $4 replayed ($rp_build, $rp_took)"
			passed=$((passed + 1))
		else
			cat "$rp_out"
			echo "not ok - fuzz corpus $4 replay ($rp_build)"
			failed=$((failed + 1))
			failed_what="$failed_what $rp_build:fuzz-replay-$4"
		fi
		return
		;;
	e2e)
		echo "==== $rp_build: $4 ($rp_took)"
		cat "$rp_out"
		rp_line=$(grep '^RESULT ' "$rp_out" | tail -n 1)
		if [ -z "$rp_line" ]; then
			echo "$4 printed no RESULT line (exit $rp_status)"
			rp_line="RESULT passed=0 failed=1"
		fi
		rp_what=$rp_build:$4
		;;
	esac
	add_result "$rp_line"
	if [ "$rp_status" -ne 0 ]; then
		failed_what="$failed_what $rp_what"
		case $rp_line in *failed=0) failed=$((failed + 1)) ;; esac
	fi
}

# stop: on an interruption, ends the jobs still running (each script's own
# trap then kills what it started) and leaves with status 2.
stop() {
	for st_f in "$scratch"/*.child; do
		[ -f "$st_f" ] || continue
		[ -f "${st_f%.child}.status" ] || kill "$(cat "$st_f")" 2>/dev/null
	done
	wait
	rm -rf "$scratch"
	echo "==== interrupted ===="
	exit 2
}
trap stop INT TERM HUP

# The jobs, numbered by their line: their output is printed in this order.
for build in "$@"; do
	echo "unit $build"
	grep -v '^#' tests/fuzz/targets | while read -r target sources; do
		echo "fuzz $build $target $sources"
	done
	for script in tests/e2e/*.sh; do
		[ -f "$script" ] && echo "e2e $build $script"
	done
done >"$scratch/jobs"
total=$(wc -l <"$scratch/jobs")

# The order they start in: slowest of the last run first; a job never timed
# (a new script) before all, in the order listed. A build folder without
# times of its own (a fresh clone) takes those of tests/check-seed, the slow
# jobs of a measured run, and counts its other jobs as quick.
for build in "$@"; do
	if [ -f "$build/check-times" ]; then
		cat "$build/check-times"
	else
		case $build in *san*) kind=san ;; *) kind=plain ;; esac
		awk -v b="$build" -v k="$kind" '$1 !~ /^#/ && $2 == k { print $1, b ":" $3 }
			END { print 0, b ":*" }' tests/check-seed
	fi
done >"$scratch/times"
awk 'FILENAME == ARGV[1] { t[$2] = $1; next }
	{ k = $2 ":" ($1 == "unit" ? "unit" : $3)
	  other = ($2 ":*" in t) ? t[$2 ":*"] : 1000000
	  printf "%d %d\n", (k in t) ? t[k] : other, FNR }' \
	"$scratch/times" "$scratch/jobs" | sort -k1,1nr -k2,2n | cut -d' ' -f2 >"$scratch/order"

# A job tells that it has ended by writing its number into this fifo, and
# reading from it blocks until one has: the pool waits without polling.
mkfifo "$scratch/ended" || exit 3
exec 3<>"$scratch/ended"
started=0
busy=0
next=1
while [ "$next" -le "$total" ]; do
	if [ "$busy" -lt "$pool" ] && [ "$started" -lt "$total" ]; then
		started=$((started + 1))
		n=$(sed -n "${started}p" "$scratch/order")
		# shellcheck disable=SC2046 # the job's words
		{ run_job "$n" $(job "$n") 3>&-; echo "$n" >&3; } &
		busy=$((busy + 1))
		continue
	fi
	if ! read -r ended <&3; then
		echo "tests/run.sh: lost track of the jobs" >&2
		exit 3
	fi
	busy=$((busy - 1))
	: >"$scratch/$ended.ended"
	while [ -f "$scratch/$next.ended" ]; do
		# shellcheck disable=SC2046 # the job's words
		report "$next" $(job "$next")
		next=$((next + 1))
	done
done
exec 3>&-
wait

# The times of this run, for the order of the next.
for build in "$@"; do
	cat "$scratch"/times-* 2>/dev/null | grep -F " $build:" >"$build/check-times.tmp" &&
		mv "$build/check-times.tmp" "$build/check-times"
done
rm -rf "$scratch"

elapsed=$(($(date +%s) - start))
[ -z "$failed_what" ] || echo "failing:$failed_what"
echo "==== $passed passed, $failed failed, $skipped skipped in ${elapsed}s ===="
echo "check: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ -z "$failed_what" ]

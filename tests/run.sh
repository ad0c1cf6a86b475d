#!/bin/sh
# tests/run.sh BUILD... - runs herd's whole test suite against each build
# directory (build, build-san): the unit tests, written with herd, then every
# end-to-end script in tests/e2e. Ends with one line: "check: N passed, M failed".
set -u
cd "$(dirname "$0")/.." || exit 3
HERD_SRC=$(pwd)
export HERD_SRC
# Runs stay hermetic: no history reorders them. Tests of the cache unset it.
HERD_ADDOPTS=--no-cache
export HERD_ADDOPTS
passed=0
failed=0
skipped=0
failed_what=
start=$(date +%s)

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

CC_=${CC:-cc}
for build in "$@"; do
	case $build in
	*san*)
		cflags="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
		;;
	*) cflags="-O2 -g" ;;
	esac
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/herd-check.XXXXXX")
	echo "==== $build: unit tests"
	"$build/tests/unit" -q --timeout 60 >"$scratch/unit.out" 2>&1
	status=$?
	cat "$scratch/unit.out"
	line=$(grep -v '^$' "$scratch/unit.out" | tail -n 1 | herd_counts)
	add_result "$line"
	if [ "$status" -ne 0 ]; then
		failed_what="$failed_what $build:unit"
		case $line in *failed=0) failed=$((failed + 1)) ;; esac
	fi
	# Each fuzz target's corpus, replayed through its invariants.
	grep -v '^#' tests/fuzz/targets | while read -r target sources; do
		# shellcheck disable=SC2086 # cflags and sources are lists of words
		if $CC_ $cflags -D_GNU_SOURCE -Iinclude -Icommon -Isrc -o "$scratch/replay-$target" \
			tests/fuzz/replay.c $sources 2>"$scratch/replay.out" &&
		   TMPDIR=$scratch "$scratch/replay-$target" "tests/fuzz/corpus-$target" \
			>>"$scratch/replay.out" 2>&1; then
			echo "ok - fuzz corpus $target replayed ($build)"
		else
			cat "$scratch/replay.out"
			echo "not ok - fuzz corpus $target replay ($build)"
		fi
	done >"$scratch/replays.out"
	cat "$scratch/replays.out"
	n=$(grep -c '^ok - fuzz corpus' "$scratch/replays.out")
	passed=$((passed + n))
	for target in $(grep '^not ok - fuzz corpus' "$scratch/replays.out" | cut -d' ' -f6); do
		failed=$((failed + 1))
		failed_what="$failed_what $build:fuzz-replay-$target"
	done
	for script in tests/e2e/*.sh; do
		[ -f "$script" ] || continue
		echo "==== $build: $script"
		mkdir -p "$scratch/e2e"
		HERD_BUILD=$build CC=${CC:-cc} CFLAGS=$cflags TMPDIR_E2E=$scratch/e2e \
			sh "$script" </dev/null >"$scratch/e2e.out" 2>&1
		status=$?
		cat "$scratch/e2e.out"
		line=$(grep '^RESULT ' "$scratch/e2e.out" | tail -n 1)
		if [ -z "$line" ]; then
			echo "$script printed no RESULT line (exit $status)"
			line="RESULT passed=0 failed=1"
		fi
		add_result "$line"
		if [ "$status" -ne 0 ]; then
			failed_what="$failed_what $build:$script"
			case $line in *failed=0) failed=$((failed + 1)) ;; esac
		fi
	done
	rm -rf "$scratch"
done

elapsed=$(($(date +%s) - start))
[ -z "$failed_what" ] || echo "failing:$failed_what"
echo "==== $passed passed, $failed failed, $skipped skipped in ${elapsed}s ===="
echo "check: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ -z "$failed_what" ]

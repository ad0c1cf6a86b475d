#!/bin/sh
# tests/fuzz/run.sh [SECONDS [TARGET...]] - fuzzes each target named in
# tests/fuzz/targets (all by default: the wire decoder, -k/-m expressions,
# herd.ini, the JSON reader, herd merge's JUnit and JSON input, the cache's files) with
# libFuzzer for SECONDS each (default 60) and exits non-zero if one finds a
# crash, a sanitizer report or a leak; the failing input is then kept and its
# path printed. Put it in tests/fuzz/corpus-TARGET once the bug is fixed.
#
# It builds into a scratch folder and fuzzes a copy of each
# tests/fuzz/corpus-TARGET, so the committed corpora never grow; FUZZ_MERGE=1
# merges the new, coverage-adding inputs back into them. CLANG names the
# compiler (default clang).
#
# Replaying a corpus without libFuzzer (any compiler, as `make check` does):
#	cc -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined \
#	    -D_GNU_SOURCE -Iinclude -Icommon -Isrc -o replay tests/fuzz/replay.c \
#	    SOURCES-OF-TARGET-FROM-tests/fuzz/targets
#	./replay tests/fuzz/corpus-TARGET
set -u
cd "$(dirname "$0")/../.." || exit 3
secs=${1:-60}
case $secs in
''|*[!0-9]*) echo "usage: tests/fuzz/run.sh [SECONDS [TARGET...]]" >&2; exit 4 ;;
esac
[ $# -gt 0 ] && shift
wanted=${*:-$(grep -v '^#' tests/fuzz/targets | cut -f1)}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/herd-fuzz.XXXXXX") || exit 3
keep=0
cleanup() {
	[ "$keep" = 1 ] || rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 2' INT TERM

# fuzz NAME SOURCES...: builds and runs one target; 0 when it found nothing.
fuzz() {
	name=$1
	shift
	# shellcheck disable=SC2068 # the sources and libraries are words
	${CLANG:-clang} -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -D_GNU_SOURCE -Iinclude -Icommon -Isrc \
		-o "$scratch/fuzz_$name" $@ || return 3
	mkdir "$scratch/corpus-$name" "$scratch/crashes-$name"
	cp "tests/fuzz/corpus-$name"/* "$scratch/corpus-$name/"
	# The merge target writes its inputs to files: keep them in the scratch.
	# -max_len: long enough for batched messages and the long seeds.
	TMPDIR=$scratch "$scratch/fuzz_$name" -max_total_time="$secs" -max_len=8192 \
		-timeout=10 -artifact_prefix="$scratch/crashes-$name/" -print_final_stats=1 \
		"$scratch/corpus-$name" 2>"$scratch/log-$name"
	status=$?
	if [ "$status" -ne 0 ] || [ -n "$(ls "$scratch/crashes-$name")" ]; then
		keep=1
		tail -n 60 "$scratch/log-$name"
		echo "fuzz: $name FAILED (status $status); inputs in $scratch/crashes-$name:" >&2
		ls -l "$scratch/crashes-$name" >&2
		echo "fuzz: reproduce with $scratch/fuzz_$name FILE; log in $scratch/log-$name" >&2
		return 1
	fi
	if [ "${FUZZ_MERGE:-0}" = 1 ]; then
		TMPDIR=$scratch "$scratch/fuzz_$name" -merge=1 -max_len=8192 \
			"tests/fuzz/corpus-$name" "$scratch/corpus-$name" \
			2>>"$scratch/log-$name" || return 3
		echo "fuzz: merged new inputs into tests/fuzz/corpus-$name"
	fi
	grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::' "$scratch/log-$name" |
		sed "s/^/$name: /"
	echo "fuzz: $name: no crash in ${secs}s"
	return 0
}

failed=0
for t in $wanted; do
	line=$(grep "^$t	" tests/fuzz/targets) || {
		echo "fuzz: no target '$t' in tests/fuzz/targets" >&2
		exit 4
	}
	# shellcheck disable=SC2086 # the line is a name, sources and libraries
	fuzz $line || failed=1
done
exit $failed

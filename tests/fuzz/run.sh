#!/bin/sh
# tests/fuzz/run.sh [SECONDS] - fuzzes the wire decoder (tests/fuzz/fuzz_proto.c)
# with libFuzzer for SECONDS (default 60) and exits non-zero if it finds a crash,
# a sanitizer report or a leak; the failing input is then kept and its path printed.
#
# It builds into a scratch folder and fuzzes a copy of tests/fuzz/corpus, so the
# committed corpus never grows; FUZZ_MERGE=1 merges the new, coverage-adding
# inputs back into it. CLANG names the compiler (default clang).
#
# Replaying the corpus without libFuzzer (any compiler, as in `make check`):
#	cc -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined \
#	    -D_GNU_SOURCE -Icommon -o replay tests/fuzz/replay.c \
#	    tests/fuzz/fuzz_proto.c common/proto.c common/util.c
#	./replay tests/fuzz/corpus
set -u
cd "$(dirname "$0")/../.." || exit 3
secs=${1:-60}
case $secs in
''|*[!0-9]*) echo "usage: tests/fuzz/run.sh [SECONDS]" >&2; exit 4 ;;
esac

scratch=$(mktemp -d "${TMPDIR:-/tmp}/herd-fuzz.XXXXXX") || exit 3
keep=0
cleanup() {
	[ "$keep" = 1 ] || rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 2' INT TERM

${CLANG:-clang} -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-D_GNU_SOURCE -Icommon -o "$scratch/fuzz_proto" \
	tests/fuzz/fuzz_proto.c common/proto.c common/util.c || exit 3

mkdir "$scratch/corpus" "$scratch/crashes"
cp tests/fuzz/corpus/* "$scratch/corpus/"

# -max_len: long enough for batched messages and the long-line seeds.
"$scratch/fuzz_proto" -max_total_time="$secs" -max_len=8192 -timeout=10 \
	-artifact_prefix="$scratch/crashes/" -print_final_stats=1 \
	"$scratch/corpus" 2>"$scratch/log"
status=$?

if [ "$status" -ne 0 ] || [ -n "$(ls "$scratch/crashes")" ]; then
	keep=1
	tail -n 60 "$scratch/log"
	echo "fuzz: FAILED (status $status); inputs in $scratch/crashes:" >&2
	ls -l "$scratch/crashes" >&2
	echo "fuzz: reproduce with $scratch/fuzz_proto FILE; log in $scratch/log" >&2
	exit 1
fi
if [ "${FUZZ_MERGE:-0}" = 1 ]; then
	"$scratch/fuzz_proto" -merge=1 -max_len=8192 tests/fuzz/corpus "$scratch/corpus" \
		2>>"$scratch/log" || exit 3
	echo "fuzz: merged new inputs into tests/fuzz/corpus"
fi
grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::' "$scratch/log"
echo "fuzz: no crash in ${secs}s"

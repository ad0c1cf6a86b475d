#!/bin/sh
# bench/fixtures.sh - what a parametrized suite fixture costs under each
# --dist mode: 400 tests x 12 elements of a suite-scoped fixture whose setup
# takes 5 ms. Prints a Markdown table of setups performed and wall time for
# --dist load, loadscope and loadgroup in both isolations. `make
# bench-fixtures` runs it; the table in docs/benchmarks.md comes from it.
#
# Environment: HERD_BUILD=build (libherd.a and herd), BENCH_WORKERS=4,
# BENCH_OUT=bench/out, CC=cc, CFLAGS=-O2.
set -eu

build=${HERD_BUILD:-build}
workers=${BENCH_WORKERS:-4}
out=${BENCH_OUT:-bench/out}/fixtures
cc=${CC:-cc}
mkdir -p "$out"
src=$out/fixtures_bench.c
{
	cat <<'HDR'
#define _POSIX_C_SOURCE 200809L
#include <herd.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static const int elems[12] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };

/* 5 ms of work, then one line in $BENCH_LOG per setup. */
static void ctx_setup(void)
{
	struct timespec ts = { 0, 5000000 };
	const char *log = getenv("BENCH_LOG");
	int fd;

	nanosleep(&ts, NULL);
	if (log && (fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644)) >= 0) {
		if (write(fd, "s\n", 2) != 2)
			fputs("bench: a setup line was lost\n", stderr);
		close(fd);
	}
}

FIXTURE(ctx, .scope = HERD_SCOPE_SUITE, .setup = ctx_setup, .params = HERD_PARAMS(elems));
SUITE(cfg, .fixtures = "ctx");
HDR
	i=0
	while [ $i -lt 400 ]; do
		echo "TEST(cfg, t$i) { CHECK(herd_fixture_param(\"ctx\") != NULL); }"
		i=$((i + 1))
	done
} >"$src"
$cc ${CFLAGS:--O2} -Iinclude "$src" "$build/libherd.a" -lm -o "$out/fixtures_bench"

now() { date +%s.%N; }
echo "| --dist | isolation | workers | setups | limit (12 x workers) | wall (s) |"
echo "|---|---|---|---:|---:|---:|"
for iso in fork none; do
	for dist in load loadscope loadgroup; do
		log=$out/setups.log
		rm -f "$log"
		t0=$(now)
		BENCH_LOG=$log "$build/herd" --no-cache -q -n "$workers" --dist $dist \
			--isolation $iso "$out/fixtures_bench" >"$out/run.txt" 2>&1 ||
			{ cat "$out/run.txt" >&2; exit 1; }
		t1=$(now)
		n=$(wc -l <"$log" | tr -d ' ')
		printf '| %s | %s | %s | %s | %s | %.2f |\n' $dist $iso "$workers" "$n" \
			$((12 * workers)) "$(echo "$t1 - $t0" | bc)"
	done
done

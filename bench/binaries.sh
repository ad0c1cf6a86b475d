#!/bin/sh
# bench/binaries.sh - a project of many small test binaries, where real C
# projects live: 20 binaries x 8 quick tests, each binary linking ~2,000 small
# functions (a few hundred KB of code, relocated at start-up) so that starting
# a binary costs what it costs in a real project. Times, side by side in one
# hyperfine run: herd -n 2 in each isolation, a shell loop of the standalone
# binaries in the same isolation, and CTest -j2 with one add_test per binary;
# and the same project written for Criterion (each binary with its own
# parallel runner, a process per test) and for Check (CK_FORK=yes), each run
# by a shell loop and by CTest -j2, when pkg-config finds them.
# Prints a Markdown table (wall and CPU time, ratios to the loop of the same
# isolation, to CTest and of herd -n 2 fork to each peer row), then the
# system calls and binary starts of herd and of the loop (strace, when
# installed: counts do not depend on the machine's load), and writes it all
# as its section of docs/benchmarks.md, with whether the targets are met.
# `make bench-binaries` runs it (it is not part of `make bench`).
#
# Environment: HERD_BUILD=build (libherd.a and herd), BENCH_BINS=20,
# BENCH_TESTS=8, BENCH_FUNCS=2000, BENCH_MIN_RUNS=10, BENCH_WARMUP=2,
# BENCH_OUT=bench/out, CC=cc, CFLAGS=-O2, BENCH_DOC=docs/benchmarks.md (the
# file whose section is rewritten; empty: none); BENCH_HERD_BEFORE=DIR adds
# rows for the herd controller in DIR (another build, e.g. of an older
# commit) on the same binaries.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=${HERD_BUILD:-build}
case $build in /*) ;; *) build=$root/$build ;; esac
nbins=${BENCH_BINS:-20}
ntests=${BENCH_TESTS:-8}
nfuncs=${BENCH_FUNCS:-2000}
runs=${BENCH_MIN_RUNS:-10}
warmup=${BENCH_WARMUP:-2}
out=${BENCH_OUT:-$root/bench/out}/binaries
doc=${BENCH_DOC-$root/docs/benchmarks.md}
cc=${CC:-cc}
cflags=${CFLAGS:--O2}

command -v hyperfine >/dev/null 2>&1 || { echo "bench: hyperfine not found" >&2; exit 3; }
[ -x "$build/herd" ] || { echo "bench: $build/herd not built" >&2; exit 3; }
rm -rf "$out"
mkdir -p "$out/bin"
cd "$out"

# The project's code under test: nfuncs small functions, each reached through
# a table so that none is dropped and each costs a relocation at start-up.
{
	echo '#include <stddef.h>'
	i=0
	while [ $i -lt "$nfuncs" ]; do
		echo "int lib_f$i(int x) { return x * $((i % 7 + 2)) + $i - (x >> $((i % 5))); }"
		i=$((i + 1))
	done
	echo "int (*const lib_table[])(int) = {"
	i=0
	while [ $i -lt "$nfuncs" ]; do
		echo "lib_f$i,"
		i=$((i + 1))
	done
	echo "};"
	echo "const size_t lib_count = $nfuncs;"
} >code.c
# shellcheck disable=SC2086 # CFLAGS is a list of words
$cc $cflags -fPIC -c code.c -o code.o

# One test file per binary; each test calls a few of the functions.
b=0
while [ $b -lt "$nbins" ]; do
	{
		echo '#include <herd.h>'
		echo '#include <stddef.h>'
		echo 'extern int (*const lib_table[])(int);'
		echo 'extern const size_t lib_count;'
		t=0
		while [ $t -lt "$ntests" ]; do
			echo "TEST(bin$b, t$t) { int s = 0; size_t i; for (i = $t; i < lib_count; i += 97) s += lib_table[i]((int)i); CHECK_NE(s, -1); }"
			t=$((t + 1))
		done
	} >t$b.c
	# shellcheck disable=SC2086 # CFLAGS is a list of words
	$cc $cflags -I"$root/include" -o bin/t$b t$b.c code.o "$build/libherd.a" -lm
	b=$((b + 1))
done

# The same tests for a peer framework: peer NAME HEAD TEST MAIN REG TAIL
# writes NAME/tB.c for each binary (HEAD, TEST once a test, MAIN, REG once a
# test, TAIL; @B and @T stand for the binary and the test) and builds
# NAME/bin/tB with pkg-config's flags for NAME. Fails when NAME is missing.
peer() {
	pkg-config --exists "$1" 2>/dev/null || return 1
	mkdir -p "$1/bin"
	b=0
	while [ $b -lt "$nbins" ]; do
		{
			printf '%s\n' "$2"
			t=0
			while [ $t -lt "$ntests" ]; do
				printf '%s\n' "$3" | sed "s/@B/$b/g; s/@T/$t/g"
				t=$((t + 1))
			done
			printf '%s\n' "$4" | sed "s/@B/$b/g"
			t=0
			while [ $t -lt "$ntests" ]; do
				printf '%s\n' "$5" | sed "s/@T/$t/g"
				t=$((t + 1))
			done
			printf '%s\n' "$6"
		} >"$1/t$b.c"
		# shellcheck disable=SC2086,SC2046 # word lists
		$cc $cflags -o "$1/bin/t$b" "$1/t$b.c" code.o $(pkg-config --cflags --libs "$1") ||
			return 1
		b=$((b + 1))
	done
}
body='int s = 0; size_t i; for (i = @T; i < lib_count; i += 97) s += lib_table[i]((int)i);'
head='#include <stddef.h>
extern int (*const lib_table[])(int);
extern const size_t lib_count;'
have_criterion=0
peer criterion "#include <criterion/criterion.h>
$head" "Test(bin@B, t@T) { $body cr_assert_neq(s, -1); }" "" "" "" && have_criterion=1
# Check's own main: one suite, one TCase holding the binary's tests.
have_check=0
peer check "#include <check.h>
$head" "START_TEST(t@T) { $body ck_assert_int_ne(s, -1); } END_TEST" \
	'int main(void) { Suite *s = suite_create("bin@B"); TCase *tc = tcase_create("core"); SRunner *sr; int f;' \
	'tcase_add_test(tc, t@T);' \
	'suite_add_tcase(s, tc); sr = srunner_create(s); srunner_run_all(sr, CK_SILENT);
f = srunner_ntests_failed(sr); srunner_free(sr); return f != 0; }' && have_check=1

# CTest: one add_test per binary, as a CMake project would register them.
# ctest_project DIR BINDIR [ARG]: DIR/CMakeLists.txt, configured in DIR/build.
ctest_project() {
	mkdir -p "$1"
	{
		echo 'cmake_minimum_required(VERSION 3.10)'
		echo 'project(binbench NONE)'
		echo 'enable_testing()'
		b=0
		while [ $b -lt "$nbins" ]; do
			echo "add_test(NAME t$b COMMAND $2/t$b ${3-})"
			b=$((b + 1))
		done
	} >"$1/CMakeLists.txt"
	(cd "$1" && cmake -S . -B build >/dev/null 2>&1)
}
have_ctest=0
if command -v cmake >/dev/null 2>&1 && command -v ctest >/dev/null 2>&1 &&
   ctest_project ctest "$out/bin" -q; then
	have_ctest=1
fi
if [ $have_ctest = 1 ]; then
	[ $have_criterion = 1 ] && ctest_project ctest-criterion "$out/criterion/bin" -q
	[ $have_check = 1 ] && ctest_project ctest-check "$out/check/bin"
fi

cat >loop.sh <<'EOF'
# Each binary alone, one after the other, in the isolation given.
for b in bin/t*; do "./$b" -q --no-cache --isolation "$1" >/dev/null || exit 1; done
EOF
cat >loop-peer.sh <<'EOF'
# Each binary of a peer (criterion, check) alone, one after the other.
for b in "$1"/bin/t*; do "./$b" >/dev/null 2>&1 || exit 1; done
EOF

herd=$build/herd
set -- \
	-n "loop fork" "sh loop.sh fork" \
	-n "herd -n 2 fork" "$herd -n 2 -q --no-cache bin" \
	-n "herd -n 1 fork" "$herd -n 1 -q --no-cache bin" \
	-n "loop none" "sh loop.sh none" \
	-n "herd -n 2 none" "$herd -n 2 -q --no-cache --isolation none bin" \
	-n "herd -n 1 none" "$herd -n 1 -q --no-cache --isolation none bin"
[ $have_ctest = 1 ] && set -- "$@" -n "ctest -j2" "ctest --test-dir ctest/build -j2 -Q"
if [ $have_criterion = 1 ]; then
	set -- "$@" -n "criterion loop" "sh loop-peer.sh criterion"
	[ $have_ctest = 1 ] && set -- "$@" \
		-n "criterion ctest -j2" "ctest --test-dir ctest-criterion/build -j2 -Q"
fi
if [ $have_check = 1 ]; then
	export CK_FORK=yes	# a process per test, Check's default made explicit
	set -- "$@" -n "check loop" "sh loop-peer.sh check"
	[ $have_ctest = 1 ] && set -- "$@" \
		-n "check ctest -j2" "ctest --test-dir ctest-check/build -j2 -Q"
fi
if [ -n "${BENCH_HERD_BEFORE-}" ]; then
	set -- "$@" -n "before: herd -n 2 fork" "$BENCH_HERD_BEFORE/herd -n 2 -q --no-cache bin" \
		-n "before: herd -n 2 none" "$BENCH_HERD_BEFORE/herd -n 2 -q --no-cache --isolation none bin"
fi
load_before=$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || uptime)
echo "load before: $load_before" >&2
hyperfine -N -w "$warmup" -m "$runs" --export-json times.json "$@" >&2
load_after=$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || uptime)
echo "load after: $load_after" >&2

# System calls and binary starts, one run each under strace: what a run
# costs the kernel, the same on a busy machine as on a quiet one.
: >syscalls.txt
if command -v strace >/dev/null 2>&1; then
	for iso in none fork; do
		strace -f -c -o "sc-herd-$iso.txt" "$herd" -n 2 -q --no-cache --isolation "$iso" bin >/dev/null
		strace -f -c -o "sc-loop-$iso.txt" sh loop.sh "$iso"
		strace -f -e trace=execve -o "ex-herd-$iso.txt" \
			"$herd" -n 2 -q --no-cache --isolation "$iso" bin >/dev/null
		for r in herd loop; do
			printf '%s %s %s\n' "$r" "$iso" \
				"$(awk '$NF == "total" { print $4 }' "sc-$r-$iso.txt")" \
				>>syscalls.txt
		done
		printf 'starts %s %s\n' "$iso" "$(grep -c 'execve("bin/' "ex-herd-$iso.txt")" >>syscalls.txt
	done
fi

python3 - "$have_ctest" "$nbins" "$ntests" "$nfuncs" "$load_before" "$load_after" \
	"$doc" "$root/bench" <<'EOF'
import json, os, sys
have_ctest = sys.argv[1] == "1"
nbins, ntests, nfuncs, load0, load1, doc, here = sys.argv[2:]
r = {x["command"]: x for x in json.load(open("times.json"))["results"]}
med = lambda n: r[n]["median"]
cpu = lambda n: r[n]["user"] + r[n]["system"]
runs = min(len(x["times"]) for x in r.values())
lines = [f"{nbins} binaries x {ntests} tests, ~{nfuncs} functions linked into each; medians "
         f"of {runs} or more runs (hyperfine, one command after the other); CPU is the mean user "
         f"and system time of every process of a run. Load average (1, 5, 15 min) before: "
         f"{load0}; after: {load1}.", "",
         "| runner | median | CPU | vs loop (same isolation) | vs ctest -j2 | herd -n 2 fork / it |",
         "|---|---:|---:|---|---|---|"]
for n in ["loop fork", "herd -n 2 fork", "herd -n 1 fork", "before: herd -n 2 fork",
          "loop none", "herd -n 2 none", "herd -n 1 none", "before: herd -n 2 none",
          "ctest -j2", "criterion loop", "criterion ctest -j2", "check loop", "check ctest -j2"]:
    if n not in r:
        continue
    iso = n.split()[-1]
    loop = f"{med(n) / med('loop ' + iso):.2f}x" if iso in ("fork", "none") else ""
    ct = f"{med(n) / med('ctest -j2'):.2f}x" if have_ctest else "n/a"
    peer = n.split()[0] in ("criterion", "check")
    vs = f"{med('herd -n 2 fork') / med(n):.2f}x" if peer else ""
    lines.append(f"| {n} | {med(n) * 1000:.1f} ms | {cpu(n):.3f} s | {loop} | {ct} | {vs} |")

sc = [l.split() for l in open("syscalls.txt")]
calls = {(x[0], x[1]): int(x[2]) for x in sc if x[0] != "starts" and len(x) > 2}
starts = {x[1]: x[2] for x in sc if x[0] == "starts"}
if len(calls) == 4:
    lines += ["", "System calls of every process of one run (`strace -f -c`), and how many "
              "times herd started a test binary (`strace -f -e trace=execve`):", "",
              "| isolation | herd -n 2 | loop | herd / loop | binary starts by herd |",
              "|---|---:|---:|---:|---:|"]
    for iso in ("none", "fork"):
        h, l = calls[("herd", iso)], calls[("loop", iso)]
        lines.append(f"| {iso} | {h} | {l} | {h / l:.2f} | {starts.get(iso, '')} |")

def verdict(what, got, target):
    return f"{what}: {got:.2f}x, target at most {target}x: {'met' if got <= target else 'not met'}."
lines += ["", "Against the targets (medians of this run): " + " ".join([
    verdict("herd -n 2 fork against the loop in fork isolation",
            med("herd -n 2 fork") / med("loop fork"), 0.6),
    verdict("herd -n 2 none against the loop in no isolation",
            med("herd -n 2 none") / med("loop none"), 0.6)] +
    ([verdict("herd -n 2 fork against ctest -j2", med("herd -n 2 fork") / med("ctest -j2"), 0.5)]
     if have_ctest else ["CTest is not installed: its target is not measured."]))]
sys.path.insert(0, here)
import docsection
lines[-1] += docsection.loaded(load0, load1)
table = "\n".join(lines)
print(table)
if doc:
    docsection.write_with_intro(doc, os.path.join(here, "binaries.md"), table)
EOF

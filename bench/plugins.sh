#!/bin/sh
# bench/plugins.sh - what the plugin hook layer costs the controller, on 2,000
# empty tests under herd -n 2, in fork and in none isolation:
#
#   base       herd of commit BENCH_BASE (938e83f, the last before the hook
#              layer), built in a temporary git worktree, removed after
#   none       this herd, no plugin loaded (the built-in reporters only)
#   lifecycle  this herd with examples/plugins/lifecycle.so, which
#              implements every hook (its log goes to /dev/null)
#
# and the start-up alone (herd --version) of base and this herd, which
# tells a per-run constant (loading libraries) from a per-item cost.
#
# For each: the instructions the herd process itself executes (its workers
# are not counted), the median of BENCH_RUNS runs, and the median wall time
# of as many runs under hyperfine. Instructions come from perf stat -e
# instructions --no-inherit where the machine exposes the counter, else from
# valgrind's cachegrind (I refs, without the cache simulation; valgrind does
# not follow the workers). Prints a Markdown table; the hook layer section of
# docs/benchmarks.md comes from it.
#
# Environment: HERD_BUILD=build (libherd.a, herd and plugins/lifecycle.so:
# make all examples), BENCH_OUT=bench/out, BENCH_RUNS=5, BENCH_BASE=938e83f,
# CC=cc, CFLAGS=-O2. Needs git, python3, hyperfine, and perf or valgrind.
set -eu

here=$(dirname "$0")
build=${HERD_BUILD:-build}
out=${BENCH_OUT:-bench/out}/plugins
runs=${BENCH_RUNS:-5}
base=${BENCH_BASE:-938e83f}
cc=${CC:-cc}
cflags=${CFLAGS:--O2}

say() {
	echo "plugins: $*" >&2
}

for tool in git python3 hyperfine; do
	command -v $tool >/dev/null 2>&1 || { say "$tool not found"; exit 3; }
done
for f in libherd.a herd plugins/lifecycle.so; do
	[ -e "$build/$f" ] || { say "no $build/$f (make BUILD=$build all examples)"; exit 3; }
done
if perf stat -e instructions -x, --no-inherit true 2>&1 | grep -q '^[0-9]'; then
	counter=perf
elif command -v valgrind >/dev/null 2>&1; then
	counter=cachegrind
else
	say "neither perf's instructions counter nor valgrind is available"
	exit 3
fi

# workload DIR LIBHERD: the 2,000 empty tests linked with LIBHERD, as DIR/t.
workload() {
	mkdir -p "$1"
	python3 "$here/gen.py" --herd-only "$1" trivial 2000
	# shellcheck disable=SC2086 # CC and CFLAGS are word lists
	$cc $cflags -Iinclude "$1"/herd_*.c "$2" -lm -o "$1/t"
}

# The base herd, in a worktree of its own; its test binary links its libherd,
# so that each controller speaks the protocol of its own time.
wt=$(mktemp -d "${TMPDIR:-/tmp}/herd-base.XXXXXX")
rmdir "$wt"
cleanup() {
	git worktree remove --force "$wt" 2>/dev/null || rm -rf "$wt"
}
trap cleanup EXIT INT TERM
say "building herd $base in a temporary worktree"
git worktree add --detach "$wt" "$base" >/dev/null 2>&1
make -C "$wt" BUILD=b all >"$wt.log" 2>&1 || { cat "$wt.log" >&2; exit 3; }
rm -f "$wt.log"
workload "$out/base" "$wt/b/libherd.a"
workload "$out/now" "$build/libherd.a"

# instr CMD...: the instructions of the CMD process itself, once.
instr() {
	if [ $counter = perf ]; then
		perf stat -e instructions -x, --no-inherit -o "$out/perf.txt" -- "$@" >/dev/null 2>&1 || :
		sed -n 's/^\([0-9]*\),.*instructions.*/\1/p' "$out/perf.txt"
	else
		valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
			"$@" 2>&1 >/dev/null | sed -n 's/.*I *refs: *//p' | tr -d ,
	fi
}

# median: the median of the numbers on stdin, one a line.
median() {
	sort -n | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# measure NAME CMD...: "NAME instructions wall_ms" for one configuration.
measure() {
	m_name=$1
	shift
	m_i=0
	: >"$out/instr.txt"
	while [ $m_i -lt "$runs" ]; do
		instr "$@" >>"$out/instr.txt"
		m_i=$((m_i + 1))
	done
	hyperfine -N --runs "$runs" --warmup 1 --export-json "$out/wall.json" \
		"$(printf '%s ' "$@")" >/dev/null 2>&1
	m_wall=$(python3 -c 'import json, sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["median"] * 1000))' \
		"$out/wall.json")
	echo "$m_name $(median <"$out/instr.txt") $m_wall"
}

export HERD_ADDOPTS=--no-cache
# Start-up alone (herd --version: loading, relocations, the built-ins'
# registration), to tell a per-run constant from a per-item cost.
{
	echo "start base $(instr "$wt/b/herd" --version) -"
	echo "start none $(instr "$build/herd" --version) -"
} >"$out/startup.txt"
: >"$out/results.txt"
for iso in fork none; do
	say "measuring --isolation $iso ($counter, $runs runs each)"
	{
		measure "$iso base" "$wt/b/herd" -q -n 2 --isolation $iso "$out/base/t"
		measure "$iso none" "$build/herd" -q -n 2 --isolation $iso "$out/now/t"
		measure "$iso lifecycle" "$build/herd" -q -n 2 --isolation $iso \
			-p "$build/plugins/lifecycle.so" --lifecycle-log /dev/null "$out/now/t"
	} >>"$out/results.txt"
done

echo "| isolation | herd | instructions (herd process) | vs $base | wall ms (median) | vs $base |"
echo "|---|---|---:|---:|---:|---:|"
awk -v base="$base" '
	$2 == "base" { bi[$1] = $3; bw[$1] = $4 }
	{ i[NR] = $1; h[NR] = $2; n[NR] = $3; w[NR] = $4 }
	END {
		for (k = 1; k <= NR; k++) {
			what = h[k] == "base" ? base : h[k] == "none" ? "no plugin" : "lifecycle plugin"
			printf "| %s | %s | %d | %+.2f%% | %.1f | %+.1f%% |\n", i[k], what, n[k],
				(n[k] / bi[i[k]] - 1) * 100, w[k], (w[k] / bw[i[k]] - 1) * 100
		}
	}' "$out/results.txt"
awk -v base="$base" '
	$2 == "base" { b = $3 }
	$2 == "none" { printf "\nstart-up alone (herd --version): %d instructions at %s, %d now (%+d)\n", b, base, $3, $3 - b }' \
	"$out/startup.txt"
echo
echo "instructions: $counter; $runs runs each; load average $(cut -d' ' -f1-3 /proc/loadavg)"

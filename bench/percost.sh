#!/bin/sh
# bench/percost.sh - what one item costs as a binary grows and under the
# controller, side by side in one run:
#
#   fork   1,000 empty tests run from a binary of 2,000 and from one of 20,000
#          (-k picks them: a forked test's cost depends on what its binary
#          maps, not on how many run), the binary alone and under herd -n 2;
#          the ratio of the two is the growth of a fork with the binary
#   none   2,000 empty tests under herd -n 2 --isolation none, and the binary
#          alone with --isolation none, in microseconds an item (wall time
#          of the whole run over the items, start-up included)
#
# and, for the none row, the same run with --collect-only: the difference
# over 2,000 is what one item costs beyond starting herd and the worker and
# listing the tests.
#
# Prints a Markdown table of wall and CPU time an item, with the load
# average before and after (on a busy machine wall time mostly measures the
# wait for a CPU), and writes it with bench/percost.md's text as its
# section of docs/benchmarks.md, saying whether the target is met.
#
# Environment: HERD_BUILD=build (libherd.a and herd), BENCH_OUT=bench/out,
# CC=cc, CFLAGS=-O2, BENCH_RUNS=5 (hyperfine's runs of each command),
# BENCH_DOC=docs/benchmarks.md (the file whose section is rewritten; empty:
# none).
# Needs python3 and hyperfine. Building the 20,000-test binary takes minutes
# the first time; its objects are kept in BENCH_OUT.
set -eu

here=$(dirname "$0")
build=${HERD_BUILD:-build}
out=${BENCH_OUT:-bench/out}/percost
cc=${CC:-cc}
cflags=${CFLAGS:--O2}
runs=${BENCH_RUNS:-5}
doc=${BENCH_DOC-docs/benchmarks.md}

for tool in python3 hyperfine; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "percost: $tool not found" >&2
		exit 3
	fi
done
if [ ! -f "$build/libherd.a" ] || [ ! -x "$build/herd" ]; then
	echo "percost: no libherd.a and herd in $build (build herd first)" >&2
	exit 3
fi
herd=$build/herd

# bin N: the binary of N empty tests, its objects rebuilt only when stale.
bin() {
	d=$out/t$1
	mkdir -p "$d"
	python3 "$here/gen.py" --herd-only "$d" trivial "$1"
	# shellcheck disable=SC2086 # CC and CFLAGS are word lists
	# Stale also when include/herd.h changed: the objects hold its layout
	# of struct herd_test.
	for c in "$d"/herd_*.c; do
		if [ -z "$(find "$c.o" -newer "$c" 2>/dev/null)" ] ||
			[ -n "$(find include/herd.h -newer "$c.o")" ]; then
			$cc $cflags -Iinclude -c "$c" -o "$c.o"
		fi
	done
	# shellcheck disable=SC2086
	$cc $cflags "$d"/herd_*.c.o "$build/libherd.a" -lm -o "$d/t"
}
bin 2000
bin 20000
small=$out/t2000/t
big=$out/t20000/t

load0=$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || uptime)
# 1,000 items from each: t0... of 2,000 (t0000-t0999), t00... of 20,000.
hyperfine -N -w 1 -r "$runs" --export-json "$out/percost.json" \
	"$small -q -k t0" \
	"$big -q -k t00" \
	"$herd --no-cache -q -n 2 -k t0 $small" \
	"$herd --no-cache -q -n 2 -k t00 $big" \
	"$small -q --isolation none" \
	"$herd --no-cache -q -n 2 --isolation none $small" \
	"$herd --no-cache -q -n 2 --isolation none --collect-only $small" >&2
load1=$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || uptime)

python3 - "$out/percost.json" "$load0" "$load1" "$doc" "$here" <<'EOF'
import json, os, sys
res = json.load(open(sys.argv[1]))["results"]
doc, here = sys.argv[4], sys.argv[5]
wall = [x["median"] for x in res]
cpu = [x["user"] + x["system"] for x in res]
rows = [("1,000 of 2,000, fork", "the binary alone", 1000, None),
        ("1,000 of 20,000, fork", "the binary alone", 1000, (0, "the 2,000")),
        ("1,000 of 2,000, fork", "`herd -n 2`", 1000, None),
        ("1,000 of 20,000, fork", "`herd -n 2`", 1000, (2, "the 2,000")),
        ("2,000, none", "the binary alone", 2000, None),
        ("2,000, none", "`herd -n 2 --isolation none`", 2000, (4, "alone"))]
out = ["| Workload | Command | µs an item, wall | ratio | µs an item, CPU | ratio |",
       "|---|---|---:|---:|---:|---:|"]
for i, (w, c, n, base) in enumerate(rows):
    rw = rc = ""
    if base:
        rw = "%.2f× %s" % (wall[i] / wall[base[0]], base[1])
        rc = "%.2f× %s" % (cpu[i] / cpu[base[0]], base[1])
    out.append("| %s | %s | %.1f | %s | %.1f | %s |" % (w, c, wall[i] / n * 1e6, rw, cpu[i] / n * 1e6, rc))
# Beyond start-up and listing: the run less the same run with --collect-only.
mw, mc = (wall[5] - wall[6]) / 2000 * 1e6, (cpu[5] - cpu[6]) / 2000 * 1e6
out.append("| 2,000, none, beyond start-up and listing | `herd -n 2 --isolation none` less "
           "`--collect-only` | %.1f | | %.1f | |" % (mw, mc))
out += ["", "Medians (wall) and means (CPU: user and system time of every process of the run) "
        "of %d run%s each. Load average (1, 5, 15 min) before: %s; after: %s." %
        (len(res[0]["times"]), "" if len(res[0]["times"]) == 1 else "s", sys.argv[2],
         sys.argv[3]), "",
        "Against the target of at most 5 µs an item for 2,000 trivial tests under `herd -n 2 "
        "--isolation none`: the whole run, start-up and listing included, %.1f µs an item of "
        "wall time (%s); beyond start-up and listing, %.1f µs (%s)." %
        (wall[5] / 2000 * 1e6, "met" if wall[5] / 2000 * 1e6 <= 5 else "not met",
         mw, "met" if mw <= 5 else "not met")]
fa, fh = cpu[1] / cpu[0], cpu[3] / cpu[2]
out[-1] += (" A forked test of the 20,000-test binary against one of the 2,000 (CPU time, the "
            "steadier figure): %.2f× alone, %.2f× under `herd -n 2`, target at most 1.15×: %s." %
            (fa, fh, "met" if max(fa, fh) <= 1.15 else "not met"))
sys.path.insert(0, here)
import docsection
out[-1] += docsection.loaded(sys.argv[2], sys.argv[3])
table = "\n".join(out)
print(table)
if doc:
    docsection.write_with_intro(doc, os.path.join(here, "percost.md"), table)
EOF

#!/bin/sh
# bench/build.sh - herd build against snakemake, doit, make and ninja on the
# same task graphs (bench/taskgen.py writes each tool's project), side by side
# in one hyperfine run per workload:
#   (a) no-op rebuild of a chain of fan-outs, every task up to date (herd
#       build, snakemake --cores 1, doit; make -q and ninja -n as the floor);
#   (b) independent tasks of 50 ms each on 4 workers: makespan efficiency,
#       ideal (tasks x 50 ms / 4) over the measured wall time;
#   (c) a deep chain with one input changed in the middle: the runs counted
#       from the log the tasks write (the downstream half should run).
# Writes its section of docs/benchmarks.md (below the marker line that
# bench.py keeps; only this section is replaced) and prints it. `make
# bench-build` runs it (it is not part of `make bench`).
#
# Needs python3, a C compiler and hyperfine; each peer missing (snakemake,
# doit, make, ninja) loses its rows, and the report says so.
#
# Environment (all optional):
#   HERD_BUILD=build     folder holding libherd.a and herd
#   BENCH_QUICK=1        smoke run: 1,000 fan-out tasks, 40 sleeping ones, a
#                        chain of 100, 2 timed runs; the report goes to
#                        bench/out/build.md
#   BENCH_FAN=10000      tasks of (a), a multiple of 100
#   BENCH_FLAT=400       tasks of (b)
#   BENCH_CHAIN=400      tasks of (c)
#   BENCH_RUNS=5         hyperfine's timed runs of each command ((b): at least 3)
#   BENCH_SLOW_RUNS=N    snakemake's timed runs in each workload, without a
#                        warm-up (default: as the others); 1 keeps a full run
#                        near 12 minutes on a quiet machine (snakemake takes
#                        a minute or more per no-op and per (b) run)
#   BENCH_OUT=bench/out  scratch folder (git-ignored)
#   BENCH_DOC=docs/benchmarks.md (BENCH_DOC= prints only)
#   CC=cc, BENCH_TASK_CFLAGS=-O1 (for the generated task binaries)
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=${HERD_BUILD:-build}
case $build in /*) ;; *) build=$root/$build ;; esac
herd=$build/herd
if [ "${BENCH_QUICK:-0}" = 1 ]; then
	fan_n=${BENCH_FAN:-1000} flat_n=${BENCH_FLAT:-40} chain_n=${BENCH_CHAIN:-100}
	runs=${BENCH_RUNS:-2}
	doc=${BENCH_DOC-$root/bench/out/build.md}
else
	fan_n=${BENCH_FAN:-10000} flat_n=${BENCH_FLAT:-400} chain_n=${BENCH_CHAIN:-400}
	runs=${BENCH_RUNS:-5}
	doc=${BENCH_DOC-$root/docs/benchmarks.md}
fi
flat_runs=$((runs < 3 && ${BENCH_QUICK:-0} != 1 ? 3 : runs))
slow_runs=${BENCH_SLOW_RUNS:-}
workers=4
sleep_s=0.05
out=${BENCH_OUT:-$root/bench/out}/build
cc=${CC:-cc}
task_cflags=${BENCH_TASK_CFLAGS:--O1}

die() {
	echo "bench/build.sh: $*" >&2
	exit 3
}

command -v hyperfine >/dev/null 2>&1 || die "hyperfine not found (scripts/setup bench)"
command -v python3 >/dev/null 2>&1 || die "python3 not found"

# The tools asked for and found here; one missing is named in the report.
tools=
missing=
for t in ${BENCH_TOOLS:-herd make ninja snakemake doit}; do
	case $t in
	herd) [ -x "$herd" ] || die "$herd not built (make)"
	      "$herd" build --help >/dev/null 2>&1 || die "$herd has no build verb" ;;
	snakemake | doit | make | ninja) ;;
	*) die "BENCH_TOOLS: unknown tool $t" ;;
	esac
	if [ "$t" = herd ] || command -v "$t" >/dev/null 2>&1; then
		tools="$tools $t"
	else
		missing="$missing $t"
	fi
done

rm -rf "$out"
mkdir -p "$out"
cd "$out"

# gen SHAPE N: the projects of every tool in SHAPE/TOOL; herd's compiled.
gen() {
	for t in $tools; do
		python3 "$root/bench/taskgen.py" "$1" "$2" "$t" "$1/$t"
	done
	case " $tools " in *" herd "*) ;; *) return 0 ;; esac
	# One object a file, two compilers at a time; in the project root, so
	# the ids (and the sources herd hashes) are t000.c::NAME.
	(cd "$1/herd" && printf "%s\n" t*.c | xargs -P 2 -I{} sh -c \
		"$cc $task_cflags -I'$root/include' -c {} -o {}.o" &&
		$cc -o tasks t*.c.o "$build/libherd.a" -lm && rm t*.c.o) ||
		die "the herd task binary of $1 does not build"
}

# first_build SHAPE TOOL: TOOL's first build of SHAPE, untimed. snakemake's
# products are make's, copied with their times (its commands are the same):
# snakemake takes about half a second a job on these graphs, hours for the
# first build of 10,000; without its metadata records it judges by times.
first_build() {
	case $2 in
	herd) run_build "$1" herd herd -n 2 ;;
	snakemake)
		[ -f "$1/make.log" ] || die "snakemake's rows need make's (BENCH_TOOLS)"
		cp -Rp "$1/make/in/." "$1/snakemake/in/"
		cp -Rp "$1/make/out/." "$1/snakemake/out/" ;;
	doit) run_build "$1" doit doit -n 2 -P thread ;;
	make) run_build "$1" make make -s -j2 ;;
	ninja) run_build "$1" ninja ninja -j2 ;;
	esac
}

# run_build SHAPE TOOL CMD [ARG...]: TOOL's real build of SHAPE, in its folder.
run_build() {
	rb_dir=$1/$2
	shift 2
	case $1 in
	herd) shift; set -- "$herd" build "$@" ;;
	esac
	(cd "$rb_dir" && "$@") >"$rb_dir.log" 2>&1 || {
		tail -n 20 "$rb_dir.log" >&2
		die "the build in $rb_dir failed: $*"
	}
}

# cmd SHAPE TOOL N: the command line that rebuilds SHAPE with TOOL on N
# workers, as hyperfine runs it (no shell; env -C for the folder).
cmd() {
	case $2 in
	herd) echo "env -C $1/herd $herd build -n $3" ;;
	snakemake) echo "env -C $1/snakemake snakemake --cores $3 -q" ;;
	doit) [ "$3" = 1 ] && echo "env -C $1/doit doit" || echo "env -C $1/doit doit -n $3" ;;
	make) echo "make -s -C $1/make -j$3" ;;
	ninja) echo "ninja -C $1/ninja -j$3" ;;
	esac
}

# up_to_date SHAPE TOOL: a no-op run rewrites nothing in out/ (the proof
# that what (a) times is a no-op: each tool's own words differ).
up_to_date() {
	touch "$1/stamp"
	# shellcheck disable=SC2091 # runs the command line cmd prints
	$(cmd "$1" "$2" 1) >"$1/$2.noop.log" 2>&1 || die "$2: the no-op rebuild of $1 failed"
	[ -z "$(find "$1/$2/out" -newer "$1/stamp" | head -n 1)" ] ||
		die "$2: the no-op rebuild of $1 rewrote products"
}

# slow_later TOOL: TOOL is timed on its own, BENCH_SLOW_RUNS times (snakemake).
slow_later() {
	[ "$1" = snakemake ] && [ -n "$slow_runs" ]
}

# timed NAME WARMUP RUNS ARG...: hyperfine over ARG... into NAME.json and
# NAME.log; then, if slow_prep/slow_cmd were set (slow_later), snakemake's
# command alone into NAME-slow.json, without a warm-up.
timed() {
	t_name=$1 t_warm=$2 t_runs=$3
	shift 3
	if [ $# -gt 0 ]; then
		hyperfine -N -w "$t_warm" -r "$t_runs" --export-json "$t_name.json" "$@" \
			>"$t_name.log" 2>&1 || { cat "$t_name.log" >&2; die "$t_name failed"; }
	fi
	if [ -n "${slow_cmd:-}" ]; then
		set -- -n snakemake
		[ -z "${slow_prep:-}" ] || set -- "$@" -p "$slow_prep"
		hyperfine -N -r "$slow_runs" --export-json "$t_name-slow.json" "$@" "$slow_cmd" \
			>>"$t_name.log" 2>&1 || { cat "$t_name.log" >&2; die "$t_name (snakemake) failed"; }
	fi
	slow_cmd="" slow_prep=""
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- (a) no-op rebuild of a chain of fan-outs ----
echo "bench: (a) $fan_n tasks in a chain of fan-outs: first builds" >&2
gen fan "$fan_n"
set --
for t in $tools; do
	first_build fan "$t"
	up_to_date fan "$t"
	case $t in
	snakemake) if slow_later "$t"; then slow_cmd=$(cmd fan "$t" 1); else
		set -- "$@" -n "$t" "$(cmd fan "$t" 1)"; fi ;;
	make) set -- "$@" -n "make -q" "make -q -C fan/make" ;;
	ninja) set -- "$@" -n "ninja -n" "ninja -C fan/ninja -n" ;;
	*) set -- "$@" -n "$t" "$(cmd fan "$t" 1)" ;;
	esac
done
echo "bench: (a) timing the no-op rebuilds" >&2
timed noop 1 "$runs" "$@"

# ---- (b) independent sleeping tasks on 4 workers ----
echo "bench: (b) $flat_n tasks of ${sleep_s}s on $workers workers" >&2
BENCH_SLEEP=$sleep_s
export BENCH_SLEEP
gen flat "$flat_n"
set --
for t in $tools; do
	if slow_later "$t"; then
		slow_prep="find flat/$t/out -mindepth 1 -delete" slow_cmd=$(cmd flat "$t" "$workers")
		continue
	fi
	set -- "$@" -n "$t" -p "find flat/$t/out -mindepth 1 -delete" "$(cmd flat "$t" $workers)"
done
timed flat 0 "$flat_runs" "$@"

# ---- (c) a deep chain, one input changed in the middle ----
echo "bench: (c) a chain of $chain_n tasks, input $((chain_n / 2)) changed" >&2
gen chain "$chain_n"
mid=$((chain_n / 2))
set --
for t in $tools; do
	first_build chain "$t"
	# Each timed run follows a new value of in/MID and an empty log.
	prep="sh -c 'date +%s%N >chain/$t/in/$mid && : >chain/$t/runs.log'"
	if slow_later "$t"; then
		slow_prep=$prep slow_cmd=$(cmd chain "$t" 1)
		continue
	fi
	set -- "$@" -n "$t" -p "$prep" "$(cmd chain "$t" 1)"
done
timed chain 0 "$runs" "$@"
for t in $tools; do
	echo "$t $(wc -l <"chain/$t/runs.log") $(sort -u "chain/$t/runs.log" | sed 's/^c//' |
		sort -n | head -n 1)" >>chain.runs
done

load_after=$(cut -d' ' -f1-3 /proc/loadavg)

versions() {
	for t in $tools; do
		case $t in
		herd) v=$("$herd" --version 2>&1 | head -n 1) ;;
		snakemake) v="snakemake $(snakemake --version)" ;;
		doit) v="doit $(doit --version | head -n 1)" ;;
		make) v=$(make --version | head -n 1) ;;
		ninja) v="ninja $(ninja --version)" ;;
		esac
		printf '%s; ' "$v"
	done
}

# The command as it was typed, with the settings that shaped the run.
command="$(env | grep -E '^BENCH_(QUICK|FAN|FLAT|CHAIN|RUNS|SLOW_RUNS|TOOLS|TASK_CFLAGS)=' | sort |
	sed "s/=\(.*\)/='\1'/" | tr '\n' ' ')sh bench/build.sh"
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
python3 "$root/bench/build_report.py" "$doc" "$fan_n" "$flat_n" "$chain_n" "$workers" \
	"$sleep_s" "$runs" "$flat_runs" "${slow_runs:-0}" "$load_before" "$load_after" "$(versions)" "${missing# }" \
	"$command" "$commit"

#!/bin/sh
# bench/run.sh - time herd against Criterion, Check, pytest and pytest-xdist on
# the same generated workloads and write docs/benchmarks.md. `make bench` runs it.
#
# Needs python3, a C compiler and hyperfine. Optional, each with its Debian
# package: Criterion (libcriterion-dev), Check (check, pkg-config), pytest
# (python3-pytest), pytest-xdist (python3-pytest-xdist), GNU time (time, for
# the peak RSS column). A missing peer's rows are skipped, with the reason
# printed and written into the report.
#
# Environment (all optional):
#   HERD_BUILD=build        folder holding libherd.a and the herd controller,
#                           relative to the project root; rows needing the
#                           controller are skipped while it does not exist
#   BENCH_QUICK=1           smoke run: 200 items, a 1.6 s makespan, few runs and
#                           calls, and the report goes to bench/out/benchmarks.md
#   BENCH_SETS="trivial makespan warm groups groupsleep latency shard big"
#                           which sets to run (that list is the default):
#                           trivial   empty tests, every runner
#                           makespan  100 lognormal sleeps, herd without history
#                                     and the peers
#                           warm      the same with a warm herd cache vs cold
#                           groups    2,000 empty tests in 20 serial groups
#                           groupsleep 2,000 tests sleeping 1-5 ms in 20 serial
#                                     groups, efficiency on 2 workers
#                           latency   herd_lock/unlock and herd_board_get round
#                                     trips between two workers (bench/latency.c)
#                           shard     --shard balance of 1,000 lognormal
#                                     durations into 4 shards (nothing runs)
#                           big       BENCH_BIG's sizes
#   BENCH_SIZES=2000        trivial workload sizes, all runners ("2000 20000"
#                           adds the larger one: about 3 more minutes)
#   BENCH_BIG=""            sizes run with herd --isolation none only, e.g.
#                           "100000 1000000" (a million tests take ~7 minutes
#                           to build on 2 cores and 1.2 GB of disk)
#   BENCH_BIG_CFLAGS=-O0    CFLAGS for those big test binaries
#   BENCH_MIN_RUNS=1 BENCH_MAX_RUNS=5 BENCH_WARMUP=0   hyperfine's run counts;
#                           each command also runs once beforehand (peak RSS,
#                           sanity check), which warms the caches; the warm
#                           and groupsleep sets take at least 3 timed runs
#   BENCH_SLOW_MAX=2000     Criterion (~10 ms a test) only up to this many items
#   BENCH_MAKESPAN_WORKERS=4   workers of the makespan and warm sets
#   BENCH_LAT_CALLS=2000    calls of each operation per test in the latency set
#   BENCH_LAT_RUNS=3        runs per isolation mode pooled in the latency set
#   BENCH_TIMEOUT=120       seconds before a probe run counts as hung; a timed
#                           run is killed after max(30 s, 5 x its probe's time)
#   BENCH_OUT=bench/out     scratch folder (git-ignored)
#   BENCH_DOC=docs/benchmarks.md   where the report is written
#   CC=cc CFLAGS=-O2 PYTEST=pytest
set -eu

here=$(dirname "$0")

if ! command -v python3 >/dev/null 2>&1; then
	echo "bench: python3 not found (Debian package python3)" >&2
	exit 3
fi
if ! command -v hyperfine >/dev/null 2>&1; then
	echo "bench: hyperfine not found (Debian package hyperfine)" >&2
	exit 3
fi

exec python3 "$here/bench.py" "$@"

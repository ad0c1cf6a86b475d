#!/bin/sh
# bench/pytest.sh - herd --pytest against pytest and pytest-xdist, side by
# side in one hyperfine run per suite: serial pytest, pytest -n 2 and -n 4
# (xdist), herd --pytest -n 2 and -n 4. The suites:
#   trivial  2,000 trivial tests (20 modules of 100), generated
#   modfix   20 modules of 10 tests whose module-scoped fixture costs 50 ms
#   skewed   100 sleeping tests, lognormal durations (bench/gen.py's makespan
#            durations, longest defined last): pytest -n 4 against herd -n 4
#            with no history and with a warm cache (longest first); the
#            makespan efficiency is max(longest, total/4) / wall
#   real     a real suite of your choice, when BENCH_PYTEST_REAL names its
#            folder, or the one bench/stage-click.sh staged (below); none is
#            downloaded
# Writes its section of docs/benchmarks.md (below the marker line that
# bench.py keeps; only this section is replaced) and prints it. `make
# bench-pytest` runs it (it is not part of `make bench`).
#
# Environment: HERD_BUILD=build, PYTHON=the first of python3, /usr/bin/python3
# that imports pytest and xdist, BENCH_RUNS=3, BENCH_WARMUP=1,
# BENCH_OUT=bench/out, BENCH_DOC=docs/benchmarks.md (BENCH_DOC= prints only),
# BENCH_PYTEST_SETS="trivial modfix skewed real", BENCH_SKEWED_TOTAL=20 (the
# skewed suite's seconds of sleep in all).
# The real suite: BENCH_PYTEST_REAL=DIR (the suite's rootdir),
# BENCH_PYTEST_REAL_NAME (its name and commit, for the table),
# BENCH_PYTEST_REAL_ENV (variables it needs, "PYTHONPATH=src"),
# BENCH_PYTEST_REAL_ARGS (pytest arguments, both for pytest and after herd's
# "--"). Without BENCH_PYTEST_REAL, the suite bench/stage-click.sh staged in
# bench/out/suites/click is the real set, when it is there (its .env file
# names it). docs/pytest.md says how pallets/click runs.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=${HERD_BUILD:-build}
case $build in /*) ;; *) build=$root/$build ;; esac
runs=${BENCH_RUNS:-3}
warmup=${BENCH_WARMUP:-1}
out=${BENCH_OUT:-$root/bench/out}/pytest
doc=${BENCH_DOC-$root/docs/benchmarks.md}
sets=${BENCH_PYTEST_SETS:-trivial modfix skewed real}
skewed_total=${BENCH_SKEWED_TOTAL:-20}
real=${BENCH_PYTEST_REAL:-}
staged=$root/bench/out/suites/click
if [ -z "$real" ] && [ -f "$staged.env" ]; then
	# shellcheck source=/dev/null # written by bench/stage-click.sh
	. "$staged.env"
	real=$staged
fi

py=${PYTHON:-}
if [ -z "$py" ]; then
	for p in python3 /usr/bin/python3; do
		if "$p" -c 'import pytest, xdist' >/dev/null 2>&1; then
			py=$p
			break
		fi
	done
fi
[ -n "$py" ] || { echo "bench: no python3 here imports pytest and xdist (scripts/setup bench)" >&2; exit 3; }
command -v hyperfine >/dev/null 2>&1 || { echo "bench: hyperfine not found" >&2; exit 3; }
[ -x "$build/herd" ] || { echo "bench: $build/herd not built" >&2; exit 3; }
if [ -n "$real" ]; then
	real=$(cd "$real" && pwd) || { echo "bench: BENCH_PYTEST_REAL: no such folder" >&2; exit 4; }
fi
rm -rf "$out"
mkdir -p "$out"
cd "$out"
herd="$build/herd --pytest --python $py"
pytest="$py -m pytest -q -p no:cacheprovider"

"$py" - "$root/bench" "$skewed_total" <<'EOF'
import json
import os
import sys

sys.path.insert(0, sys.argv[1])
from gen import makespan_durations  # noqa: E402

os.makedirs("trivial")
for m in range(20):
    with open("trivial/test_m%02d.py" % m, "w") as f:
        for t in range(100):
            f.write("def test_t%03d():\n    pass\n\n\n" % t)
os.makedirs("modfix")
for m in range(20):
    with open("modfix/test_m%02d.py" % m, "w") as f:
        f.write("import time\n\nimport pytest\n\n\n@pytest.fixture(scope='module')\n"
                "def costly():\n    time.sleep(0.05)\n    yield\n\n\n")
        for t in range(10):
            f.write("def test_t%d(costly):\n    pass\n\n\n" % t)
os.makedirs("skewed")
us = makespan_durations(100, int(float(sys.argv[2]) * 1e6))
with open("skewed/test_skewed.py", "w") as f:
    # Each test appends its run's id (xdist's and herd's alike), start and
    # end to $BENCH_STAMPS: the schedule's makespan, run by run, is from the
    # first start to the last end, whatever the runner's own start costs.
    f.write("import os\nimport time\n\n\n"
            "def stamp(t0):\n"
            "    path = os.environ.get('BENCH_STAMPS')\n"
            "    if path:\n"
            "        with open(path, 'a') as f:\n"
            "            f.write('%s %.6f %.6f\\n' % (os.environ.get('PYTEST_XDIST_TESTRUNUID', '-'), t0, time.time()))\n"
            "\n\n")
    for i, u in enumerate(us):
        f.write("def test_s%03d():\n    t0 = time.time()\n    time.sleep(%.6f)\n    stamp(t0)\n\n\n"
                % (i, u / 1e6))
with open("skewed.facts.json", "w") as f:
    json.dump({"total": sum(us) / 1e6, "longest": max(us) / 1e6}, f)
EOF

# hyperfine ARGS...: one suite's commands, side by side; its JSON kept.
# $ignore is -i for a real suite, whose tests may fail.
ignore=
measure() {
	name=$1
	shift
	hyperfine -N $ignore --style basic --runs "$runs" --warmup "$warmup" --export-json "$out/$name.json" "$@" \
		>"$out/$name.log" 2>&1 || { cat "$out/$name.log" >&2; exit 1; }
}

# cpu NAME LABEL COMMAND: the CPU time of every process COMMAND starts, in
# one more run, from perf stat's task-clock, which follows every descendant.
# hyperfine's user+sys counts only the processes that were waited for, which
# herd's workers forked by the fork server are not.
perf=
if perf stat -x, -e task-clock -o /dev/null -- true >/dev/null 2>&1; then
	perf=perf
fi
cpu() {
	[ -n "$perf" ] || return 0
	# shellcheck disable=SC2086 # COMMAND is a list of words
	perf stat -x, -e task-clock -o "$out/perf.tmp" -- $3 >/dev/null 2>&1 || true
	printf '%s\t%s\n' "$2" "$(sed -n 's/^\([0-9.]*\),msec,task-clock.*/\1/p' "$out/perf.tmp")" >>"$out/$1.cpu"
}

# The five commands of a plain suite: $1 its name, $2 what follows the
# options (pytest's paths), $3 what herd passes after "--"; $pre goes before
# each command (hyperfine -N runs no shell: variables go through env).
pre=
side_by_side() {
	measure "$1" \
		-n "pytest" "$pre$pytest $2" \
		-n "pytest -n 2" "$pre$pytest -n 2 $2" \
		-n "pytest -n 4" "$pre$pytest -n 4 $2" \
		-n "herd -n 2" "$pre$herd -q --no-cache -n 2 $3" \
		-n "herd -n 4" "$pre$herd -q --no-cache -n 4 $3"
	cpu "$1" "pytest" "$pre$pytest $2"
	cpu "$1" "pytest -n 2" "$pre$pytest -n 2 $2"
	cpu "$1" "pytest -n 4" "$pre$pytest -n 4 $2"
	cpu "$1" "herd -n 2" "$pre$herd -q --no-cache -n 2 $3"
	cpu "$1" "herd -n 4" "$pre$herd -q --no-cache -n 4 $3"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for set in $sets; do
	case $set in
	trivial | modfix)
		side_by_side "$set" "$set" "$set"
		;;
	skewed)
		# Warm: one run writes the history; every timed run starts from a
		# fresh copy of it (hyperfine's --prepare), so each schedules
		# longest first from the same durations.
		$herd -q -n 4 --cache-dir "$out/cache-warm" skewed >/dev/null
		rm -f "$out"/skewed.*.stamps
		measure skewed \
			-n "pytest --collect-only" "$pytest --collect-only skewed" \
			-n "pytest -n 4" "env BENCH_STAMPS=$out/skewed.xdist.stamps $pytest -n 4 skewed" \
			-n "herd -n 4 (no history)" "env BENCH_STAMPS=$out/skewed.cold.stamps $herd -q --no-cache -n 4 skewed" \
			-n "herd -n 4 (warm cache)" "env BENCH_STAMPS=$out/skewed.warm.stamps $herd -q -n 4 --cache-dir $out/cache-run skewed" \
			--prepare true --prepare true --prepare true \
			--prepare "sh -c 'rm -rf $out/cache-run && cp -R $out/cache-warm $out/cache-run'"
		;;
	real)
		if [ -z "$real" ]; then
			echo "bench: real: BENCH_PYTEST_REAL names no suite: not run" >&2
			continue
		fi
		(
			cd "$real"
			args=${BENCH_PYTEST_REAL_ARGS:-}
			pre=${BENCH_PYTEST_REAL_ENV:+env $BENCH_PYTEST_REAL_ENV }
			ignore=-i
			# shellcheck disable=SC2086 # lists of words
			$pre$herd --collect-only ${args:+-- $args} >"$out/real.ids" 2>/dev/null || true
			side_by_side real "$args" "${args:+-- $args}"
		) || exit 1
		;;
	*)
		echo "bench: BENCH_PYTEST_SETS: no set '$set'" >&2
		exit 4
		;;
	esac
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

BENCH_DIR=$root/bench "$py" - "$doc" "$runs" "$load_before" "$load_after" "$($py -c 'import pytest, xdist; print(pytest.__version__, xdist.__version__)')" \
	"${BENCH_PYTEST_REAL_NAME:-$real}" <<'EOF'
import json
import os
import sys

doc, runs, before, after, versions, real = sys.argv[1:]
pv, xv = versions.split()
head = "## pytest suites: herd --pytest, pytest and pytest-xdist"
out = [head, "",
       "Written by `bench/pytest.sh` (`make bench-pytest`; not part of `make bench`): "
       "the median of %s runs of each command, run side by side by hyperfine (and the CPU "
       "time of all its processes in one more run, from `perf stat`'s task-clock); pytest %s, "
       "pytest-xdist %s, herd with its default `--isolation none` for pytest. Load average "
       "(1, 5, 15 min) before: %s; after: %s." % (runs, pv, xv, before, after), ""]


def results(name):
    if not os.path.exists(name + ".json"):
        return None
    return {r["command"]: r for r in json.load(open(name + ".json"))["results"]}


def cpu_of(name):
    """perf stat's CPU seconds of each command (bench/pytest.sh, cpu)."""
    if not os.path.exists(name + ".cpu"):
        return {}
    out = {}
    for line in open(name + ".cpu"):
        label, _, ms = line.rstrip("\n").partition("\t")
        if ms:
            out[label] = float(ms) / 1000
    return out


def row(r, cells):
    return "| `%s` | %.2f s | %.2f–%.2f s | %s |" % (
        r["command"], r["median"], r["min"], r["max"], " | ".join(cells))


def schedule(path):
    """The median over runs of the first test's start to the last one's end."""
    if not os.path.exists(path):
        return None
    runs = {}
    for line in open(path):
        uid, t0, t1 = line.split()
        lo, hi = runs.get(uid, (float(t0), float(t1)))
        runs[uid] = (min(lo, float(t0)), max(hi, float(t1)))
    spans = sorted(hi - lo for lo, hi in runs.values())
    return spans[len(spans) // 2] if spans else None


titles = {"trivial": "2,000 trivial tests (20 modules of 100)",
          "modfix": "20 modules of 10 tests, a 50 ms module-scoped fixture each",
          "real": "a real suite: %s" % real}
for name in ("trivial", "modfix", "real"):
    res = results(name)
    if res is None:
        continue
    title = titles[name]
    if name == "real" and os.path.exists("real.ids"):
        title += " (%d items)" % sum(1 for l in open("real.ids") if "::" in l)
    serial = res["pytest"]["median"]
    cpus = cpu_of(name)
    out += ["**%s**" % title, "",
            "| Command | wall (median) | min–max | CPU, every process (one run) | vs serial | vs xdist, same -n |",
            "|---|---:|---:|---:|---:|---:|"]
    for cmd in ("pytest", "pytest -n 2", "pytest -n 4", "herd -n 2", "herd -n 4"):
        r = res[cmd]
        vs_x = ""
        if cmd.startswith("herd"):
            vs_x = "%.2f×" % (r["median"] / res["pytest" + cmd[4:]]["median"])
        cpu = "%.2f s" % cpus[cmd] if cmd in cpus else "–"
        out.append(row(r, [cpu, "%.2f×" % (r["median"] / serial), vs_x]))
    out.append("")
res = results("skewed")
if res is not None:
    facts = json.load(open("skewed.facts.json"))
    bound = max(facts["longest"], facts["total"] / 4)
    start = res["pytest --collect-only"]["median"]
    out += ["**100 sleeping tests, lognormal durations, 4 workers** (%.2f s of sleep, the "
            "longest %.2f s and defined last; lower bound max(longest, total/4) = %.2f s; "
            "efficiency = bound / wall. *warm cache*: every timed run starts from a copy of "
            "the history one earlier run wrote, so herd hands out the longest first. "
            "*schedule*: the makespan of the tests alone, from the first test's start to the "
            "last one's end (each test writes both down), run by run, median; so it leaves "
            "out what each runner spends before its first test and after its last: "
            "starting Python, importing pytest, collecting, exiting. *pytest's start*: "
            "`pytest --collect-only` of the suite, %.2f s in the same run, which every "
            "pytest runner pays before its first test; *beyond it*: bound / (wall less it))"
            % (facts["total"], facts["longest"], bound, start), "",
            "| Command | wall (median) | min–max | efficiency | beyond pytest's start | schedule (median) | schedule's efficiency |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    for cmd, tag in (("pytest -n 4", "xdist"), ("herd -n 4 (no history)", "cold"),
                     ("herd -n 4 (warm cache)", "warm")):
        r = res[cmd]
        span = schedule("skewed.%s.stamps" % tag)
        out.append(row(r, ["%.2f" % (bound / r["median"]),
                           "%.2f" % (bound / (r["median"] - start)),
                           "%.2f s" % span if span else "–",
                           "%.2f" % (bound / span) if span else "–"]))
    out.append("")
section = "\n".join(out)
print(section)
if doc:
    sys.path.insert(0, os.environ["BENCH_DIR"])
    import docsection
    docsection.replace_section(doc, section)
EOF

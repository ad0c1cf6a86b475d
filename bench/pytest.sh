#!/bin/sh
# bench/pytest.sh - herd --pytest against pytest and pytest-xdist on two
# generated suites: 2,000 trivial tests (20 modules of 100), and 20 modules
# of 10 tests whose module-scoped fixture costs 50 ms. Side by side in one
# hyperfine run per suite: serial pytest, pytest -n 2 and -n 4 (xdist),
# herd --pytest -n 2 and -n 4. Writes its section of docs/benchmarks.md (below
# the marker line that bench.py keeps; only this section is replaced) and
# prints it. `make bench-pytest` runs it (it is not part of `make bench`).
#
# Environment: HERD_BUILD=build, PYTHON=the first of python3, /usr/bin/python3
# that imports pytest and xdist, BENCH_RUNS=3, BENCH_WARMUP=1,
# BENCH_OUT=bench/out, BENCH_DOC=docs/benchmarks.md (BENCH_DOC= prints only).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=${HERD_BUILD:-build}
case $build in /*) ;; *) build=$root/$build ;; esac
runs=${BENCH_RUNS:-3}
warmup=${BENCH_WARMUP:-1}
out=${BENCH_OUT:-$root/bench/out}/pytest
doc=${BENCH_DOC-$root/docs/benchmarks.md}

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
rm -rf "$out"
mkdir -p "$out"
cd "$out"

"$py" - <<'EOF'
import os

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
EOF

# One suite: every command in one hyperfine run, its JSON kept.
measure() {
	name=$1
	hyperfine -N --style basic --runs "$runs" --warmup "$warmup" --export-json "$name.json" \
		-n "pytest" "$py -m pytest -q -p no:cacheprovider $name" \
		-n "pytest -n 2" "$py -m pytest -q -p no:cacheprovider -n 2 $name" \
		-n "pytest -n 4" "$py -m pytest -q -p no:cacheprovider -n 4 $name" \
		-n "herd -n 2" "$build/herd --pytest --python $py -q --no-cache -n 2 $name" \
		-n "herd -n 4" "$build/herd --pytest --python $py -q --no-cache -n 4 $name" \
		>"$name.log" 2>&1 || { cat "$name.log" >&2; exit 1; }
}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
measure trivial
measure modfix
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

"$py" - "$doc" "$runs" "$load_before" "$load_after" "$($py -c 'import pytest, xdist; print(pytest.__version__, xdist.__version__)')" <<'EOF'
import json
import sys

doc, runs, before, after, versions = sys.argv[1:]
pv, xv = versions.split()
head = "## pytest suites: herd --pytest, pytest and pytest-xdist"
out = [head, "",
       "Written by `bench/pytest.sh` (`make bench-pytest`; not part of `make bench`): "
       "the median of %s runs of each command, run side by side by hyperfine; pytest %s, "
       "pytest-xdist %s, herd with its default `--isolation none` for pytest. Load average "
       "(1, 5, 15 min) before: %s; after: %s." % (runs, pv, xv, before, after), ""]
titles = {"trivial": "2,000 trivial tests (20 modules of 100)",
          "modfix": "20 modules of 10 tests, a 50 ms module-scoped fixture each"}
for name in ("trivial", "modfix"):
    res = {r["command"]: r for r in json.load(open(name + ".json"))["results"]}
    serial = res["pytest"]["median"]
    out += ["**%s**" % titles[name], "",
            "| Command | wall (median) | min–max | CPU (user+sys) | vs serial | vs xdist, same -n |",
            "|---|---:|---:|---:|---:|---:|"]
    for cmd in ("pytest", "pytest -n 2", "pytest -n 4", "herd -n 2", "herd -n 4"):
        r = res[cmd]
        cpu = r.get("user", 0) + r.get("system", 0)
        vs_x = ""
        if cmd.startswith("herd"):
            vs_x = "%.2f×" % (r["median"] / res["pytest" + cmd[4:]]["median"])
        out.append("| `%s` | %.2f s | %.2f–%.2f s | %.2f s | %.2f× | %s |" % (
            cmd, r["median"], r["min"], r["max"], cpu, r["median"] / serial, vs_x))
    out.append("")
section = "\n".join(out)
print(section)
if not doc:
    sys.exit(0)
text = open(doc).read()
marker = "<!-- The sections below come from other bench/ scripts; bench.py keeps them. -->"
if marker not in text:
    sys.exit("bench: %s has no marker line" % doc)
at = text.find(head)
if at < 0:
    text = text.rstrip("\n") + "\n\n" + section
else:
    nxt = text.find("\n## ", at + len(head))
    text = text[:at] + section + (text[nxt:] if nxt >= 0 else "")
with open(doc + ".tmp", "w") as f:
    f.write(text if text.endswith("\n") else text + "\n")
import os
os.rename(doc + ".tmp", doc)
EOF

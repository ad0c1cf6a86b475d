#!/usr/bin/env python3
"""bench/build_report.py - the section of docs/benchmarks.md that bench/build.sh
measures, from the hyperfine exports it leaves in the current folder (noop.json,
flat.json, chain.json) and the chain's run counts (chain.runs: TOOL RUNS FIRST).

    build_report.py DOC FAN FLAT CHAIN WORKERS SLEEP RUNS FLAT_RUNS SLOW_RUNS
                    LOAD_BEFORE LOAD_AFTER VERSIONS MISSING COMMAND COMMIT

SLOW_RUNS: when not 0, snakemake was timed alone that many times without a
warm-up (NAME-slow.json beside NAME.json).

Prints the section; with DOC not empty, also replaces it in DOC (or appends it
below the marker line that bench.py keeps).
"""
import json
import os
import sys

import docsection

HEAD = "## Task graphs: herd build, snakemake, doit, make and ninja"


def results(name):
    """The rows of name.json, then those of name-slow.json (snakemake alone)."""
    rows = {}
    for path in (name + ".json", name + "-slow.json"):
        if os.path.exists(path):
            with open(path) as f:
                rows.update((r["command"], r) for r in json.load(f)["results"])
    return rows


def runs_said(runs, slow_runs, warm):
    """How many runs each median is of, as the section says it."""
    said = "Median of %d runs%s" % (runs, " after one warm-up" if warm else "")
    if slow_runs:
        said += "; snakemake's: %s, without a warm-up" % (
            "one run" if slow_runs == 1 else "median of %d runs" % slow_runs)
    return said


def cpu(r):
    return r.get("user", 0) + r.get("system", 0)


def noop_section(fan, runs, slow_runs):
    res = results("noop")
    herd = res["herd"]["median"] if "herd" in res else None
    out = ["**(a) No-op rebuild: %s up-to-date tasks in a chain of fan-outs** (stages of one "
           "hub and 99 tasks below it; each hub needs every task of the stage before). "
           "%s:" % (f"{fan:,}", runs_said(runs, slow_runs, True)), "",
           "| Command | wall (median) | min–max | CPU (user+sys, mean) | herd / it |",
           "|---|---:|---:|---:|---:|"]
    for name, r in res.items():
        out.append("| `%s` | %.3f s | %.3f–%.3f s | %.3f s | %s |" % (
            label(name, 1), r["median"], r["min"], r["max"], cpu(r),
            "" if name == "herd" or herd is None else "%.3f×" % (herd / r["median"])))
    if herd is None:
        return out + [""]
    if fan != 10000:
        return out + ["", "The targets (0.2 s, 1/20 of snakemake's and doit's) are for "
                      "10,000 tasks: not judged at %s." % f"{fan:,}", ""]
    verdict = ["herd %s the 0.2 s target (%.3f s)" % ("meets" if herd <= 0.2 else "misses", herd)]
    for peer in ("snakemake", "doit"):
        if peer in res:
            ratio = herd / res[peer]["median"]
            verdict.append("%s the 1/20 of %s (%.3f×)" % (
                "meets" if ratio <= 0.05 else "misses", peer, ratio))
    out += ["", "; ".join(verdict) + ".", ""]
    return out


def flat_section(flat, workers, sleep, runs, slow_runs):
    res = results("flat")
    ideal = flat * sleep / workers
    out = ["**(b) Makespan: %d independent tasks of %g ms on %d workers** (each task "
           "sleeps %g ms, nanosleep in herd's C, `sleep` in the others' shell, then writes "
           "its product: the tasks wait rather than compute, so that 4 workers can overlap "
           "on 2 cores; products deleted before each run; ideal %.2f s = tasks × %g s / %d). "
           "%s:" % (flat, sleep * 1000, workers, sleep * 1000, ideal, sleep, workers,
                     runs_said(runs, slow_runs, False)), "",
           "| Command | wall (median) | min–max | CPU (user+sys, mean) | efficiency (ideal / median) |",
           "|---|---:|---:|---:|---:|"]
    for name, r in res.items():
        out.append("| `%s` | %.2f s | %.2f–%.2f s | %.2f s | %.2f |" % (
            label(name, workers), r["median"], r["min"], r["max"],
            cpu(r), ideal / r["median"]))
    if "herd" not in res:
        return out + [""]
    if flat != 400 or workers != 4:
        return out + ["", "The 0.95 target is for 400 tasks on 4 workers: not judged here.", ""]
    eff = ideal / res["herd"]["median"]
    out += ["", "herd's efficiency %.2f %s the 0.95 target." % (eff, "meets" if eff >= 0.95 else "misses"), ""]
    return out


def label(tool, workers):
    """The command a row times, as its user types it (hyperfine's name is the tool's)."""
    return {"herd": "herd build -n %d" % workers, "snakemake": "snakemake --cores %d" % workers,
            "doit": "doit -n %d" % workers if workers > 1 else "doit",
            "make": "make -j%d" % workers, "ninja": "ninja -j%d" % workers}.get(tool, tool)


def chain_section(chain, runs, slow_runs):
    res = results("chain")
    counts = {}
    with open("chain.runs") as f:
        for line in f:
            w = line.split()
            counts[w[0]] = (int(w[1]), w[2] if len(w) > 2 else "-")
    mid = chain // 2
    out = ["**(c) A chain of %d tasks, input %d changed before each run**: task i needs in/i and "
           "task i-1's product; the %d tasks from %d down should run, each appending its name "
           "to a log. %s:" % (chain, mid, chain - mid, mid, runs_said(runs, slow_runs, False)), "",
           "| Command | wall (median) | min–max | tasks run (last run) | first task run | per task run |",
           "|---|---:|---:|---:|---:|---:|"]
    for name, r in res.items():
        n, first = counts.get(name, (0, "-"))
        out.append("| `%s` | %.2f s | %.2f–%.2f s | %d | %s | %s |" % (
            label(name, 1),
            r["median"], r["min"], r["max"], n, first,
            "%.1f ms" % (r["median"] / n * 1000) if n else ""))
    right = [t for t, (n, first) in counts.items() if n == chain - mid and first == str(mid)]
    out += ["", "Exactly the downstream half ran under: %s." % (", ".join(right) or "none"), ""]
    return out


def main():
    (doc, fan, flat, chain, workers, sleep, runs, flat_runs, slow_runs, before, after,
     versions, missing, command, commit) = sys.argv[1:]
    fan, flat, chain, workers = int(fan), int(flat), int(chain), int(workers)
    runs, flat_runs, slow_runs = int(runs), int(flat_runs), int(slow_runs)
    sleep = float(sleep)
    out = [HEAD, "",
           "Written by `bench/build.sh` (`make bench-build`; not part of `make bench`): each "
           "workload generated by `bench/taskgen.py` for every tool as its users write it "
           "(herd: one `TASK` a task in C files of 100, compiled into one binary; snakemake: "
           "wildcard rules; doit: a task generator; make and ninja: one rule a task) and timed "
           "side by side in one hyperfine run per workload (with `BENCH_SLOW_RUNS`, snakemake in a "
           "run of its own right after). snakemake's first builds are "
           "make's products copied with their times (its commands are the same; it takes "
           "about half a second a job on these graphs, hours for a first build of 10,000), "
           "so it has no metadata records and judges by modification times alone. "
           "Versions: %s (herd of commit %s). Load average (1, 5, 15 min) before: %s; "
           "after: %s, on the 2-core machine. Command:" % (versions.rstrip("; "), commit,
                                                        before, after),
           "", "    " + command, ""]
    if missing:
        out += ["Not measured, not installed here: %s." % missing, ""]
    out += noop_section(fan, runs, slow_runs)
    out += flat_section(flat, workers, sleep, flat_runs, slow_runs)
    out += chain_section(chain, runs, slow_runs)
    section = "\n".join(out)
    print(section)
    if not doc:
        return
    docsection.replace_section(doc, section)


if __name__ == "__main__":
    main()

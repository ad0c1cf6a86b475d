#!/usr/bin/env python3
"""bench/build_report.py - the section of docs/benchmarks.md that bench/build.sh
measures, from the hyperfine exports it leaves in the current folder (noop.json,
flat.json, chain.json) and the chain's run counts (chain.runs: TOOL RUNS FIRST).

    build_report.py DOC FAN FLAT CHAIN WORKERS SLEEP RUNS LOAD_BEFORE LOAD_AFTER
                    VERSIONS MISSING

Prints the section; with DOC not empty, also replaces it in DOC (or appends it
below the marker line that bench.py keeps).
"""
import json
import os
import sys

HEAD = "## Task graphs: herd build, snakemake, doit, make and ninja"
MARKER = "<!-- The sections below come from other bench/ scripts; bench.py keeps them. -->"


def results(name):
    with open(name) as f:
        return {r["command"]: r for r in json.load(f)["results"]}


def cpu(r):
    return r.get("user", 0) + r.get("system", 0)


def noop_section(fan, runs):
    res = results("noop.json")
    herd = res["herd"]["median"] if "herd" in res else None
    out = ["**(a) No-op rebuild: %s up-to-date tasks in a chain of fan-outs** (stages of one "
           "hub and 99 tasks below it; each hub needs every task of the stage before). "
           "Median of %s runs after one warm-up:" % (f"{fan:,}", runs), "",
           "| Command | wall (median) | min–max | CPU (user+sys, mean) | herd / it |",
           "|---|---:|---:|---:|---:|"]
    for name, r in res.items():
        out.append("| `%s` | %.3f s | %.3f–%.3f s | %.3f s | %s |" % (
            label(name, 1), r["median"], r["min"], r["max"], cpu(r),
            "" if name == "herd" or herd is None else "%.3f×" % (herd / r["median"])))
    if herd is None:
        return out + [""]
    verdict = ["herd %s the 0.2 s target (%.3f s)" % ("meets" if herd <= 0.2 else "misses", herd)]
    for peer in ("snakemake", "doit"):
        if peer in res:
            ratio = herd / res[peer]["median"]
            verdict.append("%s the 1/20 of %s (%.3f×)" % (
                "meets" if ratio <= 0.05 else "misses", peer, ratio))
    out += ["", "; ".join(verdict) + ".", ""]
    return out


def flat_section(flat, workers, sleep, runs):
    res = results("flat.json")
    ideal = flat * sleep / workers
    out = ["**(b) Makespan: %d independent tasks of %g ms on %d workers** (products deleted "
           "before each run; ideal %.2f s = tasks × %g s / %d). Median of %d runs:"
           % (flat, sleep * 1000, workers, ideal, sleep, workers, runs), "",
           "| Command | wall (median) | min–max | CPU (user+sys, mean) | efficiency (ideal / median) |",
           "|---|---:|---:|---:|---:|"]
    for name, r in res.items():
        out.append("| `%s` | %.2f s | %.2f–%.2f s | %.2f s | %.2f |" % (
            label(name, workers), r["median"], r["min"], r["max"],
            cpu(r), ideal / r["median"]))
    if "herd" not in res:
        return out + [""]
    eff = ideal / res["herd"]["median"]
    out += ["", "herd's efficiency %.2f %s the 0.95 target." % (eff, "meets" if eff >= 0.95 else "misses"), ""]
    return out


def label(tool, workers):
    """The command a row times, as its user types it (hyperfine's name is the tool's)."""
    return {"herd": "herd build -n %d" % workers, "snakemake": "snakemake --cores %d" % workers,
            "doit": "doit -n %d" % workers if workers > 1 else "doit",
            "make": "make -j%d" % workers, "ninja": "ninja -j%d" % workers}.get(tool, tool)


def chain_section(chain, runs):
    res = results("chain.json")
    counts = {}
    with open("chain.runs") as f:
        for line in f:
            w = line.split()
            counts[w[0]] = (int(w[1]), w[2] if len(w) > 2 else "-")
    mid = chain // 2
    out = ["**(c) A chain of %d tasks, input %d changed before each run**: task i needs in/i and "
           "task i-1's product; the %d tasks from %d down should run, each appending its name "
           "to a log. Median of %d runs:" % (chain, mid, chain - mid, mid, runs), "",
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
    (doc, fan, flat, chain, workers, sleep, runs, flat_runs, before, after, versions,
     missing, command, commit) = sys.argv[1:]
    fan, flat, chain, workers = int(fan), int(flat), int(chain), int(workers)
    runs, flat_runs = int(runs), int(flat_runs)
    sleep = float(sleep)
    out = [HEAD, "",
           "Written by `bench/build.sh` (`make bench-build`; not part of `make bench`): each "
           "workload generated by `bench/taskgen.py` for every tool as its users write it "
           "(herd: one `TASK` a task in C files of 100, compiled into one binary; snakemake: "
           "wildcard rules; doit: a task generator; make and ninja: one rule a task) and timed "
           "side by side in one hyperfine run per workload. snakemake's first builds are "
           "make's products copied with their times (its commands are the same; it takes "
           "about half a second a job on these graphs, hours for a first build of 10,000), "
           "so it has no metadata records and judges by modification times alone. "
           "Versions: %s (herd of commit %s). Load average (1, 5, 15 min) before: %s; "
           "after: %s, on the 2-core machine. Command:" % (versions.rstrip("; "), commit,
                                                        before, after),
           "", "    " + command, ""]
    if missing:
        out += ["Not measured, not installed here: %s." % missing, ""]
    out += noop_section(fan, runs)
    out += flat_section(flat, workers, sleep, flat_runs)
    out += chain_section(chain, runs)
    section = "\n".join(out)
    print(section)
    if not doc:
        return
    text = open(doc).read() if os.path.exists(doc) else MARKER + "\n"
    if MARKER not in text:
        sys.exit("bench: %s has no marker line" % doc)
    at = text.find(HEAD)
    if at < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        nxt = text.find("\n## ", at + len(HEAD))
        text = text[:at] + section + (text[nxt:] if nxt >= 0 else "")
    with open(doc + ".tmp", "w") as f:
        f.write(text if text.endswith("\n") else text + "\n")
    os.rename(doc + ".tmp", doc)


if __name__ == "__main__":
    main()

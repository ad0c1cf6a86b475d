#!/usr/bin/env python3
"""bench/taskgen.py - one task graph written for herd build and for the tools a
user would pick instead: snakemake, doit, make and ninja. bench/build.sh runs it.

    taskgen.py SHAPE N TOOL DIR

writes into DIR (made empty first) the project of N tasks of SHAPE for TOOL:

  fan    a chain of fan-outs: stages of one hub task and 99 tasks below it,
         each hub depending on every task of the stage before (N a multiple
         of 100); a task writes its name into its product
  flat   N independent tasks, each sleeping 50 ms (BENCH_SLEEP seconds) then
         writing its product
  chain  N tasks in a line, task i depending on in/i and on task i-1's
         product, writing a checksum of both; every task appends its name to
         runs.log, so that a rebuild's runs can be counted

Every project has in/ (its inputs) and writes its products into out/. TOOL is
herd (C sources with one TASK a task, several files, and herd.ini; build.sh
compiles them into DIR/tasks), snakemake (a Snakefile with wildcard rules),
doit (a dodo.py with task generators), make (a Makefile with one rule a task)
or ninja (a build.ninja with one build edge a task). make, ninja and snakemake
run each task's command in a shell; doit runs chain's and flat's in a shell
and fan's in Python, as its authors write them; herd runs a C function in a
forked worker child.
"""
import os
import shutil
import sys

FAN_WIDTH = 99		# tasks below each hub
SLEEP = float(os.environ.get("BENCH_SLEEP", "0.05"))


def graph(shape, n):
    """The tasks as (name, deps, products), in an order where deps come first."""
    tasks = []
    if shape == "fan":
        if n % (FAN_WIDTH + 1):
            sys.exit("taskgen: fan needs a multiple of %d tasks" % (FAN_WIDTH + 1))
        prev = ["in/seed"]
        for s in range(n // (FAN_WIDTH + 1)):
            tasks.append(("h%d" % s, prev, ["out/h%d" % s]))
            prev = []
            for j in range(FAN_WIDTH):
                tasks.append(("f%d_%d" % (s, j), ["out/h%d" % s], ["out/f%d_%d" % (s, j)]))
                prev.append("out/f%d_%d" % (s, j))
    elif shape == "flat":
        tasks = [("t%d" % i, [], ["out/t%d" % i]) for i in range(n)]
    elif shape == "chain":
        for i in range(n):
            deps = ["in/%d" % i] + (["out/c%d" % (i - 1)] if i else [])
            tasks.append(("c%d" % i, deps, ["out/c%d" % i]))
    else:
        sys.exit("taskgen: unknown shape %s" % shape)
    return tasks


def inputs(shape, n):
    if shape == "fan":
        return ["in/seed"]
    if shape == "chain":
        return ["in/%d" % i for i in range(n)]
    return []


# The shell command of a task, for the tools that run one.
def command(shape, name, deps, out):
    if shape == "fan":
        return "echo %s > %s" % (name, out)
    if shape == "flat":
        return "sleep %g && echo %s > %s" % (SLEEP, name, out)
    return "cat %s | cksum > %s && echo %s >> runs.log" % (" ".join(deps), out, name)


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


HERD_HELPERS = r"""#include <herd.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Writes text into the task's only product. */
static void put(const char *text)
{
	FILE *f = fopen(herd_produces(0), "w");

	REQUIRE(f != NULL);
	fprintf(f, "%s\n", text);
	REQUIRE(fclose(f) == 0);
}

/* Sleeps, then writes the product (flat). */
static void nap(const char *name)
{
	struct timespec ts = { 0, (long)(SLEEP_S * 1e9) };

	while (nanosleep(&ts, &ts) != 0)
		;
	put(name);
}

/* The checksum of every dependency into the product; name into runs.log (chain). */
static void sum(const char *name)
{
	unsigned long h = 5381;
	const char *dep;
	char path[4096], line[64];
	size_t i;
	int c, fd;

	for (i = 0; (dep = herd_depends_on(i)) != NULL; i++) {
		FILE *f = fopen(dep, "r");

		REQUIRE(f != NULL);
		while ((c = getc(f)) != EOF)
			h = h * 33 + (unsigned char)c;
		fclose(f);
	}
	snprintf(line, sizeof line, "%lu", h);
	put(line);
	snprintf(path, sizeof path, "%s/runs.log", getenv("HERD_ROOTDIR"));
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
	REQUIRE(fd >= 0);
	snprintf(line, sizeof line, "%s\n", name);
	REQUIRE(write(fd, line, strlen(line)) == (ssize_t)strlen(line));
	close(fd);
}
"""


def gen_herd(shape, tasks, d):
    """One C file per 100 tasks (a fan stage), each with the helpers it uses."""
    body = {"fan": "put", "flat": "nap", "chain": "sum"}[shape]
    write(os.path.join(d, "herd.ini"), "[herd]\ntestpaths = tasks\n")
    for k in range(0, len(tasks), 100):
        lines = ["#define _POSIX_C_SOURCE 200809L",
                 "#define SLEEP_S %g" % SLEEP,
                 HERD_HELPERS.replace("static void", "static inline void")]
        for name, deps, prods in tasks[k:k + 100]:
            lines.append('TASK(%s, .depends_on = "%s", .produces = "%s") { %s("%s"); }'
                         % (name, " ".join(deps), " ".join(prods), body, name))
        write(os.path.join(d, "t%03d.c" % (k // 100)), "\n".join(lines) + "\n")


def gen_make(shape, tasks, d):
    out = [".POSIX:", "all: " + " ".join(p for _, _, ps in tasks for p in ps), ""]
    for name, deps, prods in tasks:
        out += ["%s: %s" % (prods[0], " ".join(deps)),
                "\t" + command(shape, name, deps, prods[0])]
    write(os.path.join(d, "Makefile"), "\n".join(out) + "\n")


def gen_ninja(shape, tasks, d):
    out = ["rule run", "  command = $cmd", ""]
    for name, deps, prods in tasks:
        out += ["build %s: run %s" % (prods[0], " ".join(deps)),
                "  cmd = " + command(shape, name, deps, prods[0]).replace("$", "$$")]
    write(os.path.join(d, "build.ninja"), "\n".join(out) + "\n")


def gen_snakemake(shape, n, d):
    """Wildcard rules, as a snakemake user writes a graph this regular."""
    if shape == "fan":
        stages = n // (FAN_WIDTH + 1)
        text = f"""W = {FAN_WIDTH}
S = {stages}

def write(path, text):
    with open(path, "w") as f:
        f.write(text + "\\n")

rule all:
    input: [f"out/f{{s}}_{{j}}" for s in range(S) for j in range(W)]

rule hub:
    input: lambda wc: ["in/seed"] if wc.s == "0" else [f"out/f{{int(wc.s) - 1}}_{{j}}" for j in range(W)]
    output: "out/h{{s,[0-9]+}}"
    run: write(output[0], "h" + wildcards.s)

rule fan:
    input: "out/h{{s}}"
    output: "out/f{{s,[0-9]+}}_{{j,[0-9]+}}"
    run: write(output[0], f"f{{wildcards.s}}_{{wildcards.j}}")
"""
    elif shape == "flat":
        text = f"""rule all:
    input: [f"out/t{{i}}" for i in range({n})]

rule task:
    output: "out/t{{i,[0-9]+}}"
    shell: "sleep {SLEEP:g} && echo t{{wildcards.i}} > {{output}}"
"""
    else:
        text = f"""rule all:
    input: "out/c{n - 1}"

rule link:
    input: lambda wc: [f"in/{{wc.i}}"] + ([f"out/c{{int(wc.i) - 1}}"] if wc.i != "0" else [])
    output: "out/c{{i,[0-9]+}}"
    shell: "cat {{input}} | cksum > {{output}} && echo c{{wildcards.i}} >> runs.log"
"""
    write(os.path.join(d, "Snakefile"), text)


def gen_doit(shape, tasks, d):
    """A task generator yielding one task a graph node; file_dep and targets."""
    text = ["import os", "", "DOIT_CONFIG = {'verbosity': 0}", "",
            "def put(path, text):",
            "    with open(path, 'w') as f:",
            "        f.write(text + '\\n')", "", "TASKS = ["]
    for name, deps, prods in tasks:
        text.append("    (%r, %r, %r)," % (name, deps, prods))
    text += ["]", "", "def task_graph():",
             "    for name, deps, prods in TASKS:"]
    if shape == "fan":
        text.append("        action = (put, [prods[0], name])")
    else:
        text.append("        action = " + {
            "flat": "'sleep %g && echo %%s > %%s' %% (name, prods[0])" % SLEEP,
            "chain": "'cat %s | cksum > %s && echo %s >> runs.log' % "
                     "(' '.join(deps), prods[0], name)"}[shape])
    text += ["        yield {'name': name, 'file_dep': deps, 'targets': prods,",
             "               'actions': [action]}"]
    write(os.path.join(d, "dodo.py"), "\n".join(text) + "\n")


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: taskgen.py fan|flat|chain N herd|snakemake|doit|make|ninja DIR")
    shape, n, tool, d = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    tasks = graph(shape, n)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(os.path.join(d, "in"))
    os.makedirs(os.path.join(d, "out"))
    for i, path in enumerate(inputs(shape, n)):
        write(os.path.join(d, path), "%d\n" % i)
    if tool == "herd":
        gen_herd(shape, tasks, d)
    elif tool == "make":
        gen_make(shape, tasks, d)
    elif tool == "ninja":
        gen_ninja(shape, tasks, d)
    elif tool == "snakemake":
        gen_snakemake(shape, n, d)
    elif tool == "doit":
        gen_doit(shape, tasks, d)
    else:
        sys.exit("taskgen: unknown tool %s" % tool)


if __name__ == "__main__":
    main()

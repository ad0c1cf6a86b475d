#!/usr/bin/env python3
"""bench.py - generate, build and time herd against its peers; write the report.

Run through bench/run.sh (which documents the environment variables). Steps, per
benchmark set:

 1. gen.py writes the workload for every runner into BENCH_OUT/<workload>/;
 2. each runner's binary is built there (only when its sources changed);
 3. every command is run once under GNU time for its peak RSS, and to check that it
    exits 0 and ran the expected number of items; a row that fails or hangs is
    dropped with a message instead of aborting the whole run;
 4. hyperfine times the surviving commands side by side in one invocation;
 5. the markdown table goes to stdout and, with the machine facts and the command
    line, into the report file (docs/benchmarks.md by default).
"""

import json
import os
import platform
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True      # leave no __pycache__ in bench/
import gen  # noqa: E402  (the workload generator beside this file)

# Environment variables that shape a run; the report repeats the ones set.
KNOBS = ("HERD_BUILD", "BENCH_QUICK", "BENCH_SETS", "BENCH_SIZES", "BENCH_BIG",
         "BENCH_BIG_CFLAGS", "BENCH_MIN_RUNS", "BENCH_MAX_RUNS", "BENCH_WARMUP",
         "BENCH_SLOW_MAX", "BENCH_MAKESPAN_WORKERS", "BENCH_LAT_CALLS",
         "BENCH_LAT_RUNS", "BENCH_TIMEOUT", "BENCH_OUT", "BENCH_DOC", "CC", "CFLAGS",
         "PYTEST")
DEFAULT_SETS = "trivial makespan warm groups groupsleep latency shard big"


def msg(text):
    sys.stderr.write("bench: %s\n" % text)
    sys.stderr.flush()


def die(text):
    msg(text)
    sys.exit(3)


def env_int(name, default):
    v = os.environ.get(name, "")
    if v == "":
        return default
    try:
        return int(v)
    except ValueError:
        die("%s=%r is not an integer" % (name, v))


def env_list(name, default):
    v = os.environ.get(name)
    return (v if v is not None else default).split()


def rel(path):
    """A path as the report shows it: relative to the project root."""
    return os.path.relpath(path, ROOT)


class Config:
    def __init__(self):
        e = os.environ
        self.quick = e.get("BENCH_QUICK", "0") not in ("", "0")
        q = self.quick
        self.build = os.path.join(ROOT, e.get("HERD_BUILD") or "build")
        self.out = os.path.join(ROOT, e.get("BENCH_OUT") or os.path.join("bench", "out"))
        default_doc = os.path.join(self.out, "benchmarks.md") if q else \
            os.path.join(ROOT, "docs", "benchmarks.md")
        self.doc = os.path.join(ROOT, e["BENCH_DOC"]) if e.get("BENCH_DOC") else default_doc
        self.sets = env_list("BENCH_SETS", DEFAULT_SETS)
        self.sizes = [int(s) for s in env_list("BENCH_SIZES", "200" if q else "2000")]
        self.big = [int(s) for s in env_list("BENCH_BIG", "")]
        # One timed run (plus the probe run) for the ~30 s Criterion rows keeps
        # the default sets within about three minutes; fast rows get up to max.
        self.min_runs = env_int("BENCH_MIN_RUNS", 1)
        self.max_runs = env_int("BENCH_MAX_RUNS", 2 if q else 5)
        self.warmup = env_int("BENCH_WARMUP", 0)
        # Runners costing ~10 ms a test (Criterion) only up to this many items.
        self.slow_max = env_int("BENCH_SLOW_MAX", 2000)
        self.ms_workers = env_int("BENCH_MAKESPAN_WORKERS", 4)
        self.ms_total = 1.6 if q else 16.0
        self.groups_items = 200 if q else 2000
        # Sets whose headline is one efficiency figure get a few timed runs
        # each, not one: a single run on a shared machine is too noisy.
        self.eff_min_runs = max(self.min_runs, 2 if q else 3)
        self.lat_calls = env_int("BENCH_LAT_CALLS", 500 if q else 2000)
        self.lat_runs = env_int("BENCH_LAT_RUNS", 1 if q else 3)
        self.shard_items = 1000
        self.shards = 4
        self.timeout = env_int("BENCH_TIMEOUT", 120)
        self.cc = shlex.split(e.get("CC") or "cc")
        self.cflags = shlex.split(e.get("CFLAGS") or "-O2")
        # The big sets' empty tests compile three times faster unoptimized; the
        # per-item cost measured is libherd's, built with its own flags.
        self.big_cflags = shlex.split(e.get("BENCH_BIG_CFLAGS") or "-O0")
        self.jobs = os.cpu_count() or 1
        self.herd_lib = os.path.join(self.build, "libherd.a")
        self.herd_bin = os.path.join(self.build, "herd")
        self.have_lib = os.path.isfile(self.herd_lib)
        self.have_ctl = os.path.isfile(self.herd_bin) and os.access(self.herd_bin, os.X_OK)
        self.pytest = self.find_pytest()
        self.xdist = self.pytest is not None and self.has_xdist()
        self.have_check = pkg_config_exists("check")
        self.have_criterion = self.find_criterion()
        self.gnu_time = self.find_gnu_time()

    @staticmethod
    def find_gnu_time():
        path = shutil.which("time")
        if path and b"GNU" in subprocess.run(
                [path, "--version"], stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT).stdout:
            return path
        msg("GNU time not found: no peak RSS column (Debian package time)")
        return None

    def find_pytest(self):
        if os.environ.get("PYTEST"):
            cmd = shlex.split(os.environ["PYTEST"])
        elif shutil.which("pytest"):
            cmd = ["pytest"]
        else:
            cmd = [sys.executable, "-m", "pytest"]
        try:
            r = subprocess.run(cmd + ["--version"], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return cmd if r.returncode == 0 else None

    def has_xdist(self):
        r = subprocess.run(self.pytest + ["--help"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, timeout=60)
        return b"--numprocesses" in r.stdout

    def find_criterion(self):
        if pkg_config_exists("criterion"):
            return True
        # Debian's libcriterion-dev ships a .pc file; be lenient elsewhere.
        probe = "#include <criterion/criterion.h>\nTest(a, b) { }\n"
        with tempfile.TemporaryDirectory() as d:
            src = os.path.join(d, "c.c")
            with open(src, "w") as f:
                f.write(probe)
            r = subprocess.run(self.cc + [src, "-o", os.path.join(d, "c"), "-lcriterion"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            return r.returncode == 0


def pkg_config_exists(name):
    if not shutil.which("pkg-config"):
        return False
    return subprocess.run(["pkg-config", "--exists", name]).returncode == 0


def pkg_config(name):
    r = subprocess.run(["pkg-config", "--cflags", "--libs", name],
                       stdout=subprocess.PIPE, check=True, universal_newlines=True)
    return shlex.split(r.stdout)


# ---------------------------------------------------------------- building

def stale(target, sources):
    try:
        t = os.path.getmtime(target)
    except OSError:
        return True
    return any(os.path.getmtime(s) > t for s in sources)


def compile_and_link(cfg, wdir, sources, target, cflags, libs, hdeps=(), ldeps=()):
    """Build target in wdir from sources, one object each, compiled in parallel.
    Objects are rebuilt when their source or a header in hdeps changed, the
    target when an object or a library in ldeps did; a changed command line (a
    stamp file beside the target) rebuilds everything. Returns None or a
    one-line reason for failing."""
    stamp_path = os.path.join(wdir, target + ".cmd")
    stamp = " ".join(cfg.cc + cflags + ["::"] + libs) + "\n"
    try:
        with open(stamp_path) as f:
            same = f.read() == stamp
    except OSError:
        same = False
    objs = [s[:-2] + ".o" for s in sources]

    def cc1(pair):
        src, obj = pair
        if same and not stale(os.path.join(wdir, obj),
                              [os.path.join(wdir, src)] + list(hdeps)):
            return None
        r = subprocess.run(cfg.cc + cflags + ["-c", src, "-o", obj],
                           cwd=wdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True)
        return None if r.returncode == 0 else "%s: %s" % (src, r.stdout.strip()[-800:])

    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=cfg.jobs) as pool:
        errors = [e for e in pool.map(cc1, zip(sources, objs)) if e]
    if errors:
        return errors[0]
    if same and not stale(os.path.join(wdir, target),
                          [os.path.join(wdir, o) for o in objs] + list(ldeps)):
        return None
    r = subprocess.run(cfg.cc + cflags + objs + libs + ["-o", target], cwd=wdir,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True)
    if r.returncode != 0:
        return "link %s: %s" % (target, r.stdout.strip()[-800:])
    with open(stamp_path, "w") as f:
        f.write(stamp)
    dt = time.monotonic() - t0
    if dt > 5:
        msg("built %s in %.0f s" % (rel(os.path.join(wdir, target)), dt))
    return None


def build_herd(cfg, wdir, opt=None):
    if not cfg.have_lib:
        return "libherd.a not found in %s (build herd first)" % rel(cfg.build)
    srcs = sorted(f for f in os.listdir(wdir) if f.startswith("herd_") and f.endswith(".c"))
    inc = os.path.join(ROOT, "include")
    lib = cfg.herd_lib
    return compile_and_link(cfg, wdir, srcs, "herd.t",
                            (opt or cfg.cflags) + ["-I" + os.path.relpath(inc, wdir)],
                            [os.path.relpath(lib, wdir)],
                            hdeps=[os.path.join(inc, "herd.h")], ldeps=[lib])


def build_criterion(cfg, wdir):
    if not cfg.have_criterion:
        return "Criterion not found (Debian package libcriterion-dev)"
    libs = pkg_config("criterion") if pkg_config_exists("criterion") else ["-lcriterion"]
    return compile_and_link(cfg, wdir, ["criterion.c"], "criterion.t", cfg.cflags, libs)


def build_check(cfg, wdir):
    if not cfg.have_check:
        return "Check not found via pkg-config (Debian packages check, pkg-config)"
    return compile_and_link(cfg, wdir, ["check.c"], "check.t", cfg.cflags,
                            pkg_config("check"))


# ---------------------------------------------------------------- rows

class Row:
    """One line of a table: a runner, its command (argv, run in the workload
    folder with no shell), and what its output must show."""

    def __init__(self, runner, argv, expect=None, env=None, ref=False, prepare=None,
                 parallel=True, work_ref=False):
        self.runner = runner
        self.argv = argv
        self.expect = expect        # regex the output must match, or None
        self.env = env or {}
        self.ref = ref              # the row ratios are taken against
        self.prepare = prepare      # argv run (no shell) before every run, or None
        self.parallel = parallel    # False: a serial run, no efficiency figure
        self.work_ref = work_ref    # its wall time is the work actually done
        self.rss_kib = None
        self.probe_s = None         # wall time of the probe run
        self.stats = None

    @property
    def command(self):
        return " ".join(["%s=%s" % kv for kv in sorted(self.env.items())] +
                        [shlex.quote(a) for a in self.argv])


class BenchSet:
    def __init__(self, title, key, wdir, facts, note=""):
        self.title = title
        self.key = key
        self.wdir = wdir
        self.facts = facts
        self.note = note
        self.rows = []
        self.skipped = []           # (runner, reason)
        self.hyperfine = None       # the hyperfine argv, for the report
        self.bound = None           # makespan lower bound (s): efficiency column
        self.min_runs = None        # overrides cfg.min_runs
        self.body = None            # markdown replacing the hyperfine table
        self.after = ""             # markdown after the table

    @property
    def items(self):
        return int(self.facts["items"])

    def add(self, row):
        self.rows.append(row)

    def skip(self, runner, reason):
        self.skipped.append((runner, reason))
        msg("%s: skipping %s: %s" % (self.key, runner, reason))


def read_facts(wdir):
    facts = {}
    with open(os.path.join(wdir, "workload.txt")) as f:
        for line in f:
            k, _, v = line.strip().partition("=")
            facts[k] = v
    return facts


def generate(cfg, name, args, herd_only=False):
    wdir = os.path.join(cfg.out, name)
    gen.main(["gen.py"] + (["--herd-only"] if herd_only else []) + [wdir] +
             [str(a) for a in args])
    return wdir


def passed(n):
    return r"\b%d passed\b" % n


def peers(cfg, bs, builders):
    """Build the peers' binaries; returns {name: ok}."""
    ok = {}
    for name, build in builders:
        why = build(cfg, bs.wdir)
        ok[name] = why is None
        if why:
            bs.skip(name, why)
    return ok


def set_trivial(cfg, n):
    wdir = generate(cfg, "trivial_%d" % n, ["trivial", n])
    bs = BenchSet("Trivial: %d empty tests" % n, "trivial_%d" % n, wdir, read_facts(wdir),
                  "Every test has an empty body: the time is the runner's own "
                  "per-item cost plus its start-up.")
    builders = [("herd", build_herd), ("Check", build_check)]
    if n <= cfg.slow_max:
        builders.append(("Criterion", build_criterion))
    else:
        bs.skip("Criterion", "%d items > BENCH_SLOW_MAX=%d (it costs ~10 ms a test)"
                % (n, cfg.slow_max))
    ok = peers(cfg, bs, builders)
    if ok["herd"]:
        bs.add(Row("herd (alone, fork)", ["./herd.t", "--isolation", "fork", "-q"],
                   passed(n), ref=True))
        bs.add(Row("herd (alone, none)", ["./herd.t", "--isolation", "none", "-q"],
                   passed(n)))
        if cfg.have_ctl:
            bs.add(Row("herd -n 2 (fork)", ["herd", "-n", "2", "-q", "./herd.t"], passed(n)))
            bs.add(Row("herd -n 2 (none)",
                       ["herd", "-n", "2", "--isolation", "none", "-q", "./herd.t"],
                       passed(n)))
        else:
            bs.skip("herd -n 2", "no controller at %s yet" % rel(cfg.herd_bin))
    else:
        bs.skip("herd -n 2", "no herd test binary")
    if ok["Check"]:
        bs.add(Row("Check (fork, serial)", ["./check.t"], r"Checks: %d\b" % n,
                   env={"CK_FORK": "yes"}))
    if ok.get("Criterion"):
        # Criterion -q prints nothing, so there is no count to check.
        bs.add(Row("Criterion --jobs 1", ["./criterion.t", "--jobs", "1", "-q"]))
        bs.add(Row("Criterion --jobs 2", ["./criterion.t", "--jobs", "2", "-q"]))
    add_pytest_rows(cfg, bs, n, [[], ["-n", "2"]])
    return bs


def add_pytest_rows(cfg, bs, n, variants):
    if cfg.pytest is None:
        bs.skip("pytest", "pytest not found (Debian package python3-pytest)")
        return
    base = cfg.pytest + ["-p", "no:cacheprovider", "-q"]
    for extra in variants:
        if "-n" in extra and not cfg.xdist:
            bs.skip("pytest-xdist", "xdist plugin not found (Debian package "
                    "python3-pytest-xdist)")
            continue
        label = "pytest" + ("-xdist " + " ".join(extra) if extra else "")
        bs.add(Row(label, base + extra, passed(n)))


def set_makespan(cfg):
    w = cfg.ms_workers
    wdir = generate(cfg, "makespan", ["makespan", 100, cfg.ms_total])
    bs = BenchSet("Makespan: 100 sleeping tests, %d workers" % w, "makespan", wdir,
                  read_facts(wdir))
    total = float(bs.facts["total_s"])
    longest = float(bs.facts["longest_s"])
    bs.note = ("100 tests sleep lognormal durations (seed %d, sigma %.1f) totalling "
               "%.1f s; the longest (%.3f s) is defined last. Lower bound with %d "
               "workers: max(longest, total/%d) = %.3f s; efficiency = bound / wall. "
               "herd runs with `--no-cache`: no durations from earlier runs, as for "
               "the peers (the warm-cache set below has the figure with history)."
               % (gen.MAKESPAN_SEED, gen.MAKESPAN_SIGMA, total, longest, w, w,
                  max(longest, total / w)))
    bs.bound = max(longest, total / w)
    if not cfg.have_ctl:
        bs.skip("herd -n %d" % w, "no controller at %s yet" % rel(cfg.herd_bin))
        return bs
    ok = peers(cfg, bs, [("herd", build_herd), ("Criterion", build_criterion)])
    if ok["herd"]:
        bs.add(Row("herd -n %d (fork)" % w,
                   ["herd", "-n", str(w), "-q", "--no-cache", "./herd.t"],
                   passed(100), ref=True))
        bs.add(Row("herd -n %d (none)" % w,
                   ["herd", "-n", str(w), "--isolation", "none", "-q", "--no-cache",
                    "./herd.t"], passed(100)))
    if ok["Criterion"]:
        bs.add(Row("Criterion --jobs %d" % w, ["./criterion.t", "--jobs", str(w), "-q"]))
    bs.skip("Check", "runs serially: its wall time is the total, %.0f s" % total)
    add_pytest_rows(cfg, bs, 100, [["-n", str(w)]])
    return bs


def set_groups(cfg):
    n = cfg.groups_items
    wdir = generate(cfg, "groups", ["groups", n, 20])
    bs = BenchSet("Serial groups: %d empty tests in 20 groups" % n, "groups", wdir,
                  read_facts(wdir),
                  "Test i belongs to group g(i mod 20), each group HERD_SERIAL (one "
                  "process, in order); pytest-xdist gets the same groups as "
                  "xdist_group marks with --dist loadgroup.")
    if not cfg.have_ctl:
        bs.skip("herd -n 2", "no controller at %s yet" % rel(cfg.herd_bin))
        return bs
    ok = peers(cfg, bs, [("herd", build_herd)])
    if ok["herd"]:
        bs.add(Row("herd -n 2", ["herd", "-n", "2", "-q", "./herd.t"], passed(n), ref=True))
        bs.add(Row("herd (alone, fork)", ["./herd.t", "-q"], passed(n)))
    add_pytest_rows(cfg, bs, n, [["-n", "2", "--dist", "loadgroup"]])
    return bs


def set_groupsleep(cfg):
    n, g = cfg.groups_items, 20
    wdir = generate(cfg, "groupsleep", ["groupsleep", n, g])
    bs = BenchSet("Serial groups makespan: %d sleeping tests in %d groups, 2 workers"
                  % (n, g), "groupsleep", wdir, read_facts(wdir))
    total = float(bs.facts["total_s"])
    lgroup = float(bs.facts["longest_group_s"])
    lo, hi = gen.GROUPSLEEP_US
    bs.bound = max(lgroup, total / 2)
    bs.min_runs = cfg.eff_min_runs
    bs.note = ("Test i belongs to group g(i mod %d), each group HERD_SERIAL (one "
               "process, in order), and sleeps (nanosleep) a uniform %d–%d µs "
               "(seed %d): %.3f s of sleep in all, the longest group %.3f s. Lower "
               "bound with 2 workers: max(longest group, total/2) = %.3f s; "
               "efficiency = bound / wall. herd runs with `--no-cache` (no history). "
               "nanosleep overshoots every sleep a little, so the work really done "
               "is more than the nominal sum: the serial row runs the same tests "
               "one after the other in one process (`--isolation none`, a few µs "
               "a test of its own), and *eff. vs measured work* puts its wall "
               "time in place of the nominal total. pytest-xdist gets the same "
               "groups as xdist_group marks with --dist loadgroup."
               % (g, lo, hi, gen.GROUPSLEEP_SEED, total, lgroup, bs.bound))
    if not cfg.have_ctl:
        bs.skip("herd -n 2", "no controller at %s yet" % rel(cfg.herd_bin))
        return bs
    ok = peers(cfg, bs, [("herd", build_herd)])
    if ok["herd"]:
        bs.add(Row("herd -n 2 (fork)", ["herd", "-n", "2", "-q", "--no-cache", "./herd.t"],
                   passed(n), ref=True))
        bs.add(Row("herd -n 2 (none)", ["herd", "-n", "2", "--isolation", "none", "-q",
                                        "--no-cache", "./herd.t"], passed(n)))
        bs.add(Row("herd alone (none, serial)", ["./herd.t", "--isolation", "none", "-q"],
                   passed(n), parallel=False, work_ref=True))
    add_pytest_rows(cfg, bs, n, [["-n", "2", "--dist", "loadgroup"]])
    return bs


def set_warm(cfg):
    w = cfg.ms_workers
    wdir = generate(cfg, "makespan", ["makespan", 100, cfg.ms_total])
    bs = BenchSet("Makespan with a warm cache: 100 sleeping tests, %d workers" % w,
                  "warm", wdir, read_facts(wdir))
    total = float(bs.facts["total_s"])
    longest = float(bs.facts["longest_s"])
    bs.bound = max(longest, total / w)
    bs.min_runs = cfg.eff_min_runs
    bs.note = ("The makespan workload. *cold* rows start from an empty cache "
               "(`--cache-clear` on a folder of their own): herd knows no durations, "
               "and the longest test is defined last. "
               "*warm* rows get, before every run (hyperfine's `--prepare`), a fresh "
               "copy of a cache that one earlier run of the same command wrote "
               "(`cache-warm-fork/`, `cache-warm-none/`), so each timed run starts "
               "from the same history and schedules longest first. Lower bound "
               "max(longest, total/%d) = %.3f s; efficiency = bound / wall."
               % (w, bs.bound))
    if not cfg.have_ctl:
        bs.skip("herd -n %d" % w, "no controller at %s yet" % rel(cfg.herd_bin))
        return bs
    if not peers(cfg, bs, [("herd", build_herd)])["herd"]:
        return bs
    notes = []
    for iso in ("fork", "none"):
        base = ["herd", "-n", str(w), "--isolation", iso, "-q"]
        warm, run = "cache-warm-%s" % iso, "cache-run-%s" % iso
        bs.add(Row("herd -n %d (%s, cold)" % (w, iso),
                   base + ["--cache-clear", "--cache-dir", "cache-cold-%s" % iso,
                           "./herd.t"], passed(100), ref=iso == "fork"))
        shutil.rmtree(os.path.join(wdir, warm), ignore_errors=True)
        msg("warm: warming %s/ with %s" % (warm, " ".join(base)))
        why = run_once(cfg, wdir, base + ["--cache-dir", warm, "./herd.t"], passed(100))
        if why is None:
            rc, out = run_cmd(cfg, wdir, ["herd", "--cache-show", "--cache-dir", warm])
            m = re.search(r"durations: (\d+) ids", out)
            if rc != 0 or not m or int(m.group(1)) != 100:
                why = "`herd --cache-show --cache-dir %s` does not list 100 durations" % warm
            else:
                notes.append("`%s/` holds %s durations" % (warm, m.group(1)))
        if why:
            bs.skip("herd -n %d (%s, warm)" % (w, iso), "warming the cache: %s" % why)
            continue
        bs.add(Row("herd -n %d (%s, warm)" % (w, iso),
                   base + ["--cache-dir", run, "./herd.t"], passed(100),
                   prepare=["sh", "-c", "rm -rf %s && cp -R %s %s" % (run, warm, run)]))
    if notes:
        bs.note += " Checked with `herd --cache-show` before timing: %s." % ", ".join(notes)
    bs.after = ("The warm rows' `--prepare` command is `sh -c 'rm -rf cache-run-ISO "
                "&& cp -R cache-warm-ISO cache-run-ISO'`.\n")
    return bs


def run_cmd(cfg, wdir, argv, env=None):
    """Run argv in wdir; returns (status, output). A run past BENCH_TIMEOUT is
    killed and reported as status -9."""
    with tempfile.TemporaryFile() as out:
        p = subprocess.Popen(argv, cwd=wdir, env=child_env(cfg, env or {}),
                             stdin=subprocess.DEVNULL, stdout=out,
                             stderr=subprocess.STDOUT, start_new_session=True)
        try:
            rc = p.wait(timeout=cfg.timeout)
        except subprocess.TimeoutExpired:
            kill_tree(p.pid)
            p.wait()
            rc = -9
        out.seek(0)
        return rc, out.read().decode("utf-8", "replace")


def run_once(cfg, wdir, argv, expect=None, env=None):
    """Run argv; None when it exits 0 showing expect, else why not."""
    rc, out = run_cmd(cfg, wdir, argv, env)
    tail = " | ".join(out.strip().splitlines()[-3:]) or "(no output)"
    if rc == -9:
        return "`%s` did not finish within BENCH_TIMEOUT=%d s" % (" ".join(argv), cfg.timeout)
    if rc != 0:
        return "`%s` exit status %d; output ends: %s" % (" ".join(argv), rc, tail)
    if expect and not re.search(expect, out):
        return "`%s` output does not show /%s/; it ends: %s" % (" ".join(argv), expect, tail)
    return None


def percentile(sorted_v, q):
    """Nearest-rank percentile of a sorted list."""
    k = max(0, min(len(sorted_v) - 1, int(-(-q * len(sorted_v) // 100)) - 1))
    return sorted_v[k]


LAT_OPS = (("lock", "herd_lock + herd_unlock, a lock of its own"),
           ("get", "herd_board_get of a key the other worker set"),
           ("shared", "herd_lock + herd_unlock, one lock both workers want"))


def set_latency(cfg):
    wdir = os.path.join(cfg.out, "latency")
    os.makedirs(wdir, exist_ok=True)
    with open(os.path.join(HERE, "latency.c"), encoding="utf-8") as f:
        gen.write(os.path.join(wdir, "latency.c"), f.read())
    n = cfg.lat_calls
    bs = BenchSet("Lock round trip and board get between two workers", "latency",
                  wdir, {"items": 4})
    bs.note = ("`bench/latency.c`: two tests run at once on `herd -n 2`, one in "
               "each worker (they meet on the board first, and the files they write "
               "name their worker: a run where they shared one is rejected). Each "
               "times %d calls of each operation with clock_gettime(CLOCK_MONOTONIC) "
               "around every call and writes the nanoseconds to a file; the table "
               "pools both tests over %s per isolation mode. These figures are "
               "measured inside the test process, not as whole-process wall time: "
               "a latency cannot be seen from outside. Each call is a round trip "
               "through the controller; the contended row includes waiting while "
               "the other worker holds the lock."
               % (n, "1 run" if cfg.lat_runs == 1 else "%d runs" % cfg.lat_runs))
    if not cfg.have_ctl:
        bs.skip("herd -n 2", "no controller at %s yet" % rel(cfg.herd_bin))
        return bs
    if not cfg.have_lib:
        bs.skip("herd", "libherd.a not found in %s (build herd first)" % rel(cfg.build))
        return bs
    inc = os.path.join(ROOT, "include")
    why = compile_and_link(cfg, wdir, ["latency.c"], "latency.t",
                           cfg.cflags + ["-I" + os.path.relpath(inc, wdir)],
                           [os.path.relpath(cfg.herd_lib, wdir)],
                           hdeps=[os.path.join(inc, "herd.h")], ldeps=[cfg.herd_lib])
    if why:
        bs.skip("herd", why)
        return bs
    lines = ["| operation | isolation | median (µs) | p99 (µs) | max (µs) | calls |",
             "|---|---|--:|--:|--:|--:|"]
    commands = []
    for iso in ("fork", "none"):
        argv = ["herd", "-n", "2", "--isolation", iso, "-q", "--no-cache", "./latency.t"]
        samples = {op: [] for op, _ in LAT_OPS}
        for k in range(cfg.lat_runs):
            raw = "raw-%s-%d" % (iso, k)
            shutil.rmtree(os.path.join(wdir, raw), ignore_errors=True)
            os.makedirs(os.path.join(wdir, raw))
            env = {"HERD_BENCH_LAT_DIR": raw, "HERD_BENCH_CALLS": str(n)}
            if k == 0:
                commands.append(Row("", argv, env=env).command.replace(raw, "DIR"))
            msg("latency: %s (run %d of %d)" % (" ".join(argv), k + 1, cfg.lat_runs))
            why = run_once(cfg, wdir, argv, passed(4), env)
            got, workers = {}, {}
            for t in ("a", "b"):
                if why:
                    break
                try:
                    with open(os.path.join(wdir, raw, t + ".txt")) as f:
                        head = f.readline().split()
                        workers[t] = head[1] if len(head) == 2 else "?"
                        for line in f:
                            op, ns = line.split()
                            got.setdefault(op, []).append(int(ns))
                except (OSError, ValueError) as e:
                    why = "cannot read %s/%s.txt: %s" % (raw, t, e)
            if not why and workers["a"] == workers["b"]:
                why = "tests a and b both ran in %s" % workers["a"]
            if not why and any(len(got.get(op, [])) != 2 * n for op, _ in LAT_OPS):
                why = "the files do not hold %d calls of each operation" % (2 * n)
            if why:
                bs.skip("isolation %s" % iso, why)
                samples = None
                break
            for op, _ in LAT_OPS:
                samples[op] += got[op]
        if not samples:
            continue
        for op, label in LAT_OPS:
            v = sorted(samples[op])
            lines.append("| %s | %s | %.1f | %.1f | %.1f | %d |"
                         % (label, iso, percentile(v, 50) / 1e3, percentile(v, 99) / 1e3,
                            v[-1] / 1e3, len(v)))
    bs.body = "\n".join(lines) + "\n" if len(lines) > 2 else "_Nothing measured._\n"
    bs.after = ("Run in the workload folder, %s each, with `$HERD_BUILD` first "
                "in `PATH`, DIR a fresh folder for each run:\n\n%s"
                % ("once" if cfg.lat_runs == 1 else "%d times" % cfg.lat_runs,
                   "".join("    %s\n" % c for c in commands)))
    return bs


def lpt(durs, nbins):
    """Longest processing time first onto the least loaded bin: the sums."""
    bins = [0.0] * nbins
    for d in sorted(durs, reverse=True):
        i = bins.index(min(bins))
        bins[i] += d
    return bins


def set_shard(cfg):
    n, k = cfg.shard_items, cfg.shards
    wdir = generate(cfg, "shard", ["shard", n])
    bs = BenchSet("Shard imbalance: %d lognormal durations into %d shards" % (n, k),
                  "shard", wdir, read_facts(wdir))
    total = float(bs.facts["total_s"])
    ideal = total / k
    bs.note = ("%d empty tests and `durations.json`, a pytest-split style "
               "`.test_durations` file giving each a lognormal duration (seed %d, "
               "median 0.1 s, sigma %.1f; %.1f s in all, the longest %.3f s). For "
               "each K, `herd --shard K/%d --collect-only` lists the shard's ids; "
               "the shard's time is the sum of their durations from the file. "
               "imbalance = largest shard / ideal (total/%d = %.3f s); 1.00 is "
               "perfect. Nothing runs, so nothing is timed. herd reads "
               "`--durations-path` only into an empty cache, hence `--cache-dir` "
               "on an empty folder."
               % (n, gen.SHARD_SEED, gen.MAKESPAN_SIGMA, total,
                  float(bs.facts["longest_s"]), k, k, ideal))
    if not cfg.have_ctl:
        bs.skip("herd --shard", "no controller at %s yet" % rel(cfg.herd_bin))
        return bs
    if not peers(cfg, bs, [("herd", build_herd)])["herd"]:
        return bs
    with open(os.path.join(wdir, "durations.json"), encoding="utf-8") as f:
        durs = json.load(f)
    lines = ["| split | command (K = 1…%d) | tests per shard | seconds per shard "
             "| largest / ideal |" % k, "|---|---|---|---|--:|"]
    splits = [
        ("herd, by durations", ["--cache-dir", "empty-cache", "--durations-path",
                                "durations.json"]),
        ("herd, no durations (by count)", ["--no-cache"]),
    ]
    for label, opts in splits:
        shards, why = [], None
        for i in range(1, k + 1):
            shutil.rmtree(os.path.join(wdir, "empty-cache"), ignore_errors=True)
            os.makedirs(os.path.join(wdir, "empty-cache"))
            argv = ["herd", "--shard", "%d/%d" % (i, k), "--collect-only"] + opts + ["./herd.t"]
            rc, out = run_cmd(cfg, wdir, argv)
            if rc != 0:
                why = "`%s` exit status %d: %s" % (" ".join(argv), rc,
                                                  " | ".join(out.strip().splitlines()[-3:]))
                break
            shards.append([l.strip() for l in out.splitlines() if "::" in l])
        if not why:
            seen = [i for s in shards for i in s]
            if sorted(seen) != sorted(durs):
                why = ("the %d shards list %d ids (%d distinct) for the %d tests"
                       % (k, len(seen), len(set(seen)), len(durs)))
        if why:
            bs.skip(label, why)
            continue
        sums = [sum(durs[i] for i in s) for s in shards]
        cmd = "`herd --shard K/%d --collect-only %s ./herd.t`" % (k, " ".join(opts))
        lines.append("| %s | %s | %s | %s | %.3f |"
                     % (label, cmd, " / ".join(str(len(s)) for s in shards),
                        " / ".join("%.2f" % x for x in sums), max(sums) / ideal))
    sums = lpt(list(durs.values()), k)
    lines.append("| LPT onto %d bins (computed by bench.py, for reference) | – | – | %s "
                 "| %.3f |" % (k, " / ".join("%.2f" % x for x in sums), max(sums) / ideal))
    bs.body = "\n".join(lines) + "\n"
    bs.after = ("Run in the workload folder with `$HERD_BUILD` first in `PATH`; "
                "`empty-cache/` is emptied before each command.\n")
    return bs


def set_big(cfg, n):
    msg("generating %d tests" % n)
    wdir = generate(cfg, "trivial_%d" % n, ["trivial", n], herd_only=True)
    bs = BenchSet("Many items: %d empty tests, herd only" % n, "big_%d" % n, wdir,
                  read_facts(wdir), "herd with --isolation none only: the per-item "
                  "cost of collection, dispatch and reporting at scale. The tests "
                  "are compiled with `%s` (BENCH_BIG_CFLAGS) to keep the build short."
                  % " ".join(cfg.big_cflags))
    why = build_herd(cfg, wdir, cfg.big_cflags)
    if why:
        bs.skip("herd", why)
        return bs
    bs.add(Row("herd (alone, none)", ["./herd.t", "--isolation", "none", "-q"],
               passed(n), ref=True))
    if cfg.have_ctl:
        bs.add(Row("herd -n 2 (none)",
                   ["herd", "-n", "2", "--isolation", "none", "-q", "./herd.t"], passed(n)))
    return bs


# ---------------------------------------------------------------- running

def child_env(cfg, extra):
    env = dict(os.environ)
    # The controller is called by its name, as a user would: put ours first.
    env["PATH"] = cfg.build + os.pathsep + env.get("PATH", "")
    env.update(extra)
    return env


def children_of():
    """{ppid: [pid, ...]} for every process, from /proc."""
    tree = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                stat = f.read()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: split after it.
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        tree.setdefault(ppid, []).append(int(name))
    return tree


def kill_tree(pid):
    """SIGKILL pid and everything below it. A test runner puts its tests in
    process groups of their own, so killing one group is not enough. Stopping
    first keeps a dying parent from spawning more while the tree is walked."""
    for sig in (signal.SIGSTOP, signal.SIGKILL):
        tree = children_of()
        todo, seen = [pid], []
        while todo:
            p = todo.pop()
            seen.append(p)
            todo += tree.get(p, [])
        for p in seen:
            try:
                os.kill(p, sig)
            except OSError:
                pass


def cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return [a.decode("utf-8", "replace") for a in f.read().split(b"\0")[:-1]]
    except OSError:
        return None


def watchdog(hf, limits, hung, stop):
    """Kill any command hyperfine runs that lives past its limit, so a hung
    runner costs one row, not the whole benchmark; hyperfine -i then records
    the failed run and measure() drops the row. limits maps a tuple argv to
    seconds; hung collects the argv of the commands killed."""
    born = {}
    while not stop.wait(1.0):    # coarse: limits are >= 30 s, and a scan costs CPU
        now = time.monotonic()
        for pid in children_of().get(hf.pid, []):
            argv = cmdline(pid)
            if not argv:
                continue
            key = (pid, tuple(argv))
            born.setdefault(key, now)
            row = which_row(argv, limits)
            limit = limits[row] if row else max(limits.values())
            if now - born[key] > limit:
                hung.add(row)
                kill_tree(pid)


def which_row(cmd, limits):
    """The row argv (a key of limits) that the process command line cmd runs.
    A script's command line is its interpreter, the script's full path, then
    the arguments, so only the base name of argv[0] and the tail can match."""
    for argv in limits:
        n = len(argv)
        if len(cmd) >= n and tuple(cmd[len(cmd) - n + 1:]) == argv[1:] and \
                os.path.basename(cmd[len(cmd) - n]) == os.path.basename(argv[0]):
            return argv
    return None


def probe(cfg, bs, row):
    """Run row once: returns None (and sets row.rss_kib) or why it is unusable.

    Peak RSS comes from GNU time (Debian package time), a small C program: the
    RSS a process had before exec() counts in its ru_maxrss, so measuring from
    Python itself would report Python's size for every row."""
    tag = re.sub(r"[^A-Za-z0-9]+", "_", row.runner).strip("_")
    log = os.path.join(bs.wdir, "probe-%s.log" % tag)
    rss = os.path.join(bs.wdir, "probe-%s.rss" % tag)
    argv = row.argv
    if cfg.gnu_time:
        argv = [cfg.gnu_time, "-f", "%M", "-o", rss] + argv
    if row.prepare:
        r = subprocess.run(row.prepare, cwd=bs.wdir, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True)
        if r.returncode != 0:
            return "its preparation `%s` failed: %s" % (
                " ".join(shlex.quote(a) for a in row.prepare), r.stdout.strip()[-300:])
    with open(log, "w+b") as out:
        try:
            p = subprocess.Popen(argv, cwd=bs.wdir, env=child_env(cfg, row.env),
                                 stdin=subprocess.DEVNULL, stdout=out,
                                 stderr=subprocess.STDOUT, start_new_session=True)
        except OSError as e:
            return "cannot start %s: %s" % (argv[0], e.strerror)
        t0 = time.monotonic()
        try:
            status = p.wait(timeout=cfg.timeout)
        except subprocess.TimeoutExpired:
            kill_tree(p.pid)
            p.wait()
            return "did not finish within BENCH_TIMEOUT=%d s" % cfg.timeout
        row.probe_s = time.monotonic() - t0
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    tail = " | ".join(text.strip().splitlines()[-3:]) or "(no output)"
    if cfg.gnu_time:
        try:
            with open(rss) as f:
                lines = f.read().strip().splitlines()
        except OSError:
            lines = []
        # GNU time adds "Command terminated by signal N" or "Command exited
        # with non-zero status N" before the format's line.
        for line in lines[:-1]:
            m = re.match(r"Command terminated by signal (\d+)", line)
            if m:
                return "killed by signal %s; output ends: %s" % (m.group(1), tail)
        if lines and lines[-1].isdigit():
            row.rss_kib = int(lines[-1])
    if status < 0:
        return "killed by signal %d; output ends: %s" % (-status, tail)
    if status != 0:
        return "exit status %d; output ends: %s" % (status, tail)
    if row.expect and not re.search(row.expect, text):
        return "output does not show /%s/; it ends: %s" % (row.expect, tail)
    return None


def measure(cfg, bs):
    good = []
    for row in bs.rows:
        msg("%s: probing %s" % (bs.key, row.command))
        why = probe(cfg, bs, row)
        if why:
            bs.skip(row.runner, "`%s`: %s" % (row.command, why))
        else:
            good.append(row)
    bs.rows = good
    if not good:
        return
    # Two sets may share a workload folder (makespan and warm).
    jpath = os.path.join(bs.wdir, "hyperfine.json" if bs.key == os.path.basename(bs.wdir)
                         else "hyperfine-%s.json" % bs.key)
    # -i: a run that fails must not abort the other rows; exit codes are
    # checked per row below instead.
    min_runs = bs.min_runs or cfg.min_runs
    hf = ["hyperfine", "-N", "-i", "--style", "basic", "--warmup", str(cfg.warmup),
          "--min-runs", str(min_runs), "--max-runs", str(max(min_runs, cfg.max_runs))]
    if any(r.prepare for r in good):
        # One --prepare per command, in order; `true` for those needing none.
        for row in good:
            hf += ["--prepare", " ".join(shlex.quote(a) for a in row.prepare or ["true"])]
    bs.hyperfine = hf + ["--export-json", "<file>"]
    argv = hf + ["--export-json", jpath]
    env = child_env(cfg, {})
    for row in good:
        # -N runs commands without a shell; their environment is the one
        # hyperfine inherits, so the rows' variables (CK_FORK) are set here.
        env.update(row.env)
        argv += ["--command-name", row.runner,
                 " ".join(shlex.quote(a) for a in row.argv)]
    msg("%s: timing %d commands with hyperfine" % (bs.key, len(good)))
    sys.stdout.flush()
    limits = {tuple(r.argv): max(30.0, 5 * r.probe_s) for r in good}
    hung, stop = set(), threading.Event()
    hf = subprocess.Popen(argv, cwd=bs.wdir, env=env, stdout=sys.stderr)
    dog = threading.Thread(target=watchdog, args=(hf, limits, hung, stop), daemon=True)
    dog.start()
    hf.wait()
    stop.set()
    dog.join()
    r = hf
    if r.returncode != 0:
        for row in good:
            bs.skip(row.runner, "hyperfine failed (status %d)" % r.returncode)
        bs.rows = []
        return
    with open(jpath) as f:
        results = json.load(f)["results"]
    bs.rows = []
    for row, res in zip(good, results):
        codes = [c for c in res.get("exit_codes") or [] if c != 0]
        if tuple(row.argv) in hung:
            bs.skip(row.runner, "`%s` hung in a timed run: killed after %.0f s (its "
                    "probe run took %.1f s)" % (row.command, limits[tuple(row.argv)],
                                                row.probe_s))
            continue
        if codes:
            bs.skip(row.runner, "`%s` failed in %d of %d timed runs (exit status %s)%s"
                    % (row.command, len(codes), len(res["times"]),
                       ", ".join(sorted(set("signal" if c is None else str(c)
                                            for c in codes))),
                       failure_sample(cfg, bs, row)))
            continue
        row.stats = res
        bs.rows.append(row)


def failure_sample(cfg, bs, row, tries=10):
    """Rerun a row that failed under hyperfine until it fails again, to show
    what it said; returns text to append to the skip reason."""
    for _ in range(tries):
        why = probe(cfg, bs, row)
        if why:
            return "; a rerun failed with %s" % why
    return "; %d reruns passed" % tries


# ---------------------------------------------------------------- report

def shown_arg(a):
    """An argument as a reader would type it in a shell."""
    if a == "<file>" or a == shlex.quote(a):
        return a
    if not re.search(r'["$`\\]', a):
        return '"%s"' % a
    return shlex.quote(a)


def fmt_s(x):
    return "%.3f" % x if x < 10 else "%.2f" % x


def table(bs):
    if not bs.rows:
        return "_No runner could be measured._\n"
    ref = next((r for r in bs.rows if r.ref), None)
    bound = bs.bound
    work = next((r for r in bs.rows if r.work_ref), None)
    head = ["runner", "command", "wall median (s)", "± σ (s)", "runs"]
    if bound:
        head.append("efficiency")
        if work:
            # The same bound with the work the serial row really took in
            # place of the nominal sleeps (nanosleep overshoots).
            scale = work.stats["median"] / float(bs.facts["total_s"])
            head.append("eff. vs measured work")
    else:
        head.append("per test (µs)")
    head += ["vs %s" % (ref.runner if ref else "herd"), "peak RSS (MiB)"]
    lines = ["| " + " | ".join(head) + " |",
             "|" + "|".join(["---"] * 2 + ["--:"] * (len(head) - 2)) + "|"]
    for r in bs.rows:
        med = r.stats["median"]
        sd = r.stats.get("stddev")
        cells = [r.runner, "`%s`" % r.command, fmt_s(med),
                 fmt_s(sd) if sd is not None else "–", str(len(r.stats["times"]))]
        if bound and not r.parallel:
            cells += ["serial"] + (["(reference)"] if work else [])
        elif bound:
            cells.append("%.2f" % (bound / med))
            if work:
                cells.append("%.2f" % (bound * scale / med))
        else:
            cells.append("%.1f" % (med / bs.items * 1e6))
        cells.append("%.2f×" % (med / ref.stats["median"]) if ref else "n/a")
        cells.append("%.1f" % (r.rss_kib / 1024.0) if r.rss_kib else "n/a")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def section(bs):
    parts = ["## %s\n" % bs.title, "Workload `%s/`. %s\n" % (rel(bs.wdir), bs.note)]
    parts.append(bs.body if bs.body is not None else table(bs))
    if bs.after:
        parts.append(bs.after)
    if bs.hyperfine:
        parts.append("Timed with `%s` and the commands above, all rows in one "
                     "invocation, in the workload folder, with `$HERD_BUILD` first "
                     "in `PATH` (so `herd` is the controller just built).\n"
                     % " ".join(shown_arg(a) for a in bs.hyperfine))
    if bs.skipped:
        parts.append("Not measured:\n\n" + "".join(
            "- %s: %s\n" % (who, why) for who, why in bs.skipped))
    return "\n".join(parts)


def cmd_version(argv):
    try:
        r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = r.stdout.strip().splitlines()
    return lines[0].strip() if r.returncode == 0 and lines else None


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "unknown"


def machine(cfg, load0):
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    facts = [("nproc", str(cfg.jobs)), ("CPU", cpu),
             ("kernel", "%s %s" % (platform.system(), platform.release())),
             ("load average (1, 5, 15 min)", "%s at the start, %s at the end"
              % (load0, loadavg()))]
    tools = [("cc", cmd_version(cfg.cc + ["--version"])),
             ("hyperfine", cmd_version(["hyperfine", "--version"])),
             ("Criterion", cmd_version(["pkg-config", "--modversion", "criterion"])),
             ("Check", cmd_version(["pkg-config", "--modversion", "check"])),
             ("pytest", cmd_version(cfg.pytest + ["--version"]) if cfg.pytest else None),
             ("python", platform.python_version())]
    rev = cmd_version(["git", "-C", ROOT, "describe", "--always", "--dirty"])
    facts.append(("herd", "%s; test files built with `%s`"
                  % (rev or "no commit yet", " ".join(cfg.cc + cfg.cflags))))
    facts += [(k, v) for k, v in tools if v]
    return "".join("- %s: %s\n" % kv for kv in facts)


def invocation():
    env = ["%s=%s" % (k, shlex.quote(os.environ[k])) for k in KNOBS
           if os.environ.get(k)]
    return " ".join(env + ["sh", "bench/run.sh"])


# The sections that other scripts measure (bench/fixtures.sh, binaries.sh,
# percost.sh) follow this line in the report: a run of this script rewrites
# what comes before it and keeps the rest as it is.
KEEP_MARK = "<!-- The sections below come from other bench/ scripts; bench.py keeps them. -->"


def kept_sections(doc):
    try:
        with open(doc, encoding="utf-8") as f:
            text = f.read()
    except OSError:
        text = ""
    at = text.find(KEEP_MARK)
    return KEEP_MARK + "\n" + (text[at + len(KEEP_MARK):].lstrip("\n") if at >= 0 else "")


def write_doc(cfg, sets, started, load0):
    intro_path = os.path.join(HERE, "intro.md")
    with open(intro_path, encoding="utf-8") as f:
        intro = f.read().rstrip() + "\n"
    parts = [intro,
             "## How these numbers were made\n",
             "Produced by `%s` (what `make bench` runs) on %s, in %.0f s. The "
             "script wrote this file; edit `bench/intro.md` for the text above.\n"
             % (invocation(), time.strftime("%Y-%m-%d", time.gmtime(started)),
                time.time() - started),
             machine(cfg, load0)]
    parts += [section(bs) for bs in sets]
    parts.append(kept_sections(cfg.doc))
    text = "\n".join(parts)
    os.makedirs(os.path.dirname(cfg.doc), exist_ok=True)
    tmp = cfg.doc + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, cfg.doc)
    msg("wrote %s" % rel(cfg.doc))


def main():
    started = time.time()
    load0 = loadavg()
    cfg = Config()
    try:
        if float(load0.split()[0]) > cfg.jobs / 2:
            msg("load average %s on %d CPUs: expect noisy numbers" % (load0, cfg.jobs))
    except ValueError:
        pass
    if not shutil.which("hyperfine"):
        die("hyperfine not found (Debian package hyperfine)")
    if not cfg.have_lib:
        msg("no %s: herd rows are skipped (build herd first)" % rel(cfg.herd_lib))
    os.makedirs(cfg.out, exist_ok=True)
    makers = {"trivial": lambda: [set_trivial(cfg, n) for n in cfg.sizes],
              "makespan": lambda: [set_makespan(cfg)],
              "warm": lambda: [set_warm(cfg)],
              "groups": lambda: [set_groups(cfg)],
              "groupsleep": lambda: [set_groupsleep(cfg)],
              "latency": lambda: [set_latency(cfg)],
              "shard": lambda: [set_shard(cfg)],
              "big": lambda: [set_big(cfg, n) for n in cfg.big]}
    sets = []
    for name in cfg.sets:
        if name not in makers:
            die("unknown set %r in BENCH_SETS (known: %s)" % (name, " ".join(makers)))
        for bs in makers[name]():
            if bs.rows:
                measure(cfg, bs)
            sets.append(bs)
            sys.stdout.write("\n" + section(bs))
            sys.stdout.flush()
    write_doc(cfg, sets, started, load0)


if __name__ == "__main__":
    main()

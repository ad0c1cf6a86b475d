/*
 * main.c - the herd controller's command line and herd.ini, then the run's
 * sequence: find the binaries, collect, select, run, report. The steps live
 * in their own files: src/binaries.c, src/select.c, src/history.c,
 * src/reporters.c, src/pytest.c, src/looponfail.c.
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "binaries.h"
#include "build.h"
#include "cli.h"
#include "ctl.h"
#include "expr.h"
#include "history.h"
#include "ini.h"
#include "looponfail.h"
#include "merge.h"
#include "project.h"
#include "quote.h"
#include "remote.h"
#include "reporters.h"
#include "select.h"
#include "plugin.h"
#include "pytest.h"
#include "shard.h"

#include "herd_version.h"
#define VERSION HERD_VERSION

static const char usage_text[] =
"usage: herd [options] [paths]\n"
"Runs herd test binaries (or the folders holding them) across worker processes.\n"
"Without paths, the testpaths of herd.ini's [herd] section.\n"
"\n"
"distribution:\n"
"  -n N|auto|logical    number of workers (default auto: physical cores, or\n"
"                       HERD_NUM_WORKERS; logical: CPUs); -n 0 runs one worker\n"
"  --maxprocesses N     at most N workers\n"
"  --tx SPEC            workers elsewhere: N*popen, N*ssh=[user@]host[:port],\n"
"                       N*cmd=COMMAND, then //chdir=DIR, //herd=PATH (repeatable)\n"
"  --tx-timeout S       a silent remote host is lost after S seconds (default 30)\n"
"  --dist MODE          load (default), loadscope, loadfile, loadgroup,\n"
"                       worksteal, each or no\n"
"  --isolation MODE     fork (default): each test in its own process;\n"
"                       none: tests run in the worker, a crash replaces it\n"
"  --max-worker-restart N  workers replaced after crashes (default 4 x workers)\n"
"  --resource NAME=N    N tokens of resource NAME (default 1 each)\n"
"selection:\n"
"  -k EXPR              tests whose node id matches EXPR (and, or, not, ())\n"
"  -m EXPR              tests whose marks match EXPR (also --marker-expression)\n"
"  --collect-only       list the selected node ids and exit\n"
"running:\n"
"  -x, --exitfirst      stop at the first failure\n"
"  --maxfail N          stop after N failures\n"
"  --timeout S          seconds an item may take (0: no limit, the default)\n"
"  --reruns N           rerun a failed, crashed or timed-out item up to N times;\n"
"                       passing on a rerun is 'flaky' (.reruns sets it per test)\n"
"  --reruns-delay S     wait S seconds before each rerun\n"
"  --flaky-fails        flaky items make the run fail\n"
"  --no-isolation-check with --isolation none, do not rerun a failure alone (by\n"
"                       default one that passes alone is reported\n"
"                       'order-dependent: passes alone', naming the tests\n"
"                       that ran before it in its process)\n"
"  --bisect ID          find the earlier test (or fewest tests together) that\n"
"                       make ID fail in one process\n"
"                       (alias --find-polluter): bisects what ran before it in\n"
"                       its last order-dependent failure, or with -k/-m (or\n"
"                       without that history) the other selected tests of its\n"
"                       binary; exit 0 found, 1 none\n"
"  --bisect-max-runs N  runs --bisect may take at most (100; at least 2)\n"
"history (the cache, .herd_cache/ in the project root):\n"
"  --lf, --last-failed  run only the items that failed last time (all if none)\n"
"  --ff, --failed-first run those first, then the rest\n"
"  --nf, --new-first    run items the cache has never seen first\n"
"  --no-cache           neither read nor write the cache\n"
"  --cache-dir DIR      the cache's folder; --cache-clear empties it first;\n"
"                       --cache-show prints it and exits\n"
"  --store-durations    also write the durations as pytest-split's JSON\n"
"  --durations-path F   that file (default .test_durations); read when present\n"
"  --random-order       shuffle the order; --random-seed N replays a shuffle\n"
"  --shard K/N          run the K-th of N parts, balanced by known durations\n"
"  -f, --looponfail     rerun the failing items whenever a binary changes\n"
"  herd merge OUT IN... merge shard reports (.xml or .json) into one\n"
"tasks (docs/tasks.md):\n"
"  herd build [--dry-run] [--force] [--explain] [-n N] [-k E] [-m E] [-x] [paths]\n"
"                       run the out-of-date tasks in dependency order\n"
"  herd collect [--nodes]   the tasks, with their files\n"
"  herd dag [-o F.svg|F.png|F.pdf|F.dot] [--rankdir LR]   the graph\n"
"  herd markers         the markers tasks may carry\n"
"  herd profile [--export csv|json]   last durations and product sizes\n"
"  herd clean [--mode dry-run|force|interactive] [--exclude GLOB]\n"
"                       the project's files no task knows\n"
"  --kill-grace S       seconds between SIGTERM and SIGKILL (1)\n"
"  --collect-timeout S  seconds a binary may take to list its tests (60)\n"
"  -s                   no capture: test output is shown live, by worker\n"
"  --chdir WHERE        the test binaries' working directory: invocation (where\n"
"                       herd started, the default), binary (the binary's\n"
"                       folder) or rootdir (the folder holding herd.ini)\n"
"reporting:\n"
"  -v, -q               more or less output\n"
"  --durations N        the N slowest items (0: all)\n"
"  --junit-xml FILE     JUnit XML report\n"
"  --junit-family F     its dialect: xunit2 (default; Jenkins' schema) or\n"
"                       xunit1 (adds file and line to each testcase)\n"
"  --json FILE          JSON report of every item\n"
"  --tap                TAP version 13 on stdout instead of the report\n"
"  --color WHEN         yes, no or auto (honours NO_COLOR)\n"
"  --trace FILE         the run as a Chrome trace (Perfetto, chrome://tracing)\n"
"  --html FILE          the run as one self-contained HTML page\n"
"plugins (docs/plugins.md):\n"
"  -p PLUGIN            load a plugin: a .so path, or NAME (NAME.so in\n"
"                       $HERD_PLUGIN_PATH, then the install's lib/herd/plugins)\n"
"  -p no:NAME           switch a plugin off, built-ins included (terminal,\n"
"                       junitxml, json, tap, trace, html, github)\n"
"  --version, -h/--help\n"
"\n"
"Exit status: 0 all passed, 1 some failed, 2 interrupted, 3 internal error,\n"
"4 usage error, 5 no tests collected or selected.\n";

/* ---- worker counts ---- */

static int
count_logical(void)
{
	cpu_set_t set;
	long n;

	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return CPU_COUNT(&set);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

/* Physical cores among the CPUs we may use: distinct (package, core) pairs. */
static int
count_physical(void)
{
	cpu_set_t set;
	long seen[1024][2];
	int n = 0, cpu, k;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return count_logical();
	for (cpu = 0; cpu < CPU_SETSIZE && n < 1024; cpu++) {
		char path[128], *s;
		long core, pkg;

		if (!CPU_ISSET(cpu, &set))
			continue;
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/topology/core_id", cpu);
		if (!(s = hd_read_file(path, NULL)))
			return count_logical();
		core = atol(s);
		free(s);
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/topology/physical_package_id", cpu);
		pkg = (s = hd_read_file(path, NULL)) ? atol(s) : 0;
		free(s);
		for (k = 0; k < n; k++)
			if (seen[k][0] == pkg && seen[k][1] == core)
				break;
		if (k == n) {
			seen[n][0] = pkg;
			seen[n][1] = core;
			n++;
		}
	}
	return n > 0 ? n : count_logical();
}

static int opt_auto;		/* -n auto without HERD_NUM_WORKERS: plugins may answer */

static int
parse_workers(const char *s)
{
	const char *env = getenv("HERD_NUM_WORKERS");
	char *end;
	long v;

	if (!strcmp(s, "auto")) {
		opt_auto = 1;
		if (env && *env) {
			v = strtol(env, &end, 10);
			if (*end || v < 1 || v > 4096)
				hd_usage_error("HERD_NUM_WORKERS must be a number from 1 to 4096, not '%s'", env);
			opt_auto = 0;
			return (int)v;
		}
		return count_physical();
	}
	if (!strcmp(s, "logical"))
		return count_logical();
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > 4096)
		hd_usage_error("-n takes a number from 0 to 4096, auto or logical, not '%s'", s);
	return (int)v;
}

/* ---- options ---- */

static struct history_opts opt_hist;	/* the cache, --durations-path, --shard */
static int opt_cache_clear, opt_cache_show, opt_loop;
static const char *opt_bisect;	/* --bisect ID */
static int opt_bisect_max_runs = 100;	/* --bisect-max-runs N */
static struct report_settings reporting;	/* --junit-xml, --json, ...: src/reporters.h */
static enum workdir opt_chdir;
static char *ini_dir;		/* where herd.ini is: the project root */
static struct verb_opts verbo;	/* herd build, clean, ...: the verb and its options */

/* --chdir and chdir =: the mode, or -1 for an unknown name. */
static int
parse_workdir(const char *s)
{
	static const char *const names[] = { "invocation", "binary", "rootdir" };
	int k;

	for (k = 0; k < (int)LEN(names); k++)
		if (!strcmp(s, names[k]))
			return k;
	return -1;
}

/* --resource NAME=N: N tokens of NAME (a name not given has 1). */
static void
add_capacity(struct ctl *c, const char *spec)
{
	const char *eq = strchr(spec, '=');
	char *end;
	long n;

	if (!eq || eq == spec)
		hd_usage_error("--resource takes NAME=N, not '%s'", spec);
	/* (the index is taken below, once the value is known to be good) */
	n = strtol(eq + 1, &end, 10);
	if (*end || end == eq + 1 || n < 1 || n > 1000000)
		hd_usage_error("--resource takes NAME=N with N from 1, not '%s'", spec);
	int r = ctl_resource(c, spec, (size_t)(eq - spec));

	c->res[r].cap = n;	/* after the call: it may move c->res */
}

/* The --dist modes, in the order of enum dist. */
static const char *const dists[] = {
	"load", "loadscope", "loadfile", "loadgroup", "worksteal", "each", "no"
};

/* ---- herd --pytest (docs/pytest.md; src/pytest.c runs it) ---- */

static int opt_pytest;		/* --pytest, or runner = pytest in herd.ini */
static const char *opt_python = "python3";

/* --pytest and --python PATH; 1 when arg was one of them. */
static int
pytest_option(int argc, char **argv, int *i, const char *name, const char *eq)
{
	if (!strcmp(name, "--pytest")) {
		opt_pytest = 1;
		return 1;
	}
	if (!strcmp(name, "--python")) {
		opt_python = hd_opt_value(argc, argv, i, eq);
		opt_pytest = 1;
		return 1;
	}
	return 0;
}

/* herd.ini's runner = herd (the default) or pytest. */
static void
pytest_ini(const struct hd_ini_entry *e, size_t n, const char *path)
{
	const char *v = hd_ini_get(e, n, "herd", "runner");
	char q[HD_QUOTE_SIZE];

	if (!v)
		return;
	if (strcmp(v, "pytest") && strcmp(v, "herd")) {
		fprintf(stderr, "herd: %s: runner takes herd or pytest, not '%s'\n", path,
			hd_quote_str(q, v));
		exit(HD_EXIT_USAGE);
	}
	opt_pytest = !strcmp(v, "pytest");
}

struct args {
	char **paths;
	size_t npaths;
	int nworkers, maxprocesses;
	int tx, tx_local;	/* --tx given; its popen workers */
};

static void
parse_args(struct ctl *c, struct args *a, int argc, char **argv)
{
	int i, k;

	for (i = 0; i < argc; i++) {
		const char *arg = argv[i], *v;
		char name[64];
		const char *eq = hd_opt_split(arg, name, sizeof(name));
		if (!strcmp(name, "-h") || !strcmp(name, "--help")) {
			fputs(usage_text, stdout);
			plug_help(stdout);
			exit(0);
		} else if (!strcmp(name, "--version")) {
			printf("herd %s\n", VERSION);
			exit(0);
		} else if (!strncmp(arg, "-n", 2) && !eq && strcmp(arg, "--")) {
			a->nworkers = parse_workers(arg[2] ? arg + 2 : hd_opt_value(argc, argv, &i, NULL));
		} else if (!strcmp(name, "--numprocesses")) {
			a->nworkers = parse_workers(hd_opt_value(argc, argv, &i, eq));
		} else if (!strcmp(name, "--tx")) {
			hosts_add_spec(c, hd_opt_value(argc, argv, &i, eq), &a->tx_local);
			a->tx = 1;
		} else if (!strcmp(name, "--tx-timeout")) {
			c->tx_timeout = hd_opt_seconds("--tx-timeout", hd_opt_value(argc, argv, &i, eq));
			if (c->tx_timeout <= 0)
				hd_usage_error("--tx-timeout takes seconds above 0, not '%s'", "0");
		} else if (!strcmp(name, "--maxprocesses")) {
			a->maxprocesses = hd_opt_count("--maxprocesses", hd_opt_value(argc, argv, &i, eq));
		} else if (!strcmp(name, "--dist")) {
			v = hd_opt_value(argc, argv, &i, eq);
			for (k = 0; k < (int)LEN(dists) && strcmp(dists[k], v); k++)
				;
			if (k == (int)LEN(dists))
				hd_usage_error("unknown --dist mode '%s'", v);
			c->dist = (enum dist)k;
		} else if (!strcmp(name, "--isolation")) {
			v = hd_opt_value(argc, argv, &i, eq);
			if (strcmp(v, "fork") && strcmp(v, "none"))
				hd_usage_error("--isolation takes fork or none, not '%s'", v);
			c->isolation_none = !strcmp(v, "none");
		} else if (!strcmp(name, "--resource")) {
			add_capacity(c, hd_opt_value(argc, argv, &i, eq));
		} else if (!strcmp(name, "--max-worker-restart")) {
			c->max_restart = hd_opt_count("--max-worker-restart", hd_opt_value(argc, argv, &i, eq));
		} else if (!strncmp(arg, "-k", 2) && !eq) {
			c->kexpr = arg[2] ? arg + 2 : hd_opt_value(argc, argv, &i, NULL);
		} else if (!strcmp(name, "--marker-expression")) {
			c->mexpr = hd_opt_value(argc, argv, &i, eq);	/* pytask's name for -m */
		} else if (!strncmp(arg, "-m", 2) && !eq && strncmp(arg, "--", 2)) {
			c->mexpr = arg[2] ? arg + 2 : hd_opt_value(argc, argv, &i, NULL);
		} else if (!strcmp(name, "--collect-only") || !strcmp(name, "--co")) {
			c->collect_only = 1;
		} else if (!strcmp(name, "-x") || !strcmp(name, "--exitfirst")) {
			c->maxfail = 1;
		} else if (!strcmp(name, "--maxfail")) {
			c->maxfail = hd_opt_count("--maxfail", hd_opt_value(argc, argv, &i, eq));
		} else if (!strcmp(name, "--lf") || !strcmp(name, "--last-failed")) {
			c->lf = 1;
		} else if (!strcmp(name, "--ff") || !strcmp(name, "--failed-first")) {
			c->ff = 1;
		} else if (!strcmp(name, "--nf") || !strcmp(name, "--new-first")) {
			c->nf = 1;
		} else if (!strcmp(name, "--cache-dir")) {
			opt_hist.cache_dir = hd_opt_value(argc, argv, &i, eq);
		} else if (!strcmp(name, "--no-cache")) {
			opt_hist.no_cache = 1;
		} else if (!strcmp(name, "--cache-clear")) {
			opt_cache_clear = 1;
		} else if (!strcmp(name, "--cache-show")) {
			opt_cache_show = 1;
		} else if (!strcmp(name, "--store-durations")) {
			opt_hist.store_durations = 1;
		} else if (!strcmp(name, "--durations-path")) {
			opt_hist.durations_path = hd_opt_value(argc, argv, &i, eq);
		} else if (!strcmp(name, "--random-order")) {
			if (!c->random_order)
				c->random_order = 1;
		} else if (!strcmp(name, "--random-seed")) {
			v = hd_opt_value(argc, argv, &i, eq);
			c->random_seed = (unsigned long)hd_opt_count("--random-seed", v);
			c->random_order = 2;
		} else if (!strcmp(name, "--shard")) {
			v = hd_opt_value(argc, argv, &i, eq);
			if (hd_shard_parse(v, &opt_hist.shard_k, &opt_hist.shard_n) < 0)
				hd_usage_error("--shard takes K/N with 1 <= K <= N, not '%s'", v);
		} else if (!strcmp(name, "-f") || !strcmp(name, "--looponfail")) {
			/* A run started by -f ignores it, wherever it came from. */
			opt_loop = !getenv("HERD_LOOPONFAIL_RUN");
		} else if (!strcmp(name, "--reruns")) {
			c->reruns = hd_opt_count("--reruns", hd_opt_value(argc, argv, &i, eq));
			if (c->reruns > SHRT_MAX)
				c->reruns = SHRT_MAX;	/* citem.tries counts up to it */
		} else if (!strcmp(name, "--reruns-delay")) {
			c->reruns_delay = hd_opt_seconds("--reruns-delay", hd_opt_value(argc, argv, &i, eq));
		} else if (!strcmp(name, "--flaky-fails")) {
			reporting.flaky_fails = 1;
		} else if (!strcmp(name, "--no-isolation-check")) {
			c->no_iso_check = 1;
		} else if (!strcmp(name, "--bisect") || !strcmp(name, "--find-polluter")) {
			opt_bisect = hd_opt_value(argc, argv, &i, eq);
		} else if (!strcmp(name, "--bisect-max-runs")) {
			opt_bisect_max_runs = hd_opt_count(name, hd_opt_value(argc, argv, &i, eq));
			if (opt_bisect_max_runs < 2)
				hd_usage_error("%s must be at least 2", name);
		} else if (!strcmp(name, "--timeout")) {
			c->timeout = hd_opt_seconds("--timeout", hd_opt_value(argc, argv, &i, eq));
		} else if (!strcmp(name, "--kill-grace")) {
			c->grace = hd_opt_seconds("--kill-grace", hd_opt_value(argc, argv, &i, eq));
		} else if (!strcmp(name, "--collect-timeout")) {
			c->collect_timeout = hd_opt_seconds("--collect-timeout", hd_opt_value(argc, argv, &i, eq));
		} else if (!strcmp(name, "-s")) {
			c->capture = 0;
		} else if (!strcmp(name, "--capture")) {
			v = hd_opt_value(argc, argv, &i, eq);
			if (strcmp(v, "no") && strcmp(v, "fd"))
				hd_usage_error("--capture takes no or fd, not '%s'", v);
			c->capture = !strcmp(v, "fd");
		} else if (!strcmp(name, "-v") || !strcmp(name, "--verbose")) {
			c->verbose++;
		} else if (!strcmp(name, "-vv")) {
			c->verbose += 2;
		} else if (!strcmp(name, "-q") || !strcmp(name, "--quiet")) {
			c->quiet++;
		} else if (!strcmp(name, "--durations")) {
			c->durations = hd_opt_count("--durations", hd_opt_value(argc, argv, &i, eq));
		} else if (!strcmp(name, "--junit-xml")) {
			reporting.junit = hd_opt_value(argc, argv, &i, eq);
		} else if (!strcmp(name, "--junit-family")) {
			reporting.junit_opts.family = (enum hd_junit_family)hd_opt_junit_family(
				hd_opt_value(argc, argv, &i, eq));
		} else if (!strcmp(name, "--chdir")) {
			v = hd_opt_value(argc, argv, &i, eq);
			if ((k = parse_workdir(v)) < 0)
				hd_usage_error("--chdir takes invocation, binary or rootdir, not '%s'", v);
			opt_chdir = (enum workdir)k;
		} else if (!strcmp(name, "--json")) {
			reporting.json = hd_opt_value(argc, argv, &i, eq);
		} else if (!strcmp(name, "--tap")) {
			c->tap = 1;
		} else if (!strcmp(name, "--color")) {
			c->color = hd_opt_color(hd_opt_value(argc, argv, &i, eq));
		} else if (!strcmp(arg, "--")) {
			for (i++; i < argc; i++)
				a->paths[a->npaths++] = argv[i];
		} else if (pytest_option(argc, argv, &i, name, eq)) {
			/* --pytest, --python */
		} else if (!strncmp(arg, "-p", 2) && strncmp(arg, "--", 2)) {
			/* loaded before the options were parsed (plugin_specs) */
			if (!arg[2])
				i++;
		} else if ((k = plug_cli_option(argc, argv, &i))) {
			if (k < 0)
				exit(HD_EXIT_USAGE);
		} else if (arg[0] == '-' && arg[1]) {
			hd_usage_error("unknown option '%s'", arg);
		} else {
			a->paths[a->npaths++] = argv[i];
		}
	}
}

/* ---- herd.ini ---- */

/* herd's own keys of [herd]; the others may be plugins'. */
static const char *const ini_keys[] = {
	"addopts", "testpaths", "resources", "cache_dir", "junit_family", "junit_suite_name",
	"chdir", "runner", "plugins",
};

static int
is_herd_key(const char *key)
{
	size_t k;

	for (k = 0; k < LEN(ini_keys); k++)
		if (!strcmp(ini_keys[k], key))
			return 1;
	return 0;
}

struct ini {
	char **plugins;		/* plugins = a b */
	size_t nplugins;
	struct hd_ini_entry *other;	/* keys of [herd] that may be plugins' */
	size_t nother;
	char *path;
	char **addopts;
	size_t naddopts;
	char **testpaths;
	size_t ntestpaths;
	char **resources;	/* NAME=N, overridden by --resource */
	size_t nresources;
	char *cache_dir;
};

/* herd.ini's junit_family, junit_suite_name and chdir: defaults that the
 * command line overrides. */
static void
load_ini_junit(const struct hd_ini_entry *e, size_t n, const char *path)
{
	char q[HD_QUOTE_SIZE];
	const char *v;
	int k;

	if ((v = hd_ini_get(e, n, "herd", "junit_family")) &&
	    hd_junit_family_parse(v, &reporting.junit_opts.family) < 0) {
		fprintf(stderr, "herd: %s: junit_family takes xunit2 or xunit1, not '%s'\n",
			path, hd_quote_str(q, v));
		exit(HD_EXIT_USAGE);
	}
	if ((v = hd_ini_get(e, n, "herd", "junit_suite_name")))
		reporting.junit_opts.suite_name = xstrdup(v);
	if ((v = hd_ini_get(e, n, "herd", "chdir"))) {
		if ((k = parse_workdir(v)) < 0) {
			fprintf(stderr, "herd: %s: chdir takes invocation, binary or rootdir, "
				"not '%s'\n", path, hd_quote_str(q, v));
			exit(HD_EXIT_USAGE);
		}
		opt_chdir = (enum workdir)k;
	}
}

static void
load_ini(struct ini *ini)
{
	struct hd_ini_entry *e = NULL;
	char err[512], *path = hd_find_ini(), *text;
	const char *v;
	size_t n = 0, len, i;

	memset(ini, 0, sizeof(*ini));
	if (!path)
		return;
	ini_dir = strrchr(path, '/') ? xstrndup(path, (size_t)(strrchr(path, '/') - path)) : NULL;
	if (!(text = hd_read_file(path, &len)))
		hd_fatal(HD_EXIT_USAGE, "cannot read %s:", path);
	if (hd_ini_parse(text, len, path, &e, &n, err, sizeof(err)) < 0) {
		fprintf(stderr, "herd: %s\n", err);
		exit(HD_EXIT_USAGE);
	}
	for (i = 0; i < n; i++)
		if (!strcmp(e[i].section, "herd") && !is_herd_key(e[i].key)) {
			/* Known once the plugins added their options: ini_plugin_keys. */
			struct hd_ini_entry *o;

			ini->other = xreallocarray(ini->other, ini->nother + 1, sizeof(*ini->other));
			o = &ini->other[ini->nother++];
			o->section = NULL;
			o->key = xstrdup(e[i].key);
			o->value = xstrdup(e[i].value);
			o->line = e[i].line;
		}
	ini->path = xstrdup(path);
	if ((v = hd_ini_get(e, n, "herd", "plugins")) &&
	    hd_split_args(v, &ini->plugins, &ini->nplugins, err, sizeof(err)) < 0) {
		fprintf(stderr, "herd: %s: plugins: %s\n", path, err);
		exit(HD_EXIT_USAGE);
	}
	/* A plugin's path in herd.ini is relative to herd.ini's folder, as testpaths. */
	for (i = 0; i < ini->nplugins && ini_dir; i++)
		if (strchr(ini->plugins[i], '/') && ini->plugins[i][0] != '/' &&
		    strncmp(ini->plugins[i], "no:", 3)) {
			char *rel = ini->plugins[i];

			ini->plugins[i] = xasprintf("%s/%s", ini_dir, rel);
			free(rel);
		}
	load_ini_junit(e, n, path);
	pytest_ini(e, n, path);
	if ((v = hd_ini_get(e, n, "herd", "addopts")) &&
	    hd_split_args(v, &ini->addopts, &ini->naddopts, err, sizeof(err)) < 0) {
		fprintf(stderr, "herd: %s: addopts: %s\n", path, err);
		exit(HD_EXIT_USAGE);
	}
	if ((v = hd_ini_get(e, n, "herd", "cache_dir")))
		ini->cache_dir = xstrdup(v);
	if ((v = hd_ini_get(e, n, "herd", "resources")) &&
	    hd_split_args(v, &ini->resources, &ini->nresources, err, sizeof(err)) < 0) {
		fprintf(stderr, "herd: %s: resources: %s\n", path, err);
		exit(HD_EXIT_USAGE);
	}
	if ((v = hd_ini_get(e, n, "herd", "testpaths")) &&
	    hd_split_args(v, &ini->testpaths, &ini->ntestpaths, err, sizeof(err)) < 0) {
		fprintf(stderr, "herd: %s: testpaths: %s\n", path, err);
		exit(HD_EXIT_USAGE);
	}
	/* testpaths are relative to the folder holding herd.ini, as in pytest. */
	if (ini->ntestpaths && strchr(path, '/')) {
		char cwd[4096], *dir = xstrndup(path, (size_t)(strrchr(path, '/') - path));

		if (!getcwd(cwd, sizeof(cwd)) || strcmp(cwd, dir))
			for (i = 0; i < ini->ntestpaths; i++)
				if (ini->testpaths[i][0] != '/') {
					char *rel = ini->testpaths[i];

					ini->testpaths[i] = xasprintf("%s/%s", dir, rel);
					free(rel);
				}
		free(dir);
	}
	hd_ini_free(e, n);
	free(text);
	free(path);
}

/* ---- plugins ---- */

/*
 * Is name one of herd's options (its usage text lists them all) or, with
 * ini, one of its herd.ini keys? A plugin may not take them.
 */
static int
herd_owns(const char *name, int ini)
{
	const char *p = usage_text;
	size_t len = strlen(name);

	if (ini)
		return is_herd_key(name);
	while ((p = strstr(p, name))) {
		char before = p == usage_text ? ' ' : p[-1], after = p[len];

		if ((before == ' ' || before == ',') &&
		    (after == ' ' || after == ',' || after == '\n' || after == '='))
			return 1;
		p += len;
	}
	return 0;
}

/*
 * Loads the built-ins, herd.ini's plugins and every -p of the command line
 * (args: addopts, HERD_ADDOPTS, argv), then asks them for their options:
 * the options are parsed after, so a plugin's own are known there.
 */
static void
load_plugins(const struct ini *in, char **args, size_t nargs)
{
	char **specs = xcalloc(in->nplugins + nargs + 1, sizeof(*specs));
	size_t n = 0, i;

	plug_builtin(&plug_terminal);
	plug_builtin(&plug_junit);
	plug_builtin(&plug_json);
	plug_builtin(&plug_tap);
	plug_builtin(&plug_trace);
	plug_builtin(&plug_html);
	plug_builtin(&plug_github);
	for (i = 0; i < in->nplugins; i++)
		specs[n++] = in->plugins[i];
	for (i = 0; i < nargs; i++) {
		if (!strcmp(args[i], "--"))
			break;
		if (strncmp(args[i], "-p", 2) || !strncmp(args[i], "--", 2))
			continue;
		if (args[i][2])
			specs[n++] = args[i] + 2;
		else if (i + 1 < nargs)
			specs[n++] = args[++i];
		else
			hd_usage_error("%s", "-p takes a plugin: a path or a name");
	}
	if (plug_load(specs, n) < 0)
		exit(HD_EXIT_USAGE);
	free(specs);
	plug_reserve(herd_owns);
	if (plug_addoption() < 0)
		exit(HD_EXIT_INTERNAL);
}

/* herd.ini's keys that are not herd's: a plugin's option, or an error. */
static void
ini_plugin_keys(const struct ini *in)
{
	size_t i, k;

	for (i = 0; i < in->nother; i++) {
		char q[HD_QUOTE_SIZE];

		if (plug_ini_option(in->other[i].key, in->other[i].value))
			continue;
		fprintf(stderr, "herd: %s:%d: unknown key '%s' in [herd] (known: ", in->path,
			in->other[i].line, hd_quote_str(q, in->other[i].key));
		for (k = 0; k < LEN(ini_keys); k++)
			fprintf(stderr, "%s, ", ini_keys[k]);
		fputs("and the keys of loaded plugins)\n", stderr);
		exit(HD_EXIT_USAGE);
	}
}

/* The options whose default is not 0. */
static void
set_defaults(struct ctl *c, struct args *a)
{
	c->dist = DIST_LOAD;
	c->grace = 1.0;
	c->collect_timeout = 60;
	c->capture = 1;
	c->max_restart = -1;
	c->tx_timeout = 30;
	c->durations = -1;
	c->color = -1;
	a->nworkers = -1;
}

/* The run's arguments in *args (*nall of them): herd.ini's addopts, then
 * HERD_ADDOPTS, then the command line's. -1 when HERD_ADDOPTS cannot be
 * split (said). */
static int
gather_args(const struct ini *in, int argc, char **argv, char ***args, size_t *nall)
{
	const char *env = getenv("HERD_ADDOPTS");
	char **v = xcalloc(in->naddopts + (size_t)argc + 64, sizeof(*v));
	size_t i;

	*args = v;
	for (i = 0; i < in->naddopts; i++)
		v[(*nall)++] = in->addopts[i];
	if (env && *env) {
		static char **extra;	/* *args points into it for the whole run */
		char err[256];
		size_t nextra;

		if (hd_split_args(env, &extra, &nextra, err, sizeof(err)) < 0) {
			fprintf(stderr, "herd: HERD_ADDOPTS: %s\n", err);
			return -1;
		}
		v = *args = xreallocarray(v, *nall + nextra + (size_t)argc + 1, sizeof(*v));
		for (i = 0; i < nextra; i++)
			v[(*nall)++] = extra[i];
	}
	for (i = 1; i < (size_t)argc; i++)
		v[(*nall)++] = argv[i];
	return 0;
}

/* The worker slots: -n (or the hosts of --tx), --dist no, --maxprocesses;
 * --bisect runs one process at a time, the candidates in the order given. */
static void
open_slots(struct ctl *c, const struct args *a)
{
	int i;

	c->nslots = a->tx ? hosts_layout(c, a->nworkers + a->tx_local) :
		    a->nworkers == 0 ? 1 : a->nworkers;
	if (c->dist == DIST_NO)
		c->nslots = 1;
	if (a->maxprocesses > 0 && c->nslots > a->maxprocesses)
		c->nslots = a->maxprocesses;
	if (opt_bisect) {
		c->nslots = 1;
		c->dist = DIST_NO;
		c->isolation_none = 1;
		c->no_iso_check = 1;
		c->silent = 1;
		c->reruns = 0;
		c->maxfail = 0;
	}
	if (c->max_restart < 0)
		c->max_restart = 4 * c->nslots;
	snprintf(c->uid, sizeof(c->uid), "%08lx%08lx", (unsigned long)time(NULL),
		 (unsigned long)getpid() ^ (unsigned long)(hd_now() * 1e6));
	c->w = xcalloc((size_t)c->nslots, sizeof(*c->w));
	for (i = 0; i < c->nslots; i++) {
		c->w[i].slot = i;
		c->w[i].sock = c->w[i].outfd = c->w[i].errfd = c->w[i].capfd = -1;
	}
}

/* --bisect: -k or -m name the candidates; else the last run's history does. */
static int
run_bisect(struct ctl *c)
{
	size_t nhist = 0, i;
	char **hist = c->kexpr || c->mexpr || opt_hist.no_cache ? NULL :
		      bisect_load(history_dir(), opt_bisect, &nhist);
	int status = ctl_bisect(c, opt_bisect, hist, nhist, (size_t)opt_bisect_max_runs);

	for (i = 0; i < nhist; i++)
		free(hist[i]);
	free(hist);
	return status;
}

/* --collect-only: the selected node ids, one a line. */
static int
list_selected(struct ctl *c)
{
	size_t i, j;

	ctl_stop_all(c);
	for (i = 0; i < c->nbins; i++)
		for (j = 0; j < c->bins[i].n; j++)
			if (c->bins[i].items[j].selected)
				printf("%s\n", c->bins[i].items[j].id);
	if (!c->nselected && opt_hist.shard_n)
		fprintf(stderr, "herd: shard %u/%u holds no item\n", opt_hist.shard_k, opt_hist.shard_n);
	return c->nselected || opt_hist.shard_n ? HD_EXIT_OK : HD_EXIT_NOTESTS;
}

/* The terminal's settings, and the header of the run (unless --tap). */
static void
start_terminal(struct ctl *c, size_t collected)
{
	size_t deselected = collected - (c->dist == DIST_EACH ?
					 c->nselected / (size_t)c->nslots : c->nselected);
	char header[512], *hosts;

	hd_term_init(&c->term, stdout);
	c->term.verbose = c->verbose;
	c->term.quiet = c->quiet;
	c->term.durations = c->durations;
	c->term.color = c->color >= 0 ? c->color : hd_term_want_color(1);
	c->term.live = isatty(1) && !c->tap && !c->quiet && getenv("TERM") &&
		       strcmp(getenv("TERM"), "dumb");
	hosts = hosts_summary(c);
	snprintf(header, sizeof(header), "herd %s -- %d worker%s%s%s%s, --dist %s, isolation %s",
		 VERSION, c->nslots, c->nslots == 1 ? "" : "s", hosts ? " (" : "", hosts ? hosts : "",
		 hosts ? ")" : "", dists[c->dist], c->isolation_none ? "none" : "fork");
	free(hosts);
	if (c->random_order)
		snprintf(header + strlen(header), sizeof(header) - strlen(header),
			 ", random order (--random-seed %lu)", c->random_seed);
	if (opt_hist.shard_n)
		snprintf(header + strlen(header), sizeof(header) - strlen(header),
			 ", shard %u/%u", opt_hist.shard_k, opt_hist.shard_n);
	if (!c->tap) {
		hd_term_header(&c->term, header, collected, deselected);
		plug_report_header(stdout);
	}
	c->term.total = c->nselected;
	c->term.counts.deselected = deselected;
}

/*
 * The run's state lives as long as the process: held in statics, it stays
 * reachable to the end, and a leak checker reports only real leaks.
 */
static struct ctl c;
static struct args a;
static struct ini ini;
static char **all;

static int
run(int argc, char **argv)
{
	size_t nall = 0, i, collected;
	int status;

	hd_std_fds();
	hd_progname = "herd";
	if (argc > 1 && !strcmp(argv[1], "merge"))
		return hd_merge_main(argc - 1, argv + 1);
	if (argc == 2 && !strcmp(argv[1], "--remote-worker"))
		return relay_main();
	if (argc > 1 && (verbo.verb = verb_of(argv[1]))) {
		if (verbo.verb == VERB_MARKERS)
			return verb_markers();
		argc--;
		argv++;
	}
	set_defaults(&c, &a);
	load_ini(&ini);
	if (!(c.rootdir = realpath(ini_dir ? ini_dir : ".", NULL)))
		hd_fatal(HD_EXIT_INTERNAL, "cannot find the project root:");
	c.sync = hd_sync_new();
	for (i = 0; i < ini.nresources; i++)
		add_capacity(&c, ini.resources[i]);
	if (gather_args(&ini, argc, argv, &all, &nall) < 0)
		return HD_EXIT_USAGE;
	if (verbo.verb)
		verb_args(&verbo, all, &nall);
	load_plugins(&ini, all, nall);
	ini_plugin_keys(&ini);
	a.paths = xcalloc(nall + ini.ntestpaths + 1, sizeof(*a.paths));
	parse_args(&c, &a, (int)nall, all);
	if (verbo.verb && c.tap) {
		/* TAP must be the whole output, and a verb prints its own. */
		fprintf(stderr, "herd: --tap is for test runs: herd %s prints its own report "
			"(--junit-xml and --json work with herd build)\n", argv[0]);
		return HD_EXIT_USAGE;
	}
	/* A bad -k or -m is a usage error before anything starts. */
	hd_expr_free(hd_opt_expr("-k", c.kexpr));
	hd_expr_free(hd_opt_expr("-m", c.mexpr));
	if (!a.npaths)
		for (i = 0; i < ini.ntestpaths; i++)
			a.paths[a.npaths++] = ini.testpaths[i];
	history_init(&opt_hist, ini.cache_dir, ini_dir);
	if (opt_cache_clear)
		history_clear();
	if (opt_cache_show) {
		history_show(stdout);
		return 0;
	}
	if (!a.npaths && opt_cache_clear)
		return 0;	/* cleared, and nothing to run */
	if (!a.npaths && !opt_pytest) {
		fprintf(stderr, "herd: no test binaries given, and no testpaths in herd.ini (see herd --help)\n");
		return HD_EXIT_USAGE;
	}
	if (a.nworkers < 0)
		a.nworkers = a.tx ? 0 : parse_workers("auto");	/* --tx says where, alone */
	plug_session(&c, ini_dir);
	if (plug_configure() < 0)
		return HD_EXIT_INTERNAL;
	if (opt_auto && plug_auto_num_workers(&a.nworkers) < 0)
		return HD_EXIT_INTERNAL;
	open_slots(&c, &a);
	c.ncpus = count_logical();
	if (opt_pytest)
		pytest_setup(&c, opt_python, a.paths, a.npaths, all, nall);
	else
		binaries_find(&c, a.paths, a.npaths);
	if (!c.nbins) {
		fprintf(stderr, "herd: no herd test binaries found\n");
		return HD_EXIT_NOTESTS;
	}
	binaries_set_workdirs(&c, opt_chdir, ini_dir);
	if (opt_loop)
		return looponfail(&c, argc, argv);
	if (c.random_order == 1)
		c.random_seed = ((unsigned long)time(NULL) ^ (unsigned long)getpid() * 2654435761u ^
				 (unsigned long)(hd_now() * 1e6)) % 1000000;
	c.t0 = hd_now();
	if (plug_sessionstart() < 0)
		return HD_EXIT_INTERNAL;
	plug_setupnodes(&c);
	if (plug_failed())
		return HD_EXIT_INTERNAL;
	hosts_connect(&c);
	build_open_early(&c, &verbo);
	status = build_collect(&c);
	if (status)
		return status;
	if (opt_pytest && (status = pytest_refused())) {
		/* Its waiting workers wait for a fork server that never comes. */
		c.aborted = 1;
		ctl_kill_all(&c);
		return status;
	}
	for (i = 0; i < c.nbins; i++)
		c.bins[i].ntotal = c.bins[i].n;
	select_items(&c, verbo.verb != VERB_NONE, &collected);
	if (select_check_ids(&c) < 0) {
		ctl_stop_all(&c);
		return HD_EXIT_USAGE;
	}
	if (opt_bisect)
		return run_bisect(&c);
	history_apply(&c);
	if (opt_hist.shard_n)
		history_shard(&c, &reporting);
	/* Plugins see the selection and may narrow and reorder it (collected counts stay). */
	if (plug_collection_modifyitems(&c) < 0) {
		ctl_stop_all(&c);
		return HD_EXIT_INTERNAL;
	}
	if (verbo.verb == VERB_BUILD && !verbo.dry_run) {
		status = verb_main(&c, &verbo);
		if (status > HD_EXIT_INTERRUPTED && status != HD_EXIT_NOTESTS)
			return status;	/* a graph error: no task ran, nothing to report */
		reporting.dist = "graph";
		return report_build(&c, &reporting, hd_now() - c.t0, status);
	}
	if (verbo.verb)
		return verb_main(&c, &verbo);
	if ((status = build_for_tests(&c))) {
		ctl_stop_all(&c);
		return status;
	}
	if (c.collect_only)
		return list_selected(&c);
	if (select_check_demands(&c) < 0)
		return HD_EXIT_USAGE;
	/* No more workers than items, as xdist: the others would start for nothing.
	 * The collectors were told the old count (herd_worker_count): restart them. */
	if (c.dist != DIST_EACH && c.nselected && (size_t)c.nslots > c.nselected) {
		ctl_stop_all(&c);
		c.nslots = (int)c.nselected;
	}
	if (c.dist == DIST_EACH)
		select_expand_each(&c);
	select_count_gfix_users(&c);
	reporting.pytest = opt_pytest;
	reporting.dist = dists[c.dist];
	start_terminal(&c, collected);
	if (opt_hist.shard_n && !c.nselected) {
		/* Nothing here, which is no failure (N may exceed the items of a small
		 * suite): its reports still say which shard it was. */
		ctl_stop_all(&c);
		fprintf(stderr, "herd: shard %u/%u holds no item\n", opt_hist.shard_k, opt_hist.shard_n);
		status = report_run(&c, &reporting, hd_now() - c.t0);
		return status == HD_EXIT_NOTESTS ? HD_EXIT_OK : status;
	}
	build_tests_blocked(&c);
	ctl_run(&c);
	history_save(&c);
	status = report_run(&c, &reporting, hd_now() - c.t0);
	if (c.warnings.len) {
		fprintf(stdout, "%s", c.warnings.data);
		if (status == HD_EXIT_OK)
			status = HD_EXIT_FAILED;
	}
	if (c.aborted || plug_failed())
		status = HD_EXIT_INTERNAL;
	return status;
}

int
main(int argc, char **argv)
{
	int status = run(argc, argv);

	hosts_end(&c);
	plug_unconfigure();
	return plug_failed() ? HD_EXIT_INTERNAL : status;
}

/*
 * main.c - the herd controller's command line, herd.ini, finding the test
 * binaries, selecting items, and the reports at the end.
 */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "build.h"
#include "cli.h"
#include "ctl.h"
#include "expr.h"
#include "ini.h"
#include "cache.h"
#include "durations.h"
#include "merge.h"
#include "project.h"
#include "quote.h"
#include "remote.h"
#include "report_json.h"
#include "report_tap.h"
#include "plugin.h"
#include "shard.h"
#include "watch.h"

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
"  -m EXPR              tests whose marks match EXPR\n"
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

static const char *opt_cache_dir, *opt_durations_path;
static int opt_cache_clear, opt_cache_show, opt_store_durations, opt_loop, opt_no_cache;
static const char *opt_bisect;	/* --bisect ID */
static int opt_bisect_max_runs = 100;	/* --bisect-max-runs N */
static unsigned opt_shard_k, opt_shard_n;
static struct hd_junit_opts opt_junit;	/* --junit-family, junit_suite_name */
enum workdir { WD_INVOCATION, WD_BINARY, WD_ROOTDIR };
static enum workdir opt_chdir;
static char *ini_dir;		/* where herd.ini is: the project root */

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

static int pytest_option(int argc, char **argv, int *i, const char *name, const char *eq);
static void pytest_ini(const struct hd_ini_entry *e, size_t n, const char *path);

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
			opt_cache_dir = hd_opt_value(argc, argv, &i, eq);
		} else if (!strcmp(name, "--no-cache")) {
			opt_no_cache = 1;
		} else if (!strcmp(name, "--cache-clear")) {
			opt_cache_clear = 1;
		} else if (!strcmp(name, "--cache-show")) {
			opt_cache_show = 1;
		} else if (!strcmp(name, "--store-durations")) {
			opt_store_durations = 1;
		} else if (!strcmp(name, "--durations-path")) {
			opt_durations_path = hd_opt_value(argc, argv, &i, eq);
		} else if (!strcmp(name, "--random-order")) {
			if (!c->random_order)
				c->random_order = 1;
		} else if (!strcmp(name, "--random-seed")) {
			v = hd_opt_value(argc, argv, &i, eq);
			c->random_seed = (unsigned long)hd_opt_count("--random-seed", v);
			c->random_order = 2;
		} else if (!strcmp(name, "--shard")) {
			v = hd_opt_value(argc, argv, &i, eq);
			if (hd_shard_parse(v, &opt_shard_k, &opt_shard_n) < 0)
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
			c->flaky_fails = 1;
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
			c->junit = hd_opt_value(argc, argv, &i, eq);
		} else if (!strcmp(name, "--junit-family")) {
			opt_junit.family = (enum hd_junit_family)hd_opt_junit_family(
				hd_opt_value(argc, argv, &i, eq));
		} else if (!strcmp(name, "--chdir")) {
			v = hd_opt_value(argc, argv, &i, eq);
			if ((k = parse_workdir(v)) < 0)
				hd_usage_error("--chdir takes invocation, binary or rootdir, not '%s'", v);
			opt_chdir = (enum workdir)k;
		} else if (!strcmp(name, "--json")) {
			c->json = hd_opt_value(argc, argv, &i, eq);
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
	    hd_junit_family_parse(v, &opt_junit.family) < 0) {
		fprintf(stderr, "herd: %s: junit_family takes xunit2 or xunit1, not '%s'\n",
			path, hd_quote_str(q, v));
		exit(HD_EXIT_USAGE);
	}
	if ((v = hd_ini_get(e, n, "herd", "junit_suite_name")))
		opt_junit.suite_name = xstrdup(v);
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
		if (!strcmp(e[i].section, "herd") && strcmp(e[i].key, "addopts") &&
		    strcmp(e[i].key, "testpaths") && strcmp(e[i].key, "resources") &&
		    strcmp(e[i].key, "cache_dir") && strcmp(e[i].key, "junit_family") &&
		    strcmp(e[i].key, "junit_suite_name") && strcmp(e[i].key, "chdir") &&
		    strcmp(e[i].key, "runner") && strcmp(e[i].key, "plugins")) {
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

/* ---- finding test binaries ---- */

/* Whether path is an executable linked with libherd (it carries the marker). */
/*
 * Whether the 64-bit ELF file at fd holds marker in a PT_NOTE segment, as a
 * binary linked with libherd does (lib/main.c): a few hundred bytes read
 * instead of the whole file. 0 also when it cannot tell.
 */
static int
marker_in_notes(int fd, const char *marker)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph[64];
	char note[4096];
	size_t i, nph;
	ssize_t n;

	if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(ph[0]))
		return 0;
	nph = eh.e_phnum < 64 ? eh.e_phnum : 64;
	n = pread(fd, ph, nph * sizeof(ph[0]), (off_t)eh.e_phoff);
	if (n != (ssize_t)(nph * sizeof(ph[0])))
		return 0;
	for (i = 0; i < nph; i++) {
		if (ph[i].p_type != PT_NOTE || ph[i].p_filesz > sizeof(note))
			continue;
		n = pread(fd, note, ph[i].p_filesz, (off_t)ph[i].p_offset);
		if (n > 0 && memmem(note, (size_t)n, marker, strlen(marker)))
			return 1;
	}
	return 0;
}

static int
is_herd_binary(const char *path)
{
	char marker[32];
	struct stat st;
	void *p;
	int fd, found;

	/* Built at run time, so the controller itself does not carry it. */
	snprintf(marker, sizeof(marker), "%s-%s-%s", "herd", "test-binary", "v1");
	/* O_NONBLOCK: a FIFO that slipped past the caller's check must not hang us. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
		return 0;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
		close(fd);
		return 0;
	}
	if (marker_in_notes(fd, marker)) {
		close(fd);
		return 1;
	}
	/* Older binaries, ones linked with libherd.so, and any other file. */
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return 0;
	found = memmem(p, (size_t)st.st_size, marker, strlen(marker)) != NULL ||
		/* linked with the shared library: its name is in the dynamic section */
		memmem(p, (size_t)st.st_size, "libherd.so.", 11) != NULL;
	munmap(p, (size_t)st.st_size);
	return found;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files and folders already seen, by device and inode: a binary named twice
 * (or through a link) runs once, and a folder reached again through a
 * symlink cycle is not walked again. */
struct seen {
	dev_t dev;
	ino_t ino;
};
static struct seen *seen;
static size_t nseen;

/* Nonzero when st's file was seen before; remembers it otherwise. */
static int
seen_before(const struct stat *st)
{
	size_t i;

	for (i = 0; i < nseen; i++)
		if (seen[i].dev == st->st_dev && seen[i].ino == st->st_ino)
			return 1;
	seen = xreallocarray(seen, nseen + 1, sizeof(*seen));
	seen[nseen].dev = st->st_dev;
	seen[nseen++].ino = st->st_ino;
	return 0;
}

static void
add_binary(struct ctl *c, const char *path, const struct stat *st)
{
	if (seen_before(st))
		return;	/* named twice: run once */
	c->bins = xreallocarray(c->bins, c->nbins + 1, sizeof(*c->bins));
	memset(&c->bins[c->nbins], 0, sizeof(c->bins[0]));
	c->bins[c->nbins++].path = xstrdup(path);
}

/* Every herd binary under dir, in name order, skipping hidden folders. */
static void
scan_dir(struct ctl *c, const char *dir, int depth)
{
	char **names = NULL;
	size_t n = 0, i;
	struct dirent *de;
	struct stat st;
	DIR *d;

	if (depth > 16 || stat(dir, &st) < 0 || seen_before(&st) || !(d = opendir(dir)))
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = xasprintf("%s/%s", dir, de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		if (stat(names[i], &st) == 0) {
			if (S_ISDIR(st.st_mode))
				scan_dir(c, names[i], depth + 1);
			else if (S_ISREG(st.st_mode) && (st.st_mode & 0111) && is_herd_binary(names[i]))
				add_binary(c, names[i], &st);
		}
		free(names[i]);
	}
	free(names);
}

static void
find_binaries(struct ctl *c, char **paths, size_t n)
{
	struct stat st;
	size_t i;

	for (i = 0; i < n; i++) {
		const char *p = paths[i];
		char q[HD_QUOTE_SIZE];	/* a 5 MB testpaths value is named short */
		char *exec_path;

		if (stat(p, &st) < 0) {
			fprintf(stderr, "herd: %s: %s\n", hd_quote_str(q, p), strerror(errno));
			exit(HD_EXIT_USAGE);
		}
		if (S_ISDIR(st.st_mode)) {
			size_t before = c->nbins;

			scan_dir(c, p, 0);
			if (c->nbins == before)
				fprintf(stderr, "herd: warning: no herd test binaries in %s\n", p);
			continue;
		}
		if (!S_ISREG(st.st_mode)) {
			fprintf(stderr, "herd: %s: not a test binary or a folder (a %s)\n",
				hd_quote_str(q, p),
				S_ISFIFO(st.st_mode) ? "FIFO" : S_ISSOCK(st.st_mode) ? "socket" :
				S_ISCHR(st.st_mode) ? "character device" :
				S_ISBLK(st.st_mode) ? "block device" : "special file");
			exit(HD_EXIT_USAGE);
		}
		if (!(st.st_mode & 0111) || access(p, X_OK) < 0) {
			fprintf(stderr, "herd: %s: not executable\n", hd_quote_str(q, p));
			exit(HD_EXIT_USAGE);
		}
		if (!is_herd_binary(p)) {
			fprintf(stderr, "herd: %s: not a herd test binary (it is not linked with libherd)\n",
				hd_quote_str(q, p));
			exit(HD_EXIT_USAGE);
		}
		/* exec without a slash searches PATH: make it a path. */
		exec_path = strchr(p, '/') ? xstrdup(p) : xasprintf("./%s", p);
		add_binary(c, exec_path, &st);
		free(exec_path);
	}
}

/*
 * --chdir: each binary's workers start in its folder or the project root
 * (CTest's WORKING_DIRECTORY), so its path is made absolute to stay valid
 * there. The root is herd.ini's folder, else where herd started.
 */
static void
set_workdirs(struct ctl *c)
{
	char cwd[4096];
	size_t i;

	if (opt_chdir == WD_INVOCATION)
		return;
	if (!getcwd(cwd, sizeof(cwd)))
		hd_fatal(HD_EXIT_INTERNAL, "cannot read the current folder:");
	for (i = 0; i < c->nbins; i++) {
		struct binary *b = &c->bins[i];
		char *abs = b->path[0] == '/' ? xstrdup(b->path) : xasprintf("%s/%s", cwd, b->path);

		free(b->path);
		b->path = abs;
		b->cwd = opt_chdir == WD_ROOTDIR ? xstrdup(ini_dir ? ini_dir : cwd) :
			 xstrndup(abs, (size_t)(strrchr(abs, '/') - abs) + (strrchr(abs, '/') == abs));
	}
}

/* ---- pytest suites: herd --pytest (docs/pytest.md) ---- */

/*
 * The run has one "binary", python/herd-pytest-worker, which starts the
 * herd_pytest package. What pytest is to collect (the paths, everything after
 * "--", -k and -m, which pytest evaluates itself) reaches it in
 * HERD_PYTEST_ARGS, each argument one protocol field; the interpreter in
 * HERD_PYTEST_PYTHON; the run's private folder, where the first worker's fork
 * server listens and a worker that cannot start leaves why, in HERD_PYTEST_DIR.
 */
static int opt_pytest;		/* --pytest, or runner = pytest in herd.ini */
static const char *opt_python = "python3";
static char *pytest_dir;

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

/* The worker's launcher: $HERD_PYTEST_WORKER, else beside the herd executable
 * in the source tree (build folder/../python), or where make install puts it
 * (LIBDIR/herd, which holds the plugins' folder; or ../lib/herd). */
#ifndef HERD_PLUGINDIR
#define HERD_PLUGINDIR "/usr/local/lib/herd/plugins"
#endif
static char *
pytest_launcher(void)
{
	static const char *const rel[] = { "../python", HERD_PLUGINDIR "/..", "../lib/herd" };
	const char *env = getenv("HERD_PYTEST_WORKER");
	char exe[4096], *slash, *p;
	ssize_t n;
	size_t k;

	if (env && *env)
		return xstrdup(env);
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) < 0)
		hd_fatal(HD_EXIT_INTERNAL, "cannot find the herd executable:");
	exe[n] = 0;
	if ((slash = strrchr(exe, '/')))
		*slash = 0;
	for (k = 0; k < LEN(rel); k++) {
		p = rel[k][0] == '/' ? xasprintf("%s/herd-pytest-worker", rel[k]) :
		    xasprintf("%s/%s/herd-pytest-worker", exe, rel[k]);
		if (access(p, X_OK) == 0)
			return p;
		free(p);
	}
	hd_fatal(HD_EXIT_INTERNAL, "cannot find herd-pytest-worker near %s (set HERD_PYTEST_WORKER)", exe);
}

/* Whether the interpreter can be run: a path, or a name found on PATH. */
static int
pytest_python_found(const char *py)
{
	const char *path = getenv("PATH"), *s, *e;
	int found = 0;

	if (strchr(py, '/'))
		return access(py, X_OK) == 0;
	for (s = path ? path : "/usr/bin:/bin"; !found && *s; s = *e ? e + 1 : e) {
		char *p;

		e = strchrnul(s, ':');
		p = xasprintf("%.*s/%s", (int)(e - s), e > s ? s : ".", py);
		found = access(p, X_OK) == 0;
		free(p);
	}
	return found;
}

/* Appends one argument to HERD_PYTEST_ARGS, escaped as a protocol field. */
static void
pytest_arg(struct buf *b, const char *arg)
{
	if (b->len)
		buf_addc(b, '\t');
	for (; *arg; arg++)
		if (*arg == '%' || *arg == '\t' || *arg == '\n' || *arg == '\r')
			buf_printf(b, "%%%02X", (unsigned char)*arg);
		else
			buf_addc(b, *arg);
}

/* Calls f on each file of the run's folder whose name starts with prefix,
 * in name order. */
static void
pytest_files(const char *prefix, void (*f)(const char *path, void *cookie), void *cookie)
{
	struct dirent **v;
	int i, n = scandir(pytest_dir, &v, NULL, alphasort);

	for (i = 0; i < n; i++) {
		if (!strncmp(v[i]->d_name, prefix, strlen(prefix)) && strcmp(v[i]->d_name, ".") &&
		    strcmp(v[i]->d_name, "..")) {
			char *p = xasprintf("%s/%s", pytest_dir, v[i]->d_name);

			f(p, cookie);
			free(p);
		}
		free(v[i]);
	}
	free(v);
}

static void
pytest_unlink(const char *path, void *cookie)
{
	(void)cookie;
	unlink(path);
}

static void
pytest_cleanup(void)
{
	if (!pytest_dir)
		return;
	pytest_files("", pytest_unlink, NULL);
	rmdir(pytest_dir);
}

struct pytest_part {
	FILE *out;
	const char *title;
	int shown;	/* the title is out */
};

static void
pytest_print_part(const char *path, void *cookie)
{
	struct pytest_part *p = cookie;
	size_t len;
	char *text = hd_read_file(path, &len);

	if (text && len) {
		if (!p->shown++)
			hd_term_rule(p->out, '=', p->title);
		fwrite(text, 1, len, p->out);
	}
	free(text);
}

/*
 * The end of pytest's report that herd's lacks, left by each worker in the
 * run's folder (python/herd_pytest/worker.py, leave_summary): the lines of
 * the short summary for pytest's -r letters other than f and E (skipped,
 * xfailed, xpassed, passed), one file per letter and worker, named so that
 * the letters keep pytest's order; then the warnings summary.
 */
static void
pytest_summary(FILE *out, const struct ctl *c)
{
	struct pytest_part shortp = { out, "short test summary info", 0 };
	struct pytest_part warnp = { out, "warnings summary", 0 };
	int o;

	for (o = 0; o < HD_NOUTCOMES; o++)	/* did herd's summary list failures? */
		if (hd_outcome_fails(o) || o == HD_FLAKY)
			shortp.shown += c->term.counts.n[o] > 0;
	pytest_files("short.", pytest_print_part, &shortp);
	pytest_files("warnings.", pytest_print_part, &warnp);
	if (warnp.shown)
		fputs("-- Docs: https://docs.pytest.org/en/stable/how-to/capture-warnings.html\n", out);
}

/*
 * Instead of finding binaries: the launcher is the one binary, started with
 * what pytest needs. -k and -m go to pytest; the items pytest deselects come
 * marked herd_deselected, and herd's own -m leaves them out, so that the
 * header counts them. The isolation is none unless asked (xdist's model:
 * fixtures of wider scope live across the items of a worker).
 */
static void
pytest_setup(struct ctl *c, struct args *a, char **args, size_t nargs)
{
	struct buf pa = BUF_INIT;
	struct stat st;
	const char *tmp = getenv("TMPDIR");
	char *launcher = pytest_launcher(), q[HD_QUOTE_SIZE];
	size_t i;

	if (!pytest_python_found(opt_python)) {
		fprintf(stderr, "herd: --python: %s: no such interpreter%s\n", hd_quote_str(q, opt_python),
			strchr(opt_python, '/') ? "" : " on PATH");
		exit(HD_EXIT_USAGE);
	}
	for (i = 0; i < nargs && strcmp(args[i], "--") && strncmp(args[i], "--isolation", 11); i++)
		;
	if (i == nargs || !strcmp(args[i], "--"))
		c->isolation_none = 1;
	for (i = 0; i < a->npaths; i++)
		pytest_arg(&pa, a->paths[i]);
	if (c->kexpr)
		pytest_arg(&pa, "-k"), pytest_arg(&pa, c->kexpr);
	if (c->mexpr)
		pytest_arg(&pa, "-m"), pytest_arg(&pa, c->mexpr);
	c->kexpr = NULL;
	c->mexpr = "not herd_deselected";
	pytest_dir = xasprintf("%s/herd-pytest-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(pytest_dir))
		hd_fatal(HD_EXIT_INTERNAL, "cannot make a folder in %s:", tmp && *tmp ? tmp : "/tmp");
	atexit(pytest_cleanup);
	setenv("HERD_PYTEST_DIR", pytest_dir, 1);
	setenv("HERD_PYTEST_PYTHON", opt_python, 1);
	setenv("HERD_PYTEST_ARGS", pa.data ? pa.data : "", 1);
	buf_clear(&pa);
	if (stat(launcher, &st) < 0)
		hd_fatal(HD_EXIT_INTERNAL, "%s:", launcher);
	add_binary(c, launcher, &st);
	free(launcher);
}

/* After the list: a worker that could not start pytest left why (the errors
 * of a collection, pytest's own status); 0 when none did. */
static int
pytest_refused(void)
{
	char *p = xasprintf("%s/error", pytest_dir), *text = hd_read_file(p, NULL), *nl;
	int status = 0;

	free(p);
	if (!text)
		return 0;
	status = atoi(text);
	nl = strchr(text, '\n');
	if (status == HD_EXIT_INTERRUPTED)
		fputs(nl ? nl + 1 : "", stdout);	/* pytest's ERRORS section */
	else
		fprintf(stderr, "herd: %s\n", nl ? nl + 1 : "pytest could not start");
	free(text);
	return status ? status : HD_EXIT_INTERNAL;
}

/* ---- selection and reports ---- */

static size_t
id_hash(const char *s)
{
	return (size_t)hd_fnv1a(HD_FNV_BASIS, s, strlen(s));
}

/*
 * Two selected items with one node id would share a cache entry, a line of
 * every report and a --lf mark, and herd merge would refuse their reports:
 * refuse the run instead, naming the id and where both come from (two binaries built
 * from one source, or a TEST_P whose param ids repeat). Returns 0 or -1.
 */
static int
check_unique_ids(const struct ctl *c)
{
	const struct citem **slot;
	char q[HD_QUOTE_SIZE];
	size_t n = 0, nslot = 2, i, j, h;
	int r = 0;

	for (i = 0; i < c->nbins; i++)
		n += c->bins[i].n;
	while (nslot < 2 * n)
		nslot *= 2;
	slot = xcalloc(nslot, sizeof(*slot));
	for (i = 0; i < c->nbins && !r; i++)
		for (j = 0; j < c->bins[i].n; j++) {
			const struct citem *it = &c->bins[i].items[j];

			if (!it->selected)
				continue;
			for (h = id_hash(it->id) & (nslot - 1); slot[h]; h = (h + 1) & (nslot - 1))
				if (!strcmp(slot[h]->id, it->id))
					break;
			if (!slot[h]) {
				slot[h] = it;
				continue;
			}
			if (slot[h]->bin == it->bin)
				fprintf(stderr, "herd: %s: two items have the node id '%s'\n",
					it->bin->path, hd_quote_str(q, it->id));
			else
				fprintf(stderr, "herd: %s and %s both have the node id '%s'\n",
					slot[h]->bin->path, it->bin->path, hd_quote_str(q, it->id));
			r = -1;
			break;
		}
	free(slot);
	return r;
}


static struct verb_opts verbo;	/* herd build, clean, ...: the verb and its options */

static void
select_items(struct ctl *c, size_t *collected)
{
	struct hd_expr *k = hd_opt_expr("-k", c->kexpr), *m = hd_opt_expr("-m", c->mexpr);
	size_t i, j;

	*collected = 0;
	for (i = 0; i < c->nbins; i++) {
		struct binary *b = &c->bins[i];

		for (j = 0; j < b->n; j++) {
			struct citem *it = &b->items[j];

			/* A verb takes the tasks; a test run the tests (docs/tasks.md). */
			if (it->decl->task != (verbo.verb != VERB_NONE)) {
				it->selected = 0;
				continue;
			}
			(*collected)++;
			it->selected = (!k || hd_expr_eval(k, hd_match_id, it->id)) &&
				       (!m || hd_expr_eval(m, hd_match_words, (void *)it->decl->marks));
			c->nselected += it->selected;
		}
	}
	hd_expr_free(k);
	hd_expr_free(m);
}

/* --dist each: one copy of every selected item per worker, pinned to it. */
static void
expand_each(struct ctl *c)
{
	size_t i, j;
	int s;

	for (i = 0; i < c->nbins; i++) {
		struct binary *b = &c->bins[i];
		size_t n = b->n;

		b->items = xreallocarray(b->items, n * (size_t)c->nslots, sizeof(*b->items));
		for (j = 0; j < n; j++)
			b->items[j].pin = 0;
		for (s = 1; s < c->nslots; s++)
			for (j = 0; j < n; j++) {
				b->items[(size_t)s * n + j] = b->items[j];
				b->items[(size_t)s * n + j].pin = s;
			}
		for (j = n; j < n * (size_t)c->nslots; j++)
			c->nselected += b->items[j].selected;
		b->ntotal = n * (size_t)c->nslots;
	}
}

static char *shard_meta;		/* --shard: the JSON report's meta */
static char *shard_props[8];	/* ... and the JUnit properties */

static struct hd_cache cache;
static char *cache_dir;

/* The cache's folder: --cache-dir, herd.ini's cache_dir, else the project root's. */
static void
resolve_cache_dir(const struct ini *i)
{
	char err[256];

	if (!(cache_dir = hd_cache_dir(opt_cache_dir, i->cache_dir, ini_dir, err, sizeof(err))))
		hd_fatal(HD_EXIT_USAGE, "%s", err);
}

/* pytest-split's file: --durations-path, else .test_durations in the project root. */
static const char *
durations_path(void)
{
	static char *path;

	if (!path)
		path = opt_durations_path ? xstrdup(opt_durations_path) :
		       ini_dir ? xasprintf("%s/.test_durations", ini_dir) : xstrdup(".test_durations");
	return path;
}

static unsigned
mix(unsigned long seed, const char *id)
{
	uint64_t h = hd_fnv1a(HD_FNV_BASIS ^ seed, id, strlen(id));

	return (unsigned)(h ^ (h >> 32));
}

/*
 * What history says of the selected items: --lf narrows the selection; every
 * item gets its expected duration (unknown ones the mean of the known), its
 * last-failed and new flags, and its shuffle rank.
 */
static void
apply_history(struct ctl *c)
{
	struct buf warn = BUF_INIT, err = BUF_INIT;
	double sum = 0;
	size_t i, j, known = 0, failed = 0;

	if (!opt_no_cache)
		hd_cache_load(&cache, cache_dir, &warn);
	if (warn.len)
		fputs(warn.data, stderr);
	/* pytest-split's file: the one named on the command line wins over the
	 * cache; the project's .test_durations seeds a cache that has nothing yet
	 * (a fresh CI machine). A bad file gets the same warning either way. */
	if (opt_durations_path ? !opt_store_durations || access(durations_path(), F_OK) == 0 :
	    !cache.n && access(durations_path(), F_OK) == 0) {
		if (hd_durations_import(&cache, durations_path(), &err) < 0)
			fprintf(stderr, "herd: warning: %s\n", err.data);
	}
	for (i = 0; i < c->nbins; i++)
		for (j = 0; j < c->bins[i].n; j++) {
			struct citem *it = &c->bins[i].items[j];
			double d = hd_cache_duration(&cache, it->id);

			it->lastfailed = (unsigned char)hd_cache_failed(&cache, it->id);
			it->isnew = d < 0 && !it->lastfailed;
			it->est = d;
			it->known = d >= 0;
			it->rank = mix(c->random_seed, it->id);
			if (d >= 0 && it->selected)
				sum += d, known++;
			failed += it->selected && it->lastfailed;
		}
	c->order_by_time = known > 0;
	for (i = 0; i < c->nbins; i++)
		for (j = 0; j < c->bins[i].n; j++) {
			struct citem *it = &c->bins[i].items[j];

			if (it->est < 0)
				it->est = known ? sum / (double)known : 1;
			if (c->lf && failed && it->selected && !it->lastfailed) {
				it->selected = 0;
				c->nselected--;
			}
		}
	if (c->lf && !failed)
		fprintf(stderr, "herd: --lf: no previously failed tests, running all %zu\n",
			c->nselected);
	/* -x and --maxfail want the first failure soon: known failures go first,
	 * as with --ff, unless the user asked for an order of their own. */
	if (c->maxfail > 0 && failed && !c->random_order && !c->nf)
		c->ff = 1;
	buf_clear(&warn);
	buf_clear(&err);
}

/* --shard K/N: keeps the K-th part, the same on every machine for the same inputs. */
static void
apply_shard(struct ctl *c)
{
	size_t i, j, n = 0, k = 0;
	const char **ids = xcalloc(c->nselected + 1, sizeof(*ids));
	double *secs = xcalloc(c->nselected + 1, sizeof(*secs));
	unsigned *to = xcalloc(c->nselected + 1, sizeof(*to));
	char hash[17];

	struct buf err = BUF_INIT;

	for (i = 0; i < c->nbins; i++)
		for (j = 0; j < c->bins[i].n; j++)
			if (c->bins[i].items[j].selected)
				ids[n++] = c->bins[i].items[j].id;
	hd_collection_hash(ids, n, hash);
	if (opt_no_cache) {
		for (i = 0; i < n; i++)
			secs[i] = hd_cache_duration(&cache, ids[i]);
	} else if (hd_split_durations(&cache, hash, opt_shard_k, opt_shard_n, ids, n, secs,
				      !c->collect_only, &err) < 0) {
		fprintf(stderr, "herd: warning: %s\n", err.data);
	}
	buf_clear(&err);
	hd_shard_split(secs, n, opt_shard_n, to);
	for (i = 0; i < c->nbins; i++)
		for (j = 0; j < c->bins[i].n; j++)
			if (c->bins[i].items[j].selected && to[k++] != opt_shard_k - 1) {
				c->bins[i].items[j].selected = 0;
				c->nselected--;
			}
	shard_meta = xasprintf("{\"shard\": %u, \"shards\": %u, \"selected\": %zu, "
			       "\"collection\": \"%s\"}", opt_shard_k, opt_shard_n, n, hash);
	shard_props[0] = "herd.shard";
	shard_props[1] = xasprintf("%u", opt_shard_k);
	shard_props[2] = "herd.shards";
	shard_props[3] = xasprintf("%u", opt_shard_n);
	shard_props[4] = "herd.selected";
	shard_props[5] = xasprintf("%zu", n);
	shard_props[6] = "herd.collection";
	shard_props[7] = xstrdup(hash);
	free(ids);
	free(secs);
	free(to);
}

/* Remembers what failed and how long each item took. */
static void
save_history(struct ctl *c)
{
	struct buf err = BUF_INIT;
	size_t i, j;

	/* With --no-cache and no --store-durations nothing reads what is recorded:
	 * a million items would copy their ids for nothing. */
	for (i = 0; (!opt_no_cache || opt_store_durations) && i < c->nbins; i++)
		for (j = 0; j < c->bins[i].ntotal; j++) {
			const struct citem *it = &c->bins[i].items[j];
			int ran = it->outcome != HD_NONE && it->outcome != HD_NOTRUN &&
				  it->outcome != HD_SKIPPED;

			if (it->selected && it->outcome != HD_NONE && it->outcome != HD_NOTRUN)
				hd_cache_record(&cache, it->id, hd_outcome_fails(it->outcome),
						ran ? it->duration : -1);
		}
	if (!opt_no_cache && hd_cache_save(&cache, &err) < 0)
		fprintf(stderr, "herd: warning: cannot save the cache: %s\n", err.data);
	buf_reset(&err);
	if (!opt_no_cache)
		bisect_save(c, cache_dir, &err);
	if (err.len)
		fprintf(stderr, "herd: warning: %s", err.data);
	buf_reset(&err);
	if (opt_store_durations && hd_durations_export(&cache, durations_path(), &err) < 0)
		fprintf(stderr, "herd: warning: %s\n", err.data);
	buf_clear(&err);
}

static int loop_pipe[2] = { -1, -1 };
static volatile sig_atomic_t loop_sig;
static volatile pid_t loop_run;	/* the run under way, not yet reaped; 0 */

/*
 * -f's own process: SIGINT, SIGTERM, SIGHUP and SIGQUIT end the loop (exit
 * 2), and all but SIGINT (which a terminal sends the run too) are passed on
 * to a run under way, which stops and reports. SIGUSR1 is only passed on,
 * for the run's state dump.
 */
static void
on_loop_signal(int sig)
{
	int err = errno;
	pid_t run = loop_run;

	if (run > 0 && sig != SIGINT)
		kill(run, sig);
	if (sig != SIGUSR1) {
		loop_sig = sig;
		if (write(loop_pipe[1], "i", 1) < 0)
			(void)0;
	}
	errno = err;
}

/* Waits for the run pid, which the handler may signal until it is reaped. */
static void
loop_wait_run(pid_t pid, int *status)
{
	sigset_t set, old;
	siginfo_t si;

	/* A signal that came before the handler knew the run is passed on here. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigprocmask(SIG_BLOCK, &set, &old);
	loop_run = pid;
	if (loop_sig && loop_sig != SIGINT)
		kill(pid, loop_sig);
	sigprocmask(SIG_SETMASK, &old, NULL);
	while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) < 0 && errno == EINTR)
		;
	loop_run = 0;
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
}

/*
 * -f: runs herd again and again, without -f: after a failing run, waits for a
 * test binary to change and reruns the failures (--lf); once they pass, runs
 * everything once more, then waits again. The watch is armed before each run,
 * so a rebuild finishing during the run is not missed. Ctrl-C leaves.
 */
static int
loop_on_fail(struct ctl *c, int argc, char **argv)
{
	/* Static: they live as long as the loop, which ends with the process. */
	static char **args;
	static const char **paths;
	struct sigaction sa;
	int i, n = 0, status = 0, lf = 0;
	size_t k;

	args = xcalloc((size_t)argc + 2, sizeof(*args));
	paths = xcalloc(c->nbins + 1, sizeof(*paths));
	if (pipe2(loop_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		hd_fatal(HD_EXIT_INTERNAL, "pipe:");
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_loop_signal;	/* no SA_RESTART: waitpid returns */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	for (k = 0; k < c->nbins; k++)
		paths[k] = c->bins[k].path;
	/* argv[0], then --lf when rerunning failures (before any "--"), then the rest. */
	args[n++] = argv[0];
	args[n++] = "--lf";
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "-f") && strcmp(argv[i], "--looponfail"))
			args[n++] = argv[i];
	setenv("HERD_LOOPONFAIL_RUN", "1", 1);
	for (;;) {
		struct hd_watch *w = hd_watch_open(paths, c->nbins);
		pid_t pid;

		if (!w)
			hd_fatal(HD_EXIT_INTERNAL, "cannot watch the test binaries:");
		fflush(NULL);
		if ((pid = fork()) == 0) {
			/* args[1] is --lf: skip it, or keep it after argv[0]. */
			char **av = lf ? args : args + 1;

			av[0] = argv[0];
			if (lf)
				args[1] = "--lf";
			execv("/proc/self/exe", av);
			execvp(argv[0], av);
			_exit(127);
		}
		signal(SIGINT, SIG_IGN);	/* the run takes Ctrl-C and says so */
		if (pid > 0)
			loop_wait_run(pid, &status);
		if (loop_sig) {
			hd_watch_close(w);
			return HD_EXIT_INTERRUPTED;
		}
		if (pid < 0 || WIFSIGNALED(status) || WEXITSTATUS(status) == HD_EXIT_INTERRUPTED ||
		    WEXITSTATUS(status) >= 3) {
			hd_watch_close(w);
			return pid < 0 || WIFSIGNALED(status) ? 2 : WEXITSTATUS(status);
		}
		/* Failures: rerun them; all passed after reruns: everything once more. */
		if (lf && WEXITSTATUS(status) == 0) {
			lf = 0;
			hd_watch_close(w);
			continue;
		}
		lf = WEXITSTATUS(status) == 1;
		printf("\n######## waiting for a change in %zu test binar%s (Ctrl-C leaves) ########\n",
		       c->nbins, c->nbins == 1 ? "y" : "ies");
		fflush(stdout);
		sigaction(SIGINT, &sa, NULL);
		i = hd_watch_next(w, loop_pipe[0]);
		hd_watch_close(w);
		if (i <= 0)
			return HD_EXIT_INTERRUPTED;
	}
}

/* An item asking more than a capacity could never run: say so before starting. */
static int
check_demands(struct ctl *c)
{
	size_t i, j, k;

	for (i = 0; i < c->nbins; i++)
		for (j = 0; j < c->bins[i].n; j++) {
			const struct citem *it = &c->bins[i].items[j];

			for (k = 0; it->selected && k < it->decl->nneed; k++) {
				const struct resource *r = &c->res[it->decl->need[k].res];

				if (it->decl->need[k].n > r->cap) {
					fprintf(stderr, "herd: %s needs %ld of resource '%s', whose capacity "
						"is %ld (see --resource %s=N)\n", it->id, it->decl->need[k].n,
						r->name, r->cap, r->name);
					return -1;
				}
			}
		}
	return 0;
}

static void
count_gfix_users(struct ctl *c)
{
	size_t i, j, k;

	for (i = 0; i < c->nbins; i++)
		for (j = 0; j < c->bins[i].ntotal; j++) {
			const struct citem *it = &c->bins[i].items[j];

			for (k = 0; it->selected && it->decl->fixtures && k < c->ngfix; k++)
				if (hd_match_words(c->gfix[k].name, strlen(c->gfix[k].name),
						   (void *)it->decl->fixtures))
					c->gfix[k].users++;
		}
}

/* The report of one selected item. */
static void
ritem(const struct ctl *c, struct citem *it, struct hd_ritem *ri)
{
	ri->id = it->id;
	ri->file = it->decl->file;
	ri->line = it->decl->line;
	ri->suite = it->decl->suite;
	ri->name = it->name;
	ri->outcome = it->outcome == HD_NONE ? HD_NOTRUN : it->outcome;
	ri->duration = it->duration;
	ri->message = citem_message(it);
	ri->output = it->res ? it->res->output : NULL;
	ri->outlen = it->res ? it->res->outlen : 0;
	ri->worker = it->worker;
	ri->reruns = it->tries;
	ri->attempts = it->res ? it->res->attempts : NULL;
	ri->nattempts = (size_t)it->tries;
	ri->start = it->started > 0 ? it->started - c->t0 : 0;
	ri->item = it;
	if (it->outcome == HD_NONE)
		ri->message = c->interrupted ? "not run: interrupted\n" :
			      c->stop_reason ? c->stop_reason : "not run\n";
}

/* Whether the terminal summary names it: a failure or a flaky pass. */
static int
summary_names(const struct citem *it)
{
	return hd_outcome_fails((enum hd_outcome)it->outcome) || it->outcome == HD_FLAKY;
}

/* The reports of the selected items, in order: all, or those the summary names. */
static struct hd_ritem *
ritems(struct ctl *c, size_t *count, int all)
{
	struct hd_ritem *r = all ? xcalloc(c->nselected, sizeof(*r)) : NULL;
	size_t i, j, n = 0, cap = all ? c->nselected : 0;

	for (i = 0; i < c->nbins; i++)
		for (j = 0; j < c->bins[i].ntotal; j++) {
			struct citem *it = &c->bins[i].items[j];

			if (!it->selected || (!all && !summary_names(it)))
				continue;
			if (n == cap) {
				cap = cap ? 2 * cap : 16;
				r = xreallocarray(r, cap, sizeof(*r));
			}
			memset(&r[n], 0, sizeof(r[n]));
			ritem(c, it, &r[n++]);
		}
	*count = n;
	return r;
}

/* The outcomes of the selected items, as hd_count counts their reports. */
static void
count_items(const struct ctl *c, struct hd_counts *k)
{
	size_t i, j;

	memset(k->n, 0, sizeof(k->n));
	for (i = 0; i < c->nbins; i++)
		for (j = 0; j < c->bins[i].ntotal; j++) {
			const struct citem *it = &c->bins[i].items[j];

			if (it->selected)
				k->n[it->outcome == HD_NONE ? HD_NOTRUN : it->outcome]++;
		}
}

/* The JUnit file, with the run's settings and any shard's in <properties>. */
static int
junit_write(const struct ctl *c, const struct hd_ritem *r, size_t n, double elapsed)
{
	const char *props[2 * 8];
	char workers[16], seed[32];
	size_t np = 0, k;

	snprintf(workers, sizeof(workers), "%d", c->nslots);
	snprintf(seed, sizeof(seed), "%lu", c->random_seed);
	props[np++] = "herd.workers", props[np++] = workers;
	props[np++] = "herd.dist", props[np++] = dists[c->dist];
	props[np++] = "herd.isolation", props[np++] = c->isolation_none ? "none" : "fork";
	if (c->random_order)
		props[np++] = "herd.random_seed", props[np++] = seed;
	for (k = 0; shard_meta && k < LEN(shard_props); k++)
		props[np++] = shard_props[k];
	opt_junit.props = props;
	opt_junit.nprops = np / 2;
	return hd_junit_write(c->junit, r, n, elapsed, &opt_junit);
}

/* ---- the built-in reporters: plugins like any other ---- */

static struct ctl *rep_c;	/* the run they report */
static double rep_elapsed;
static struct hd_counts rep_counts;
static struct hd_ritem *rep_all;	/* every selected item's report, once asked for */
static size_t rep_nall;

/* The reports of every selected item: made when first asked, by a reporter
 * or a plugin; a quiet run of a million items needs none. */
static const struct hd_ritem *
all_reports(size_t *n)
{
	if (!rep_all)
		rep_all = ritems(rep_c, &rep_nall, 1);
	*n = rep_nall;
	return rep_all;
}

/* "terminal": a progress character (or a line with -v) per finished item. */
static int
term_logreport(herd_session *s, const struct herd_report *r)
{
	struct hd_ritem ri;

	(void)s;
	if (r->outcome == HERD_OUTCOME_RERUN || rep_c->tap || rep_c->collect_only || rep_c->silent)
		return 0;
	memset(&ri, 0, sizeof(ri));
	ri.id = r->id;
	ri.file = r->file;
	ri.outcome = (enum hd_outcome)r->outcome;
	ri.worker = rep_c->nslots > 1 ? r->worker : NULL;
	hd_term_item(&rep_c->term, &ri);
	return 0;
}

/* struct herd_report is struct hd_ritem (src/plugin.c checks it). */
static const struct hd_ritem *
session_items(herd_session *s, size_t *n)
{
	return (const struct hd_ritem *)(const void *)herd_session_reports(s, n);
}

static int
junit_finish(herd_session *s, int *status)
{
	size_t n;
	const struct hd_ritem *r;

	if (!rep_c->junit)
		return 0;	/* the reports are made when first asked for */
	r = session_items(s, &n);
	if (junit_write(rep_c, r, n, rep_elapsed) < 0) {
		hd_warn("cannot write %s:", rep_c->junit);
		*status = HD_EXIT_INTERNAL;
	}
	return 0;
}

static int
json_finish(herd_session *s, int *status)
{
	size_t n;
	const struct hd_ritem *r;

	if (!rep_c->json)
		return 0;
	r = session_items(s, &n);
	if (hd_json_write(rep_c->json, r, n, rep_elapsed, &rep_counts, shard_meta) < 0) {
		hd_warn("cannot write %s:", rep_c->json);
		*status = HD_EXIT_INTERNAL;
	}
	return 0;
}

static int
tap_finish(herd_session *s, int *status)
{
	const struct hd_ritem *r;
	size_t n;

	(void)status;
	if (!rep_c->tap)
		return 0;
	r = session_items(s, &n);
	hd_tap_write(stdout, r, n);
	return 0;
}

static const struct herd_plugin plug_terminal = {
	.abi = HERD_PLUGIN_ABI, .name = "terminal", .runtest_logreport = term_logreport,
};
static const struct herd_plugin plug_junit = {
	.abi = HERD_PLUGIN_ABI, .name = "junitxml", .sessionfinish = junit_finish,
};
static const struct herd_plugin plug_json = {
	.abi = HERD_PLUGIN_ABI, .name = "json", .sessionfinish = json_finish,
};
static const struct herd_plugin plug_tap = {
	.abi = HERD_PLUGIN_ABI, .name = "tap", .sessionfinish = tap_finish,
};

static void
summary_extra(FILE *out)
{
	if (opt_pytest)
		pytest_summary(out, rep_c);
	plug_terminal_summary(out);
}

static int
report(struct ctl *c, double elapsed)
{
	struct hd_ritem *some = NULL;
	const struct hd_ritem *r;
	const char *intr = NULL;
	char tmp[32];
	size_t n;
	int status;

	rep_c = c;
	rep_elapsed = elapsed;
	if (c->interrupted)
		intr = hd_signame(c->interrupted, tmp, sizeof(tmp));
	if (c->tap) {
		count_items(c, &rep_counts);
		rep_counts.deselected = c->term.counts.deselected;
		status = hd_exit_status(&rep_counts, c->interrupted);
	} else {
		hd_term_end_progress(&c->term);
		if (c->stop_reason && !c->interrupted)
			fprintf(stdout, "\n!!!!!!!!!!!!!!!!!!!! %s !!!!!!!!!!!!!!!!!!!!\n", c->stop_reason);
		c->term.summary_extra = summary_extra;
		count_items(c, &c->term.counts);
		/* --durations ranks every item; else the summary names the failures alone. */
		r = c->term.durations >= 0 ? all_reports(&n) : (some = ritems(c, &n, 0));
		status = hd_term_summary_counted(&c->term, r, n, elapsed, intr);
		rep_counts = c->term.counts;
	}
	if (c->flaky_fails && rep_counts.n[HD_FLAKY] && status == HD_EXIT_OK)
		status = HD_EXIT_FAILED;
	/* The reporters (JUnit, JSON, TAP) and every plugin's sessionfinish. */
	plug_sessionfinish(all_reports, &status);
	free(some);
	free(rep_all);
	rep_all = NULL;
	return status;
}

/* ---- plugins ---- */

/* herd's own herd.ini keys, as load_ini knows them. */
static const char *const ini_keys[] = {
	"addopts", "testpaths", "resources", "cache_dir", "junit_family", "junit_suite_name",
	"chdir", "runner", "plugins",
};

/*
 * Is name one of herd's options (its usage text lists them all) or, with
 * ini, one of its herd.ini keys? A plugin may not take them.
 */
static int
herd_owns(const char *name, int ini)
{
	const char *p = usage_text;
	size_t len = strlen(name), k;

	if (ini) {
		for (k = 0; k < LEN(ini_keys); k++)
			if (!strcmp(ini_keys[k], name))
				return 1;
		return 0;
	}
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
	size_t i;

	for (i = 0; i < in->nother; i++) {
		char q[HD_QUOTE_SIZE];

		if (plug_ini_option(in->other[i].key, in->other[i].value))
			continue;
		fprintf(stderr, "herd: %s:%d: unknown key '%s' in [herd] (known: addopts, "
			"testpaths, resources, cache_dir, junit_family, junit_suite_name, "
			"chdir, runner, plugins, and the keys of loaded plugins)\n", in->path,
			in->other[i].line, hd_quote_str(q, in->other[i].key));
		exit(HD_EXIT_USAGE);
	}
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
	char header[512], *hosts;
	size_t nall = 0, i, collected;
	int status;
	const char *env;

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
	c.dist = DIST_LOAD;
	c.grace = 1.0;
	c.collect_timeout = 60;
	c.capture = 1;
	c.max_restart = -1;
	c.tx_timeout = 30;
	c.durations = -1;
	c.color = -1;
	a.nworkers = -1;
	load_ini(&ini);
	if (!(c.rootdir = realpath(ini_dir ? ini_dir : ".", NULL)))
		hd_fatal(HD_EXIT_INTERNAL, "cannot find the project root:");
	c.sync = hd_sync_new();
	for (i = 0; i < ini.nresources; i++)
		add_capacity(&c, ini.resources[i]);
	/* herd.ini's addopts, then HERD_ADDOPTS, then the command line. */
	all = xcalloc(ini.naddopts + (size_t)argc + 64, sizeof(*all));
	for (i = 0; i < ini.naddopts; i++)
		all[nall++] = ini.addopts[i];
	if ((env = getenv("HERD_ADDOPTS")) && *env) {
		static char **extra;	/* all[] points into it for the whole run */
		char err[256];
		size_t nextra;

		if (hd_split_args(env, &extra, &nextra, err, sizeof(err)) < 0) {
			fprintf(stderr, "herd: HERD_ADDOPTS: %s\n", err);
			return HD_EXIT_USAGE;
		}
		all = xreallocarray(all, nall + nextra + (size_t)argc + 1, sizeof(*all));
		for (i = 0; i < nextra; i++)
			all[nall++] = extra[i];
	}
	for (i = 1; i < (size_t)argc; i++)
		all[nall++] = argv[i];
	if (verbo.verb)
		verb_args(&verbo, all, &nall);
	load_plugins(&ini, all, nall);
	ini_plugin_keys(&ini);
	a.paths = xcalloc(nall + ini.ntestpaths + 1, sizeof(*a.paths));
	parse_args(&c, &a, (int)nall, all);
	/* A bad -k or -m is a usage error before anything starts. */
	hd_expr_free(hd_opt_expr("-k", c.kexpr));
	hd_expr_free(hd_opt_expr("-m", c.mexpr));
	if (!a.npaths)
		for (i = 0; i < ini.ntestpaths; i++)
			a.paths[a.npaths++] = ini.testpaths[i];
	resolve_cache_dir(&ini);
	if (opt_cache_clear) {
		struct buf err = BUF_INIT;

		bisect_clear(cache_dir);
		if (hd_cache_clear(cache_dir, &err) < 0)
			hd_fatal(HD_EXIT_INTERNAL, "cannot clear the cache: %s", err.data);
		buf_clear(&err);
	}
	if (opt_cache_show) {
		struct buf warn = BUF_INIT;

		hd_cache_load(&cache, cache_dir, &warn);
		fputs(warn.data ? warn.data : "", stderr);
		hd_cache_show(stdout, &cache);
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
	rep_c = &c;
	plug_session(&c, ini_dir);
	if (plug_configure() < 0)
		return HD_EXIT_INTERNAL;
	if (opt_auto && plug_auto_num_workers(&a.nworkers) < 0)
		return HD_EXIT_INTERNAL;
	c.nslots = a.tx ? hosts_layout(&c, a.nworkers + a.tx_local) :
		   a.nworkers == 0 ? 1 : a.nworkers;
	if (c.dist == DIST_NO)
		c.nslots = 1;
	if (a.maxprocesses > 0 && c.nslots > a.maxprocesses)
		c.nslots = a.maxprocesses;
	if (opt_bisect) {
		/* One process at a time, the candidates in the order given. */
		c.nslots = 1;
		c.dist = DIST_NO;
		c.isolation_none = 1;
		c.no_iso_check = 1;
		c.silent = 1;
		c.reruns = 0;
		c.maxfail = 0;
	}
	if (c.max_restart < 0)
		c.max_restart = 4 * c.nslots;
	snprintf(c.uid, sizeof(c.uid), "%08lx%08lx", (unsigned long)time(NULL),
		 (unsigned long)getpid() ^ (unsigned long)(hd_now() * 1e6));
	c.w = xcalloc((size_t)c.nslots, sizeof(*c.w));
	for (i = 0; i < (size_t)c.nslots; i++) {
		c.w[i].slot = (int)i;
		c.w[i].sock = c.w[i].outfd = c.w[i].errfd = c.w[i].capfd = -1;
	}
	if (opt_pytest)
		pytest_setup(&c, &a, all, nall);
	else
		find_binaries(&c, a.paths, a.npaths);
	if (!c.nbins) {
		fprintf(stderr, "herd: no herd test binaries found\n");
		return HD_EXIT_NOTESTS;
	}
	set_workdirs(&c);
	if (opt_loop)
		return loop_on_fail(&c, argc, argv);
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
	status = ctl_collect(&c);
	if (status)
		return status;
	if (opt_pytest && (status = pytest_refused()))
		return status;
	for (i = 0; i < c.nbins; i++)
		c.bins[i].ntotal = c.bins[i].n;
	select_items(&c, &collected);
	if (check_unique_ids(&c) < 0) {
		ctl_stop_all(&c);
		return HD_EXIT_USAGE;
	}
	if (opt_bisect) {
		/* -k or -m name the candidates; else the last run's history does. */
		size_t nhist = 0;
		char **hist = c.kexpr || c.mexpr || opt_no_cache ? NULL :
			      bisect_load(cache_dir, opt_bisect, &nhist);

		status = ctl_bisect(&c, opt_bisect, hist, nhist, (size_t)opt_bisect_max_runs);
		for (i = 0; i < nhist; i++)
			free(hist[i]);
		free(hist);
		return status;
	}
	apply_history(&c);
	if (opt_shard_n)
		apply_shard(&c);
	/* Plugins see the selection and may narrow and reorder it (collected counts stay). */
	if (plug_collection_modifyitems(&c) < 0) {
		ctl_stop_all(&c);
		return HD_EXIT_INTERNAL;
	}
	if (verbo.verb)
		return verb_main(&c, &verbo);
	if ((status = build_for_tests(&c))) {
		ctl_stop_all(&c);
		return status;
	}
	if (c.collect_only) {
		size_t j;

		ctl_stop_all(&c);
		for (i = 0; i < c.nbins; i++)
			for (j = 0; j < c.bins[i].n; j++)
				if (c.bins[i].items[j].selected)
					printf("%s\n", c.bins[i].items[j].id);
		if (!c.nselected && opt_shard_n)
			fprintf(stderr, "herd: shard %u/%u holds no item\n", opt_shard_k, opt_shard_n);
		return c.nselected || opt_shard_n ? HD_EXIT_OK : HD_EXIT_NOTESTS;
	}
	if (check_demands(&c) < 0)
		return HD_EXIT_USAGE;
	/* No more workers than items, as xdist: the others would start for nothing.
	 * The collectors were told the old count (herd_worker_count): restart them. */
	if (c.dist != DIST_EACH && c.nselected && (size_t)c.nslots > c.nselected) {
		ctl_stop_all(&c);
		c.nslots = (int)c.nselected;
	}
	if (c.dist == DIST_EACH)
		expand_each(&c);
	count_gfix_users(&c);
	hd_term_init(&c.term, stdout);
	c.term.verbose = c.verbose;
	c.term.quiet = c.quiet;
	c.term.durations = c.durations;
	c.term.color = c.color >= 0 ? c.color : hd_term_want_color(1);
	c.term.live = isatty(1) && !c.tap && !c.quiet && getenv("TERM") && strcmp(getenv("TERM"), "dumb");
	hosts = hosts_summary(&c);
	snprintf(header, sizeof(header), "herd %s -- %d worker%s%s%s%s, --dist %s, isolation %s",
		 VERSION, c.nslots, c.nslots == 1 ? "" : "s", hosts ? " (" : "", hosts ? hosts : "",
		 hosts ? ")" : "",
		 (const char *[]){ "load", "loadscope", "loadfile", "loadgroup", "worksteal",
				   "each", "no" }[c.dist], c.isolation_none ? "none" : "fork");
	free(hosts);
	if (c.random_order)
		snprintf(header + strlen(header), sizeof(header) - strlen(header),
			 ", random order (--random-seed %lu)", c.random_seed);
	if (opt_shard_n)
		snprintf(header + strlen(header), sizeof(header) - strlen(header),
			 ", shard %u/%u", opt_shard_k, opt_shard_n);
	if (!c.tap) {
		hd_term_header(&c.term, header, collected, collected - (c.dist == DIST_EACH ?
				 c.nselected / (size_t)c.nslots : c.nselected));
		plug_report_header(stdout);
	}
	c.term.total = c.nselected;
	c.term.counts.deselected = collected - (c.dist == DIST_EACH ?
				   c.nselected / (size_t)c.nslots : c.nselected);
	if (opt_shard_n && !c.nselected) {
		/* Nothing here, which is no failure (N may exceed the items of a small
		 * suite): its reports still say which shard it was. */
		ctl_stop_all(&c);
		fprintf(stderr, "herd: shard %u/%u holds no item\n", opt_shard_k, opt_shard_n);
		status = report(&c, hd_now() - c.t0);
		return status == HD_EXIT_NOTESTS ? HD_EXIT_OK : status;
	}
	build_tests_blocked(&c);
	ctl_run(&c);
	save_history(&c);
	status = report(&c, hd_now() - c.t0);
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

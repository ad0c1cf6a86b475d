/*
 * pytest.c - pytest suites: herd --pytest (docs/pytest.md).
 *
 * The run has one "binary", python/herd-pytest-worker, which starts the
 * herd_pytest package. What pytest is to collect (the paths, everything after
 * "--", -k and -m, which pytest evaluates itself) reaches it in
 * HERD_PYTEST_ARGS, each argument one protocol field; the interpreter in
 * HERD_PYTEST_PYTHON; the run's private folder, where the first worker's fork
 * server listens and a worker that cannot start leaves why, in HERD_PYTEST_DIR.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "binaries.h"
#include "ctl.h"
#include "history.h"
#include "pytest.h"
#include "quote.h"

static char *pytest_dir;	/* the run's private folder */

/* Seconds of work per worker, known from history, that start every worker
 * at once: a worker's start (a fork of the collection) costs a few tenths. */
#define LONG_SHARE 1.0

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
 * The parts of pytest's report that herd's lacks, left by each worker in the
 * run's folder (python/herd_pytest/worker.py, leave_summary): the warnings
 * summary, which pytest prints before the short summary; then, after herd's
 * lines of the short summary, those for pytest's -r letters other than f and
 * E (skipped, xfailed, xpassed, passed), one file per letter and worker,
 * named so that the letters keep pytest's order.
 */
void
pytest_summary_warnings(FILE *out)
{
	struct pytest_part warnp = { out, "warnings summary", 0 };

	pytest_files("warnings.", pytest_print_part, &warnp);
	if (warnp.shown)
		fputs("-- Docs: https://docs.pytest.org/en/stable/how-to/capture-warnings.html\n", out);
}

void
pytest_summary(FILE *out, const struct ctl *c)
{
	struct pytest_part shortp = { out, "short test summary info", 0 };
	int o;

	for (o = 0; o < HD_NOUTCOMES; o++)	/* did herd's summary list failures? */
		if (hd_outcome_fails(o) || o == HD_FLAKY)
			shortp.shown += c->term.counts.n[o] > 0;
	pytest_files("short.", pytest_print_part, &shortp);
}

/*
 * pytest's counts for the closing line: an item whose result carried a tally
 * counts as what it names instead of its outcome (a test that passed and
 * whose teardown failed is herd's error, and pytest's "1 passed, 1 error").
 */
void
pytest_tally(const struct ctl *c, struct hd_counts *k)
{
	size_t i, j, t;

	for (i = 0; i < c->nbins; i++)
		for (j = 0; j < c->bins[i].ntotal; j++) {
			const struct citem *it = &c->bins[i].items[j];

			if (!it->selected || it->outcome == HD_NONE || !it->res || !it->res->ntally)
				continue;
			k->n[it->outcome]--;
			for (t = 0; t < it->res->ntally; t++)
				k->n[it->res->tally[t]]++;
		}
}

static void
pytest_add_count(const char *path, void *cookie)
{
	char *text = hd_read_file(path, NULL);

	if (text)
		*(size_t *)cookie += strtoul(text, NULL, 10);
	free(text);
}

size_t
pytest_warnings(void)
{
	size_t n = 0;

	pytest_files("nwarnings.", pytest_add_count, &n);
	return n;
}

/*
 * When b's workers start. Those that leave no CPU without one start with the
 * first, while it collects: their start overlaps the collection. Those
 * beyond the CPUs (-n above them) start with it too when history knows
 * enough work for each to repay its start many times over; else after the
 * list, when the work is worth it (sched.c, worth_a_worker) and the workers
 * that run leave a CPU idle (cpu.c): for quick tests that compute, one more
 * would only share the CPUs and pay its start.
 */
static void
pytest_workers(struct ctl *c, struct binary *b)
{
	int cpus = c->nslots < c->ncpus ? c->nslots : c->ncpus;

	b->cpu_gated = c->dist != DIST_EACH;
	b->eager = cpus - 1;
	if (!b->cpu_gated || history_known_seconds() / c->nslots >= LONG_SHARE)
		b->eager = c->nslots - 1;
}

/*
 * Instead of finding binaries: the launcher is the one binary, started with
 * what pytest needs. -k and -m go to pytest; the items pytest deselects come
 * marked herd_deselected, and herd's own -m leaves them out, so that the
 * header counts them. The isolation is none unless asked (xdist's model:
 * fixtures of wider scope live across the items of a worker).
 */
void
pytest_setup(struct ctl *c, const char *python, char **paths, size_t npaths, char **args,
	     size_t nargs)
{
	struct buf pa = BUF_INIT;
	struct stat st;
	const char *tmp = getenv("TMPDIR");
	char *launcher = pytest_launcher(), q[HD_QUOTE_SIZE];
	size_t i;

	if (!pytest_python_found(python)) {
		fprintf(stderr, "herd: --python: %s: no such interpreter%s\n", hd_quote_str(q, python),
			strchr(python, '/') ? "" : " on PATH");
		exit(HD_EXIT_USAGE);
	}
	for (i = 0; i < nargs && strcmp(args[i], "--") && strncmp(args[i], "--isolation", 11); i++)
		;
	if (i == nargs || !strcmp(args[i], "--"))
		c->isolation_none = 1;
	for (i = 0; i < npaths; i++)
		pytest_arg(&pa, paths[i]);
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
	setenv("HERD_PYTEST_PYTHON", python, 1);
	setenv("HERD_PYTEST_ARGS", pa.data ? pa.data : "", 1);
	buf_clear(&pa);
	if (stat(launcher, &st) < 0)
		hd_fatal(HD_EXIT_INTERNAL, "%s:", launcher);
	binaries_add(c, launcher, &st);
	pytest_workers(c, &c->bins[c->nbins - 1]);
	free(launcher);
}

/* After the list: a worker that could not start pytest left why (the errors
 * of a collection, pytest's own status); 0 when none did. */
int
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

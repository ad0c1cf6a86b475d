/*
 * main.c - the test binary's own command line: run alone it is a complete
 * serial runner; started by the herd controller it is a worker (worker.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "cli.h"
#include "expr.h"
#include "ini.h"
#include "internal.h"
#include "project.h"
#include "quote.h"

struct opts {
	int list, verbose, quiet, capture, maxfail, durations, color;
	int lf, ff, nf, no_cache, cache_clear;
	const char *cache_dir;
	enum hd_isolation isolation;
	double timeout, grace;
	const char *kexpr, *mexpr, *junit;
	struct hd_junit_opts junit_opts;
	const char **tasks;	/* --task: run these instead of the tests */
	size_t ntasks;
};

extern const char hd_binary_marker[];

static const char usage_text[] =
"usage: %s [options]\n"
"Runs the herd tests in this binary, one after another, each in its own process.\n"
"\n"
"  --list               print the node id of every selected test and exit\n"
"                       (and of every task, followed by (task))\n"
"  --task NAME          run task NAME instead of the tests (every instance of a\n"
"                       TASK_P; or NAME[param], or an id); may be repeated. Its\n"
"                       inputs are not brought up to date nor its products\n"
"                       checked: that is herd build's work\n"
"  -k EXPR              only tests whose id matches EXPR: substrings combined\n"
"                       with and, or, not and parentheses (case-insensitive)\n"
"  -m EXPR              only tests whose marks match EXPR\n"
"  -x, --exitfirst      stop after the first failure\n"
"  --maxfail N          stop after N failures\n"
"  -v, --verbose        one line per test; with --list, the tests' options\n"
"  -q, --quiet          less output\n"
"  -s                   do not capture output (same as --capture=no)\n"
"  --isolation MODE     fork (default): each test in a child process;\n"
"                       none: in this process, fastest, a crash ends the run\n"
"  --timeout S          seconds a test may take (0: no limit, the default)\n"
"  --kill-grace S       seconds between SIGTERM and SIGKILL on timeout (1)\n"
"  --junit-xml FILE     write a JUnit XML report\n"
"  --junit-family F     its dialect: xunit2 (default; Jenkins' schema) or\n"
"                       xunit1 (adds file and line to each testcase)\n"
"  --durations N        show the N slowest tests (0: all)\n"
"  --lf, --last-failed  run only the tests that failed last time (all if none)\n"
"  --ff, --failed-first run those first, then the rest\n"
"  --nf, --new-first    run tests the cache has never seen first\n"
"  --cache-dir DIR      the cache's folder (default: .herd_cache beside herd.ini,\n"
"                       shared with the herd controller); --cache-clear empties\n"
"                       it first; --no-cache neither reads nor writes it\n"
"  --color WHEN         yes, no or auto (default; honours NO_COLOR)\n"
"  --version            print herd's version\n"
"  -h, --help           print this help\n"
"\n"
"Exit status: 0 all passed, 1 some failed, 2 interrupted, 3 internal error,\n"
"4 usage error, 5 no tests collected or selected.\n";

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->capture = 1;
	o->durations = -1;
	o->color = -1;
	o->grace = 1.0;
	o->junit_opts.suite_name = hd_progname;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		char name[64];
		const char *eq = hd_opt_split(a, name, sizeof(name));
		if (!strcmp(name, "-h") || !strcmp(name, "--help")) {
			printf(usage_text, hd_progname);
			exit(0);
		} else if (!strcmp(name, "--version")) {
			printf("herd %s (%s)\n", HERD_VERSION, hd_binary_marker);
			exit(0);
		} else if (!strcmp(name, "--list") || !strcmp(name, "--collect-only")) {
			o->list = 1;
		} else if (!strcmp(name, "--task")) {
			o->tasks = xreallocarray(o->tasks, o->ntasks + 1, sizeof(*o->tasks));
			o->tasks[o->ntasks++] = hd_opt_value(argc, argv, &i, eq);
		} else if (!strcmp(name, "-v") || !strcmp(name, "--verbose")) {
			o->verbose++;
		} else if (!strcmp(name, "-vv")) {
			o->verbose += 2;
		} else if (!strcmp(name, "-q") || !strcmp(name, "--quiet")) {
			o->quiet++;
		} else if (!strcmp(name, "-s")) {
			o->capture = 0;
		} else if (!strcmp(name, "--capture")) {
			v = hd_opt_value(argc, argv, &i, eq);
			if (strcmp(v, "no") && strcmp(v, "fd"))
				hd_usage_error("--capture takes no or fd, not '%s'", v);
			o->capture = !strcmp(v, "fd");
		} else if (!strcmp(name, "-x") || !strcmp(name, "--exitfirst")) {
			o->maxfail = 1;
		} else if (!strcmp(name, "--maxfail")) {
			o->maxfail = hd_opt_count("--maxfail", hd_opt_value(argc, argv, &i, eq));
		} else if (!strcmp(name, "--lf") || !strcmp(name, "--last-failed")) {
			o->lf = 1;
		} else if (!strcmp(name, "--ff") || !strcmp(name, "--failed-first")) {
			o->ff = 1;
		} else if (!strcmp(name, "--nf") || !strcmp(name, "--new-first")) {
			o->nf = 1;
		} else if (!strcmp(name, "--no-cache")) {
			o->no_cache = 1;
		} else if (!strcmp(name, "--cache-clear")) {
			o->cache_clear = 1;
		} else if (!strcmp(name, "--cache-dir")) {
			o->cache_dir = hd_opt_value(argc, argv, &i, eq);
		} else if (!strcmp(name, "--durations")) {
			o->durations = hd_opt_count("--durations", hd_opt_value(argc, argv, &i, eq));
		} else if (!strncmp(a, "-k", 2) && !eq) {
			o->kexpr = a[2] ? a + 2 : hd_opt_value(argc, argv, &i, NULL);
		} else if (!strncmp(a, "-m", 2) && !eq) {
			o->mexpr = a[2] ? a + 2 : hd_opt_value(argc, argv, &i, NULL);
		} else if (!strcmp(name, "--isolation")) {
			v = hd_opt_value(argc, argv, &i, eq);
			if (!strcmp(v, "fork"))
				o->isolation = HD_ISO_FORK;
			else if (!strcmp(v, "none"))
				o->isolation = HD_ISO_NONE;
			else
				hd_usage_error("--isolation takes fork or none, not '%s'", v);
		} else if (!strcmp(name, "--timeout")) {
			o->timeout = hd_opt_seconds("--timeout", hd_opt_value(argc, argv, &i, eq));
		} else if (!strcmp(name, "--kill-grace")) {
			o->grace = hd_opt_seconds("--kill-grace", hd_opt_value(argc, argv, &i, eq));
		} else if (!strcmp(name, "--junit-xml")) {
			o->junit = hd_opt_value(argc, argv, &i, eq);
			if (!*o->junit)
				hd_usage_error("%s needs a file name", "--junit-xml");
		} else if (!strcmp(name, "--junit-family")) {
			o->junit_opts.family = (enum hd_junit_family)hd_opt_junit_family(
				hd_opt_value(argc, argv, &i, eq));
		} else if (!strcmp(name, "--color")) {
			o->color = hd_opt_color(hd_opt_value(argc, argv, &i, eq));
		} else if (a[0] == '-') {
			hd_usage_error("unknown option '%s'", a);
		} else {
			hd_usage_error("unexpected argument '%s'", a);
		}
	}
}

/* -m: a word matches when the test carries that mark. */
static int
match_mark(const char *w, size_t len, void *ctx)
{
	const struct herd_test *t = ctx;

	return hd_match_words(w, len, (void *)(t->marks ? t->marks : ""));
}


static void
list_item(const struct hd_item *it, int verbose)
{
	const struct herd_test *t = it->t;
	char tmp[32];

	fputs(it->id, stdout);
	if (it->task)
		fputs("  (task)", stdout);
	if (verbose) {
		if (it->depends_on)
			printf("  depends_on=\"%s\"", it->depends_on);
		if (it->produces)
			printf("  produces=\"%s\"", it->produces);
		if (it->after)
			printf("  after=\"%s\"", it->after);
		if (t->marks && *t->marks)
			printf("  marks=\"%s\"", t->marks);
		if (t->timeout > 0)
			printf("  timeout=%g", t->timeout);
		if (t->skip)
			printf("  skip=\"%s\"", t->skip);
		if (t->xfail)
			printf("  xfail%s=\"%s\"", t->strict ? "(strict)" : "", t->xfail);
		if (t->signal)
			printf("  signal=%s", hd_signame(t->signal, tmp, sizeof(tmp)));
		if (t->exit_code || t->expect_exit)
			printf("  exit_code=%d", t->exit_code);
		if (t->fixtures && *t->fixtures)
			printf("  fixtures=\"%s\"", t->fixtures);
		if (t->group)
			printf("  group=%s", t->group);
		if (t->strategy)
			printf("  strategy=%d", (int)t->strategy);
		if (t->resources && *t->resources)
			printf("  resources=\"%s\"", t->resources);
		if (t->exclusive)
			printf("  exclusive");
		if (t->reruns)
			printf("  reruns=%d", t->reruns);
		printf("  %s:%d", it->file, t->line);
	}
	putchar('\n');
}

struct suite_ref {
	const struct hd_item *it;
	size_t pos;
};

static int
cmp_suite_ref(const void *pa, const void *pb)
{
	const struct suite_ref *a = pa, *b = pb;
	int c = strcmp(a->it->file, b->it->file);

	if (!c)
		c = strcmp(a->it->t->suite, b->it->t->suite);
	return c ? c : a->pos < b->pos ? -1 : a->pos > b->pos;
}

/*
 * Marks in last[] the selected items after which their file::suite has no
 * more items, where its suite fixtures come down.
 */
static void
mark_suite_ends(const struct hd_item *const *sel, size_t n, char *last)
{
	struct suite_ref *v = xcalloc(n, sizeof(*v));
	size_t i;

	for (i = 0; i < n; i++)
		v[i].it = sel[i], v[i].pos = i;
	qsort(v, n, sizeof(*v), cmp_suite_ref);
	for (i = 0; i < n; i++)
		last[v[i].pos] = i + 1 == n || strcmp(v[i].it->file, v[i + 1].it->file) ||
				 strcmp(v[i].it->t->suite, v[i + 1].it->t->suite);
	free(v);
}

static void
to_ritem(const struct hd_item *it, const struct hd_result *res, struct hd_ritem *ri)
{
	memset(ri, 0, sizeof(*ri));
	ri->id = it->id;
	ri->file = it->file;
	ri->line = it->t->line;
	ri->suite = it->t->suite;
	ri->name = it->name;
	if (!res)
		return;
	ri->outcome = res->outcome;
	ri->duration = res->duration;
	ri->message = res->msg.len ? xstrdup(res->msg.data) : NULL;
	if (res->out.len) {
		char *o = xmalloc(res->out.len + 1);

		memcpy(o, res->out.data, res->out.len + 1);
		ri->output = o;
		ri->outlen = res->out.len;
	}
}

struct alone {
	struct hd_ritem *ri;
	struct hd_term *term;
	size_t *failures;
	size_t next;		/* where the next result goes */
};

static void
report_alone(void *arg, const struct hd_item *it, struct hd_result *res)
{
	struct alone *a = arg;
	struct hd_ritem *ri = &a->ri[a->next++];

	to_ritem(it, res, ri);
	if (hd_outcome_fails(res->outcome))
		(*a->failures)++;
	if (res->outcome != HD_NOTRUN)
		hd_term_item(a->term, ri);
}

/* Moves the members of each serial group up to its first member, in order. */
static void
gather_groups(const struct hd_item **sel, size_t n)
{
	const struct hd_item **out = xcalloc(n, sizeof(*out));
	char *taken = xcalloc(n, 1);
	size_t i, k, m = 0;

	for (i = 0; i < n; i++) {
		if (taken[i])
			continue;
		out[m++] = sel[i];
		taken[i] = 1;
		if (!hd_item_serial(sel[i]))
			continue;
		for (k = i + 1; k < n; k++)
			if (!taken[k] && sel[k]->group && !strcmp(sel[k]->group, sel[i]->group)) {
				out[m++] = sel[k];
				taken[k] = 1;
			}
	}
	memcpy(sel, out, n * sizeof(*sel));
	free(out);
	free(taken);
}

/* ---- history: the controller's cache, shared ---- */

/* herd.ini's cache_dir, if there is a herd.ini and it says; *dir its folder. */
static char *
ini_cache_dir(char **dir)
{
	struct hd_ini_entry *e = NULL;
	char err[512], *path = hd_find_ini(), *text, *v = NULL;
	const char *val;
	size_t n = 0, len;

	*dir = NULL;
	if (!path)
		return NULL;
	*dir = xstrndup(path, (size_t)(strrchr(path, '/') - path));
	if (!(text = hd_read_file(path, &len)))
		hd_fatal(4, "cannot read %s:", path);
	if (hd_ini_parse(text, len, path, &e, &n, err, sizeof(err)) < 0)
		hd_fatal(4, "%s", err);
	if ((val = hd_ini_get(e, n, "herd", "cache_dir")))
		v = xstrdup(val);
	hd_ini_free(e, n);
	free(text);
	free(path);
	return v;
}

/* Opens the cache the options name, cleared first with --cache-clear;
 * 0 when there is none to use (--no-cache). */
static int
open_cache(const struct opts *o, struct hd_cache *c)
{
	struct buf warn = BUF_INIT;
	char err[256], *dir, *ini_dir, *ini_val;

	if (o->no_cache && !o->cache_clear)
		return 0;
	ini_val = ini_cache_dir(&ini_dir);
	dir = hd_cache_dir(o->cache_dir, ini_val, ini_dir, err, sizeof(err));
	free(ini_val);
	if (!dir)
		hd_fatal(HD_EXIT_USAGE, "%s", err);
	if (o->cache_clear && hd_cache_clear(dir, &warn) < 0)
		hd_fatal(HD_EXIT_INTERNAL, "cannot clear the cache: %s", warn.data);
	/* Outside a project (no herd.ini), a binary run by hand, by CTest or by
	 * a script keeps no history of its own: it uses the cache only when the
	 * controller has made one here, or when --cache-dir names one. */
	if (o->no_cache || (!ini_dir && !o->cache_dir && access(dir, F_OK) != 0)) {
		free(ini_dir);
		free(dir);
		return 0;
	}
	free(ini_dir);
	hd_cache_load(c, dir, &warn);
	if (warn.len)
		fputs(warn.data, stderr);
	buf_clear(&warn);
	free(dir);
	return 1;
}

/* Moves the items for which want() holds to the front, keeping the order. */
static void
to_front(const struct hd_item **sel, size_t n, const struct hd_cache *c,
	 int (*want)(const struct hd_cache *, const char *))
{
	const struct hd_item **tmp = xcalloc(n + 1, sizeof(*tmp));
	size_t i, m = 0;

	for (i = 0; i < n; i++)
		if (want(c, sel[i]->id))
			tmp[m++] = sel[i];
	for (i = 0; i < n; i++)
		if (!want(c, sel[i]->id))
			tmp[m++] = sel[i];
	memcpy(sel, tmp, n * sizeof(*sel));
	free(tmp);
}

static int
is_new(const struct hd_cache *c, const char *id)
{
	return hd_cache_duration(c, id) < 0 && !hd_cache_failed(c, id);
}

/* --lf narrows the selection, --ff and --nf reorder it, as the controller does;
 * -x and --maxfail put known failures first unless --nf asks otherwise. */
static void
apply_history(const struct opts *o, const struct hd_cache *c, const struct hd_item **sel,
	      size_t *nsel)
{
	size_t i, m = 0, failed = 0;

	for (i = 0; i < *nsel; i++)
		failed += hd_cache_failed(c, sel[i]->id) != 0;
	if (o->lf && failed) {
		for (i = 0; i < *nsel; i++)
			if (hd_cache_failed(c, sel[i]->id))
				sel[m++] = sel[i];
		*nsel = m;
	} else if (o->lf) {
		fprintf(stderr, "%s: --lf: no previously failed tests, running all %zu\n",
			hd_progname, *nsel);
	}
	if (o->nf)
		to_front(sel, *nsel, c, is_new);
	if (o->ff || (o->maxfail > 0 && failed && !o->nf))
		to_front(sel, *nsel, c, hd_cache_failed);
}

/* Records what ran and saves it, merged with what other runs saved meanwhile. */
static void
save_history(struct hd_cache *c, const struct hd_ritem *ri, size_t n)
{
	struct buf err = BUF_INIT;
	size_t i;

	for (i = 0; i < n; i++)
		if (ri[i].outcome != HD_NONE && ri[i].outcome != HD_NOTRUN)
			hd_cache_record(c, ri[i].id, hd_outcome_fails(ri[i].outcome),
					ri[i].outcome == HD_SKIPPED ? -1 : ri[i].duration);
	if (hd_cache_save(c, &err) < 0)
		fprintf(stderr, "%s: warning: cannot save the cache: %s\n", hd_progname, err.data);
	buf_clear(&err);
}

static int
run_alone(const struct opts *o, const struct hd_item *const *sel, size_t nsel,
	  size_t ncollected, struct hd_cache *cache)
{
	struct hd_runner r;
	struct hd_result res = { HD_NONE, 0, BUF_INIT, BUF_INIT };
	struct hd_ritem *ri = xcalloc(nsel, sizeof(*ri));
	struct hd_term term;
	char header[512], stop[128], tmp[32];
	const char *interrupted = NULL;
	char *last = xcalloc(nsel, 1);
	struct alone ctx;
	FILE *out;
	size_t i, failures = 0;
	double t0 = hd_now();
	int status;

	mark_suite_ends(sel, nsel, last);

	hd_runner_init(&r, -1);
	r.isolation = o->isolation;
	r.timeout = o->timeout;
	r.grace = o->grace;
	r.capture = o->capture;
	r.guard = 1;
	/*
	 * The report has a stream of its own on a copy of fd 1: stdout is the
	 * tests', which fd 1 points away from while a test runs in this process.
	 */
	if (!(out = fdopen(fcntl(1, F_DUPFD_CLOEXEC, 3), "w")))
		hd_fatal(3, "cannot copy fd 1 for the report:");
	hd_term_init(&term, out);
	term.verbose = o->verbose;
	term.quiet = o->quiet;
	term.durations = o->durations;
	term.color = o->color >= 0 ? o->color : hd_term_want_color(1);
	snprintf(header, sizeof(header), "herd %s -- isolation %s%s", HERD_VERSION,
		 o->isolation == HD_ISO_FORK ? "fork" : "none",
		 o->capture ? "" : ", no capture");
	hd_term_header(&term, header, ncollected, ncollected - nsel);
	stop[0] = '\0';
	ctx.ri = ri;
	ctx.term = &term;
	ctx.failures = &failures;
	for (i = 0; i < nsel;) {
		size_t n = 1, k;

		hd_runner_poll_signals(&r);
		if (r.interrupted || (o->maxfail && failures >= (size_t)o->maxfail))
			break;
		if (o->isolation == HD_ISO_FORK && hd_item_serial(sel[i])) {
			/* sel holds a serial group's members together. */
			while (i + n < nsel && sel[i + n]->group &&
			       !strcmp(sel[i + n]->group, sel[i]->group))
				n++;
			ctx.next = i;
			hd_run_group(&r, sel + i, n, report_alone, &ctx);
		} else {
			r.prefork = i + 1 < nsel;
			hd_run_item(&r, sel[i], &res);
			ctx.next = i;
			report_alone(&ctx, sel[i], &res);
		}
		for (k = i; k < i + n; k++)
			if (last[k])
				hd_runner_suite_done(&r, sel[k]);
		i += n;
	}
	if (i < nsel && !r.interrupted)
		snprintf(stop, sizeof(stop), "not run: stopped after %zu failure%s\n",
			 failures, failures == 1 ? "" : "s");
	for (; i < nsel; i++) {
		to_ritem(sel[i], NULL, &ri[i]);
		ri[i].outcome = HD_NOTRUN;
		ri[i].message = xstrdup(r.interrupted ? "not run: interrupted\n" : stop);
	}
	hd_runner_finish(&r);
	free(last);
	if (r.interrupted)
		interrupted = hd_signame(r.interrupted, tmp, sizeof(tmp));
	hd_term_end_progress(&term);
	if (!r.interrupted && stop[0] && !o->quiet)
		fprintf(out, "\n!!!!!!!!!!!!!!!!!!!! stopping after %zu failure%s !!!!!!!!!!!!!!!!!!!!\n",
			failures, failures == 1 ? "" : "s");
	if (r.warnings.len)
		fprintf(out, "\n%s", r.warnings.data);
	status = hd_term_summary(&term, ri, nsel, hd_now() - t0, interrupted);
	if (status == 0 && r.warnings.len)
		status = 1;
	if (cache)
		save_history(cache, ri, nsel);
	if (o->junit && hd_junit_write(o->junit, ri, nsel, hd_now() - t0, &o->junit_opts) < 0) {
		hd_warn("cannot write %s:", o->junit);
		status = 3;
	}
	for (i = 0; i < nsel; i++) {
		free((char *)ri[i].message);
		free((char *)ri[i].output);
	}
	free(ri);
	buf_clear(&res.msg);
	buf_clear(&res.out);
	hd_runner_free(&r);
	fclose(out);
	return status;
}

/*
 * Started by the controller: serve it, and keep its fds and variables from
 * the tests' own child processes.
 */
static int
worker_mode(void)
{
	const char *p = getenv("HERD_PROTOCOL_FD"), *c = getenv("HERD_CAPTURE_FD");
	int fd, capfd;

	if (!p || !*p)
		return 0;
	fd = atoi(p);
	capfd = c && *c ? atoi(c) : -1;
	unsetenv("HERD_PROTOCOL_FD");
	unsetenv("HERD_CAPTURE_FD");
	exit(hd_worker_main(fd, capfd));
}

/* Whether a task answers to ref: its name (every instance), name[param] or its id. */
static int
task_named(const struct hd_item *it, const char *ref)
{
	return !strcmp(ref, it->t->name) || !strcmp(ref, it->name) || !strcmp(ref, it->id);
}

/* Run alone, the binary runs its tests, or with --task the tasks named. */
static int
wanted(const struct opts *o, const struct hd_item *it)
{
	size_t k;

	if (!o->ntasks)
		return !it->task || o->list;
	for (k = 0; it->task && k < o->ntasks; k++)
		if (task_named(it, o->tasks[k]))
			return 1;
	return 0;
}

/* A name --task gives that no task answers to is a usage error. */
static void
check_task_names(const struct opts *o, const struct hd_item *items, size_t n)
{
	size_t k, i;

	for (k = 0; k < o->ntasks; k++) {
		for (i = 0; i < n && !(items[i].task && task_named(&items[i], o->tasks[k])); i++)
			;
		if (i == n)
			hd_usage_error("--task: no task '%s' in this binary (--list shows them)",
				       o->tasks[k]);
	}
}

/*
 * Two selected items with one node id: herd refuses them (src/select.c), as
 * any report, --lf or the history would mix them up; alone, the same.
 */
static int
check_ids(const struct hd_item *const *sel, size_t n)
{
	const struct hd_item **slot;
	char q[HD_QUOTE_SIZE];
	size_t nslot = 2, i, h;
	int r = 0;

	while (nslot < 2 * n)
		nslot *= 2;
	slot = xcalloc(nslot, sizeof(*slot));
	for (i = 0; i < n && !r; i++) {
		h = (size_t)hd_fnv1a(HD_FNV_BASIS, sel[i]->id, strlen(sel[i]->id));
		for (h &= nslot - 1; slot[h]; h = (h + 1) & (nslot - 1))
			if (!strcmp(slot[h]->id, sel[i]->id))
				break;
		if (!slot[h]) {
			slot[h] = sel[i];
			continue;
		}
		fprintf(stderr, "%s: two items have the node id '%s'\n", hd_progname,
			hd_quote_str(q, sel[i]->id));
		r = -1;
	}
	free(slot);
	return r;
}

/* Lets the controller tell a herd test binary from any other executable. */
const char hd_binary_marker[] = "herd-test-binary-v1";

/* The same words as an ELF note: the linker puts notes at the front of the
 * file, where the controller finds them by reading the program headers
 * rather than the whole binary (src/main.c, is_herd_binary). */
static const struct {
	unsigned namesz, descsz, type;
	char name[8], desc[20];
} hd_binary_note __attribute__((section(".note.herd"), aligned(4), used)) = {
	5, 20, 1, "herd", "herd-test-binary-v1"
};

int
herd_main(int argc, char **argv)
{
	const char *slash = argv[0] ? strrchr(argv[0], '/') : NULL;
	struct hd_expr *k, *m;
	struct hd_item *items;
	const struct hd_item **sel;
	struct opts o;
	struct hd_cache cache;
	size_t n, nsel = 0, nkind = 0, i;
	int have_cache;
	char err[512];

	hd_std_fds();
	hd_progname = slash ? slash + 1 : argv[0] ? argv[0] : "herd-test";
	/* Before a test or fixture can move away from it. */
	hd_task_root_init();
	if (worker_mode())
		return 0;
	parse_opts(argc, argv, &o);
	k = hd_opt_expr("-k", o.kexpr);
	m = hd_opt_expr("-m", o.mexpr);
	hd_collect(&items, &n);
	if (hd_check_groups(items, n, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", hd_progname, err);
		return 4;
	}
	hd_registry_seal();
	check_task_names(&o, items, n);
	sel = xcalloc(n, sizeof(*sel));
	for (i = 0; i < n; i++) {
		if (!wanted(&o, &items[i]))
			continue;
		nkind++;
		if (k && !hd_expr_eval(k, hd_match_id, items[i].id))
			continue;
		if (m && !hd_expr_eval(m, match_mark, (void *)items[i].t))
			continue;
		sel[nsel++] = &items[i];
	}
	hd_expr_free(k);
	hd_expr_free(m);
	if (check_ids(sel, nsel) < 0) {
		free(sel);
		return 4;
	}
	/* The history is the tests': a task's run is herd build's business. */
	have_cache = !o.ntasks && open_cache(&o, &cache);
	if (have_cache)
		apply_history(&o, &cache, sel, &nsel);
	gather_groups(sel, nsel);
	if (o.list) {
		for (i = 0; i < nsel; i++)
			list_item(sel[i], o.verbose);
		fflush(stdout);
		free(sel);
		free(o.tasks);
		if (have_cache)
			hd_cache_free(&cache);
		return nsel ? 0 : 5;
	}
	i = (size_t)run_alone(&o, sel, nsel, nkind, have_cache ? &cache : NULL);
	free(sel);
	free(o.tasks);
	if (have_cache)
		hd_cache_free(&cache);
	return (int)i;
}

const char *
herd_worker_id(void)
{
	const char *w = getenv("HERD_WORKER");

	return w && *w ? w : "main";
}

int
herd_worker_count(void)
{
	const char *c = getenv("HERD_WORKER_COUNT");
	int n = c ? atoi(c) : 0;

	return n > 0 ? n : 1;
}

const char *
herd_testrun_uid(void)
{
	static char uid[40];
	const char *u = getenv("HERD_TESTRUN_UID");

	if (u && *u)
		return u;
	if (!uid[0])
		snprintf(uid, sizeof(uid), "%lx%08lx", (long)getpid(), (long)hd_now());
	return uid;
}

/* The binary's main unless the author wrote one: it then may call herd_main. */
__attribute__((weak, visibility("default"))) int
main(int argc, char **argv)
{
	return herd_main(argc, argv);
}

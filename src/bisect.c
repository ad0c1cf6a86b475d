/*
 * bisect.c - herd --bisect ID: which earlier tests make ID fail when they
 * run before it in one process (--isolation none)? As detect-test-pollution
 * does for pytest, each run is candidates then ID, in one fresh worker, in a
 * fixed order; but where it finds one polluter, this finds the smallest set:
 * a global set by one test and armed by another fails ID only after both.
 * The polluters are found from the last back, each by a bisection over how
 * many of the candidates run first (about log2(candidates) runs each); then
 * each is checked to be needed. --bisect-max-runs bounds the runs.
 *
 * The candidates are what ran before ID in its process when the run last
 * found it order-dependent (the isolation check writes that history to the
 * cache, DIR/v1/order/HASH), else the other selected items of its binary.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl.h"
#include "expr.h"
#include "quote.h"

/* DIR/v1/order/HASH: the file that holds id's history. */
static char *
order_path(const char *dir, const char *id)
{
	return xasprintf("%s/v1/order/%016llx", dir,
			 (unsigned long long)hd_fnv1a(HD_FNV_BASIS, id, strlen(id)));
}

void
bisect_save(const struct ctl *c, const char *dir, struct buf *err)
{
	size_t i, j, k;

	for (i = 0; i < c->nbins; i++)
		for (j = 0; j < c->bins[i].ntotal; j++) {
			const struct citem *it = &c->bins[i].items[j];
			struct buf text = BUF_INIT;
			char *sub, *path;

			if (!it->order_dep)
				continue;
			/* The victim's id first, then what ran before it, oldest first. */
			buf_printf(&text, "%s\n", it->id);
			for (k = 0; k < it->res->nbefore; k++)
				buf_printf(&text, "%s\n", it->res->hist->v[k]->id);
			sub = xasprintf("%s/v1/order", dir);
			path = order_path(dir, it->id);
			if ((mkdir(sub, 0777) < 0 && errno != EEXIST) ||
			    hd_write_file_atomic(path, text.data, text.len) < 0)
				buf_printf(err, "cannot write %s: %s\n", path, strerror(errno));
			free(sub);
			free(path);
			buf_clear(&text);
		}
}

void
bisect_clear(const char *dir)
{
	char *sub = xasprintf("%s/v1/order", dir), *path;
	struct dirent *de;
	DIR *d = opendir(sub);

	while (d && (de = readdir(d))) {
		/* Only the names herd gives: 16 hex digits. */
		if (strlen(de->d_name) != 16 || strspn(de->d_name, "0123456789abcdef") != 16)
			continue;
		path = xasprintf("%s/%s", sub, de->d_name);
		unlink(path);
		free(path);
	}
	if (d)
		closedir(d);
	rmdir(sub);
	free(sub);
}

char **
bisect_load(const char *dir, const char *id, size_t *n)
{
	char *path = order_path(dir, id), *text = hd_read_file(path, NULL), *p, *nl;
	char **v = NULL;
	size_t len = strlen(id);

	*n = 0;
	free(path);
	/* A hash collision names another id first: not ours. */
	if (!text || strncmp(text, id, len) || text[len] != '\n') {
		free(text);
		return NULL;
	}
	for (p = text + len + 1; *p; p = nl + 1) {
		if (!(nl = strchr(p, '\n')))
			break;
		v = xreallocarray(v, *n + 1, sizeof(*v));
		v[(*n)++] = xstrndup(p, (size_t)(nl - p));
	}
	free(text);
	return v;
}

static struct citem *
find_item(struct ctl *c, const char *id, struct binary *only)
{
	size_t i, j;

	for (i = 0; i < c->nbins; i++)
		for (j = 0; j < c->bins[i].n; j++)
			if ((!only || only == &c->bins[i]) && !strcmp(c->bins[i].items[j].id, id))
				return &c->bins[i].items[j];
	return NULL;
}

/* Forgets what the last step did to b's items and to the global fixtures. */
static void
reset(struct ctl *c, struct binary *b)
{
	size_t j, k;

	for (j = 0; j < b->n; j++) {
		struct citem *it = &b->items[j];

		for (k = 0; it->res && k < (size_t)it->tries; k++) {
			free(it->res->attempts[k].message);
			free(it->res->attempts[k].output);
		}
		if (it->res) {
			free(it->res->attempts);
			free(it->res->message);
			free(it->res->output);
			free(it->res);
			it->res = NULL;
		}
		it->tries = 0;
		it->outcome = HD_NONE;
		it->queued = 0;
		it->selected = 0;
	}
	for (k = 0; k < c->ngfix; k++) {
		struct gfix *g = &c->gfix[k];

		g->state = G_NONE;
		g->owner = -1;
		g->nwait = 0;
		g->users = 0;
		g->teardown_sent = g->skipped = g->pending = 0;
		free(g->reason);
		g->reason = NULL;
	}
	c->ndone = c->failures = c->restarts = 0;
	c->stopping = 0;
	free(c->stop_reason);
	c->stop_reason = NULL;
}

/*
 * Runs v[0..n), then victim, in that order in one fresh worker. Returns 1
 * when victim fails, 0 when it passes, -1 when the run was cut short.
 */
static int
run_order(struct ctl *c, struct citem **v, size_t n, struct citem *victim)
{
	struct citem **order = xcalloc(n + 1, sizeof(*order));
	size_t i, k;

	reset(c, victim->bin);
	if (n)
		memcpy(order, v, n * sizeof(*v));
	order[n] = victim;
	for (i = 0; i <= n; i++) {
		order[i]->selected = 1;
		for (k = 0; order[i]->decl->fixtures && k < c->ngfix; k++)
			if (hd_match_words(c->gfix[k].name, strlen(c->gfix[k].name),
					   (void *)order[i]->decl->fixtures))
				c->gfix[k].users++;
	}
	c->order = order;
	c->norder = n + 1;
	c->nselected = n + 1;
	ctl_run(c);
	c->order = NULL;
	free(order);
	if (c->interrupted || c->aborted || victim->outcome == HD_NONE)
		return -1;
	return hd_outcome_fails(victim->outcome) ? 1 : 0;
}

static int
cut_short(const struct ctl *c)
{
	return c->interrupted ? HD_EXIT_INTERRUPTED : HD_EXIT_INTERNAL;
}

/*
 * The search for the tests that make the victim fail. The candidates
 * cand[0..n) are in the order they ran; found[i] marks cand[i] as one of
 * those found so far. A run is a prefix of the candidates and the ones
 * found (all after that prefix), in their order, then the victim: after
 * cand[0..hi) and the found it is known to fail.
 */
struct search {
	struct ctl *c;
	struct citem *victim, **cand;
	char *found;
	size_t n, hi, nfound, runs, max_runs;
	int steps;
};

#define OUT_OF_RUNS (-2)

/* What a step ran before the victim: see try_runs. */
static void
print_step(const struct search *s, size_t prefix, size_t but, int failed)
{
	printf("step %d: ", s->steps);
	if (but < s->n)
		printf("the found ones without %s", s->cand[but]->id);
	else if (!prefix)
		printf("the %zu found", s->nfound);
	else
		printf("the first %zu test%s", prefix, prefix == 1 ? "" : "s");
	if (prefix && s->nfound)
		printf(" and the %zu found", s->nfound);
	printf(", then it: %s\n", failed ? "failed" : "passed");
	fflush(stdout);
}

/*
 * Runs cand[0..prefix) and the found ones but cand[but] (none when but is
 * n), then the victim, and prints the step. Returns 1 when the victim
 * fails, 0 when it passes, -1 when the run was cut short, OUT_OF_RUNS when
 * the budget is spent.
 */
static int
try_runs(struct search *s, size_t prefix, size_t but)
{
	struct citem **v;
	size_t i, k = 0;
	int r;

	if (s->runs >= s->max_runs)
		return OUT_OF_RUNS;
	v = xcalloc(s->n + 1, sizeof(*v));
	for (i = 0; i < s->n; i++)
		if (i < prefix || (s->found[i] && i != but))
			v[k++] = s->cand[i];
	r = run_order(s->c, v, k, s->victim);
	free(v);
	s->runs++;
	if (r >= 0) {
		s->steps++;
		print_step(s, prefix, but, r);
	}
	return r;
}

/*
 * Finds them from the last back. The shortest prefix after which (with the
 * ones found) the victim fails ends with one of them: without it, it passes.
 * A bisection over prefix lengths finds it in about log2(n) runs; one more
 * run asks whether the ones found now fail it on their own. lo is a prefix
 * after which it is known to pass: none, when alone or with the found only.
 * Returns 1 when they do, or try_runs' error.
 */
static int
find_backwards(struct search *s, size_t *last)
{
	size_t lo, mid;
	int r;

	for (;;) {
		for (lo = 0; s->hi - lo > 1;) {
			mid = lo + (s->hi - lo) / 2;
			if ((r = try_runs(s, mid, s->n)) < 0)
				return r;
			if (r)
				s->hi = mid;
			else
				lo = mid;
		}
		*last = --s->hi;
		s->found[*last] = 1;
		s->nfound++;
		if (!s->hi)
			return 1;	/* that run was the found ones alone */
		if ((r = try_runs(s, 0, s->n)) != 0)
			return r;
	}
}

/*
 * Each one found must be needed: without the last one found the victim
 * passes (the search ran that), and it should without each other one. One
 * it fails without goes, and the check starts over: the result is
 * 1-minimal, as delta debugging's, even when a later test undoes what an
 * earlier one did. Returns 0, or try_runs' error.
 */
static int
prune(struct search *s, size_t last)
{
	size_t i = 0;
	int r;

	s->hi = 0;	/* the found ones alone fail it */
	while (i < s->n && s->nfound > 1) {
		if (!s->found[i] || i == last) {
			i++;
			continue;
		}
		if ((r = try_runs(s, 0, i)) < 0)
			return r;
		if (!r) {
			i++;
			continue;
		}
		s->found[i] = 0;
		s->nfound--;
		last = s->n;	/* nothing is known of the smaller set yet */
		i = 0;
	}
	return 0;
}

/* The ones found, as "A", "A and B", "A, B and C". */
static void
print_found(const struct search *s)
{
	size_t i, k = 0;

	for (i = 0; i < s->n; i++)
		if (s->found[i])
			printf("%s%s", k++ == 0 ? "" : k == s->nfound ? " and " : ", ", s->cand[i]->id);
}

/* The answer, or why there is none; returns the exit status. */
static int
report(struct search *s, int r)
{
	if (r < 0 && r != OUT_OF_RUNS)
		return cut_short(s->c);
	if (r == OUT_OF_RUNS) {
		printf("gave up after %zu runs (--bisect-max-runs %zu): it still fails after ",
		       s->runs, s->max_runs);
		if (s->hi)
			printf("the first %zu test%s%s", s->hi, s->hi == 1 ? "" : "s",
			       s->nfound ? " and " : "");
		if (s->nfound) {
			printf("the %zu found so far: ", s->nfound);
			print_found(s);
		}
		printf("\n");
		return HD_EXIT_FAILED;
	}
	printf(s->nfound == 1 ? "polluter: " : "polluters: ");
	print_found(s);
	if (s->nfound > 1)
		printf(", together (without any one of them it passes)");
	printf("\n");
	if (s->nfound > 1 && s->nfound == s->n)
		printf("that is all %zu candidates: it fails only after every one of them\n", s->n);
	printf("found in %d step%s (%zu runs)\n", s->steps, s->steps == 1 ? "" : "s", s->runs);
	return HD_EXIT_OK;
}

/* Whether the victim passes alone and fails after all the candidates. */
static int
reproduces(struct search *s)
{
	int r;

	s->runs++;
	if ((r = run_order(s->c, NULL, 0, s->victim)) != 0) {
		if (r > 0)
			printf("it fails alone: no earlier test is to blame\n");
		return r > 0 ? 0 : r;
	}
	if (!s->n) {
		printf("it passes alone, and no other test is there to run before it\n");
		return 0;
	}
	s->runs++;
	if ((r = run_order(s->c, s->cand, s->n, s->victim)) <= 0) {
		if (!r)
			printf("it passes after the %zu candidate%s, in their order: the failure "
			       "does not reproduce\n", s->n, s->n == 1 ? "" : "s");
		return r;
	}
	printf("alone: passed; after all %zu: failed\n", s->n);
	fflush(stdout);
	return 1;
}

int
ctl_bisect(struct ctl *c, const char *id, char **hist, size_t nhist, size_t max_runs)
{
	struct citem *victim = find_item(c, id, NULL);
	struct search s;
	size_t i, last = 0;
	char q[HD_QUOTE_SIZE];
	int r, status;

	if (!victim) {
		fprintf(stderr, "herd: --bisect: no collected test has the id '%s'\n",
			hd_quote_str(q, id));
		ctl_stop_all(c);
		return HD_EXIT_USAGE;
	}
	memset(&s, 0, sizeof(s));
	s.c = c;
	s.victim = victim;
	s.max_runs = max_runs;
	s.cand = xcalloc(victim->bin->n + 1, sizeof(*s.cand));
	for (i = 0; i < nhist; i++) {
		struct citem *it = find_item(c, hist[i], victim->bin);

		if (it && it != victim)
			s.cand[s.n++] = it;
	}
	if (s.n) {
		printf("bisect %s over the %zu test%s that ran before it in its process "
		       "when it last failed\n", victim->id, s.n, s.n == 1 ? "" : "s");
	} else {
		for (i = 0; i < victim->bin->n; i++)
			if (victim->bin->items[i].selected && &victim->bin->items[i] != victim)
				s.cand[s.n++] = &victim->bin->items[i];
		printf("bisect %s over the %zu other selected tests of %s\n", victim->id, s.n,
		       victim->bin->path);
	}
	fflush(stdout);
	s.found = xcalloc(s.n + 1, 1);
	s.hi = s.n;
	if ((r = reproduces(&s)) <= 0) {
		status = r < 0 ? cut_short(c) : HD_EXIT_FAILED;
	} else {
		if ((r = find_backwards(&s, &last)) > 0)
			r = prune(&s, last);
		status = report(&s, r);
	}
	free(s.found);
	free(s.cand);
	return status;
}

/*
 * bisect.c - herd --bisect ID: which earlier test makes ID fail when both
 * run in one process (--isolation none)? As detect-test-pollution does for
 * pytest: each step runs half of the candidates, then ID, in one fresh
 * worker, in a fixed order, and keeps the half after which ID still fails.
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

int
ctl_bisect(struct ctl *c, const char *id, char **hist, size_t nhist)
{
	struct citem *victim = find_item(c, id, NULL), **cand, **lo;
	size_t n = 0, len, half, i, runs = 0;
	char q[HD_QUOTE_SIZE];
	int r = 0, steps = 0, tested = 0;

	if (!victim) {
		fprintf(stderr, "herd: --bisect: no collected test has the id '%s'\n",
			hd_quote_str(q, id));
		ctl_stop_all(c);
		return HD_EXIT_USAGE;
	}
	cand = xcalloc(victim->bin->n + 1, sizeof(*cand));
	for (i = 0; i < nhist; i++) {
		struct citem *it = find_item(c, hist[i], victim->bin);

		if (it && it != victim)
			cand[n++] = it;
	}
	if (n) {
		printf("bisect %s over the %zu tests that ran before it in its process "
		       "when it last failed\n", victim->id, n);
	} else {
		for (i = 0; i < victim->bin->n; i++)
			if (victim->bin->items[i].selected && &victim->bin->items[i] != victim)
				cand[n++] = &victim->bin->items[i];
		printf("bisect %s over the %zu other selected tests of %s\n", victim->id, n,
		       victim->bin->path);
	}
	fflush(stdout);
	if ((r = run_order(c, NULL, 0, victim)) != 0) {
		free(cand);
		if (r < 0)
			return cut_short(c);
		printf("it fails alone: no earlier test is to blame\n");
		return HD_EXIT_FAILED;
	}
	runs++;
	if (!n || (r = run_order(c, cand, n, victim)) <= 0) {
		free(cand);
		if (r < 0)
			return cut_short(c);
		printf("it passes after all %zu of them: none makes it fail\n", n);
		return HD_EXIT_FAILED;
	}
	runs++;
	printf("alone: passed; after all %zu: failed\n", n);
	for (lo = cand, len = n; len > 1; steps++) {
		half = len / 2;
		r = run_order(c, lo, half, victim);
		runs++;
		if (r < 0) {
			free(cand);
			return cut_short(c);
		}
		printf("step %d: %zu test%s, then it: %s\n", steps + 1, half, half == 1 ? "" : "s",
		       r ? "failed" : "passed");
		fflush(stdout);
		tested = r;
		if (r) {
			len = half;
		} else {
			lo += half;
			len -= half;
		}
	}
	/* The half kept last was not run on its own: make sure of it. */
	if (!tested && n > 1) {
		r = run_order(c, lo, 1, victim);
		runs++;
		if (r <= 0) {
			free(cand);
			if (r < 0)
				return cut_short(c);
			printf("no single test makes it fail: it takes more than one of them\n");
			return HD_EXIT_FAILED;
		}
	}
	printf("polluter: %s\n", lo[0]->id);
	printf("found in %d step%s (%zu runs)\n", steps, steps == 1 ? "" : "s", runs);
	free(cand);
	return HD_EXIT_OK;
}

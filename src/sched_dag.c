/*
 * sched_dag.c - the scheduler of herd build, as a struct herd_scheduler: it
 * hands out only tasks whose upstream finished (build.c decides those as
 * they arrive) to a worker of the task's binary, try_first before the rest
 * and try_last after, and among equals the task that starts the longest
 * expected chain first (critical path: its dag path).
 *
 * A worker holds the task it runs and, while more tasks are ready than
 * there are workers (and without -x), one more: it starts that one as soon as the first
 * ends, without waiting for herd to hear of it and answer (on a loaded
 * machine that round trip was most of what a short task cost). A worker
 * left with nothing steals back a task waiting on another (xdist's
 * worksteal), so that none waits behind a long one while a worker is free.
 */
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "loop.h"
#include "plugin.h"

#define WORKER(n) ((struct worker *)(void *)(n))

/* Whether ready task x should go before y. */
static int
before(const struct build *b, size_t x, size_t y)
{
	const struct btask *a = &b->t[x], *c = &b->t[y];

	if (a->try_first != c->try_first)
		return a->try_first;
	if (a->try_last != c->try_last)
		return c->try_last;
	if (b->d.t[x].path != b->d.t[y].path)
		return b->d.t[x].path > b->d.t[y].path;
	return x < y;
}

/* The position in b->ready of the best task of bin (any binary: NULL), or -1. */
static long
best_ready(const struct build *b, const struct binary *bin)
{
	long best = -1;
	size_t k;

	for (k = 0; k < b->nready; k++) {
		size_t i = b->ready[k];

		if (bin && b->t[i].it->bin != bin)
			continue;
		if (best < 0 || before(b, i, b->ready[best]))
			best = (long)k;
	}
	return best;
}

static void *
dag_create(herd_session *hs, herd_item *const *items, size_t n)
{
	(void)items;
	(void)n;
	return plug_ctl(hs)->build;
}

/* A busy worker may hold a second task: more are ready than there are
 * workers, and no -x or --maxfail, after which nothing may start. */
static int
may_queue(const struct build *b)
{
	return b->nready > (size_t)b->c->nslots && !b->c->maxfail;
}

/* A task for an idle worker, and a second while may_queue(). */
static size_t
dag_next(void *self, herd_node *node, herd_item **out, size_t max)
{
	struct build *b = self;
	struct worker *w = WORKER(node);
	size_t n = 0, i;
	long k;

	build_settle(b);
	while (n < max && w->qlen + n < 2 && (w->qlen + n == 0 || may_queue(b)) &&
	       (k = best_ready(b, w->bin)) >= 0) {
		i = b->ready[k];
		b->ready[k] = b->ready[--b->nready];
		b->t[i].ready = 0;
		build_sent(b, i);
		out[n++] = (herd_item *)(void *)b->t[i].it;
	}
	return n;
}

/* Tasks of binary sent to a worker and waiting there behind the one it runs. */
static size_t
waiting(const struct build *b, const struct binary *bin)
{
	size_t n = 0;
	int i;

	for (i = 0; i < b->c->nslots; i++)
		if (b->c->w[i].bin == bin && b->c->w[i].qlen > 1)
			n += b->c->w[i].qlen - 1;
	return n;
}

/* An idle worker, nothing ready: a task waiting on another worker of its binary. */
static size_t
dag_steal(void *self, herd_node *node, int *victim)
{
	struct build *b = self;
	struct worker *w = WORKER(node);
	int i;

	if (b->nready)
		return 0;
	for (i = 0; i < b->c->nslots; i++) {
		struct worker *v = &b->c->w[i];

		if (v != w && v->bin == w->bin && v->state == W_RUNNING && !v->releasing &&
		    v->qlen > 1) {
			*victim = i;
			return v->qlen - 1;
		}
	}
	return 0;
}

static void
dag_give_back(void *self, herd_node *from, herd_item *const *items, size_t n)
{
	struct build *b = self;
	size_t k;

	(void)from;
	for (k = 0; k < n; k++)
		build_ready(b, build_index(b, (struct citem *)(void *)items[k]));
}

/*
 * A worker of binary is kept while a task of it is ready, or while one is
 * still to come or waits on another worker (to steal), and no other binary
 * has a task ready for the slot.
 */
static size_t
dag_pending(void *self, const char *binary, int slot)
{
	struct build *b = self;
	size_t k, ready = 0, bin;

	(void)slot;
	build_settle(b);
	for (bin = 0; bin < b->c->nbins && strcmp(b->c->bins[bin].path, binary); bin++)
		;
	if (bin == b->c->nbins)
		return 0;
	for (k = 0; k < b->nready; k++)
		ready += b->t[b->ready[k]].it->bin == &b->c->bins[bin];
	if (ready)
		return ready;
	return b->nready ? 0 : b->left[bin] + waiting(b, &b->c->bins[bin]);
}

/* Slots whose worker of binary holds no task: starting, listing or idle. */
static size_t
spare_workers(const struct build *b, const struct binary *bin)
{
	size_t n = 0;
	int i;

	for (i = 0; i < b->c->nslots; i++) {
		const struct worker *w = &b->c->w[i];

		n += w->bin == bin && worker_alive(w) && w->state != W_STOPPING && !w->qlen;
	}
	return n;
}

/*
 * The binary of the best ready task whose binary has more tasks ready than
 * spare workers: a slot starts a worker only for a task no other will take
 * (a build whose binaries' lists came from the cache starts its workers
 * here, each slot in turn, before any has listed).
 */
static const char *
dag_pick_binary(void *self, int slot)
{
	struct build *b = self;
	size_t *ready = xcalloc(b->c->nbins + 1, sizeof(*ready)), k, bin;
	long best = -1;

	(void)slot;
	build_settle(b);
	for (k = 0; k < b->nready; k++)
		ready[b->t[b->ready[k]].it->bin - b->c->bins]++;
	for (bin = 0; bin < b->c->nbins; bin++)
		if (ready[bin] && ready[bin] <= spare_workers(b, &b->c->bins[bin]))
			ready[bin] = 0;
	for (k = 0; k < b->nready; k++) {
		size_t i = b->ready[k];

		if (ready[b->t[i].it->bin - b->c->bins] && (best < 0 || before(b, i, b->ready[best])))
			best = (long)k;
	}
	free(ready);
	return best < 0 ? NULL : b->t[b->ready[best]].it->bin->path;
}

static const struct herd_scheduler dag_scheduler = {
	.name = "build",
	.create = dag_create,
	.next = dag_next,
	.give_back = dag_give_back,
	.pending = dag_pending,
	.steal = dag_steal,
	.pick_binary = dag_pick_binary,
};

const struct herd_scheduler *
sched_dag(void)
{
	return &dag_scheduler;
}

/*
 * sched_api.c - the run's scheduler behind struct herd_scheduler: the
 * built-in one (sched.c) as such a struct, and the loop's calls into
 * whichever the run has, checked, so that a plugin's scheduler can neither
 * send an item twice nor to the wrong binary, nor hang the run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "loop.h"
#include "plugin.h"
#include "scheduler.h"

#define ITEM(h) ((struct citem *)(void *)(h))
#define HITEM(it) ((herd_item *)(void *)(it))
#define NODE(w) ((herd_node *)(void *)(w))
/* In herd, a node is the loop's worker: its slot and binary without a lookup. */
#define WORKER(n) ((struct worker *)(void *)(n))

/* ---- the built-in scheduler, as a struct herd_scheduler ---- */

/* The binary whose path is path (the same pointer, mostly), or NULL. */
static struct binary *
bin_named(struct binary *bins, size_t nbins, const char *path)
{
	size_t i;

	if (!path)
		return NULL;
	for (i = 0; i < nbins; i++)
		if (bins[i].path == path)
			return &bins[i];
	for (i = 0; i < nbins; i++)
		if (!strcmp(bins[i].path, path))
			return &bins[i];
	return NULL;
}

static void *
bi_create(herd_session *hs, herd_item *const *items, size_t n)
{
	struct ctl *c = plug_ctl(hs);
	struct sched_opts o;

	/* The binaries' selected items are the same set: the pools are built from them. */
	(void)items;
	(void)n;
	memset(&o, 0, sizeof(o));
	o.dist = c->dist;
	o.nslots = c->nslots;
	o.ff = c->ff;
	o.nf = c->nf;
	o.random_order = c->random_order;
	o.order_by_time = c->order_by_time;
	o.plugin_order = c->plugin_order;
	o.order = c->order;
	o.norder = c->norder;
	o.res = c->res;
	o.nres = c->nres;
	return sched_new(&o, c->bins, c->nbins);
}

static size_t
bi_next(void *self, herd_node *node, herd_item **out, size_t max)
{
	struct worker *w = WORKER(node);

	return w->bin ? sched_next(self, w->slot, w->bin, (struct citem **)(void *)out, max) : 0;
}

static void
bi_item_done(void *self, herd_node *node, herd_item *it)
{
	sched_item_done(self, WORKER(node)->slot, ITEM(it));
}

static void
bi_give_back(void *self, herd_node *from, herd_item *const *v, size_t n)
{
	sched_give_back(self, from ? WORKER(from)->slot : -1,
			(struct citem *const *)(const void *)v, n);
}

static size_t
bi_pending(void *self, const char *binary, int slot)
{
	struct sched *s = self;
	struct binary *b = bin_named(s->bins, s->nbins, binary);

	return b ? sched_pending(s, b, slot) : 0;
}

static void
bi_node_down(void *self, herd_node *node)
{
	sched_node_down(self, WORKER(node)->slot);
}

static size_t
bi_steal(void *self, herd_node *node, int *victim)
{
	struct worker *w = WORKER(node);

	return w->bin ? sched_steal(self, w->slot, w->bin, victim) : 0;
}

static const char *
bi_pick_binary(void *self, int slot)
{
	struct binary *b = sched_pick_binary(self, slot);

	return b ? b->path : NULL;
}

static void
bi_destroy(void *self)
{
	sched_free(self);
}

#define BUILTIN(mode)                                                                   \
	{ mode, bi_create, bi_next, bi_item_done, bi_give_back, bi_pending, bi_node_down, \
	  bi_steal, bi_pick_binary, bi_destroy }

static const struct herd_scheduler builtins[] = {
	BUILTIN("load"), BUILTIN("loadscope"), BUILTIN("loadfile"), BUILTIN("loadgroup"),
	BUILTIN("worksteal"), BUILTIN("each"), BUILTIN("no"),
};

const struct herd_scheduler *
herd_builtin_scheduler(herd_session *hs)
{
	struct ctl *c = hs ? plug_ctl(hs) : NULL;
	size_t d = c ? (size_t)c->dist : 0;

	return &builtins[d < LEN(builtins) ? d : 0];
}

int
herd_item_pin(const herd_item *it)
{
	return ((const struct citem *)(const void *)it)->pin;
}

/* ---- the loop's calls into the run's scheduler ---- */

/* The scheduler broke its contract: the run ends with exit 3. */
static void
sched_broke(struct ctl *c, const char *fmt, const char *a, const char *b)
{
	if (c->aborted)
		return;
	fprintf(stderr, "herd: scheduler '%s': ", c->sched->name ? c->sched->name : "?");
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	c->aborted = 1;
}

/* The selected items, in a plugin's order if one gave it; else the fixed
 * order's items (--bisect, the isolation check after a stop). */
static struct citem **
selected_items(const struct ctl *c, size_t *n)
{
	struct citem **v;
	size_t i, j, k = 0, total = 0;

	if (c->order) {
		*n = c->norder;
		v = xcalloc(c->norder + 1, sizeof(*v));
		memcpy(v, c->order, c->norder * sizeof(*v));
		return v;
	}
	for (i = 0; i < c->nbins; i++)
		total += c->bins[i].ntotal;
	v = xcalloc(total + 1, sizeof(*v));
	for (i = 0; i < c->nbins; i++)
		for (j = 0; j < c->bins[i].ntotal; j++)
			if (citem_to_run(&c->bins[i].items[j]))
				v[k++] = &c->bins[i].items[j];
	*n = k;
	return v;
}

static int
by_plugin_rank(const void *pa, const void *pb)
{
	const struct citem *a = *(struct citem *const *)pa, *b = *(struct citem *const *)pb;

	if (a->rank_plugin != b->rank_plugin)
		return a->rank_plugin < b->rank_plugin ? -1 : 1;
	return a < b ? -1 : a > b;
}

int
ctl_sched_begin(struct ctl *c)
{
	herd_session *hs = plug_session_of(c);
	struct citem **v;
	size_t n;

	/* A build's order is its graph's: plugins' schedulers are for tests. */
	c->sched = c->build ? sched_dag() : plug_make_scheduler();
	if (c->aborted || plug_failed())
		return -1;
	if (!c->sched)
		c->sched = herd_builtin_scheduler(hs);
	v = selected_items(c, &n);
	if (c->plugin_order)
		qsort(v, n, sizeof(*v), by_plugin_rank);
	c->sched_self = c->sched->create(hs, (herd_item *const *)(void *)v, n);
	free(v);
	if (!c->sched_self) {
		sched_broke(c, "%s%scould not start", "", "");
		return -1;
	}
	c->unsent = n;
	c->batch_cap = n + 1;
	c->batch = xreallocarray(c->batch, c->batch_cap, sizeof(*c->batch));
	return 0;
}

void
ctl_sched_end(struct ctl *c)
{
	if (c->sched && c->sched->destroy && c->sched_self)
		c->sched->destroy(c->sched_self);
	c->sched = NULL;
	c->sched_self = NULL;
	free(c->batch);
	c->batch = NULL;
	c->batch_cap = 0;
}

/* Whether the scheduler's answer for w may be sent: w's binary, each item once. */
static int
answer_ok(struct ctl *c, const struct worker *w, size_t n, size_t max)
{
	size_t i;

	if (n > max || n > c->unsent) {
		sched_broke(c, "answered %s%smore items than it may", "", "");
		return 0;
	}
	for (i = 0; i < n; i++) {
		const struct citem *it = c->batch[i];

		if (it->bin != w->bin) {
			sched_broke(c, "gave %s an item of another binary (%s)", w->name, it->id);
			return 0;
		}
		if (it->queued || (it->outcome != HD_NONE && !it->checking)) {
			sched_broke(c, "gave %s an item it was not holding (%s)", w->name, it->id);
			return 0;
		}
	}
	return 1;
}

size_t
ctl_sched_next(struct ctl *c, struct worker *w)
{
	size_t max = c->alone ? 1 : c->batch_cap, n;

	if (!c->unsent)
		return 0;	/* it holds nothing: the common case at the end */
	n = c->sched->next(c->sched_self, NODE(w), (herd_item **)(void *)c->batch, max);
	/* The built-in one is held to this by tests/unit/test_sched.c: not checked per item. */
	if (!n || (c->sched->next != bi_next && !answer_ok(c, w, n, max)))
		return 0;
	c->unsent -= n;
	worker_send_run(c, w, c->batch, n);
	return n;
}

void
ctl_sched_item_done(struct ctl *c, struct worker *w, struct citem *it)
{
	if (c->sched && c->sched->item_done)
		c->sched->item_done(c->sched_self, NODE(w), HITEM(it));
}

void
ctl_sched_give_back(struct ctl *c, struct worker *from, struct citem **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		v[i]->queued = 0;
	if (!n || !c->sched)
		return;
	c->unsent += n;
	c->sched->give_back(c->sched_self, from ? NODE(from) : NULL,
			    (herd_item *const *)(void *)v, n);
}

void
ctl_sched_node_down(struct ctl *c, struct worker *w)
{
	if (c->sched && c->sched->node_down)
		c->sched->node_down(c->sched_self, NODE(w));
}

void
ctl_sched_steal(struct ctl *c, struct worker *w)
{
	char num[32];
	size_t n;
	int v = -1;

	if (!c->sched->steal || (n = c->sched->steal(c->sched_self, NODE(w), &v)) == 0)
		return;
	if (v < 0 || v >= c->nslots || v == w->slot || c->w[v].bin != w->bin ||
	    c->w[v].state != W_RUNNING || c->w[v].releasing) {
		sched_broke(c, "asked %s to steal from a worker that cannot give%s", w->name, "");
		return;
	}
	snprintf(num, sizeof(num), "%zu", n);
	worker_send(&c->w[v], HD_MSG_RELEASE, num);
	c->w[v].releasing = 1;
}

size_t
ctl_sched_pending(struct ctl *c, const struct binary *b, int slot)
{
	return c->sched->pending(c->sched_self, b->path, slot);
}

struct binary *
ctl_sched_pick_binary(struct ctl *c, int slot)
{
	size_t i;

	if (c->sched->pick_binary)
		return bin_named(c->bins, c->nbins, c->sched->pick_binary(c->sched_self, slot));
	for (i = 0; i < c->nbins; i++)
		if (ctl_sched_pending(c, &c->bins[i], slot))
			return &c->bins[i];
	return NULL;
}

/*
 * Every worker idle or gone, none starting, nothing on its way back, and the
 * scheduler still holds items it does not send: the run would wait forever.
 */
void
ctl_sched_check_stuck(struct ctl *c)
{
	char n[32];
	int i;

	if (!c->unsent || c->stopping || c->aborted || c->interrupted || c->ndelayed)
		return;
	for (i = 0; i < c->nslots; i++) {
		const struct worker *w = &c->w[i];

		if (worker_alive(w) && (w->state != W_IDLE || w->qlen || w->releasing))
			return;
	}
	snprintf(n, sizeof(n), "%zu", c->unsent);
	for (i = 0; i < c->nslots; i++)
		if (slot_down(c, i)) {
			/* Not the scheduler's fault: the slots it meant them for are gone. */
			fprintf(stderr, "herd: no workers left for %s item(s): not run\n", n);
			c->stop_reason = xstrdup("not run: no workers left\n");
			c->aborted = 1;
			return;
		}
	sched_broke(c, "holds %s item(s) it gives no worker, with every worker idle%s", n, "");
}

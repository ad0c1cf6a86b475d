/*
 * sched.c - xdist's distribution modes over units of items.
 *
 * A unit is what must go to one worker, in order: an item (load, worksteal,
 * no), a scope (loadscope: file::suite, split and joined by the elements
 * of parametrized fixtures, see param_scope; loadfile: file; loadgroup: the
 * .group, else as loadscope for an item with such a fixture). Each binary keeps a pool of units; a worker is topped up when it
 * runs short, and where items are independent (load, worksteal) a worker that
 * runs dry steals half the unstarted tail of the fullest worker, so no worker
 * sits idle while another holds an unstarted item (xdist lets a worker keep
 * one back, so a long test can strand the next item behind it). --bisect
 * gives the order itself (ctl.order); the isolation check (ctl.alone) gives
 * one item to each fresh worker.
 */
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

static enum dist mode;

static int
independent(void)
{
	return mode == DIST_LOAD || mode == DIST_WORKSTEAL || mode == DIST_NO;
}

static int
grouped(const struct citem *it)
{
	return it->group && it->strategy != HD_ST_FREE;
}

static double
est_of(struct citem *const *v, size_t n)
{
	double t = 0;
	size_t i;

	for (i = 0; i < n; i++)
		t += v[i]->est;
	return t;
}

static void
pool_reserve(struct binary *b, size_t extra)
{
	if (b->pool_head + b->pool_len + extra <= b->pool_cap)
		return;
	if (b->pool_head) {
		memmove(b->pool, b->pool + b->pool_head, b->pool_len * sizeof(*b->pool));
		b->pool_head = 0;
	}
	while (b->pool_len + extra > b->pool_cap)
		b->pool_cap = b->pool_cap ? b->pool_cap * 2 : 64;
	b->pool = xreallocarray(b->pool, b->pool_cap, sizeof(*b->pool));
}

/* Makes u the unit of items v[0..n), counted into b's pool. */
static void
unit_set(struct binary *b, struct unit *u, struct citem **v, size_t n)
{
	int st = v[0]->strategy;

	b->pool_items += n;
	b->pool_est += est_of(v, n);
	u->v = xcalloc(n, sizeof(*u->v));
	memcpy(u->v, v, n * sizeof(*v));
	u->n = n;
	u->serial = st == HD_ST_SERIAL || st == HD_ST_ISOLATED_SERIAL;
	u->iso = v[0]->iso;
}

static void
pool_push_back(struct binary *b, struct citem **v, size_t n)
{
	pool_reserve(b, 1);
	unit_set(b, &b->pool[b->pool_head + b->pool_len++], v, n);
}

static void
pool_push_front(struct binary *b, struct citem **v, size_t n)
{
	pool_reserve(b, 1);
	if (!b->pool_head) {
		memmove(b->pool + 1, b->pool, b->pool_len * sizeof(*b->pool));
		b->pool_head = 1;
	}
	b->pool_len++;
	unit_set(b, &b->pool[--b->pool_head], v, n);
}

/*
 * loadscope's key: file::suite, one per element of the suite's parametrized
 * suite fixtures; an item with a parametrized worker fixture goes with every
 * item of that element, whatever its suite. Each element is then set up
 * once, on the worker that takes its scope.
 */
static void
param_scope(const struct citem *it, struct buf *buf)
{
	if (it->wxparam)
		buf_printf(buf, "worker fixtures [%s]", it->wxparam);
	else
		buf_printf(buf, "%s::%s", it->file, it->suite);
	if (it->fxparam)
		buf_printf(buf, "[%s]", it->fxparam);
}

/* The scope key of an item for the scoped modes, into buf. */
static void
scope_of(const struct citem *it, struct buf *buf)
{
	buf_reset(buf);
	switch (mode) {
	case DIST_LOADSCOPE:
		param_scope(it, buf);
		break;
	case DIST_LOADFILE:
		buf_adds(buf, it->file);
		break;
	case DIST_LOADGROUP:
		if (it->group)
			buf_printf(buf, "group %s", it->group);
		else if (it->fxparam || it->wxparam)	/* together, as loadscope keeps them */
			param_scope(it, buf);
		else
			buf_printf(buf, "item %s", it->id);
		break;
	default:
		buf_adds(buf, it->id);
	}
}

struct scope {
	char *key;
	struct citem **v;
	size_t n, cap, first;
};

static int
cmp_scope_size(const void *pa, const void *pb)
{
	const struct scope *a = pa, *b = pb;

	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return a->first < b->first ? -1 : a->first > b->first;
}

/* Groups a binary's selected items into scopes, largest first, as xdist does. */
static void
build_scoped(struct binary *b)
{
	struct scope *s = NULL;
	size_t ns = 0, cap = 0, i, k;
	struct buf key = BUF_INIT;

	for (i = 0; i < b->ntotal; i++) {
		struct citem *it = &b->items[i];

		if (!it->selected || grouped(it))
			continue;
		scope_of(it, &key);
		/* Items of a scope are mostly adjacent: look at the last scope first. */
		for (k = ns; k-- > 0;)
			if (!strcmp(s[k].key, key.data))
				break;
		if (k == (size_t)-1) {
			if (ns == cap) {
				cap = cap ? cap * 2 : 16;
				s = xreallocarray(s, cap, sizeof(*s));
			}
			memset(&s[ns], 0, sizeof(*s));
			s[ns].key = xstrdup(key.data);
			s[ns].first = ns;
			k = ns++;
		}
		if (s[k].n == s[k].cap) {
			s[k].cap = s[k].cap ? s[k].cap * 2 : 8;
			s[k].v = xreallocarray(s[k].v, s[k].cap, sizeof(*s[k].v));
		}
		s[k].v[s[k].n++] = it;
	}
	qsort(s, ns, sizeof(*s), cmp_scope_size);
	for (k = 0; k < ns; k++) {
		pool_push_back(b, s[k].v, s[k].n);
		free(s[k].v);
		free(s[k].key);
	}
	free(s);
	buf_clear(&key);
}

/* Units of the items whose group decides: one per serial group, one per item otherwise. */
static void
build_groups(struct ctl *c, struct binary *b, int pass)
{
	static const int want[] = { HD_ST_ISOLATED_SERIAL, HD_ST_ISOLATED_FREE, HD_ST_SERIAL };
	struct citem **v = xcalloc(b->ntotal + 1, sizeof(*v));
	char *done = xcalloc(b->ntotal + 1, 1);
	size_t i, j, n;

	for (i = 0; i < b->ntotal; i++) {
		struct citem *it = &b->items[i];

		if (done[i] || !it->selected || !grouped(it) || it->strategy != want[pass])
			continue;
		for (n = 0, j = i; j < b->ntotal; j++)
			if (!done[j] && b->items[j].selected && grouped(&b->items[j]) &&
			    b->items[j].pin == it->pin && !strcmp(b->items[j].group, it->group)) {
				v[n++] = &b->items[j];
				done[j] = 1;
			}
		if (want[pass] != HD_ST_SERIAL) {
			int iso = ++c->iso_groups;

			for (j = 0; j < n; j++)
				v[j]->iso = iso;
		}
		if (want[pass] == HD_ST_ISOLATED_FREE)
			for (j = 0; j < n; j++)
				pool_push_back(b, &v[j], 1);
		else
			pool_push_back(b, v, n);
	}
	free(v);
	free(done);
}

void
sched_build(struct ctl *c)
{
	size_t i, j;
	int pass;

	mode = c->dist;
	free(c->blocked);
	c->blocked = xcalloc(c->nres + 1, 1);
	/* --bisect: its items, one unit each, in the order given. */
	if (c->order) {
		for (i = 0; i < c->norder; i++)
			pool_push_back(c->order[i]->bin, &c->order[i], 1);
		return;
	}
	/* pytest-mp's order: isolated serial, isolated free, serial, then the rest. */
	for (pass = 0; pass < 3; pass++)
		for (i = 0; i < c->nbins; i++)
			build_groups(c, &c->bins[i], pass);
	for (i = 0; i < c->nbins; i++) {
		struct binary *b = &c->bins[i];

		if (mode == DIST_LOADSCOPE || mode == DIST_LOADFILE || mode == DIST_LOADGROUP) {
			build_scoped(b);
			continue;
		}
		for (j = 0; j < b->ntotal; j++) {
			struct citem *it = &b->items[j];

			if (it->selected && !grouped(it))
				pool_push_back(b, &it, 1);
		}
	}
}

static const struct ctl *order_ctl;

static double
unit_est(const struct unit *u)
{
	return est_of(u->v, u->n);
}

static int
unit_flag(const struct unit *u, int failed)
{
	size_t i;

	for (i = 0; i < u->n; i++)
		if (failed ? u->v[i]->lastfailed : u->v[i]->isnew)
			return 1;
	return 0;
}

static int
cmp_units(const void *pa, const void *pb)
{
	const struct unit *a = pa, *b = pb;
	const struct ctl *c = order_ctl;
	double ta, tb;
	int fa, fb;

	/* Isolated groups keep their place: they run first, in their order. */
	if (a->iso != b->iso) {
		if (!a->iso || !b->iso)
			return a->iso ? -1 : 1;
		return a->iso < b->iso ? -1 : 1;
	}
	if (c->ff && (fa = unit_flag(a, 1)) != (fb = unit_flag(b, 1)))
		return fa ? -1 : 1;
	if (c->nf && (fa = unit_flag(a, 0)) != (fb = unit_flag(b, 0)))
		return fa ? -1 : 1;
	if (c->random_order)
		return a->v[0]->rank < b->v[0]->rank ? -1 : a->v[0]->rank > b->v[0]->rank;
	if (c->order_by_time) {
		ta = unit_est(a);
		tb = unit_est(b);
		if (ta != tb)
			return ta > tb ? -1 : 1;
	}
	/* A plugin's collection_modifyitems order, where herd's own leave a tie. */
	if (c->plugin_order && a->v[0]->rank_plugin != b->v[0]->rank_plugin)
		return a->v[0]->rank_plugin < b->v[0]->rank_plugin ? -1 : 1;
	return a->v[0]->idx < b->v[0]->idx ? -1 : a->v[0]->idx > b->v[0]->idx;
}

void
sched_order(struct ctl *c)
{
	size_t i;

	if (!c->ff && !c->nf && !c->random_order && !c->order_by_time && !c->plugin_order)
		return;
	order_ctl = c;
	for (i = 0; i < c->nbins; i++) {
		struct binary *b = &c->bins[i];

		/* qsort is not stable; cmp_units ends on the collection index. */
		qsort(b->pool + b->pool_head, b->pool_len, sizeof(*b->pool), cmp_units);
	}
}

size_t
sched_pending(const struct ctl *c, const struct binary *b, int slot)
{
	size_t i, n = 0;

	(void)c;
	if (mode != DIST_EACH)
		return b->pool_len;
	for (i = 0; i < b->pool_len; i++)
		n += b->pool[b->pool_head + i].v[0]->pin == slot;
	return n;
}


/* Takes the pool's unit at position i (from the head) out of the pool. */
static struct unit
pool_take(struct binary *b, size_t i)
{
	struct unit u = b->pool[b->pool_head + i];

	if (i == 0) {
		b->pool_head++;
	} else {
		memmove(&b->pool[b->pool_head + i], &b->pool[b->pool_head + i + 1],
			(b->pool_len - i - 1) * sizeof(*b->pool));
	}
	b->pool_len--;
	b->pool_items -= u.n;
	b->pool_est -= est_of(u.v, u.n);
	return u;
}

/*
 * How many items a worker of b should hold. Trivial tests need deep queues to
 * hide the round trip; the tail needs short ones to balance. The steal at the
 * end removes the remaining imbalance, so this errs on the deep side early.
 * The share is counted over every slot, not the workers up so far: the first
 * worker must not take the lot before the others have started.
 */
static size_t
want_depth(const struct ctl *c, const struct binary *b, const struct worker *w)
{
	size_t pending = b->pool_items, d;
	size_t nw = b->workers > (size_t)c->nslots ? b->workers : (size_t)c->nslots;

	/* worksteal: the first batch is an even share of everything. */
	if (mode == DIST_WORKSTEAL && !w->fed)
		return (pending + nw - 1) / nw;
	/* Fewer items than two per worker: one at a time, as xdist deals them. */
	if (pending < 2 * nw)
		return 1;
	d = pending / (nw * 4);
	return d < 2 ? 2 : d > 1024 ? 1024 : d;
}

/*
 * With durations known, long items go out one at a time, so that they spread
 * over the workers longest first (LPT) instead of piling up in one batch;
 * short ones still travel in batches. 1 if u may join w's queue.
 */
static int
time_allows(const struct ctl *c, const struct binary *b, const struct worker *w,
	    double batch, const struct unit *u)
{
	size_t nw = b->workers > (size_t)c->nslots ? b->workers : (size_t)c->nslots;
	double est = unit_est(u), share = b->pool_est / (double)(nw * 4);

	if (!c->order_by_time)
		return 1;
	if (est < 0.005)
		return 1;	/* short: the round trip would cost more */
	return w->est_queued + batch + est <= share;
}

/* Nothing queued or running on any worker. */
static int
all_idle(const struct ctl *c)
{
	int i;

	for (i = 0; i < c->nslots; i++)
		if (c->w[i].pid > 0 && c->w[i].qlen)
			return 0;
	return 1;
}

/* The demand of a unit: for a serial group, the most any of its items needs. */
static size_t
unit_demand(const struct unit *u, struct demand *out, size_t max, int *excl)
{
	size_t i, k, j, n = 0;

	*excl = 0;
	for (i = 0; i < u->n; i++) {
		const struct citem *it = u->v[i];

		*excl |= it->exclusive;
		for (k = 0; k < it->nneed; k++) {
			for (j = 0; j < n && out[j].res != it->need[k].res; j++)
				;
			if (j == n && n < max)
				out[n++] = it->need[k];
			else if (j < n && out[j].n < it->need[k].n)
				out[j].n = it->need[k].n;
		}
	}
	return n;
}

static int
fits(const struct ctl *c, const struct demand *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (c->res[d[i].res].used + d[i].n > c->res[d[i].res].cap)
			return 0;
	return 1;
}

/* Isolated groups go one at a time, on an idle run, before anything else. */
static int
iso_allows(struct ctl *c, const struct unit *u)
{
	size_t i, k;

	if (c->iso_cur && u->iso == c->iso_cur)
		return 1;
	if (c->iso_cur) {
		/* Still pending or running: wait. */
		for (i = 0; i < c->nbins; i++)
			for (k = 0; k < c->bins[i].pool_len; k++)
				if (c->bins[i].pool[c->bins[i].pool_head + k].iso == c->iso_cur)
					return 0;
		if (!all_idle(c))
			return 0;
		c->iso_cur = 0;
	}
	if (!u->iso) {
		/* Isolated groups come first in the whole run, not just in their binary. */
		for (i = 0; i < c->nbins; i++)
			if (c->bins[i].pool_len && c->bins[i].pool[c->bins[i].pool_head].iso)
				return 0;
		return 1;
	}
	if (!all_idle(c))
		return 0;
	c->iso_cur = u->iso;
	return 1;
}

/*
 * Picks the pool position of the next unit w may start, or -1. Units that
 * need resources go only to an idle worker and only when their tokens are
 * free; one that does not fit blocks the later ones wanting the same
 * resources, so a large demand is not starved by small ones.
 */
static long
next_unit(struct ctl *c, struct binary *b, struct worker *w, struct demand *d, size_t *nd,
	  int *excl)
{
	char *blocked = c->blocked;
	size_t i, k;

	memset(blocked, 0, c->nres);
	if (c->exclusive)
		return -1;
	for (i = 0; i < b->pool_len; i++) {
		const struct unit *u = &b->pool[b->pool_head + i];
		int clash = 0;

		if (mode == DIST_EACH && u->v[0]->pin != w->slot)
			continue;
		if (!iso_allows(c, u))
			return -1;
		*nd = unit_demand(u, d, HD_MAX_DEMANDS, excl);
		if (!*nd && !*excl)
			return (long)i;
		for (k = 0; k < *nd; k++)
			clash |= blocked[d[k].res];
		if (!clash && !w->qlen && (*excl ? all_idle(c) : fits(c, d, *nd)))
			return (long)i;
		for (k = 0; k < *nd; k++)
			blocked[d[k].res] = 1;
		if (*excl)
			return -1;	/* nothing jumps an exclusive item */
	}
	return -1;
}

void
sched_fill(struct ctl *c, struct worker *w)
{
	struct binary *b = w->bin;
	struct citem **batch = NULL;
	struct demand d[HD_MAX_DEMANDS];
	size_t nb = 0, cap = 0, want, nd, k;
	double batch_est = 0;
	long pos;
	int excl;

	if (c->stopping || !b || (w->state != W_IDLE && w->state != W_RUNNING))
		return;
	/* The isolation check: one item, in a worker that has run nothing. */
	if (c->alone && (w->fed || w->qlen))
		return;
	want = mode == DIST_EACH ? (size_t)-1 : independent() ? want_depth(c, b, w) : 2;
	while (w->qlen + nb < want && (pos = next_unit(c, b, w, d, &nd, &excl)) >= 0) {
		struct unit u;

		if ((nd || excl) && nb)
			break;	/* it must start on an idle worker: next round */
		if ((w->qlen || nb) && independent() &&
		    !time_allows(c, b, w, batch_est, &b->pool[b->pool_head + pos]))
			break;
		u = pool_take(b, (size_t)pos);
		batch_est += unit_est(&u);
		if (nb + u.n > cap) {
			cap = (nb + u.n) * 2;
			batch = xreallocarray(batch, cap, sizeof(*batch));
		}
		memcpy(batch + nb, u.v, u.n * sizeof(*u.v));
		nb += u.n;
		free(u.v);
		if (nd || excl) {
			for (k = 0; k < nd; k++)
				c->res[d[k].res].used += d[k].n;
			w->held = xreallocarray(w->held, nd + 1, sizeof(*w->held));
			memcpy(w->held, d, nd * sizeof(*d));
			w->nheld = nd;
			w->held_left = u.n;
			w->held_excl = excl;
			c->exclusive |= excl;
			break;
		}
		/* A serial group or an isolated item goes alone in its batch. */
		if (u.n > 1 || c->iso_cur || c->alone)
			break;
	}
	if (nb)
		worker_send_run(c, w, batch, nb);
	free(batch);
}

void
sched_release(struct ctl *c, struct worker *w)
{
	size_t k;

	for (k = 0; k < w->nheld; k++)
		c->res[w->held[k].res].used -= w->held[k].n;
	if (w->held_excl)
		c->exclusive = 0;
	w->nheld = 0;
	w->held_left = 0;
	w->held_excl = 0;
}

void
sched_item_done(struct ctl *c, struct worker *w)
{
	if (w->held_left && --w->held_left == 0)
		sched_release(c, w);
}

static int unstealable(const struct citem *it);

size_t
sched_stealable(const struct ctl *c, const struct binary *b)
{
	size_t n = 0, k;
	int i;

	if (!independent() || c->stopping)
		return 0;
	for (i = 0; i < c->nslots; i++) {
		const struct worker *w = &c->w[i];

		if (w->pid <= 0 || w->bin != b || w->state != W_RUNNING)
			continue;
		for (k = 1; k < w->qlen && !unstealable(w->q[w->qhead + w->qlen - k]); k++)
			n++;
	}
	return n;
}

static int
unstealable(const struct citem *it)
{
	return it->iso || it->nneed || it->exclusive ||
	       (it->group && it->strategy != HD_ST_FREE);
}

void
sched_steal(struct ctl *c, struct worker *w)
{
	struct worker *victim = NULL;
	size_t i, best = 0;
	char num[32];

	if (!independent() || c->stopping || w->bin->pool_len || c->iso_cur || c->exclusive)
		return;
	/* One steal at a time for a worker: an answer may still be on its way. */
	for (i = 0; i < (size_t)c->nslots; i++)
		if (c->w[i].releasing && c->w[i].thief == w->slot)
			return;
	for (i = 0; i < (size_t)c->nslots; i++) {
		struct worker *v = &c->w[i];

		size_t k = 0;

		if (v == w || v->bin != w->bin || v->state != W_RUNNING || v->releasing)
			continue;
		/* Only plain items from the tail: a group must stay whole. */
		while (k + 1 < v->qlen && !unstealable(v->q[v->qhead + v->qlen - 1 - k]))
			k++;
		if (k > best) {
			best = k;
			victim = v;
		}
	}
	if (!victim)
		return;
	snprintf(num, sizeof(num), "%zu", (best + 1) / 2);
	worker_send(victim, "release", num);
	victim->releasing = 1;
	victim->thief = w->slot;
}

void
sched_return(struct binary *b, struct citem **v, size_t n)
{
	size_t i;

	if (!n)
		return;
	/* A scope, or the rest of a serial group, goes back whole. */
	if (!independent() || (n > 1 && grouped(v[0]) && v[0]->strategy != HD_ST_ISOLATED_FREE)) {
		pool_push_front(b, v, n);
		return;
	}
	for (i = n; i-- > 0;)
		pool_push_front(b, &v[i], 1);
}

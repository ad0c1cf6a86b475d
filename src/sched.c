/*
 * sched.c - xdist's distribution modes over units of items.
 *
 * A unit is what must go to one worker, in order: an item (load, worksteal,
 * no), a scope (loadscope: file::suite; loadfile: file; loadgroup: the
 * .group). Each binary keeps a pool of units; a worker is topped up when it
 * runs short, and where items are independent (load, worksteal) a worker that
 * runs dry steals half the unstarted tail of the fullest worker, so no worker
 * sits idle while another holds an unstarted item (xdist lets a worker keep
 * one back, so a long test can strand the next item behind it).
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

static void
pool_push_back(struct binary *b, struct citem **v, size_t n)
{
	struct unit *u;

	pool_reserve(b, 1);
	u = &b->pool[b->pool_head + b->pool_len++];
	u->v = xcalloc(n, sizeof(*u->v));
	memcpy(u->v, v, n * sizeof(*v));
	u->n = n;
}

static void
pool_push_front(struct binary *b, struct citem **v, size_t n)
{
	struct unit *u;

	pool_reserve(b, 1);
	if (!b->pool_head) {
		memmove(b->pool + 1, b->pool, b->pool_len * sizeof(*b->pool));
		b->pool_head = 1;
	}
	u = &b->pool[--b->pool_head];
	b->pool_len++;
	u->v = xcalloc(n, sizeof(*u->v));
	memcpy(u->v, v, n * sizeof(*v));
	u->n = n;
}

/* The scope key of an item for the scoped modes, into buf. */
static void
scope_of(const struct citem *it, struct buf *buf)
{
	buf_reset(buf);
	switch (mode) {
	case DIST_LOADSCOPE:
		buf_printf(buf, "%s::%s", it->file, it->suite);
		break;
	case DIST_LOADFILE:
		buf_adds(buf, it->file);
		break;
	case DIST_LOADGROUP:
		if (it->group)
			buf_printf(buf, "group %s", it->group);
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

	for (i = 0; i < b->n; i++) {
		struct citem *it = &b->items[i];

		if (!it->selected)
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

void
sched_build(struct ctl *c)
{
	size_t i, j;

	mode = c->dist;
	for (i = 0; i < c->nbins; i++) {
		struct binary *b = &c->bins[i];

		if (mode == DIST_LOADSCOPE || mode == DIST_LOADFILE || mode == DIST_LOADGROUP) {
			build_scoped(b);
			continue;
		}
		for (j = 0; j < b->ntotal; j++) {
			struct citem *it = &b->items[j];

			if (it->selected)
				pool_push_back(b, &it, 1);
		}
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

static size_t
pool_items(const struct binary *b)
{
	size_t i, n = 0;

	for (i = 0; i < b->pool_len; i++)
		n += b->pool[b->pool_head + i].n;
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
	return u;
}

/*
 * How many items a worker of b should hold. Trivial tests need deep queues to
 * hide the round trip; the tail needs short ones to balance. The steal at the
 * end removes the remaining imbalance, so this errs on the deep side early.
 */
static size_t
want_depth(const struct ctl *c, const struct binary *b, const struct worker *w)
{
	size_t pending = pool_items(b), d;
	size_t nw = b->workers ? b->workers : 1;

	/* worksteal: the first batch is an even share of everything. */
	if (mode == DIST_WORKSTEAL && !w->fed)
		return (pending + nw - 1) / nw;
	d = pending / (nw * 4);
	(void)c;
	return d < 2 ? 2 : d > 1024 ? 1024 : d;
}

void
sched_fill(struct ctl *c, struct worker *w)
{
	struct binary *b = w->bin;
	struct citem **batch = NULL;
	size_t nb = 0, cap = 0, want, i;

	if (c->stopping || !b || (w->state != W_IDLE && w->state != W_RUNNING))
		return;
	if (mode == DIST_EACH) {
		for (i = 0; i < b->pool_len;) {
			if (b->pool[b->pool_head + i].v[0]->pin != w->slot) {
				i++;
				continue;
			}
			struct unit u = pool_take(b, i);
			worker_send_run(c, w, u.v, u.n);
			free(u.v);
		}
		return;
	}
	want = independent() ? want_depth(c, b, w) : 2;
	while (b->pool_len && w->qlen + nb < want) {
		struct unit u = pool_take(b, 0);

		if (nb + u.n > cap) {
			cap = (nb + u.n) * 2;
			batch = xreallocarray(batch, cap, sizeof(*batch));
		}
		memcpy(batch + nb, u.v, u.n * sizeof(*u.v));
		nb += u.n;
		free(u.v);
	}
	if (nb)
		worker_send_run(c, w, batch, nb);
	free(batch);
}

void
sched_steal(struct ctl *c, struct worker *w)
{
	struct worker *victim = NULL;
	size_t i, best = 0;
	char num[32];

	if (!independent() || c->stopping || w->bin->pool_len)
		return;
	for (i = 0; i < (size_t)c->nslots; i++) {
		struct worker *v = &c->w[i];

		if (v == w || v->bin != w->bin || v->state != W_RUNNING || v->releasing)
			continue;
		if (v->qlen > 0 && v->qlen - 1 > best) {
			best = v->qlen - 1;
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
	if (!independent()) {
		pool_push_front(b, v, n);
		return;
	}
	for (i = n; i-- > 0;)
		pool_push_front(b, &v[i], 1);
}

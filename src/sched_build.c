/*
 * sched_build.c - the scheduler's pools: what each --dist mode makes a unit
 * of, and the order units go out in.
 *
 * A unit is what must go to one worker, in order: an item (load, worksteal,
 * no, each), a scope (loadscope: file::suite, split and joined by the
 * elements of parametrized fixtures, see param_scope; loadfile: file;
 * loadgroup: the .group, else as loadscope for an item with such a fixture),
 * or a serial group. Each binary keeps a pool of units. --bisect gives the
 * order itself (one item a unit).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scheduler.h"

double
est_of(struct citem *const *v, size_t n)
{
	double t = 0;
	size_t i;

	for (i = 0; i < n; i++)
		t += v[i]->est;
	return t;
}

static void
pool_reserve(struct pool *p, size_t extra)
{
	if (p->head + p->len + extra <= p->cap)
		return;
	if (p->head) {
		memmove(p->u, p->u + p->head, p->len * sizeof(*p->u));
		p->head = 0;
	}
	while (p->len + extra > p->cap)
		p->cap = p->cap ? p->cap * 2 : 64;
	p->u = xreallocarray(p->u, p->cap, sizeof(*p->u));
}

/* Makes u the unit of items v[0..n), counted into p. */
static void
unit_set(struct pool *p, struct unit *u, struct citem *const *v, size_t n)
{
	int st = v[0]->decl->strategy;

	p->items += n;
	p->est += est_of(v, n);
	u->n = n;
	if (n == 1) {
		u->of.one = v[0];
	} else {
		u->of.v = xcalloc(n, sizeof(*u->of.v));
		memcpy(u->of.v, v, n * sizeof(*v));
	}
	u->serial = st == HERD_SERIAL || st == HERD_ISOLATED_SERIAL;
	u->iso = v[0]->iso;
}

void
pool_push_back(struct pool *p, struct citem *const *v, size_t n)
{
	pool_reserve(p, 1);
	unit_set(p, &p->u[p->head + p->len++], v, n);
}

void
pool_push_front(struct pool *p, struct citem *const *v, size_t n)
{
	pool_reserve(p, 1);
	if (!p->head) {
		memmove(p->u + 1, p->u, p->len * sizeof(*p->u));
		p->head = 1;
	}
	p->len++;
	unit_set(p, &p->u[--p->head], v, n);
}

struct unit
pool_take(struct pool *p, size_t i)
{
	struct unit u = p->u[p->head + i];

	if (i == 0)
		p->head++;
	else
		memmove(&p->u[p->head + i], &p->u[p->head + i + 1],
			(p->len - i - 1) * sizeof(*p->u));
	p->len--;
	p->items -= u.n;
	p->est -= est_of(unit_v(&u), u.n);
	return u;
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
	if (it->decl->wxparam)
		buf_printf(buf, "worker fixtures [%s]", it->decl->wxparam);
	else
		buf_printf(buf, "%s::%s", it->decl->file, it->decl->suite);
	if (it->decl->fxparam)
		buf_printf(buf, "[%s]", it->decl->fxparam);
}

/* The scope key of an item for the scoped modes, into buf. */
static void
scope_of(enum dist mode, const struct citem *it, struct buf *buf)
{
	buf_reset(buf);
	switch (mode) {
	case DIST_LOADSCOPE:
		param_scope(it, buf);
		break;
	case DIST_LOADFILE:
		buf_adds(buf, it->decl->file);
		break;
	case DIST_LOADGROUP:
		if (it->decl->group)
			buf_printf(buf, "group %s", it->decl->group);
		else if (it->decl->fxparam || it->decl->wxparam)	/* together, as loadscope keeps them */
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

/* The scope of key among s[0..*ns), added if new. */
static struct scope *
find_scope(struct scope **s, size_t *ns, size_t *cap, const char *key)
{
	size_t k;

	/* Items of a scope are mostly adjacent: look at the last scope first. */
	for (k = *ns; k-- > 0;)
		if (!strcmp((*s)[k].key, key))
			return &(*s)[k];
	if (*ns == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*s = xreallocarray(*s, *cap, sizeof(**s));
	}
	memset(&(*s)[*ns], 0, sizeof(**s));
	(*s)[*ns].key = xstrdup(key);
	(*s)[*ns].first = *ns;
	return &(*s)[(*ns)++];
}

/* Groups a binary's selected items into scopes, largest first, as xdist does. */
static void
build_scoped(struct sched *s, struct binary *b)
{
	struct scope *sc = NULL, *one;
	size_t ns = 0, cap = 0, i, k;
	struct buf key = BUF_INIT;

	for (i = 0; i < b->ntotal; i++) {
		struct citem *it = &b->items[i];

		if (!citem_to_run(it) || grouped(it))
			continue;
		scope_of(s->o.dist, it, &key);
		one = find_scope(&sc, &ns, &cap, key.data);
		if (one->n == one->cap) {
			one->cap = one->cap ? one->cap * 2 : 8;
			one->v = xreallocarray(one->v, one->cap, sizeof(*one->v));
		}
		one->v[one->n++] = it;
	}
	if (ns)	/* every item grouped: sc is NULL, which qsort may not take */
		qsort(sc, ns, sizeof(*sc), cmp_scope_size);
	for (k = 0; k < ns; k++) {
		pool_push_back(sched_pool(s, b), sc[k].v, sc[k].n);
		free(sc[k].v);
		free(sc[k].key);
	}
	free(sc);
	buf_clear(&key);
}

/* Units of the items whose group decides: one per serial group, one per item otherwise. */
static void
build_groups(struct sched *s, struct binary *b, int pass)
{
	static const int want[] = { HERD_ISOLATED_SERIAL, HERD_ISOLATED_FREE, HERD_SERIAL };
	struct citem **v = xcalloc(b->ntotal + 1, sizeof(*v));
	char *done = xcalloc(b->ntotal + 1, 1);
	struct pool *p = sched_pool(s, b);
	size_t i, j, n;

	for (i = 0; i < b->ntotal; i++) {
		struct citem *it = &b->items[i];

		if (done[i] || !citem_to_run(it) || !grouped(it) || it->decl->strategy != want[pass])
			continue;
		for (n = 0, j = i; j < b->ntotal; j++)
			if (!done[j] && citem_to_run(&b->items[j]) && grouped(&b->items[j]) &&
			    b->items[j].pin == it->pin && !strcmp(b->items[j].decl->group, it->decl->group)) {
				v[n++] = &b->items[j];
				done[j] = 1;
			}
		if (want[pass] != HERD_SERIAL) {
			int iso = ++s->iso_groups;

			for (j = 0; j < n; j++)
				v[j]->iso = iso;
		}
		if (want[pass] == HERD_ISOLATED_FREE)
			for (j = 0; j < n; j++)
				pool_push_back(p, &v[j], 1);
		else
			pool_push_back(p, v, n);
	}
	free(v);
	free(done);
}

static double
unit_est(const struct unit *u)
{
	return est_of(unit_v(u), u->n);
}

static int
unit_flag(const struct unit *u, int failed)
{
	size_t i;

	for (i = 0; i < u->n; i++)
		if (failed ? unit_v(u)[i]->lastfailed : unit_v(u)[i]->isnew)
			return 1;
	return 0;
}

/* qsort has no cookie: the options of the sort under way. */
static const struct sched_opts *order_opts;

static int
cmp_units(const void *pa, const void *pb)
{
	const struct unit *a = pa, *b = pb;
	const struct citem *x = unit_v(a)[0], *y = unit_v(b)[0];	/* their firsts */
	const struct sched_opts *o = order_opts;
	double ta, tb;
	int fa, fb;

	/* Isolated groups keep their place: they run first, in their order. */
	if (a->iso != b->iso) {
		if (!a->iso || !b->iso)
			return a->iso ? -1 : 1;
		return a->iso < b->iso ? -1 : 1;
	}
	if (o->ff && (fa = unit_flag(a, 1)) != (fb = unit_flag(b, 1)))
		return fa ? -1 : 1;
	if (o->nf && (fa = unit_flag(a, 0)) != (fb = unit_flag(b, 0)))
		return fa ? -1 : 1;
	if (o->random_order)
		return x->rank < y->rank ? -1 : x->rank > y->rank;
	if (o->order_by_time) {
		ta = unit_est(a);
		tb = unit_est(b);
		if (ta != tb)
			return ta > tb ? -1 : 1;
	}
	/* A plugin's collection_modifyitems order, where herd's own leave a tie. */
	if (o->plugin_order && x->rank_plugin != y->rank_plugin)
		return x->rank_plugin < y->rank_plugin ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/*
 * A unit with the scopes it is in, for sorting longest first without
 * scattering them: a run of units of one file (a pytest module) at level 0,
 * of one suite (a class) at level 1, each known by its first unit's place
 * and the seconds of all its units. A long unit goes alone.
 */
struct scoped {
	struct unit u;
	int alone;
	size_t first[2];
	double secs[2];
};

static int
cmp_scoped(const void *pa, const void *pb)
{
	const struct scoped *a = pa, *b = pb;
	int level;

	/* Isolated groups, --ff and --nf come before any scope. */
	if (a->u.iso != b->u.iso || (order_opts->ff && unit_flag(&a->u, 1) != unit_flag(&b->u, 1)) ||
	    (order_opts->nf && unit_flag(&a->u, 0) != unit_flag(&b->u, 0)))
		return cmp_units(&a->u, &b->u);
	if (a->alone || b->alone)
		return a->alone != b->alone ? (a->alone ? -1 : 1) : cmp_units(&a->u, &b->u);
	for (level = 0; level < 2; level++) {
		if (a->first[level] == b->first[level])
			continue;
		if (a->secs[level] != b->secs[level])
			return a->secs[level] > b->secs[level] ? -1 : 1;
		return a->first[level] < b->first[level] ? -1 : 1;
	}
	return cmp_units(&a->u, &b->u);
}

/*
 * Longest first by scope: files (modules) by the seconds of their items,
 * within one its suites (classes) by theirs, within one its items by their
 * own. Item by item, the order would scatter every module and suite over
 * the run, and a worker sets up a module or suite fixture again each time
 * it comes back to one. A unit long next to a worker's share (a quarter of
 * it, where load dealing sends long units one at a time) still goes first,
 * alone, as in plain longest first: in a light file it would start late.
 */
static void
order_by_scope(struct unit *u, size_t n, double secs, int nslots)
{
	struct scoped *v = xreallocarray(NULL, n, sizeof(*v));
	double limit = secs / (double)(nslots * 4);
	size_t i, k, prev = SIZE_MAX;
	int level;

	for (i = 0; i < n; i++) {
		double est = unit_est(&u[i]);

		v[i].u = u[i];
		v[i].alone = est >= limit && est > 0;
		if (v[i].alone)
			continue;
		for (level = 0; level < 2; level++) {
			if (prev != SIZE_MAX &&
			    same_scope(unit_v(&u[i])[0], unit_v(&u[prev])[0], level)) {
				v[i].first[level] = v[prev].first[level];
			} else {
				v[i].first[level] = i;
				v[i].secs[level] = 0;
			}
			v[v[i].first[level]].secs[level] += est;
		}
		prev = i;
	}
	for (i = 0; i < n; i++)	/* each unit learns its scopes' sums */
		for (level = 0; level < 2 && !v[i].alone; level++)
			v[i].secs[level] = v[v[i].first[level]].secs[level];
	qsort(v, n, sizeof(*v), cmp_scoped);
	for (k = 0; k < n; k++)
		u[k] = v[k].u;
	free(v);
}

/* Sorts every pool: --ff, --nf, then longest first (or random), then a plugin's order. */
static void
order_pools(struct sched *s)
{
	size_t i;
	int scoped = s->o.order_by_time && !s->o.random_order && sched_independent(s);

	if (!s->o.ff && !s->o.nf && !s->o.random_order && !s->o.order_by_time &&
	    !s->o.plugin_order)
		return;
	order_opts = &s->o;
	for (i = 0; i < s->nbins; i++) {
		struct pool *p = &s->pools[i];

		if (!p->len)	/* a pool with no units may have no array */
			continue;
		if (scoped)
			order_by_scope(p->u + p->head, p->len, p->est, s->o.nslots);
		else	/* qsort is not stable; cmp_units ends on the collection index. */
			qsort(p->u + p->head, p->len, sizeof(*p->u), cmp_units);
	}
	order_opts = NULL;
}

void
sched_build(struct sched *s)
{
	size_t i, j;
	int pass;

	/* --bisect: its items, one unit each, in the order given. */
	if (s->o.order) {
		for (i = 0; i < s->o.norder; i++)
			pool_push_back(sched_pool(s, s->o.order[i]->bin), &s->o.order[i], 1);
		return;
	}
	/* pytest-mp's order: isolated serial, isolated free, serial, then the rest. */
	for (pass = 0; pass < 3; pass++)
		for (i = 0; i < s->nbins; i++)
			build_groups(s, &s->bins[i], pass);
	for (i = 0; i < s->nbins; i++) {
		struct binary *b = &s->bins[i];

		if (s->o.dist == DIST_LOADSCOPE || s->o.dist == DIST_LOADFILE ||
		    s->o.dist == DIST_LOADGROUP) {
			build_scoped(s, b);
			continue;
		}
		for (j = 0; j < b->ntotal; j++) {
			struct citem *it = &b->items[j];

			if (citem_to_run(it) && !grouped(it))
				pool_push_back(sched_pool(s, b), &it, 1);
		}
	}
	order_pools(s);
}

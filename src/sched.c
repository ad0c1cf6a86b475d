/*
 * sched.c - the built-in scheduler's dealing: what a worker with room gets,
 * stealing, what comes back, and which binary an empty slot starts.
 *
 * A worker is topped up when it runs short. Where items are independent
 * (load, worksteal, no) a worker that runs dry steals half the unstarted
 * tail of the fullest worker, so no worker sits idle while another holds an
 * unstarted item (xdist lets a worker keep one back, so a long test can
 * strand the next item behind it). Units that need resources, and isolated
 * groups, start only when they can; see next_unit.
 */
#include <stdlib.h>
#include <string.h>

#include "scheduler.h"

struct sched *
sched_new(const struct sched_opts *o, struct binary *bins, size_t nbins)
{
	struct sched *s = xcalloc(1, sizeof(*s));

	s->o = *o;
	s->bins = bins;
	s->nbins = nbins;
	s->pools = xcalloc(nbins + 1, sizeof(*s->pools));
	s->slots = xcalloc((size_t)o->nslots + 1, sizeof(*s->slots));
	s->blocked = xcalloc(o->nres + 1, 1);
	sched_build(s);
	return s;
}

void
sched_free(struct sched *s)
{
	size_t i, k;

	if (!s)
		return;
	for (i = 0; i < s->nbins; i++) {
		for (k = 0; k < s->pools[i].len; k++)
			unit_clear(&s->pools[i].u[s->pools[i].head + k]);
		free(s->pools[i].u);
	}
	for (i = 0; i < (size_t)s->o.nslots; i++) {
		free(s->slots[i].q);
		free(s->slots[i].stash);
		free(s->slots[i].held);
	}
	free(s->pools);
	free(s->slots);
	free(s->blocked);
	free(s);
}

static int
unstealable(const struct citem *it)
{
	return it->iso || it->decl->nneed || it->decl->exclusive || grouped(it);
}

static void
q_push(struct slot *sl, struct citem *it)
{
	if (sl->qhead + sl->qlen == sl->qcap) {
		if (sl->qhead) {
			memmove(sl->q, sl->q + sl->qhead, sl->qlen * sizeof(*sl->q));
			sl->qhead = 0;
		} else {
			sl->qcap = sl->qcap ? sl->qcap * 2 : 64;
			sl->q = xreallocarray(sl->q, sl->qcap, sizeof(*sl->q));
		}
	}
	sl->q[sl->qhead + sl->qlen++] = it;
	sl->est += it->est;
	sl->nfixed += unstealable(it);
}

/* Takes it out of sl's queue, wherever it stands; 0 if it was not there. */
static int
q_remove(struct slot *sl, const struct citem *it)
{
	size_t k;

	for (k = 0; k < sl->qlen && sl->q[sl->qhead + k] != it; k++)
		;
	if (k == sl->qlen)
		return 0;
	sl->est -= it->est;
	sl->nfixed -= unstealable(it);
	if (k == 0) {
		sl->qhead++;
	} else {
		memmove(&sl->q[sl->qhead + k], &sl->q[sl->qhead + k + 1],
			(sl->qlen - k - 1) * sizeof(*sl->q));
	}
	if (--sl->qlen == 0)
		sl->qhead = 0;
	return 1;
}

/* Workers a binary's share is counted over: every slot, or more. */
static size_t
share_of(const struct sched *s, const struct binary *b)
{
	return b->workers > (size_t)s->o.nslots ? b->workers : (size_t)s->o.nslots;
}

static int timed_too_short(const struct sched *s, const struct binary *b, size_t n);

/* The most items a worker is dealt ahead: a deeper queue hides no more. */
#define DEPTH_MAX 1024

/*
 * How many items a worker of b should hold. Trivial tests need deep queues to
 * hide the round trip; the tail needs short ones to balance. The steal at the
 * end removes the remaining imbalance, so this errs on the deep side early.
 * The share is counted over every slot, not the workers up so far: the first
 * worker must not take the lot before the others have started.
 */
static size_t
want_depth(const struct sched *s, const struct binary *b, const struct slot *sl)
{
	size_t pending = sched_pool(s, b)->items, d, nw = share_of(s, b);

	if (s->o.dist == DIST_EACH)
		return (size_t)-1;
	if (!sched_independent(s))
		return 2;
	/* A binary timed too short for another worker goes whole to this one:
	 * dealt two at a time, its few quick items would each wait a round trip. */
	if (timed_too_short(s, b, pending))
		return pending;
	/* worksteal: the first batch is an even share of everything. */
	if (s->o.dist == DIST_WORKSTEAL && !sl->fed)
		return (pending + nw - 1) / nw;
	/* Fewer items than two per worker: one at a time, as xdist deals them. */
	if (pending < 2 * nw)
		return 1;
	d = pending / (nw * 4);
	return d < 2 ? 2 : d > DEPTH_MAX ? DEPTH_MAX : d;
}

/*
 * With durations known, long items go out one at a time, so that they spread
 * over the workers longest first (LPT) instead of piling up in one batch;
 * short ones still travel in batches. 1 if u may join sl's queue.
 */
static int
time_allows(const struct sched *s, const struct binary *b, const struct slot *sl,
	    double batch, const struct unit *u)
{
	double est = est_of(unit_v(u), u->n);
	double share = sched_pool(s, b)->est / (double)(share_of(s, b) * 4);

	if (!s->o.order_by_time || est < 0.005)
		return 1;	/* short: the round trip would cost more */
	return sl->est + batch + est <= share;
}

/* Nothing sent and unfinished on any slot. */
static int
all_idle(const struct sched *s)
{
	int i;

	for (i = 0; i < s->o.nslots; i++)
		if (s->slots[i].qlen)
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
		const struct citem *it = unit_v(u)[i];

		*excl |= it->decl->exclusive;
		for (k = 0; k < it->decl->nneed; k++) {
			for (j = 0; j < n && out[j].res != it->decl->need[k].res; j++)
				;
			if (j == n && n < max)
				out[n++] = it->decl->need[k];
			else if (j < n && out[j].n < it->decl->need[k].n)
				out[j].n = it->decl->need[k].n;
		}
	}
	return n;
}

static int
fits(const struct sched *s, const struct demand *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s->o.res[d[i].res].used + d[i].n > s->o.res[d[i].res].cap)
			return 0;
	return 1;
}

/* A unit of isolated group iso is still in some pool. */
static int
iso_pooled(const struct sched *s, int iso)
{
	size_t i, k;

	for (i = 0; i < s->nbins; i++)
		for (k = 0; k < s->pools[i].len; k++)
			if (s->pools[i].u[s->pools[i].head + k].iso == iso)
				return 1;
	return 0;
}

/* Isolated groups go one at a time, on an idle run, before anything else. */
static int
iso_allows(struct sched *s, const struct unit *u)
{
	size_t i;

	if (s->iso_cur && u->iso == s->iso_cur)
		return 1;
	if (s->iso_cur) {
		/* Still pending or running: wait. */
		if (iso_pooled(s, s->iso_cur) || !all_idle(s))
			return 0;
		s->iso_cur = 0;
	}
	if (!u->iso) {
		/* Isolated groups come first in the whole run, not just in their binary. */
		for (i = 0; i < s->nbins; i++)
			if (s->pools[i].len && s->pools[i].u[s->pools[i].head].iso)
				return 0;
		return 1;
	}
	if (!all_idle(s))
		return 0;
	s->iso_cur = u->iso;
	return 1;
}

/*
 * Picks the pool position of the next unit slot may start, or -1. Units that
 * need resources go only to an idle worker and only when their tokens are
 * free; one that does not fit blocks the later ones wanting the same
 * resources, so a large demand is not starved by small ones.
 */
static long
next_unit(struct sched *s, const struct pool *p, int slot, struct demand *d, size_t *nd,
	  int *excl)
{
	size_t i, k;

	memset(s->blocked, 0, s->o.nres);
	if (s->exclusive)
		return -1;
	for (i = 0; i < p->len; i++) {
		const struct unit *u = &p->u[p->head + i];
		int clash = 0;

		if (s->o.dist == DIST_EACH && unit_v(u)[0]->pin != slot)
			continue;
		if (!iso_allows(s, u))
			return -1;
		*nd = unit_demand(u, d, HD_MAX_DEMANDS, excl);
		if (!*nd && !*excl)
			return (long)i;
		for (k = 0; k < *nd; k++)
			clash |= s->blocked[d[k].res];
		if (!clash && !s->slots[slot].qlen && (*excl ? all_idle(s) : fits(s, d, *nd)))
			return (long)i;
		for (k = 0; k < *nd; k++)
			s->blocked[d[k].res] = 1;
		if (*excl)
			return -1;	/* nothing jumps an exclusive item */
	}
	return -1;
}

/* Slot's unit takes its tokens until its last item is done. */
static void
hold(struct sched *s, struct slot *sl, const struct demand *d, size_t nd, int excl, size_t n)
{
	size_t k;

	for (k = 0; k < nd; k++)
		s->o.res[d[k].res].used += d[k].n;
	sl->held = xreallocarray(sl->held, nd + 1, sizeof(*sl->held));
	memcpy(sl->held, d, nd * sizeof(*d));
	sl->nheld = nd;
	sl->held_left = n;
	sl->held_excl = excl;
	s->exclusive |= excl;
}

/* What was stolen for slot goes first. */
static size_t
from_stash(struct slot *sl, struct citem **out, size_t max)
{
	size_t n = sl->nstash < max ? sl->nstash : max;

	if (!n)
		return 0;	/* stash may be NULL: no memcpy from it */
	memcpy(out, sl->stash, n * sizeof(*out));
	memmove(sl->stash, sl->stash + n, (sl->nstash - n) * sizeof(*sl->stash));
	sl->nstash -= n;
	return n;
}

/*
 * Whether a and b share a scope: a file (a pytest module) at level 0, a
 * file's suite (a class) at level 1.
 */
int
same_scope(const struct citem *a, const struct citem *b, int level)
{
	if (strcmp(a->decl->file, b->decl->file))
		return 0;
	if (level == 0)
		return 1;
	return !a->decl->suite == !b->decl->suite &&
	       (!a->decl->suite || !strcmp(a->decl->suite, b->decl->suite));
}

/* A pool unit any worker may take, of one item in last's scope at level. */
static int
joins_scope(const struct unit *u, const struct citem *last, int level)
{
	return u->n == 1 && !unstealable(u->of.one) && same_scope(u->of.one, last, level);
}

/*
 * How many units at the front of p continue last's scope at level; more
 * than limit (limit + 1) when the one past limit does: scopes are runs in
 * collection order, so a scope that large is not counted item by item.
 */
static size_t
scope_rest(const struct pool *p, const struct citem *last, int level, size_t limit)
{
	size_t k;

	if (p->len > limit && joins_scope(&p->u[p->head + limit], last, level))
		return limit + 1;
	for (k = 0; k < p->len && k <= limit && joins_scope(&p->u[p->head + k], last, level); k++)
		;
	return k;
}

/* The items of b not done: in its pool, and sent or stolen to its workers. */
static size_t
outstanding(const struct sched *s, const struct binary *b)
{
	size_t n = sched_pool(s, b)->items;
	int i;

	for (i = 0; i < s->o.nslots; i++) {
		const struct slot *sl = &s->slots[i];

		n += sl->nstash;
		if (sl->qlen && sl->q[sl->qhead]->bin == b)
			n += sl->qlen;
	}
	return n;
}

/*
 * Load dealing is blind to fixtures, but a pytest module's (or a C suite's)
 * fixtures are set up on every worker that runs one of its items. So a
 * batch cut inside a scope (a module, else a class) moves to the scope's
 * end where that costs nothing in balance: it is extended to the scope's
 * end when the worker then holds no more than its share of what is left
 * (stealing evens out the tail anyway), else cut back to the scope's start
 * when the scope fits another worker's share whole. A scope larger than a
 * share is split whatever the cut. Only batches are moved: items dealt one
 * at a time (the last few) spread over the workers as they are. out[from..
 * *nb) came from the pool in this call; out[0..from) was stolen for the slot.
 */
static void
align_to_scope(struct sched *s, struct binary *b, struct slot *sl, struct citem **out,
	       size_t from, size_t *nb, size_t max)
{
	struct pool *p = sched_pool(s, b);
	size_t share, held, rest, t, k;
	const struct citem *last;
	int level;

	if (*nb == from || !sched_independent(s) || s->o.order_by_time || s->iso_cur)
		return;
	last = out[*nb - 1];
	share = (outstanding(s, b) + *nb) / share_of(s, b);
	held = sl->qlen + *nb;
	for (level = 0; level < 2 && !unstealable(last); level++) {
		rest = scope_rest(p, last, level, share < DEPTH_MAX ? share : DEPTH_MAX);
		if (!rest)
			return;	/* the batch ends on a boundary already */
		if (rest == p->len)
			continue;	/* all that is left: every worker will be in it */
		if (held + rest <= share && *nb + rest <= max) {
			for (k = 0; k < rest; k++) {
				struct unit u = pool_take(p, 0);

				out[(*nb)++] = u.of.one;
			}
			return;
		}
		for (t = 0; t < *nb - from && same_scope(out[*nb - 1 - t], last, level); t++)
			;
		if (t < *nb - from && t + rest <= share) {
			while (t--)
				pool_push_front(p, &out[--*nb], 1);
			return;
		}
	}
}

size_t
sched_next(struct sched *s, int slot, struct binary *b, struct citem **out, size_t max)
{
	struct slot *sl = &s->slots[slot];
	struct pool *p = sched_pool(s, b);
	struct demand d[HD_MAX_DEMANDS];
	size_t stolen = from_stash(sl, out, max), nb = stolen, want = want_depth(s, b, sl), nd, k;
	double batch_est = 0;
	long pos;
	int excl;

	while (sl->qlen + nb < want && nb < max &&
	       (pos = next_unit(s, p, slot, d, &nd, &excl)) >= 0) {
		struct unit u;

		if ((nd || excl) && nb)
			break;	/* it must start on an idle worker: next round */
		if ((sl->qlen || nb) && sched_independent(s) &&
		    !time_allows(s, b, sl, batch_est, &p->u[p->head + pos]))
			break;
		if (nb + p->u[p->head + pos].n > max && nb)
			break;
		u = pool_take(p, (size_t)pos);
		batch_est += est_of(unit_v(&u), u.n);
		memcpy(out + nb, unit_v(&u), u.n * sizeof(*out));
		nb += u.n;
		unit_clear(&u);
		if (nd || excl) {
			hold(s, sl, d, nd, excl, u.n);
			break;
		}
		/* A serial group or an isolated item goes alone in its batch. */
		if (u.n > 1 || s->iso_cur)
			break;
	}
	if (want > 1)
		align_to_scope(s, b, sl, out, stolen, &nb, max);
	for (k = 0; k < nb; k++)
		q_push(sl, out[k]);
	if (nb)
		sl->fed = 1;
	return nb;
}

/* Gives back the tokens slot's unit held. */
static void
release_tokens(struct sched *s, struct slot *sl)
{
	size_t k;

	for (k = 0; k < sl->nheld; k++)
		s->o.res[sl->held[k].res].used -= sl->held[k].n;
	if (sl->held_excl)
		s->exclusive = 0;
	sl->nheld = 0;
	sl->held_left = 0;
	sl->held_excl = 0;
}

void
sched_item_done(struct sched *s, int slot, struct citem *it)
{
	struct slot *sl = &s->slots[slot];

	q_remove(sl, it);
	if (sl->held_left && --sl->held_left == 0)
		release_tokens(s, sl);
}

/* Back to the front of their pools: a scope, or the rest of a serial group, whole. */
static void
to_pool(struct sched *s, struct citem *const *v, size_t n)
{
	struct pool *p;
	size_t i;

	if (!n)
		return;
	p = sched_pool(s, v[0]->bin);
	if (!sched_independent(s) || (n > 1 && grouped(v[0]) && v[0]->decl->strategy != HERD_ISOLATED_FREE)) {
		pool_push_front(p, v, n);
		return;
	}
	for (i = n; i-- > 0;)
		pool_push_front(p, &v[i], 1);
}

void
sched_give_back(struct sched *s, int slot, struct citem *const *v, size_t n)
{
	struct slot *sl, *to;
	size_t i;

	if (slot < 0) {
		to_pool(s, v, n);
		return;
	}
	sl = &s->slots[slot];
	for (i = 0; i < n; i++)
		q_remove(sl, v[i]);
	if (sl->thief <= 0) {
		to_pool(s, v, n);	/* not for a steal, or for one whose thief is gone */
		sl->thief = 0;
		return;
	}
	/* Released for a steal: straight to the slot that asked, or it would come back here. */
	to = &s->slots[sl->thief - 1];
	to->stash = xreallocarray(to->stash, to->nstash + n + 1, sizeof(*to->stash));
	memcpy(to->stash + to->nstash, v, n * sizeof(*v));
	to->nstash += n;
	to->victim = 0;
	sl->thief = 0;
}

void
sched_node_down(struct sched *s, int slot)
{
	struct slot *sl = &s->slots[slot];

	release_tokens(s, sl);
	/* A steal for it that is still on its way goes to the pool when it
	 * comes; until then its victim is asked for no other (it answers one
	 * release at a time, and herd refuses to send a second). */
	if (sl->victim) {
		s->slots[sl->victim - 1].thief = THIEF_GONE;
		sl->victim = 0;
	}
	to_pool(s, sl->stash, sl->nstash);
	sl->nstash = 0;
	sl->qlen = sl->qhead = sl->nfixed = 0;
	sl->est = 0;
	sl->fed = 0;
}

/* Plain items at the tail of sl's queue, the running head excepted. */
static size_t
tail_free(const struct slot *sl)
{
	size_t k = 0;

	/* All of them, counted without a walk: a free slot asks every round. */
	if (!sl->nfixed)
		return sl->qlen ? sl->qlen - 1 : 0;
	while (k + 1 < sl->qlen && !unstealable(sl->q[sl->qhead + sl->qlen - 1 - k]))
		k++;
	return k;
}

static size_t
distance(size_t a, size_t b)
{
	return a > b ? a - b : b - a;
}

/*
 * How many of the tail unstarted items at the end of sl's queue a steal
 * takes: half, moved to the nearest boundary of a scope (a module, else a
 * class) that leaves the thief a quarter to three quarters of them, so that
 * the steal does not split a scope's fixtures over two workers when it need
 * not.
 */
static size_t
steal_count(const struct slot *sl, size_t tail)
{
	struct citem *const *q = sl->q + sl->qhead;
	size_t half = (tail + 1) / 2, k, best;
	int level;

	for (level = 0; level < 2; level++) {
		best = 0;
		/* Taking k leaves q[qlen - k - 1] last: a boundary if scopes differ there. */
		for (k = (tail + 3) / 4; k <= tail - tail / 4 && k < sl->qlen; k++)
			if (!same_scope(q[sl->qlen - k], q[sl->qlen - k - 1], level) &&
			    (!best || distance(k, half) < distance(best, half)))
				best = k;
		if (best)
			return best;
	}
	return half;
}

size_t
sched_steal(struct sched *s, int thief, const struct binary *b, int *victim)
{
	struct slot *t = &s->slots[thief];
	size_t best = 0, k;
	int i, v = -1;

	if (!sched_independent(s) || s->iso_cur || s->exclusive || sched_pool(s, b)->len ||
	    t->victim || t->nstash || t->qlen)
		return 0;
	for (i = 0; i < s->o.nslots; i++) {
		const struct slot *sl = &s->slots[i];

		if (i == thief || sl->thief || !sl->qlen || sl->q[sl->qhead]->bin != b)
			continue;
		k = tail_free(sl);
		if (k > best) {
			best = k;
			v = i;
		}
	}
	if (v < 0)
		return 0;
	t->victim = v + 1;
	s->slots[v].thief = thief + 1;
	*victim = v;
	return s->o.order_by_time ? (best + 1) / 2 : steal_count(&s->slots[v], best);
}

/* Items held unstarted by b's workers that a steal could take. */
static size_t
stealable(const struct sched *s, const struct binary *b)
{
	size_t n = 0;
	int i;

	if (!sched_independent(s))
		return 0;
	for (i = 0; i < s->o.nslots; i++) {
		const struct slot *sl = &s->slots[i];

		if (sl->qlen && sl->q[sl->qhead]->bin == b)
			n += tail_free(sl);
	}
	return n;
}

size_t
sched_pending(const struct sched *s, const struct binary *b, int slot)
{
	const struct pool *p = sched_pool(s, b);
	size_t i, n = 0;

	if (s->o.dist != DIST_EACH)
		return p->len + s->slots[slot].nstash + stealable(s, b);
	for (i = 0; i < p->len; i++)
		n += unit_v(&p->u[p->head + i])[0]->pin == slot;
	return n;
}

/*
 * The expected seconds of n items of b without the cache's durations: the
 * mean of b's items finished in this run, else of all items finished in it
 * (a project of many small binaries is much alike); -1 when none finished.
 */
static double
run_estimate(const struct sched *s, const struct binary *b, size_t n)
{
	double secs = 0;
	size_t i, ran = 0;

	if (b->ran)
		return (double)n * b->ran_secs / (double)b->ran;
	for (i = 0; i < s->nbins; i++)
		ran += s->bins[i].ran, secs += s->bins[i].ran_secs;
	return ran ? (double)n * secs / (double)ran : -1;
}

/*
 * Whether a worker of b has been on its item for as long as b took to start.
 * Before this run has timed any item, whether b's items are worth another
 * worker is unknown: starting one for quick items costs a start that no
 * item repays, and waiting for the first timing costs, should the items be
 * long, at most that start again. So another worker waits this long.
 */
static int
ran_a_start(const struct sched *s, const struct binary *b)
{
	double now = hd_now();
	int i;

	for (i = 0; i < s->o.nslots; i++) {
		const struct slot *sl = &s->slots[i];
		const struct citem *head = sl->qlen ? sl->q[sl->qhead] : NULL;

		if (head && head->bin == b && head->started > 0 && now - head->started >= b->startup)
			return 1;
	}
	return 0;
}

/*
 * Whether b, which has n items left to hand out or to steal and a worker
 * (running, or parked in another slot) already, is worth one more worker:
 * not when each of its workers would get less work than starting a worker of
 * b costs (measured while it listed), from the cache's durations, else from
 * this run's, else (none finished yet) once a worker of b has been on an item
 * for as long as that start, or at once when b's workers wait for an idle CPU
 * instead (binary.cpu_gated: cpu.c judges them within 50 ms); at once when
 * none runs b (it is parked in a slot that is busy with another binary).
 */
static int
worth_a_worker(const struct sched *s, const struct binary *b, size_t n)
{
	size_t workers = b->workers ? b->workers : 1;
	double work = sched_pool(s, b)->est;
	int i;

	if (s->o.dist == DIST_EACH)
		return 1;
	if (!s->o.order_by_time) {
		if ((work = run_estimate(s, b, n)) < 0)
			return !b->workers || b->cpu_gated || ran_a_start(s, b);
		return work / (double)(workers + 1) > b->startup;
	}
	for (i = 0; i < s->o.nslots; i++)
		if (s->slots[i].qlen && s->slots[i].q[s->slots[i].qhead]->bin == b)
			work += s->slots[i].est;
	return work / (double)(workers + 1) > b->startup;
}

/*
 * Whether durations (the cache's, else this run's) say that b's n items are
 * not worth another worker: guessed from its item count alone, they are
 * dealt as usual.
 */
static int
timed_too_short(const struct sched *s, const struct binary *b, size_t n)
{
	if (s->o.dist == DIST_EACH || (!s->o.order_by_time && run_estimate(s, b, n) < 0))
		return 0;
	return !worth_a_worker(s, b, n);
}

/*
 * The binary a free slot should work on: most pending work per worker, a
 * binary this slot has listed first (its start-up is paid already). One that
 * has a worker, or that another slot listed and keeps parked, must be worth
 * starting again.
 */
struct binary *
sched_pick_binary(const struct sched *s, int slot)
{
	struct binary *best = NULL;
	double score = 0;
	size_t i;

	for (i = 0; i < s->nbins; i++) {
		struct binary *b = &s->bins[i];
		size_t p = sched_pending(s, b, slot);
		double sc = (double)p / (double)(b->workers + 1);

		if (!p)
			continue;
		if (b->parked == slot + 1)
			sc *= 4;
		if ((b->workers || (b->parked && b->parked != slot + 1)) && !worth_a_worker(s, b, p))
			continue;
		if (sc > score)
			best = b, score = sc;
	}
	return best;
}

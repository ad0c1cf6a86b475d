/*
 * scheduler.h - the built-in scheduler: xdist's --dist modes, pytest-mp's group
 * strategies, resources and longest-first, as one pure module.
 *
 * It knows items, binaries and worker slots as plain data, never processes or
 * fds: the event loop asks it what to send (sched_next), tells it what came of
 * what it sent (sched_item_done, sched_give_back, sched_node_down), and does
 * the sending. Every call is made with slots and items alone, so the unit
 * tests drive it without a process (tests/unit/test_sched.c). The loop reaches
 * it through struct herd_scheduler (sched_api.c), as it reaches a plugin's.
 *
 * What a slot was sent and has not finished is the slot's queue, here as in
 * the loop; the loop keeps the two equal by calling, for every item sent,
 * exactly one of sched_item_done (it ran: finished, or a try to run again)
 * and sched_give_back from its slot (not started: released, or the worker
 * died).
 */
#ifndef HERD_SCHEDULER_H
#define HERD_SCHEDULER_H

#include <stddef.h>

#include "ctl.h"

struct sched_opts {
	enum dist dist;
	int nslots;
	int ff, nf, random_order, order_by_time;
	int plugin_order;	/* keep rank_plugin's order */
	struct citem **order;	/* --bisect: this order, one item a unit; NULL */
	size_t norder;
	struct resource *res;	/* capacities; the scheduler counts what is used */
	size_t nres;
};

struct sched;

/*
 * Builds the pools of every binary's selected items (bins[i].items[0 ..
 * ntotal)) for the mode, then orders them: --ff, --nf, a plugin's order,
 * --random-order, longest first. The binaries' workers and startup fields
 * are read later, as the loop updates them.
 */
struct sched *sched_new(const struct sched_opts *o, struct binary *bins, size_t nbins);
void sched_free(struct sched *s);

/*
 * Slot, whose worker runs b, has room: up to max items to send it, in order,
 * into out; returns how many. Takes resource tokens and the isolation turn
 * for what it answers.
 */
size_t sched_next(struct sched *s, int slot, struct binary *b, struct citem **out,
		  size_t max);
/* it, sent to slot, ran: its result came (a rerun comes back by give_back). */
void sched_item_done(struct sched *s, int slot, struct citem *it);
/*
 * Items to run, in order: from slot's queue (not started: released, or its
 * worker died), or, with slot -1, a rerun. Released ones go to the slot that
 * stole them; the rest to the front of their binary's pool.
 */
void sched_give_back(struct sched *s, int slot, struct citem *const *v, size_t n);
/* Slot's worker is gone; what it held came back before. Frees its tokens. */
void sched_node_down(struct sched *s, int slot);
/*
 * Thief, whose worker runs b, has nothing to run: how many unstarted items victim (*victim, a
 * slot) should release for it, 0 when none may be taken. Asked once a round
 * while it is idle; one steal at a time for a thief.
 */
size_t sched_steal(struct sched *s, int thief, const struct binary *b, int *victim);
/* Items slot could still get for b: in the pool for it, or stealable. */
size_t sched_pending(const struct sched *s, const struct binary *b, int slot);
/* The binary an empty slot should start a worker of, or NULL. */
struct binary *sched_pick_binary(const struct sched *s, int slot);

/* sched_build.c: the pools, and the units they hold. */

/* Items that go to one worker together, in order (an xdist scope). */
struct unit {
	/* Its items (unit_v): a unit of one, as most are, holds it in place of
	 * an array of its own, so a million units are no million allocations. */
	union {
		struct citem **v;	/* n > 1 */
		struct citem *one;	/* n == 1 */
	} of;
	size_t n;
	int iso;		/* isolated group: its number from 1; 0 none */
	int serial;		/* one process: stealing must not split it */
};

/* The items of u, in order; valid while u is. */
static inline struct citem *const *
unit_v(const struct unit *u)
{
	return u->n == 1 ? &u->of.one : u->of.v;
}

/* Frees what u holds beyond itself. */
static inline void
unit_clear(struct unit *u)
{
	if (u->n > 1)
		free(u->of.v);
}

/* One binary's units not yet handed out, front first. */
struct pool {
	struct unit *u;
	size_t head, len, cap;
	size_t items;		/* items in its units */
	double est;		/* and their expected seconds */
};

/* What the scheduler knows of one worker slot. */
#define THIEF_GONE (-1)	/* slot.thief: released items go to the pool */

struct slot {
	struct citem **q;	/* sent, not done, in order */
	size_t qhead, qlen, qcap;
	size_t nfixed;		/* items of q no steal may take (unstealable) */
	double est;		/* expected seconds of q */
	int fed;		/* sent something since its worker started */
	int victim;		/* 1 + the slot asked to release items for it; 0 */
	int thief;		/* 1 + the slot it releases items for; 0; THIEF_GONE */
	struct citem **stash;	/* released to it, not yet sent */
	size_t nstash;
	struct demand *held;	/* tokens its running unit holds */
	size_t nheld;
	size_t held_left;	/* items of that unit still to finish */
	int held_excl;		/* that unit is exclusive */
};

struct sched {
	struct sched_opts o;
	struct binary *bins;
	size_t nbins;
	struct pool *pools;	/* one per binary */
	struct slot *slots;
	int iso_groups;		/* isolated groups, numbered from 1 */
	int iso_cur;		/* the one running now; 0 none */
	int exclusive;		/* an exclusive unit runs: nothing else starts */
	char *blocked;		/* per resource, scratch */
};

/* The pool of b. */
static inline struct pool *
sched_pool(const struct sched *s, const struct binary *b)
{
	return &s->pools[b - s->bins];
}
/* Builds and orders the pools (sched_new's work). */
void sched_build(struct sched *s);
/* Appends or prepends v[0..n) as one unit. */
void pool_push_back(struct pool *p, struct citem *const *v, size_t n);
void pool_push_front(struct pool *p, struct citem *const *v, size_t n);
/* Takes the unit at position i from the front out of the pool. */
struct unit pool_take(struct pool *p, size_t i);
/* The expected seconds of v[0..n). */
double est_of(struct citem *const *v, size_t n);
int same_scope(const struct citem *a, const struct citem *b, int level);

/* In a group whose strategy is not free. */
static inline int
grouped(const struct citem *it)
{
	return it->decl->group && it->decl->strategy != HERD_FREE;
}

/* The mode hands out items one by one and lets idle workers steal. */
static inline int
sched_independent(const struct sched *s)
{
	return s->o.dist == DIST_LOAD || s->o.dist == DIST_WORKSTEAL || s->o.dist == DIST_NO;
}

#endif

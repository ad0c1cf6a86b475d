/*
 * park.c - parking. A worker that has listed its binary keeps the process: it
 * waits, idle, until its slot runs that binary, so that a binary is started
 * once per worker at most (once at -n 1). Its slot lists the next binary
 * meanwhile. Parked workers keep their slot's name; a slot runs one process
 * at a time, so two processes named gwK never run tests at once.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "loop.h"

#define PARK_MAX 256	/* parked processes at most */
#define WORKER_FDS 6	/* fds the controller holds for one worker, and a spare */

/* How many workers may be parked: PARK_MAX, or fewer when fds run short. */
static size_t
park_room(const struct ctl *c)
{
	struct rlimit rl;
	long room;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
		return PARK_MAX;
	/* Keep the slots' workers and 32 fds for the rest of herd. */
	room = ((long)rl.rlim_cur - 32 - (long)c->nslots * WORKER_FDS) / WORKER_FDS;
	return room < 0 ? 0 : room > PARK_MAX ? PARK_MAX : (size_t)room;
}

int
park(struct ctl *c, struct worker *w)
{
	struct worker *p;
	size_t i, live = 0;

	for (i = 0; i < c->npark; i++)
		live += worker_alive(&c->park[i]);
	if (live >= park_room(c))
		return 0;
	for (i = 0; i < c->npark && worker_alive(&c->park[i]); i++)
		;
	if (!c->park)
		c->park = xcalloc(PARK_MAX, sizeof(*c->park));
	if (i == c->npark)
		c->npark++;
	p = &c->park[i];
	/* Swap: the slot gets the empty shell (its buffers are reused). */
	{
		struct worker t = *p;

		*p = *w;
		*w = t;
	}
	w->slot = p->slot;
	w->pid = 0;
	w->state = W_FREE;
	w->sock = w->outfd = w->errfd = w->capfd = -1;
	w->qhead = w->qlen = 0;
	p->bin->parked = p->slot + 1;	/* for the scheduler's choice of binary */
	return 1;
}

/* The parked worker of slot for b (any binary: NULL); its index, or -1. */
static long
parked(const struct ctl *c, int slot, const struct binary *b)
{
	size_t i;

	for (i = 0; i < c->npark; i++)
		if (worker_alive(&c->park[i]) && c->park[i].slot == slot && (!b || c->park[i].bin == b))
			return (long)i;
	return -1;
}

/* Puts parked worker k back into its slot, which is free. */
static void
unpark(struct ctl *c, size_t k)
{
	struct worker *w = &c->w[c->park[k].slot], t = *w;

	*w = c->park[k];
	c->park[k] = t;
	c->park[k].pid = 0;
	c->park[k].state = W_FREE;
	if (w->bin->parked == w->slot + 1)
		w->bin->parked = 0;
}

void
take_parked(struct ctl *c, int slot)
{
	struct binary *b = ctl_sched_pick_binary(c, slot);
	long k;

	if (b && (k = parked(c, slot, b)) >= 0)
		unpark(c, (size_t)k);
}

void
park_kill_all(struct ctl *c)
{
	size_t i;
	int status;

	for (i = 0; i < c->npark; i++) {
		struct worker *p = &c->park[i];

		if (!worker_alive(p))
			continue;
		if (p->host) {
			worker_kill(p);	/* its relay reaps it; the X frame finds no one */
		} else {
			kill(-p->pid, SIGKILL);
			while (waitpid(p->pid, &status, 0) < 0 && errno == EINTR)
				;
		}
		if (p->bin->parked == p->slot + 1)
			p->bin->parked = 0;
		worker_close(p);
	}
}

void
park_stop_all(struct ctl *c)
{
	long k;
	int i, left;

	do {
		left = 0;
		for (i = 0; i < c->nslots; i++) {
			if (!worker_alive(&c->w[i]) && (k = parked(c, i, NULL)) >= 0) {
				unpark(c, (size_t)k);
				worker_stop(&c->w[i]);
			}
			left |= parked(c, i, NULL) >= 0;
		}
		if (live_workers(c))
			poll_once(c);
	} while (left || live_workers(c));
}

/*
 * gfix.c - global fixtures: set up once for the whole run, by the first
 * worker that needs one, while the others wait for its verdict, and torn down
 * once, after its last user, by a live worker.
 */
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "loop.h"
#include "plugin.h"

void
gfix_add(struct ctl *c, const char *name, struct binary *b)
{
	size_t i;

	for (i = 0; i < c->ngfix; i++)
		if (!strcmp(c->gfix[i].name, name))
			return;
	c->gfix = xreallocarray(c->gfix, c->ngfix + 1, sizeof(*c->gfix));
	memset(&c->gfix[c->ngfix], 0, sizeof(*c->gfix));
	c->gfix[c->ngfix].name = xstrdup(name);
	c->gfix[c->ngfix].owner = -1;
	c->gfix[c->ngfix].bin = b;
	c->ngfix++;
}

struct gfix *
gfix_find(struct ctl *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->ngfix; i++)
		if (!strcmp(c->gfix[i].name, name))
			return &c->gfix[i];
	return NULL;
}

void
gfix_settled(struct ctl *c, struct gfix *g)
{
	size_t i;

	for (i = 0; i < g->nwait; i++) {
		struct worker *o = &c->w[g->waiters[i]];

		if (!worker_alive(o))
			continue;
		if (g->state == G_READY)
			reply(o, HD_MSG_FIXTURE, "ready", NULL, 0);
		else
			reply(o, HD_MSG_FIXTURE, g->skipped ? "skipped" : "failed", g->reason,
			      strlen(g->reason));
	}
	g->nwait = 0;
}

static int
usable(const struct worker *w)
{
	return w && worker_usable(w);
}

/*
 * Sends g's teardown: to last, the worker that ran its last user, if alive;
 * else to the worker that set it up; else to any live worker.
 */
static void
gfix_teardown(struct ctl *c, struct gfix *g, struct worker *last)
{
	struct worker *to = usable(last) ? last : NULL;
	int k;

	if (!to && g->owner >= 0 && usable(&c->w[g->owner]))
		to = &c->w[g->owner];
	for (k = 0; !to && k < c->nslots; k++)
		if (usable(&c->w[k]))
			to = &c->w[k];
	if (!to) {
		/* The last user took its worker down: ctl_run starts one for this. */
		g->pending = 1;
		return;
	}
	g->teardown_sent = 1;
	g->pending = 0;
	g->state = G_DONE;
	reply(to, HD_MSG_FIXTURE_TEARDOWN, g->name, NULL, 0);
	if (PLUG_WANTS(HERD_HOOK_EVENT))
		plug_event(c, HERD_EV_GFIX_TEARDOWN, to->name, g->name, NULL);
}

/*
 * Teardowns still due find a worker: a live one of the fixture's binary,
 * else a new one started for it. Returns nonzero while some are due.
 */
int
gfix_pending(struct ctl *c)
{
	size_t k;
	int i, due = 0;

	for (k = 0; k < c->ngfix; k++) {
		struct gfix *g = &c->gfix[k];

		int coming = 0;

		if (!g->pending || c->interrupted || c->aborted)
			continue;
		gfix_teardown(c, g, NULL);
		if (!g->pending)
			continue;
		if (c->stopping) {
			/* Stopping: no new worker is started just for this. */
			g->pending = 0;
			buf_printf(&c->warnings, "global fixture '%s' was not torn down: no worker left\n",
				   g->name);
			continue;
		}
		due = 1;
		for (i = 0; i < c->nslots; i++)
			coming |= worker_alive(&c->w[i]) && c->w[i].bin == g->bin &&
				  c->w[i].state != W_STOPPING;
		for (i = 0; !coming && i < c->nslots; i++)
			if (!worker_alive(&c->w[i]) && !slot_down(c, i)) {
				worker_start(c, &c->w[i], g->bin, 0);
				coming = 1;
			}
		if (!coming) {
			/* Every slot's host is lost. */
			g->pending = 0;
			due = 0;
			buf_printf(&c->warnings, "global fixture '%s' was not torn down: no worker left\n",
				   g->name);
		}
	}
	return due;
}

void
gfix_item_done(struct ctl *c, const struct citem *it, struct worker *w)
{
	size_t i;

	if (!it->decl->fixtures || !c->ngfix)
		return;
	for (i = 0; i < c->ngfix; i++) {
		struct gfix *g = &c->gfix[i];

		if (!hd_match_words(g->name, strlen(g->name), (void *)it->decl->fixtures) || !g->users)
			continue;
		if (--g->users || g->state != G_READY || g->teardown_sent)
			continue;
		gfix_teardown(c, g, w);
	}
}

struct gfix *
gfix_owned(struct ctl *c, const struct worker *w)
{
	size_t i;

	for (i = 0; i < c->ngfix; i++)
		if (c->gfix[i].state == G_SETTING && c->gfix[i].owner == w->slot)
			return &c->gfix[i];
	return NULL;
}

/*
 * The run stops early (-x, --maxfail, too many crashes): global fixtures still
 * up are torn down before the workers go, each by one live worker.
 */
void
gfix_teardown_all(struct ctl *c)
{
	size_t k;

	for (k = 0; k < c->ngfix; k++) {
		struct gfix *g = &c->gfix[k];

		if (g->state == G_READY && !g->teardown_sent)
			gfix_teardown(c, g, NULL);
	}
}

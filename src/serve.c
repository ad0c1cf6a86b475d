/*
 * serve.c - the run's services to its tests: locks, the board and trails
 * (common/sync.c answers those, as it does for a binary run alone), and the
 * setup of global fixtures, which the controller orders across workers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loop.h"
#include "plugin.h"

void
grant(void *cookie, const char *name, int owner)
{
	struct ctl *c = cookie;

	if (owner >= 0 && owner < c->nslots && worker_alive(&c->w[owner])) {
		reply(&c->w[owner], HD_MSG_LOCKED, NULL, NULL, 0);
		if (PLUG_WANTS(HERD_HOOK_EVENT))
			plug_event(c, HERD_EV_LOCK_GOT, c->w[owner].name, name, NULL);
	}
}

/* The third and fourth fields of m: a fixture's outcome and its reason. */
static const char *
field(const struct hd_msg *m, size_t i, int *len)
{
	*len = m->nf > i ? (int)m->len[i] : 0;
	return m->nf > i ? m->f[i] : "";
}

/* May w set up global fixture name? Run it, wait for its owner, or its verdict. */
static void
fixture_setup(struct ctl *c, struct worker *w, const char *name)
{
	struct gfix *g = gfix_find(c, name);

	if (!g) {
		reply(w, HD_MSG_FIXTURE, "run", NULL, 0);	/* not global here: its own */
	} else if (g->state == G_NONE) {
		g->state = G_SETTING;
		g->owner = w->slot;
		reply(w, HD_MSG_FIXTURE, "run", NULL, 0);
		if (PLUG_WANTS(HERD_HOOK_EVENT))
			plug_event(c, HERD_EV_GFIX_BEGIN, w->name, name, NULL);
	} else if (g->state == G_SETTING) {
		g->waiters = xreallocarray(g->waiters, g->nwait + 1, sizeof(*g->waiters));
		g->waiters[g->nwait++] = w->slot;
	} else if (g->state == G_FAILED) {
		reply(w, HD_MSG_FIXTURE, g->skipped ? "skipped" : "failed", g->reason,
		      strlen(g->reason));
	} else {
		reply(w, HD_MSG_FIXTURE, "ready", NULL, 0);
	}
}

/* w set up global fixture name: its verdict goes to the workers that wait. */
static void
fixture_done(struct ctl *c, struct worker *w, const char *name, const struct hd_msg *m)
{
	struct gfix *g = gfix_find(c, name);
	const char *why;
	int ok, len;

	reply(w, HD_MSG_OK, NULL, NULL, 0);
	if (!g || g->state != G_SETTING || g->owner != w->slot)
		return;
	ok = m->nf > 2 && !strcmp(m->f[2], "ok");
	why = field(m, 3, &len);
	if (PLUG_WANTS(HERD_HOOK_EVENT))
		plug_event(c, HERD_EV_GFIX_END, w->name, name, ok ? "ok" : "failed");
	g->state = ok ? G_READY : G_FAILED;
	g->skipped = m->nf > 2 && !strcmp(m->f[2], "skipped");
	if (g->skipped)
		g->reason = xasprintf("%.*s", len, why);
	else if (!ok)
		g->reason = xasprintf("global fixture '%s' setup failed (in %s)\n%.*s", name,
				      w->name, len, why);
	gfix_settled(c, g);
}

/* A lock request served, told to the event hook (the trace's lock waits). */
static void
lock_event(struct ctl *c, struct worker *w, const struct hd_msg *m)
{
	size_t before = w->wbuf.len;
	int lock = !strcmp(m->f[0], HD_MSG_LOCK);

	hd_sync_serve(c->sync, w->slot, m, &w->wbuf, grant, c);
	if (!lock)
		plug_event(c, HERD_EV_LOCK_RELEASE, w->name, m->f[1], NULL);
	else if (w->wbuf.len == before)
		plug_event(c, HERD_EV_LOCK_WAIT, w->name, m->f[1], NULL);
	else if (!strncmp(w->wbuf.data + before, HD_MSG_LOCKED, strlen(HD_MSG_LOCKED)))
		plug_event(c, HERD_EV_LOCK_GOT, w->name, m->f[1], NULL);
}

int
serve(struct ctl *c, struct worker *w, const struct hd_msg *m)
{
	const char *type = m->f[0], *name = m->nf > 1 ? m->f[1] : "", *why;
	int len;

	if (PLUG_WANTS(HERD_HOOK_EVENT) && m->nf > 1 && (!strcmp(type, HD_MSG_LOCK) ||
							  !strcmp(type, HD_MSG_UNLOCK))) {
		lock_event(c, w, m);
	} else if (hd_sync_serve(c->sync, w->slot, m, &w->wbuf, grant, c)) {
		/* a lock, board or trail request, answered */
	} else if (!strcmp(type, HD_MSG_FIXTURE_SETUP)) {
		fixture_setup(c, w, name);
	} else if (!strcmp(type, HD_MSG_FIXTURE_DONE)) {
		fixture_done(c, w, name, m);
	} else if (!strcmp(type, HD_MSG_FIXTURE_TORN)) {
		why = field(m, 3, &len);
		if (m->nf > 2 && strcmp(m->f[2], "ok"))
			buf_printf(&c->warnings, "global fixture '%s' teardown failed (in %s)\n%.*s",
				   name, w->name, len, why);
	} else {
		return 0;
	}
	return 1;
}

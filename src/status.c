/*
 * status.c - what the run is doing: the live status line on a terminal, and
 * the dump of every worker's state on SIGQUIT or SIGUSR1.
 */
#include <stdio.h>

#include "loop.h"

void
dump_state(struct ctl *c)
{
	double now = hd_now();
	int i;

	fprintf(stderr, "\nherd: %zu/%zu items done after %.1fs%s\n", c->ndone, c->nselected,
		now - c->t0, c->interrupted ? ", stopping" : "");
	for (i = 0; i < c->nslots; i++) {
		struct worker *w = &c->w[i];
		const struct citem *it = worker_head(w);

		if (!worker_alive(w))
			continue;
		fprintf(stderr, "herd:   %s pid %ld: ", w->name, (long)w->pid);
		if (worker_waiting(w))
			fprintf(stderr, "waiting for the list of %s\n", w->bin->path);
		else if (worker_listing(w))
			fprintf(stderr, "listing %s\n", w->bin->path);
		else if (it)
			fprintf(stderr, "running %s for %.1fs, %zu more queued\n", it->id,
				now - w->started, w->qlen - 1);
		else
			fprintf(stderr, "%s\n", w->state == W_STOPPING ? "stopping" : "idle");
	}
	fflush(stderr);
}

/*
 * The live status on a terminal, for runs longer than a second: how far the
 * run is, and the item that has been running longest.
 */
void
show_status(struct ctl *c, double now)
{
	const struct worker *oldest = NULL;
	char text[512];
	int i, running = 0;

	if (!c->term.live || now - c->t0 < 1 || now - c->status_at < 0.5)
		return;
	c->status_at = now;
	for (i = 0; i < c->nslots; i++) {
		const struct worker *w = &c->w[i];

		if (w->state == W_RUNNING && w->qlen) {
			running++;
			if (!oldest || w->started < oldest->started)
				oldest = w;
		}
	}
	if (oldest)
		snprintf(text, sizeof(text), "%zu/%zu, %d running, %.0fs; %s: %s (%.0fs)",
			 c->ndone, c->nselected, running, now - c->t0, oldest->name,
			 oldest->q[oldest->qhead]->id, now - oldest->started);
	else
		snprintf(text, sizeof(text), "%zu/%zu, %.0fs", c->ndone, c->nselected, now - c->t0);
	hd_term_status(&c->term, text);
}

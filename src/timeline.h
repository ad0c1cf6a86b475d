/*
 * timeline.h - what the trace and HTML plugins draw: every try of every item
 * as a slice on its worker's track, and the loop's events (collection, global
 * fixture setups, lock waits, crashes, restarts, the scheduler's sends). It
 * is fed by plugin hooks only (include/herd_plugin.h), so the two plugins,
 * each with its own timeline, show the same run the same way.
 *
 * Times are seconds since the run started, as the hooks give them.
 */
#ifndef HERD_TIMELINE_H
#define HERD_TIMELINE_H

#include <stddef.h>

#include "herd_plugin.h"

enum tl_kind { TL_SLICE, TL_INSTANT };

/*
 * A worker has two tracks: its main one (collection, item tries, crashes,
 * restarts) and its sync one (global fixture setups, lock waits), which
 * happen while an item runs and whose times do not nest within the item's
 * as a trace viewer wants: the controller learns an item's start only
 * approximately. Track 0 is the controller's.
 */
struct tl_track {
	char *name;		/* "controller", "gw0", ... */
	int order;		/* gwN: N + 1; the controller 0 */
	double last_end;	/* end of the last slice on the main track */
	const herd_item *running;	/* from runtest_logstart */
};

struct tl_entry {
	enum tl_kind kind;
	size_t seq;		/* arrival order */
	size_t track;
	int sync;		/* on the worker's sync track */
	const char *cat;	/* "item", "collect", "fixture", "lock", ... */
	char *name;
	double ts, dur;
	/* item tries only */
	const herd_item *item;
	enum herd_outcome outcome;
	int tryno;		/* 1 for the first try; set by tl_finish */
	char *message;		/* its first line, or NULL */
	char *detail;		/* free text, or NULL */
};

/* A slice begun (a wait, a collection, a fixture setup) and not yet ended. */
struct tl_open {
	size_t track;
	const char *cat;
	char *name;
	double ts;
};

struct timeline {
	struct tl_track *tracks;
	size_t ntracks;
	struct tl_entry *ev;
	size_t nev, cap;
	struct tl_open *open;
	size_t nopen;
	double end;		/* the latest time seen */
};
#define TIMELINE_INIT { NULL, 0, NULL, 0, 0, NULL, 0, 0 }

void tl_clear(struct timeline *t);
void tl_logstart(struct timeline *t, const herd_item *it, const herd_node *n);
/* One try of an item: a slice on the worker that ran it (none if no worker did). */
void tl_logreport(struct timeline *t, const struct herd_report *r);
void tl_event(struct timeline *t, const struct herd_event *e);
/*
 * Numbers the tries of each item and sorts the entries by start time.
 * Call once, before reading t->ev.
 */
void tl_finish(struct timeline *t);
/* A malloc()ed copy of the first line of s, at most 500 bytes; NULL for NULL. */
char *tl_first_line(const char *s);

#endif

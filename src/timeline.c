/*
 * timeline.c - the run as slices and instants per worker (src/timeline.h),
 * from the hooks the trace and HTML plugins implement.
 */
#include <stdlib.h>
#include <string.h>

#include "timeline.h"
#include "util.h"

void
tl_clear(struct timeline *t)
{
	size_t i;

	for (i = 0; i < t->ntracks; i++)
		free(t->tracks[i].name);
	for (i = 0; i < t->nev; i++) {
		free(t->ev[i].name);
		free(t->ev[i].message);
		free(t->ev[i].detail);
	}
	for (i = 0; i < t->nopen; i++)
		free(t->open[i].name);
	free(t->tracks);
	free(t->ev);
	free(t->open);
	memset(t, 0, sizeof(*t));
}

char *
tl_first_line(const char *s)
{
	size_t n;

	if (!s)
		return NULL;
	n = strcspn(s, "\n");
	return xstrndup(s, n > 500 ? 500 : n);
}

/* The track of worker name (NULL: the controller), made on first sight. */
static size_t
track(struct timeline *t, const char *name)
{
	struct tl_track *k;
	size_t i;
	char *end;
	long n;

	if (!t->ntracks) {
		t->tracks = xcalloc(1, sizeof(*t->tracks));
		t->tracks[0].name = xstrdup("controller");
		t->ntracks = 1;
	}
	if (!name)
		return 0;
	for (i = 1; i < t->ntracks; i++)
		if (!strcmp(t->tracks[i].name, name))
			return i;
	t->tracks = xreallocarray(t->tracks, t->ntracks + 1, sizeof(*t->tracks));
	k = &t->tracks[t->ntracks];
	memset(k, 0, sizeof(*k));
	k->name = xstrdup(name);
	/* gwN in N's order; a worker named otherwise after them all. */
	n = !strncmp(name, "gw", 2) ? strtol(name + 2, &end, 10) : -1;
	k->order = n >= 0 && n < 100000 && name[2] && !*end ? (int)n + 1 : 100000 + (int)t->ntracks;
	return t->ntracks++;
}

static struct tl_entry *
add(struct timeline *t, enum tl_kind kind, size_t tr, const char *cat, const char *name,
    double ts, double dur)
{
	struct tl_entry *e;

	if (t->nev == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->ev = xreallocarray(t->ev, t->cap, sizeof(*t->ev));
	}
	e = &t->ev[t->nev++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->seq = t->nev - 1;
	e->track = tr;
	e->cat = cat;
	e->name = xstrdup(name ? name : "");
	e->ts = ts > 0 ? ts : 0;
	e->dur = dur > 0 ? dur : 0;
	if (e->ts + e->dur > t->end)
		t->end = e->ts + e->dur;
	return e;
}

void
tl_logstart(struct timeline *t, const herd_item *it, const herd_node *n)
{
	t->tracks[track(t, herd_node_name(n))].running = it;
}

/* The worker running it, from runtest_logstart: a rerun's report names none. */
static size_t
running_on(struct timeline *t, const herd_item *it)
{
	size_t i;

	for (i = 1; i < t->ntracks; i++)
		if (t->tracks[i].running == it)
			return i;
	return 0;
}

void
tl_logreport(struct timeline *t, const struct herd_report *r)
{
	struct tl_entry *e;
	struct tl_track *k;
	size_t tr;
	double ts;

	track(t, NULL);
	tr = r->worker ? track(t, r->worker) : running_on(t, r->item);
	if (!tr)
		return;		/* never ran: deselected, interrupted */
	k = &t->tracks[tr];
	/*
	 * The start is when the controller handed the item over, or saw the one
	 * before it end; results that arrive in a batch (--isolation none) would
	 * overlap. A worker runs one item at a time: keep its slices in a row.
	 */
	ts = r->start < k->last_end ? k->last_end : r->start;
	e = add(t, TL_SLICE, tr, "item", r->id, ts, r->duration);
	k->last_end = e->ts + e->dur;
	if (k->running == r->item)
		k->running = NULL;
	e->item = r->item;
	e->outcome = r->outcome;
	e->message = tl_first_line(r->message);
}

/* Begins a slice of cat on a track; one at a time per track, cat and name. */
static void
open_slice(struct timeline *t, size_t tr, const char *cat, const char *name, double ts)
{
	struct tl_open *o;

	t->open = xreallocarray(t->open, t->nopen + 1, sizeof(*t->open));
	o = &t->open[t->nopen++];
	o->track = tr;
	o->cat = cat;
	o->name = xstrdup(name ? name : "");
	o->ts = ts;
}

/* Ends the slice open_slice began: the entry, or NULL when none was begun. */
static struct tl_entry *
close_slice(struct timeline *t, size_t tr, const char *cat, const char *name, double ts,
	    const char *label)
{
	struct tl_entry *e;
	size_t i;

	for (i = t->nopen; i-- > 0;) {
		struct tl_open *o = &t->open[i];

		if (o->track != tr || strcmp(o->cat, cat) || strcmp(o->name, name ? name : ""))
			continue;
		e = add(t, TL_SLICE, tr, cat, label, o->ts, ts - o->ts);
		e->detail = o->name;
		t->open[i] = t->open[--t->nopen];
		return e;
	}
	return NULL;
}

static const char *
base_name(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;

	return s ? s + 1 : path ? path : "";
}

static struct tl_entry *
instant(struct timeline *t, size_t tr, const char *cat, const char *name,
	const struct herd_event *e)
{
	struct tl_entry *x = add(t, TL_INSTANT, tr, cat, name, e->ts, 0);

	if (e->detail || e->name)
		x->detail = xasprintf("%s%s%s", e->name ? e->name : "",
				      e->name && e->detail ? ": " : "", e->detail ? e->detail : "");
	return x;
}

void
tl_event(struct timeline *t, const struct herd_event *e)
{
	size_t tr = track(t, e->worker);
	struct tl_entry *x;
	char *label;

	switch (e->kind) {
	case HERD_EV_COLLECT_BEGIN:
	case HERD_EV_GFIX_BEGIN:
	case HERD_EV_LOCK_WAIT:
		open_slice(t, tr, e->kind == HERD_EV_COLLECT_BEGIN ? "collect" :
			   e->kind == HERD_EV_GFIX_BEGIN ? "fixture" : "lock", e->name, e->ts);
		break;
	case HERD_EV_COLLECT_END:
		label = xasprintf("collect %s", base_name(e->name));
		if ((x = close_slice(t, tr, "collect", e->name, e->ts, label)) &&
		    t->tracks[tr].last_end < x->ts + x->dur)
			t->tracks[tr].last_end = x->ts + x->dur;
		free(label);
		break;
	case HERD_EV_GFIX_END:
		label = xasprintf("setup %s", e->name ? e->name : "");
		if ((x = close_slice(t, tr, "fixture", e->name, e->ts, label))) {
			x->sync = 1;
			x->message = e->detail ? xstrdup(e->detail) : NULL;
		}
		free(label);
		break;
	case HERD_EV_LOCK_GOT:
		/* A lock granted at once was never waited for: no slice. */
		label = xasprintf("wait lock %s", e->name ? e->name : "");
		if ((x = close_slice(t, tr, "lock", e->name, e->ts, label)))
			x->sync = 1;
		free(label);
		break;
	case HERD_EV_LOCK_RELEASE:
		break;
	case HERD_EV_GFIX_TEARDOWN:
		instant(t, tr, "fixture", "teardown", e)->sync = 1;
		break;
	case HERD_EV_RESOURCE_WAIT:
		instant(t, tr, "resource", "wait for resources", e)->sync = 1;
		break;
	case HERD_EV_CRASH:
		instant(t, tr, "crash", "crash", e);
		break;
	case HERD_EV_RESTART:
		instant(t, tr, "restart", "restart", e);
		break;
	case HERD_EV_SCHEDULE:
		/* The controller's decision, on its own track; the worker is its target. */
		x = add(t, TL_INSTANT, 0, "schedule", "schedule", e->ts, 0);
		x->detail = xasprintf("%s to %s: %s", e->detail ? e->detail : "items",
				      e->worker ? e->worker : "?", e->name ? e->name : "");
		break;
	}
}

static int
by_item_then_time(const void *a, const void *b)
{
	const struct tl_entry *x = *(const struct tl_entry *const *)a;
	const struct tl_entry *y = *(const struct tl_entry *const *)b;

	if (x->item != y->item)
		return (const char *)x->item < (const char *)y->item ? -1 : 1;
	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

static int
by_time(const void *a, const void *b)
{
	const struct tl_entry *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	/* An instant after the slice it happened in; then in arrival order. */
	if (x->kind != y->kind)
		return x->kind == TL_SLICE ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void
tl_finish(struct timeline *t)
{
	struct tl_entry **v;
	size_t i, n = 0;

	track(t, NULL);
	/* The tries of an item, in time order: 1, 2, ... */
	v = xcalloc(t->nev + 1, sizeof(*v));
	for (i = 0; i < t->nev; i++)
		if (t->ev[i].item)
			v[n++] = &t->ev[i];
	qsort(v, n, sizeof(*v), by_item_then_time);
	for (i = 0; i < n; i++)
		v[i]->tryno = i && v[i - 1]->item == v[i]->item ? v[i - 1]->tryno + 1 : 1;
	free(v);
	qsort(t->ev, t->nev, sizeof(*t->ev), by_time);
}

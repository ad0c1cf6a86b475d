/*
 * collect.c - a worker's list of its binary: the first one to list a binary
 * makes the reference collection (its items, their options, its global
 * fixtures); every later one must list the same, or send its hash.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "listing.h"
#include "loop.h"
#include "plugin.h"

int
ctl_resource(struct ctl *c, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < c->nres; i++)
		if (strlen(c->res[i].name) == len && !memcmp(c->res[i].name, name, len))
			return (int)i;
	c->res = xreallocarray(c->res, c->nres + 1, sizeof(*c->res));
	c->res[c->nres].name = xstrndup(name, len);
	c->res[c->nres].cap = 1;	/* unless --resource says otherwise */
	c->res[c->nres].used = 0;
	return (int)c->nres++;
}

/* .resources = "pg gpu:2": one token of pg, two of gpu, into d (interned). */
static void
parse_demands(struct ctl *c, struct cdecl *d, const char *id, const char *v)
{
	struct demand need[HD_MAX_DEMANDS];
	size_t n = 0;

	memset(need, 0, sizeof(need));
	while (*v) {
		size_t len, name;
		const char *colon;
		long k = 1;

		v += strspn(v, " \t,");
		len = strcspn(v, " \t,");
		if (!len)
			break;
		if (n == HD_MAX_DEMANDS) {
			buf_printf(&c->warnings, "%s names more than %d resources: the rest are ignored\n",
				   id, HD_MAX_DEMANDS);
			break;
		}
		colon = memchr(v, ':', len);
		name = colon ? (size_t)(colon - v) : len;
		if (colon && (k = strtol(colon + 1, NULL, 10)) < 1)
			k = 1;
		need[n].res = ctl_resource(c, v, name);
		need[n].n = k;
		n++;
		v += len;
	}
	d->need = n ? intern(&c->pool, need, n * sizeof(*need)) : NULL;
	d->nneed = (unsigned char)n;
}

void
citem_redecl(struct ctl *c, struct citem *it, const struct cdecl *d)
{
	it->decl = intern(&c->pool, d, sizeof(*d));
}

/* The keys of an item's options that read_decl takes, in the order of opts[]. */
enum { K_FILE, K_SUITE, K_MARKS, K_GROUP, K_SKIP, K_XFAIL, K_LINE, K_TIMEOUT, K_FIXTURES,
       K_FXPARAM, K_WXPARAM, K_RERUNS, K_EXCLUSIVE, K_STRATEGY, K_RESOURCES, K_KIND,
       K_DEPENDS_ON, K_PRODUCES, K_AFTER, K_N };

#define KEY(s) { s, sizeof(s) - 1 }
static const struct {
	const char *name;
	size_t len;
} keys[K_N] = {
	KEY("file"), KEY("suite"), KEY("marks"), KEY("group"), KEY("skip"), KEY("xfail"),
	KEY("line"), KEY("timeout"), KEY("fixtures"), KEY("fxparam"), KEY("wxparam"),
	KEY("reruns"), KEY("exclusive"), KEY("strategy"), KEY("resources"), KEY("kind"),
	KEY("depends_on"), KEY("produces"), KEY("after"),
};

/*
 * The value of each key in m's key=value fields (the first, as
 * hd_msg_kv finds it), or NULL: one pass over the fields, where a
 * hd_msg_kv a key was a tenth of collecting 10,000 tasks.
 */
static void
opts(const struct hd_msg *m, const char *v[K_N])
{
	size_t i, k, len;
	const char *eq;

	memset(v, 0, K_N * sizeof(*v));
	for (i = 2; i < m->nf; i++) {
		if (!(eq = memchr(m->f[i], '=', m->len[i])))
			continue;
		len = (size_t)(eq - m->f[i]);
		for (k = 0; k < K_N; k++)
			if (keys[k].len == len && !v[k] && !memcmp(m->f[i], keys[k].name, len)) {
				v[k] = eq + 1;
				break;
			}
	}
}

/* What item m's options say, with every string interned. */
static void
read_decl(struct ctl *c, struct cdecl *d, const struct hd_msg *m)
{
	const char *v[K_N];

	opts(m, v);
	/* Zeroed padding too: interned declarations are compared byte by byte. */
	memset(d, 0, sizeof(*d));
	d->file = intern_str(&c->pool, v[K_FILE] ? v[K_FILE] : "");
	d->suite = intern_str(&c->pool, v[K_SUITE] ? v[K_SUITE] : "");
	d->marks = intern_str(&c->pool, v[K_MARKS] ? v[K_MARKS] : "");
	d->group = intern_str(&c->pool, v[K_GROUP]);
	d->skip = intern_str(&c->pool, v[K_SKIP]);
	d->xfail = intern_str(&c->pool, v[K_XFAIL]);
	d->line = v[K_LINE] ? atoi(v[K_LINE]) : 0;
	d->timeout = v[K_TIMEOUT] ? hd_parse_seconds(v[K_TIMEOUT]) : 0;
	if (d->timeout < 0)
		d->timeout = 0;
	d->fixtures = intern_str(&c->pool, v[K_FIXTURES]);
	d->fxparam = intern_str(&c->pool, v[K_FXPARAM]);
	d->wxparam = intern_str(&c->pool, v[K_WXPARAM]);
	d->reruns = v[K_RERUNS] ? atoi(v[K_RERUNS]) : -1;
	if (d->reruns > SHRT_MAX)
		d->reruns = SHRT_MAX;	/* citem.tries counts up to it */
	d->exclusive = v[K_EXCLUSIVE] && strcmp(v[K_EXCLUSIVE], "0");
	d->strategy = (unsigned char)hd_strategy_parse(v[K_STRATEGY]);
	if (v[K_RESOURCES])
		parse_demands(c, d, m->f[1], v[K_RESOURCES]);
	d->task = v[K_KIND] && !strcmp(v[K_KIND], "task");
	d->depends_on = intern_str(&c->pool, v[K_DEPENDS_ON]);
	d->produces = intern_str(&c->pool, v[K_PRODUCES]);
	d->after = intern_str(&c->pool, v[K_AFTER]);
}

/* Its name: the tail of its id as a rule (no copy), else a copy of its own. */
static const char *
item_name(struct ctl *c, const char *id, size_t idlen, const char *name)
{
	size_t len;

	if (!name)
		return id;
	len = strlen(name);
	if (len <= idlen && !memcmp(id + idlen - len, name, len))
		return id + idlen - len;
	return intern_str(&c->pool, name);
}

/* Item i of b's reference list, from its item message m. */
static void
item_add(struct ctl *c, struct binary *b, size_t i, const struct hd_msg *m)
{
	struct citem *it;
	struct cdecl d;
	size_t len;

	/* Grown by half: a million items are one array, and little of it unused. */
	if (i == b->n)
		b->items = xreallocarray(b->items, b->n = b->n ? b->n + b->n / 2 : 64,
					 sizeof(*b->items));
	it = &b->items[i];
	memset(it, 0, sizeof(*it));
	it->bin = b;
	it->idx = (unsigned)i;
	it->pin = -1;
	len = strlen(m->f[1]);
	it->id = intern_keep(&c->pool, m->f[1], len);
	it->name = item_name(c, it->id, len, hd_msg_kv(m, 2, "name"));
	read_decl(c, &d, m);
	citem_redecl(c, it, &d);
}

int
add_collected(struct ctl *c, struct worker *w, const struct hd_msg *m)
{
	struct binary *b = w->bin;
	size_t i = w->ncollected;

	if (m->nf < 2)
		return -1;
	if (b->collected) {
		/* A run worker: xdist's check that it collected the same list. */
		if (i >= b->n || strcmp(b->items[i].id, m->f[1]))
			return 1;
		w->ncollected++;
		return 0;
	}
	if (i == UINT_MAX)
		return -1;
	item_add(c, b, i, m);
	listing_keep(b->listing, m);
	w->ncollected++;
	return 0;
}

/*
 * The hash of a binary's list, as the worker computes it: FNV-1a 64 over each
 * id followed by a LF, in order (docs/protocol.md, collected).
 */
static uint64_t
list_hash(const struct binary *b)
{
	uint64_t h = HD_FNV_BASIS;
	size_t i;

	for (i = 0; i < b->n; i++)
		h = hd_list_hash_add(h, b->items[i].id);
	return h;
}

/* A worker that sent no items: its count and hash say it has b's list. */
static int
hash_matches(const struct binary *b, const struct hd_msg *m)
{
	const char *v = hd_msg_kv(m, 2, "hash");
	char want[24];

	snprintf(want, sizeof(want), "%016llx", (unsigned long long)b->hash);
	return m->nf > 1 && strtoull(m->f[1], NULL, 10) == b->n && v && !strcmp(v, want);
}

/* The difference between a binary's list and what w collected, for the error. */
void
collection_diff(struct ctl *c, struct worker *w, const struct hd_msg *m)
{
	struct binary *b = w->bin;

	listing_differs(b->listing);
	fprintf(stderr, "herd: Different tests were collected between %s and %s. The difference is:\n"
		"--- %s\n+++ %s\n", b->first, w->name, b->first, w->name);
	if (w->ncollected < b->n)
		fprintf(stderr, "-%s\n", b->items[w->ncollected].id);
	if (m && m->nf > 1 && !strcmp(m->f[0], HD_MSG_ITEM))
		fprintf(stderr, "+%s\n", m->f[1]);
	else if (m && !strcmp(m->f[0], HD_MSG_COLLECTED))
		fprintf(stderr, "(%s listed %zu items, %s %zu)\n",
			w->name, w->ncollected, b->first, b->n);
	c->aborted = 1;
}

/* b's reference list is its first n items, listed by first. */
static void
reference_set(struct binary *b, const char *first, size_t n)
{
	snprintf(b->first, sizeof(b->first), "%s", first);
	b->n = n;
	/* What growing left unused goes back. */
	if (b->n)
		b->items = xreallocarray(b->items, b->n, sizeof(*b->items));
	b->collected = 1;
	b->collecting = 0;
}

/* b's list is in: the workers waiting for it are read from now on. */
static void
wake_waiting(struct ctl *c, const struct binary *b)
{
	int i;

	for (i = 0; i < c->nslots; i++) {
		struct worker *v = &c->w[i];

		if (worker_waiting(v) && v->bin == b) {
			v->state = W_HELLO;
			v->deadline = hd_now() + c->collect_timeout;
		}
	}
}

void
collected(struct ctl *c, struct worker *w, const struct hd_msg *m)
{
	struct binary *b = w->bin;

	if (!b->collected) {
		reference_set(b, w->name, w->ncollected);
		b->hash = list_hash(b);
		b->startup = hd_now() - w->spawned;
		listing_end(b->listing, b->n, b->hash);
		wake_waiting(c, b);
	} else if (!w->ncollected && b->n && !hash_matches(b, m)) {
		fprintf(stderr, "herd: Different tests were collected between %s and %s: "
			"%s sent the count and hash of another list\n", b->first, w->name, w->name);
		listing_differs(b->listing);
		c->aborted = 1;
		return;
	} else if (w->ncollected && w->ncollected != b->n) {
		collection_diff(c, w, m);
		return;
	}
	w->state = W_IDLE;
	w->deadline = 0;
	if (PLUG_WANTS(HERD_HOOK_EVENT))
		plug_event(c, HERD_EV_COLLECT_END, w->name, b->path, NULL);
	if (PLUG_WANTS(HERD_HOOK_NODE_COLLECTION_FINISHED))
		plug_node_collection_finished(c, w);
	if (!w->collect_only)
		promote(c, w);
}

/* The hash a collected message m gives; -1 when it has none, or n differs. */
static int
collected_hash(const struct hd_msg *m, size_t n, uint64_t *hash)
{
	const char *v = hd_msg_kv(m, 2, "hash");
	size_t count;
	char *end;

	if (hd_msg_size(m, 1, &count) < 0 || count != n || !v || strlen(v) != 16)
		return -1;
	*hash = strtoull(v, &end, 16);
	return *end ? -1 : 0;
}

int
collect_replay(struct ctl *c, struct binary *b, const char *data, size_t len)
{
	struct hd_dec dec;
	struct hd_msg *m;
	char err[160], **fix = NULL;
	size_t n = 0, nfix = 0, k;
	uint64_t hash = 0;
	int done = 0;	/* 1: a whole list; -1: not one */

	hd_dec_init(&dec);
	hd_dec_feed(&dec, data, len);
	while (!done && n < UINT_MAX && hd_dec_next(&dec, &m, err, sizeof(err)) > 0) {
		if (!strcmp(m->f[0], HD_MSG_ITEM) && m->nf > 1) {
			item_add(c, b, n++, m);
		} else if (!strcmp(m->f[0], HD_MSG_FIXTURE) && m->nf > 1) {
			fix = xreallocarray(fix, nfix + 1, sizeof(*fix));
			fix[nfix++] = xstrdup(m->f[1]);
		} else {
			done = !strcmp(m->f[0], HD_MSG_COLLECTED) && !collected_hash(m, n, &hash) ? 1 : -1;
		}
	}
	hd_dec_free(&dec);
	/* Its global fixtures only once the whole list stands. */
	for (k = 0; k < nfix; k++) {
		if (done == 1)
			gfix_add(c, fix[k], b);
		free(fix[k]);
	}
	free(fix);
	if (done != 1) {
		free(b->items);
		b->items = NULL;
		b->n = 0;
		return -1;
	}
	reference_set(b, ".herd/state.db", n);
	b->hash = hash;
	return 0;
}

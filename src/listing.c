/*
 * listing.c - herd build's collection cache (src/listing.h).
 *
 * A list is kept as the protocol messages its worker sent, from the first
 * item to `collected`, and replayed through collect.c as a worker's would
 * be: a cached binary ends up collected exactly as a listed one. Only
 * libherd's lists are kept, and only of herd's own version: libherd lists
 * what the binary's bytes declare and nothing else, where an adapter
 * (herd_pytest, a test's fake worker) may list what it reads when it runs;
 * and not when libherd says some of it is declared in shared objects the
 * binary loads (hello's outside=1), which can change without it.
 *
 * The key is the binary's identity (state.h, struct binid), taken before its
 * worker starts, so that a binary rebuilt while it lists is never paired
 * with the older list: its stat() (a write changes ctime, whatever was done
 * to mtime), and the hash of its bytes, read only when the stat changed (a
 * binary touched, or rebuilt the same, still hits).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xxhash.h>

#include "herd_version.h"
#include "listing.h"

struct listing {
	char *key;		/* the binary's real path: its row's */
	struct binid id;	/* the binary before its worker started */
	char *data;		/* the cached list, or NULL */
	size_t len;
	int restat;		/* the cache hit on content, not on stat: store the new stat */
	int cached;		/* b's list came from data */
	int keep;		/* its worker's list is kept in got */
	int complete;		/* got holds a whole list */
	int differs;		/* a worker listed another list than data */
	struct buf got;
};

/* herd's version and its executable's stat: a herd rebuilt, or another
 * one, lists nothing from the lists of this one. */
static void
herd_identity(char *out, size_t size)
{
	struct stat st;

	if (stat("/proc/self/exe", &st) < 0)
		memset(&st, 0, sizeof(st));
	snprintf(out, size, "%s %lld %lld.%09ld", HERD_VERSION, (long long)st.st_size,
		 (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

static long long
ns(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

/* xxh3 of a file's bytes; -1 when it cannot be read. */
static int
hash_file(const char *path, uint64_t *out)
{
	char *text;
	size_t len;

	if (!(text = hd_read_file(path, &len)))
		return -1;
	*out = XXH3_64bits(text, len);
	free(text);
	return 0;
}

/* The identity of binary now into id; its bytes hashed unless its stat is
 * known's. -1 when it cannot be stat()ed or read. */
static int
identify(const char *binary, const struct binid *known, struct binid *id)
{
	struct stat st;

	if (stat(binary, &st) < 0)
		return -1;
	herd_identity(id->herd, sizeof(id->herd));
	id->dev = (long long)st.st_dev;
	id->ino = (long long)st.st_ino;
	id->size = (long long)st.st_size;
	id->mtime = ns(&st.st_mtim);
	id->ctime = ns(&st.st_ctim);
	if (known && id->dev == known->dev && id->ino == known->ino && id->size == known->size &&
	    id->mtime == known->mtime && id->ctime == known->ctime) {
		id->content = known->content;
		return 0;
	}
	return hash_file(binary, &id->content);
}

struct listing *
listing_lookup(struct state *s, const char *binary)
{
	struct listing *l = xcalloc(1, sizeof(*l));
	struct binid was;

	memset(&was, 0, sizeof(was));
	if (!(l->key = realpath(binary, NULL))) {
		free(l);
		return NULL;
	}
	l->data = state_listing(s, l->key, &was, &l->len);
	if (identify(binary, l->data ? &was : NULL, &l->id) < 0) {
		free(l->data);
		free(l->key);
		free(l);
		return NULL;
	}
	if (l->data && (strcmp(l->id.herd, was.herd) || l->id.content != was.content)) {
		free(l->data);
		l->data = NULL;
	}
	l->restat = l->data && memcmp(&l->id, &was, sizeof(was));
	return l;
}

void
listing_apply(struct ctl *c, struct binary *b, struct listing *l, int keep)
{
	b->listing = l;
	if (!l)
		return;
	if (l->data && collect_replay(c, b, l->data, l->len) == 0) {
		l->cached = 1;
		return;
	}
	/* No list, or one that does not replay: listed by a worker, and kept. */
	l->restat = 0;
	l->keep = keep;
}

void
listing_hello(struct listing *l, const struct hd_msg *m)
{
	const char *impl = hd_msg_kv(m, 2, "impl");

	/* A list declared in part by shared objects can change with them alone. */
	if (l && (!impl || strcmp(impl, "libherd/" HERD_VERSION) || hd_msg_kv(m, 2, "outside")))
		l->keep = 0;
}

/* m as its worker sent it, into l's list. */
static void
encode(struct listing *l, const struct hd_msg *m)
{
	size_t i;

	hd_enc_begin(&l->got, m->f[0]);
	for (i = 1; i < m->nf; i++)
		hd_enc_mem(&l->got, m->f[i], m->len[i]);
	hd_enc_end(&l->got);
}

void
listing_keep(struct listing *l, const struct hd_msg *m)
{
	if (l && l->keep)
		encode(l, m);
}

void
listing_end(struct listing *l, size_t n, uint64_t hash)
{
	char h[24];

	if (!l || !l->keep)
		return;
	/* With its hash: a replay need not hash the ids again. */
	snprintf(h, sizeof(h), "hash=%016llx", (unsigned long long)hash);
	hd_enc_begin(&l->got, HD_MSG_COLLECTED);
	hd_enc_uint(&l->got, NULL, n);
	hd_enc_str(&l->got, h);
	hd_enc_end(&l->got);
	l->complete = 1;
}

void
listing_differs(struct listing *l)
{
	if (l && l->cached)
		l->differs = 1;
}

void
listing_save(struct ctl *c, struct state *s)
{
	struct buf err = BUF_INIT;
	size_t i;
	int r;

	for (i = 0; i < c->nbins; i++) {
		struct binary *b = &c->bins[i];
		struct listing *l = b->listing;

		if (!l)
			continue;
		if (l->differs)
			r = state_listing_drop(s, l->key);
		else if (l->complete)
			r = state_listing_put(s, l->key, &l->id, l->got.data, l->got.len);
		else if (l->restat)
			r = state_listing_put(s, l->key, &l->id, l->data, l->len);
		else
			r = 0;
		if (r < 0)
			buf_printf(&err, "herd: warning: cannot keep the list of %s in .herd/state.db\n",
				   b->path);
	}
	/* A cache not written costs the next build a listing, nothing more. */
	fputs(err.data ? err.data : "", stderr);
	buf_clear(&err);
}

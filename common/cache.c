/*
 * cache.c - see cache.h.
 *
 * The table is an insertion-ordered hash (an entry array plus an index of
 * slots, linear probing, load at most 1/2): lookups are O(1) for the million
 * ids of a big suite, and the files come out in a stable order that diffs
 * well from run to run. Entries are never removed: an id whose failed mark
 * is cleared and whose duration is unknown is simply not written.
 *
 * Reading is strict and all-or-nothing per file: the whole file is checked
 * before anything goes into the table, so a file damaged halfway through
 * does not leave half of its lines behind.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "util.h"

struct hd_centry {
	char *id;
	size_t hash;
	double secs;	/* < 0: unknown */
	int failed;
};

static const struct hd_centry **timed(const struct hd_cache *c,
				      int (*cmp)(const void *, const void *), size_t *n);
static int by_id(const void *a, const void *b);

/* One change this run made, replayed onto the files under the lock. */
struct hd_cchange {
	size_t idx;	/* entry */
	int failed;	/* 0 or 1, or -1: leave the mark */
	double secs;	/* < 0: leave the duration */
};

#define LASTFAILED "v1/lastfailed"
#define DURATIONS "v1/durations"
#define SPLIT "v1/split"
#define LOCK "v1/lock"

/* The standard signature line comes first: https://bford.info/cachedir/ */
static const char cachedir_tag[] =
	"Signature: 8a477f597d28d172789f06886806bc55\n"
	"# This file is a cache directory tag created by herd.\n"
	"# For information about cache directory tags, see:\n"
	"#\thttps://bford.info/cachedir/\n";

static const char readme[] =
	"# herd cache directory\n"
	"\n"
	"This folder is written by herd, the parallel test runner. It keeps the\n"
	"ids that failed in the last run (for --lf and --ff) and each item's last\n"
	"duration (to run the longest items first and to balance --shard).\n"
	"\n"
	"It is safe to delete: `herd --cache-clear` does so, and `herd --cache-show`\n"
	"prints what it holds. Do not commit it to version control.\n";

static const char gitignore[] = "# Created by herd automatically.\n*\n";

/* FNV-1a: short, and good enough for ids that share long prefixes. */
static size_t
hash_id(const char *s)
{
	return (size_t)hd_fnv1a(HD_FNV_BASIS, s, strlen(s));
}

/* The entry index of id, or SIZE_MAX. */
static size_t
find(const struct hd_cache *c, const char *id, size_t h)
{
	size_t mask = c->nslot - 1, i;

	if (!c->nslot)
		return SIZE_MAX;
	for (i = h & mask; c->slot[i]; i = (i + 1) & mask) {
		const struct hd_centry *e = &c->ent[c->slot[i] - 1];

		if (e->hash == h && !strcmp(e->id, id))
			return c->slot[i] - 1;
	}
	return SIZE_MAX;
}

static void
place(struct hd_cache *c, size_t idx)
{
	size_t mask = c->nslot - 1, i;

	for (i = c->ent[idx].hash & mask; c->slot[i]; i = (i + 1) & mask)
		;
	c->slot[i] = idx + 1;
}

static void
rehash(struct hd_cache *c, size_t nslot)
{
	size_t i;

	free(c->slot);
	c->slot = xcalloc(nslot, sizeof(*c->slot));
	c->nslot = nslot;
	for (i = 0; i < c->n; i++)
		place(c, i);
}

/* The entry for id, added (unknown, not failed) when absent. */
static struct hd_centry *
entry(struct hd_cache *c, const char *id)
{
	size_t h = hash_id(id), i = find(c, id, h);
	struct hd_centry *e;

	if (i != SIZE_MAX)
		return &c->ent[i];
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->ent = xreallocarray(c->ent, c->cap, sizeof(*c->ent));
	}
	e = &c->ent[c->n];
	e->id = xstrdup(id);
	e->hash = h;
	e->secs = -1;
	e->failed = 0;
	c->n++;
	if (2 * c->n > c->nslot)
		rehash(c, c->nslot ? c->nslot * 2 : 128);
	else
		place(c, c->n - 1);
	return e;
}

void
hd_cache_init(struct hd_cache *c, const char *dir)
{
	memset(c, 0, sizeof(*c));
	c->dir = xstrdup(dir);
}

void
hd_cache_free(struct hd_cache *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->ent[i].id);
	free(c->ent);
	free(c->slot);
	free(c->log);
	free(c->dir);
	memset(c, 0, sizeof(*c));
}

/* id's entry, or SIZE_MAX; an empty cache (--no-cache, a first run) answers without hashing. */
static size_t
lookup(const struct hd_cache *c, const char *id)
{
	return c->nslot ? find(c, id, hash_id(id)) : SIZE_MAX;
}

double
hd_cache_duration(const struct hd_cache *c, const char *id)
{
	size_t i = lookup(c, id);

	return i == SIZE_MAX ? -1 : c->ent[i].secs;
}

int
hd_cache_failed(const struct hd_cache *c, const char *id)
{
	size_t i = lookup(c, id);

	return i != SIZE_MAX && c->ent[i].failed;
}

size_t
hd_cache_nfailed(const struct hd_cache *c)
{
	return c->nfailed;
}

static void
set_failed(struct hd_cache *c, struct hd_centry *e, int failed)
{
	failed = !!failed;
	if (failed && !e->failed)
		c->nfailed++;
	else if (!failed && e->failed)
		c->nfailed--;
	e->failed = failed;
}

/* Applies a change to the table and, when log, remembers it for the save. */
static void
change(struct hd_cache *c, const char *id, int failed, double secs, int log)
{
	struct hd_centry *e = entry(c, id);

	if (failed >= 0)
		set_failed(c, e, failed);
	if (secs >= 0 && isfinite(secs))
		e->secs = secs;
	else
		secs = -1;
	if (!log)
		return;
	if (c->nlog == c->caplog) {
		c->caplog = c->caplog ? 2 * c->caplog : 64;
		c->log = xreallocarray(c->log, c->caplog, sizeof(*c->log));
	}
	c->log[c->nlog].idx = (size_t)(e - c->ent);
	c->log[c->nlog].failed = failed;
	c->log[c->nlog++].secs = secs;
}

void
hd_cache_set_duration(struct hd_cache *c, const char *id, double seconds)
{
	change(c, id, -1, seconds, 1);
}

const char **
hd_cache_timed_ids(const struct hd_cache *c, size_t *n)
{
	const struct hd_centry **v = timed(c, by_id, n);
	const char **ids = (const char **)v;
	size_t i;

	/* The same array, each entry pointer replaced by its id. */
	for (i = 0; i < *n; i++)
		ids[i] = v[i]->id;
	return ids;
}

void
hd_cache_record(struct hd_cache *c, const char *id, int failed, double seconds)
{
	/* Clearing the mark of an unknown id with no duration adds nothing. */
	if (!failed && !(seconds >= 0) && find(c, id, hash_id(id)) == SIZE_MAX)
		return;
	change(c, id, !!failed, seconds, 1);
}

/* Why the n bytes at s cannot be an id, or NULL when they can. */
static const char *
bad_id(const char *s, size_t n, char *why, size_t size)
{
	size_t i = 0, k;

	if (n == 0)
		return "empty id";
	while (i < n) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '\0')
			return "binary data (a NUL byte)";
		if (ch < 0x20 || ch == 0x7f) {
			snprintf(why, size, "control character 0x%02x", ch);
			return why;
		}
		if (ch < 0x80) {
			i++;
			continue;
		}
		if (!(k = hd_utf8_len(s + i, n - i)))
			return "binary data (invalid UTF-8)";
		i += k;
	}
	return NULL;
}

static int
storable(const char *id)
{
	char why[64];

	return !bad_id(id, strlen(id), why, sizeof(why));
}

/* "SECONDS": digits, an optional fraction and exponent, finite, >= 0. */
static int
parse_secs(const char *s, size_t n, double *out)
{
	char tmp[64], *end;
	size_t i;

	if (n == 0 || n >= sizeof(tmp) || s[0] < '0' || s[0] > '9')
		return -1;
	for (i = 0; i < n; i++)
		if (!s[i] || !strchr("0123456789.eE+-", s[i]))
			return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	*out = strtod(tmp, &end);
	return *end || !isfinite(*out) || *out < 0 ? -1 : 0;
}

/* One parsed line: the id (NUL-terminated in place) and its seconds. */
struct line {
	const char *id;
	double secs;
};

/*
 * Checks every line of a cache file, text[len] being a NUL, and collects
 * them; with_secs for the durations format. Returns NULL, or the reason.
 */
static const char *
parse_lines(char *text, size_t len, int with_secs, struct line **out, size_t *nout,
	    char *why, size_t size)
{
	struct line *v = NULL;
	size_t n = 0, cap = 0, lineno = 0;
	char *p = text, *end = text + len, detail[64];

	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), *id = p, *tab;
		const char *bad;
		double secs = -1;

		lineno++;
		if (!nl) {
			snprintf(why, size, "truncated: line %zu has no newline", lineno);
			goto fail;
		}
		*nl = '\0';
		if (with_secs) {
			/* memchr, not strchr: a NUL before the tab is junk, not the end. */
			tab = memchr(p, '\t', (size_t)(nl - p));
			if (!tab) {
				snprintf(why, size, "line %zu: no tab between seconds and id", lineno);
				goto fail;
			}
			if (parse_secs(p, (size_t)(tab - p), &secs) < 0) {
				snprintf(why, size, "line %zu: bad number of seconds", lineno);
				goto fail;
			}
			id = tab + 1;
		}
		if ((bad = bad_id(id, (size_t)(nl - id), detail, sizeof(detail)))) {
			snprintf(why, size, "line %zu: %s", lineno, bad);
			goto fail;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		v[n].id = id;
		v[n].secs = secs;
		n++;
		p = nl + 1;
	}
	*out = v;
	*nout = n;
	return NULL;
fail:
	free(v);
	return why;
}

static void
load_file(struct hd_cache *c, const char *name, int with_secs, struct buf *warnings)
{
	char *path = xasprintf("%s/%s", c->dir, name), *text, why[128];
	const char *bad;
	struct line *v;
	size_t len, n, i;

	text = hd_read_file(path, &len);
	if (!text) {
		if (errno != ENOENT && warnings)
			buf_printf(warnings, "herd: warning: ignoring corrupt cache file %s: %s\n",
				   path, strerror(errno));
		free(path);
		return;
	}
	bad = parse_lines(text, len, with_secs, &v, &n, why, sizeof(why));
	if (bad) {
		if (warnings)
			buf_printf(warnings, "herd: warning: ignoring corrupt cache file %s: %s\n",
				   path, bad);
	} else {
		for (i = 0; i < n; i++) {
			struct hd_centry *e = entry(c, v[i].id);

			if (with_secs)
				e->secs = v[i].secs;
			else
				set_failed(c, e, 1);
		}
		free(v);
	}
	free(text);
	free(path);
}

int
hd_cache_load(struct hd_cache *c, const char *dir, struct buf *warnings)
{
	hd_cache_init(c, dir);
	load_file(c, LASTFAILED, 0, warnings);
	load_file(c, DURATIONS, 1, warnings);
	return 0;
}

/* mkdir -p: --cache-dir may name a folder whose parents do not exist yet. */
static int
make_dirs(const char *path, struct buf *err)
{
	char *p = xstrdup(path), *s, c;
	int r = 0;

	for (s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		c = *s;
		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST) {
			if (err)
				buf_printf(err, "cannot create %s: %s", p, strerror(errno));
			r = -1;
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return r;
}

static int
write_file(const char *path, const char *text, size_t len, struct buf *err)
{
	if (hd_write_file_atomic(path, text, len) == 0)
		return 0;
	if (err)
		buf_printf(err, "cannot write %s: %s", path, strerror(errno));
	return -1;
}

/* Writes dir/name with text unless the file is already there. */
static int
write_once(const char *dir, const char *name, const char *text, struct buf *err)
{
	char *path = xasprintf("%s/%s", dir, name);
	struct stat st;
	int r = 0;

	if (lstat(path, &st) < 0)
		r = write_file(path, text, strlen(text), err);
	free(path);
	return r;
}

/*
 * Takes the cache's lock: runs in one project may end at the same moment,
 * and each must add its results to the others', not overwrite them. Returns
 * the lock's fd (closing it releases the lock), or -1 with a reason in err.
 */
static int
lock_cache(const char *dir, struct buf *err)
{
	char *path = xasprintf("%s/%s", dir, LOCK);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);

	if (fd < 0 || flock(fd, LOCK_EX) < 0) {
		if (err)
			buf_printf(err, "cannot lock %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	free(path);
	return fd;
}

static int
write_tables(const struct hd_cache *c, struct buf *err)
{
	struct buf lf = BUF_INIT, du = BUF_INIT;
	char *p1 = xasprintf("%s/%s", c->dir, LASTFAILED);
	char *p2 = xasprintf("%s/%s", c->dir, DURATIONS);
	size_t i;
	int r;

	for (i = 0; i < c->n; i++) {
		const struct hd_centry *e = &c->ent[i];

		if (!storable(e->id))
			continue;
		if (e->failed)
			buf_printf(&lf, "%s\n", e->id);
		if (e->secs >= 0)
			buf_printf(&du, "%.6f\t%s\n", e->secs, e->id);
	}
	r = write_file(p1, lf.data ? lf.data : "", lf.len, err) < 0 ||
	    write_file(p2, du.data ? du.data : "", du.len, err) < 0 ? -1 : 0;
	free(p1);
	free(p2);
	buf_clear(&lf);
	buf_clear(&du);
	return r;
}

int
hd_cache_save(const struct hd_cache *c, struct buf *err)
{
	char *v1 = xasprintf("%s/v1", c->dir);
	struct hd_cache disk;
	size_t i;
	int r = -1, lock;

	if (make_dirs(v1, err) < 0)
		goto out;
	if (write_once(c->dir, "CACHEDIR.TAG", cachedir_tag, err) < 0 ||
	    write_once(c->dir, "README.md", readme, err) < 0 ||
	    write_once(c->dir, ".gitignore", gitignore, err) < 0)
		goto out;
	if ((lock = lock_cache(c->dir, err)) < 0)
		goto out;
	/* What is on disk now, which other runs may have changed since we read
	 * it, plus what this run changed, in the order it did. */
	hd_cache_load(&disk, c->dir, NULL);
	for (i = 0; i < c->nlog; i++)
		change(&disk, c->ent[c->log[i].idx].id, c->log[i].failed, c->log[i].secs, 0);
	r = write_tables(&disk, err);
	hd_cache_free(&disk);
	close(lock);
out:
	free(v1);
	return r;
}

int
hd_cache_clear(const char *dir, struct buf *err)
{
	static const char *const files[] = {
		LASTFAILED, DURATIONS, SPLIT, LOCK, "CACHEDIR.TAG", "README.md", ".gitignore"
	};
	static const char *const dirs[] = { "/v1", "" };
	size_t i;

	for (i = 0; i < LEN(files); i++) {
		char *path = xasprintf("%s/%s", dir, files[i]);

		if (unlink(path) < 0 && errno != ENOENT && errno != ENOTDIR) {
			if (err)
				buf_printf(err, "cannot remove %s: %s", path, strerror(errno));
			free(path);
			return -1;
		}
		free(path);
	}
	/* The folders go only when empty: something else may live there. */
	for (i = 0; i < LEN(dirs); i++) {
		char *path = xasprintf("%s%s", dir, dirs[i]);

		rmdir(path);
		free(path);
	}
	return 0;
}

static int
by_secs_desc(const void *a, const void *b)
{
	const struct hd_centry *x = *(const struct hd_centry *const *)a;
	const struct hd_centry *y = *(const struct hd_centry *const *)b;

	if (x->secs != y->secs)
		return x->secs > y->secs ? -1 : 1;
	return strcmp(x->id, y->id);
}

static int
by_id(const void *a, const void *b)
{
	const struct hd_centry *x = *(const struct hd_centry *const *)a;
	const struct hd_centry *y = *(const struct hd_centry *const *)b;

	return strcmp(x->id, y->id);
}

/* The entries with a known duration, sorted by cmp; *n set to their count. */
static const struct hd_centry **
timed(const struct hd_cache *c, int (*cmp)(const void *, const void *), size_t *n)
{
	const struct hd_centry **v = xreallocarray(NULL, c->n, sizeof(*v));
	size_t i;

	*n = 0;
	for (i = 0; i < c->n; i++)
		if (c->ent[i].secs >= 0)
			v[(*n)++] = &c->ent[i];
	qsort(v, *n, sizeof(*v), cmp);
	return v;
}

void
hd_cache_show(FILE *out, const struct hd_cache *c)
{
	const struct hd_centry **v;
	size_t i, n;

	fprintf(out, "cachedir: %s\n", c->dir);
	fprintf(out, "lastfailed: %zu id%s\n", c->nfailed, c->nfailed == 1 ? "" : "s");
	for (i = 0; i < c->n; i++)
		if (c->ent[i].failed)
			fprintf(out, "  %s\n", c->ent[i].id);
	v = timed(c, by_secs_desc, &n);
	fprintf(out, "durations: %zu id%s, longest first\n", n, n == 1 ? "" : "s");
	for (i = 0; i < n; i++)
		fprintf(out, "  %10.6fs  %s\n", v[i]->secs, v[i]->id);
	free(v);
}

/*
 * DIR/v1/split:
 *	herd-split 1 HASH N
 *	done 0110...		one digit a shard, 1 when it ran
 *	SECONDS<TAB>ID		the durations the round splits by
 * Returns the frozen table and the done string, or -1 when the file is
 * missing, damaged or for another selection.
 */
static int
read_split(const char *dir, const char *hash, unsigned n, struct hd_cache *frozen, char **done)
{
	char *path = xasprintf("%s/%s", dir, SPLIT), *text, *p, *nl, why[128];
	char head[128];
	struct line *v = NULL;
	size_t len, nv, i;
	int r = -1;

	hd_cache_init(frozen, dir);
	*done = NULL;
	text = hd_read_file(path, &len);
	free(path);
	if (!text)
		return -1;
	snprintf(head, sizeof(head), "herd-split 1 %s %u\ndone ", hash, n);
	if (len < strlen(head) || memcmp(text, head, strlen(head)))
		goto out;
	p = text + strlen(head);
	nl = memchr(p, '\n', len - (size_t)(p - text));
	if (!nl || (size_t)(nl - p) != n || strspn(p, "01") != n)
		goto out;
	*nl++ = '\0';
	if (parse_lines(nl, len - (size_t)(nl - text), 1, &v, &nv, why, sizeof(why)))
		goto out;
	for (i = 0; i < nv; i++)
		change(frozen, v[i].id, -1, v[i].secs, 0);
	*done = xstrdup(p);
	r = 0;
out:
	free(v);
	free(text);
	return r;
}

static int
write_split(const char *dir, const char *hash, unsigned n, const char *done,
	    const char *const *ids, const double *secs, size_t nids, struct buf *err)
{
	struct buf b = BUF_INIT;
	char *path = xasprintf("%s/%s", dir, SPLIT);
	size_t i;
	int r;

	buf_printf(&b, "herd-split 1 %s %u\ndone %s\n", hash, n, done);
	for (i = 0; i < nids; i++)
		if (secs[i] >= 0 && storable(ids[i]))
			buf_printf(&b, "%.6f\t%s\n", secs[i], ids[i]);
	r = write_file(path, b.data, b.len, err);
	buf_clear(&b);
	free(path);
	return r;
}

int
hd_split_durations(const struct hd_cache *c, const char *hash, unsigned k, unsigned n,
		   const char *const *ids, size_t nids, double *secs, int record,
		   struct buf *err)
{
	char *v1 = xasprintf("%s/v1", c->dir), *done = NULL;
	struct hd_cache frozen;
	size_t i;
	int lock = -1, r = 0, fresh;

	for (i = 0; i < nids; i++)
		secs[i] = hd_cache_duration(c, ids[i]);
	if (record && (make_dirs(v1, err) < 0 || (lock = lock_cache(c->dir, err)) < 0)) {
		r = -1;
		goto out;
	}
	/* A round ends when every shard has run: the next starts afresh. */
	fresh = read_split(c->dir, hash, n, &frozen, &done) < 0 || !strchr(done, '0');
	if (fresh) {
		free(done);
		done = xmalloc(n + 1);
		memset(done, '0', n);
		done[n] = '\0';
	} else {
		for (i = 0; i < nids; i++)
			secs[i] = hd_cache_duration(&frozen, ids[i]);
	}
	hd_cache_free(&frozen);
	if (!record || (!fresh && done[k - 1] == '1'))
		goto out;
	done[k - 1] = '1';
	r = write_split(c->dir, hash, n, done, ids, secs, nids, err);
out:
	if (lock >= 0)
		close(lock);
	free(done);
	free(v1);
	return r;
}

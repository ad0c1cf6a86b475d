/*
 * history.c - what a run keeps for the next (the cache, .herd_cache/, and
 * pytest-split's durations file) and what it takes from the last: --lf,
 * --ff, --nf and the expected durations that order the items and split
 * them into --shard parts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "ctl.h"
#include "durations.h"
#include "history.h"
#include "project.h"
#include "reporters.h"
#include "shard.h"

static const struct history_opts *opt;
static const char *root;	/* herd.ini's folder, or NULL */
static struct hd_cache cache;
static char *cache_dir;

void
history_init(const struct history_opts *o, const char *ini_cache_dir, const char *rootdir)
{
	char err[256];

	opt = o;
	root = rootdir;
	if (!(cache_dir = hd_cache_dir(o->cache_dir, ini_cache_dir, rootdir, err, sizeof(err))))
		hd_fatal(HD_EXIT_USAGE, "%s", err);
}

const char *
history_dir(void)
{
	return cache_dir;
}

void
history_clear(void)
{
	struct buf err = BUF_INIT;

	bisect_clear(cache_dir);
	if (hd_cache_clear(cache_dir, &err) < 0)
		hd_fatal(HD_EXIT_INTERNAL, "cannot clear the cache: %s", err.data);
	buf_clear(&err);
}

void
history_show(FILE *out)
{
	struct buf warn = BUF_INIT;

	hd_cache_load(&cache, cache_dir, &warn);
	fputs(warn.data ? warn.data : "", stderr);
	hd_cache_show(out, &cache);
}

/* pytest-split's file: --durations-path, else .test_durations in the project root. */
static const char *
durations_path(void)
{
	static char *path;

	if (!path)
		path = opt->durations_path ? xstrdup(opt->durations_path) :
		       root ? xasprintf("%s/.test_durations", root) : xstrdup(".test_durations");
	return path;
}

static unsigned
mix(unsigned long seed, const char *id)
{
	uint64_t h = hd_fnv1a(HD_FNV_BASIS ^ seed, id, strlen(id));

	return (unsigned)(h ^ (h >> 32));
}

/* Reads the cache and the durations file, once. */
static void
history_load(void)
{
	static int done;
	struct buf warn = BUF_INIT, err = BUF_INIT;

	if (done++)
		return;
	if (!opt->no_cache)
		hd_cache_load(&cache, cache_dir, &warn);
	if (warn.len)
		fputs(warn.data, stderr);
	/* pytest-split's file: the one named on the command line wins over the
	 * cache; the project's .test_durations seeds a cache that has nothing yet
	 * (a fresh CI machine). A bad file gets the same warning either way. */
	if (opt->durations_path ? !opt->store_durations || access(durations_path(), F_OK) == 0 :
	    !cache.n && access(durations_path(), F_OK) == 0) {
		if (hd_durations_import(&cache, durations_path(), &err) < 0)
			fprintf(stderr, "herd: warning: %s\n", err.data);
	}
	buf_clear(&warn);
	buf_clear(&err);
}

double
history_known_seconds(void)
{
	const char **ids;
	double sum = 0;
	size_t i, n;

	history_load();
	ids = hd_cache_timed_ids(&cache, &n);
	for (i = 0; i < n; i++)
		sum += hd_cache_duration(&cache, ids[i]);
	free(ids);
	return sum;
}

void
history_apply(struct ctl *c)
{
	double sum = 0;
	size_t i, j, known = 0, failed = 0;

	history_load();
	for (i = 0; i < c->nbins; i++)
		for (j = 0; j < c->bins[i].n; j++) {
			struct citem *it = &c->bins[i].items[j];
			double d = hd_cache_duration(&cache, it->id);

			it->lastfailed = (unsigned char)hd_cache_failed(&cache, it->id);
			it->isnew = d < 0 && !it->lastfailed;
			it->est = d;
			it->known = d >= 0;
			it->rank = c->random_order ? mix(c->random_seed, it->id) : 0;
			if (d >= 0 && it->selected)
				sum += d, known++;
			failed += it->selected && it->lastfailed;
		}
	c->order_by_time = known > 0;
	for (i = 0; i < c->nbins; i++)
		for (j = 0; j < c->bins[i].n; j++) {
			struct citem *it = &c->bins[i].items[j];

			if (it->est < 0)
				it->est = known ? sum / (double)known : 1;
			if (c->lf && failed && it->selected && !it->lastfailed) {
				it->selected = 0;
				c->nselected--;
			}
		}
	if (c->lf && !failed)
		fprintf(stderr, "herd: --lf: no previously failed tests, running all %zu\n",
			c->nselected);
	/* -x and --maxfail want the first failure soon: known failures go first,
	 * as with --ff, unless the user asked for an order of their own. */
	if (c->maxfail > 0 && failed && !c->random_order && !c->nf)
		c->ff = 1;
}

void
history_shard(struct ctl *c, struct report_settings *rs)
{
	size_t i, j, n = 0, k = 0;
	const char **ids = xcalloc(c->nselected + 1, sizeof(*ids));
	double *secs = xcalloc(c->nselected + 1, sizeof(*secs));
	unsigned *to = xcalloc(c->nselected + 1, sizeof(*to));
	char hash[17];

	struct buf err = BUF_INIT;

	for (i = 0; i < c->nbins; i++)
		for (j = 0; j < c->bins[i].n; j++)
			if (c->bins[i].items[j].selected)
				ids[n++] = c->bins[i].items[j].id;
	hd_collection_hash(ids, n, hash);
	if (opt->no_cache) {
		for (i = 0; i < n; i++)
			secs[i] = hd_cache_duration(&cache, ids[i]);
	} else if (hd_split_durations(&cache, hash, opt->shard_k, opt->shard_n, ids, n, secs,
				      !c->collect_only, &err) < 0) {
		fprintf(stderr, "herd: warning: %s\n", err.data);
	}
	buf_clear(&err);
	hd_shard_split(secs, n, opt->shard_n, to);
	for (i = 0; i < c->nbins; i++)
		for (j = 0; j < c->bins[i].n; j++)
			if (c->bins[i].items[j].selected && to[k++] != opt->shard_k - 1) {
				c->bins[i].items[j].selected = 0;
				c->nselected--;
			}
	rs->shard_meta = xasprintf("{\"shard\": %u, \"shards\": %u, \"selected\": %zu, "
			       "\"collection\": \"%s\"}", opt->shard_k, opt->shard_n, n, hash);
	rs->shard_props[0] = "herd.shard";
	rs->shard_props[1] = xasprintf("%u", opt->shard_k);
	rs->shard_props[2] = "herd.shards";
	rs->shard_props[3] = xasprintf("%u", opt->shard_n);
	rs->shard_props[4] = "herd.selected";
	rs->shard_props[5] = xasprintf("%zu", n);
	rs->shard_props[6] = "herd.collection";
	rs->shard_props[7] = xstrdup(hash);
	free(ids);
	free(secs);
	free(to);
}

void
history_save(struct ctl *c)
{
	struct buf err = BUF_INIT;
	size_t i, j;

	/* With --no-cache and no --store-durations nothing reads what is recorded:
	 * a million items would copy their ids for nothing. */
	for (i = 0; (!opt->no_cache || opt->store_durations) && i < c->nbins; i++)
		for (j = 0; j < c->bins[i].ntotal; j++) {
			const struct citem *it = &c->bins[i].items[j];
			int ran = it->outcome != HD_NONE && it->outcome != HD_NOTRUN &&
				  it->outcome != HD_SKIPPED;

			if (it->selected && it->outcome != HD_NONE && it->outcome != HD_NOTRUN)
				hd_cache_record(&cache, it->id, hd_outcome_fails(it->outcome),
						ran ? it->duration : -1);
		}
	if (!opt->no_cache && hd_cache_save(&cache, &err) < 0)
		fprintf(stderr, "herd: warning: cannot save the cache: %s\n", err.data);
	buf_reset(&err);
	if (!opt->no_cache)
		bisect_save(c, cache_dir, &err);
	if (err.len)
		fprintf(stderr, "herd: warning: %s", err.data);
	buf_reset(&err);
	if (opt->store_durations && hd_durations_export(&cache, durations_path(), &err) < 0)
		fprintf(stderr, "herd: warning: %s\n", err.data);
	buf_clear(&err);
}

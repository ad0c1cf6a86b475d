/*
 * history.h - what a run keeps for the next (the cache, .herd_cache/, and
 * pytest-split's durations file) and what it takes from the last.
 */
#ifndef HERD_HISTORY_H
#define HERD_HISTORY_H

#include <stdio.h>

struct ctl;
struct report_settings;

struct history_opts {
	const char *cache_dir;		/* --cache-dir, or NULL */
	const char *durations_path;	/* --durations-path, or NULL */
	int no_cache;			/* --no-cache: neither read nor write the cache */
	int store_durations;		/* --store-durations */
	unsigned shard_k, shard_n;	/* --shard K/N; shard_n is 0 without */
};

/*
 * Settles the cache's folder: o->cache_dir, else herd.ini's ini_cache_dir,
 * else the project root's (rootdir is herd.ini's folder, or NULL: the
 * current one). A bad folder is a usage error (exit 4). o is kept.
 */
void history_init(const struct history_opts *o, const char *ini_cache_dir, const char *rootdir);
/* The cache's folder. */
const char *history_dir(void);
/* --cache-clear: empties the cache (exit 3 when it cannot). */
void history_clear(void);
/* --cache-show: the cache as text on out. */
void history_show(FILE *out);
/*
 * What history says of the selected items: --lf narrows the selection; every
 * item gets its expected duration (unknown ones the mean of the known), its
 * last-failed and new flags, and its shuffle rank.
 */
void history_apply(struct ctl *c);
/* The seconds of every item whose duration history knows, this run's or not. */
double history_known_seconds(void);
/*
 * --shard K/N: keeps the K-th part of the selection, the same on every
 * machine for the same inputs, and puts the shard's facts in rs.
 */
void history_shard(struct ctl *c, struct report_settings *rs);
/* Remembers what failed and how long each item took. */
void history_save(struct ctl *c);

#endif

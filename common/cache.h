/*
 * cache.h - what herd learns from past runs, kept in a cache folder
 * (.herd_cache/ by default):
 *
 *	DIR/v1/lastfailed	the ids that failed last time, one per line
 *	DIR/v1/durations	"SECONDS<TAB>ID" lines, for longest-first scheduling
 *	DIR/v1/split		the durations a round of --shard K/N splits by
 *	DIR/v1/lock		flock(2)ed while a run writes the files
 *	DIR/CACHEDIR.TAG	so that backup and archiving tools skip the folder
 *	DIR/README.md		says what the folder is
 *	DIR/.gitignore		"*", so that the folder is never committed
 *
 * The files are rewritten whole, through a temporary name, so a reader sees
 * the old or the new version, never a mix. A damaged file is ignored with a
 * warning: a cache may only make a run faster, never stop it.
 *
 * Errors are one line appended to a caller's buffer, without a newline, to
 * be printed as the caller sees fit: library code does not print.
 *
 * An id is stored only when it is non-empty valid UTF-8 without control
 * characters (it could not be read back otherwise); hd_cache_save skips others.
 */
#ifndef HERD_CACHE_H
#define HERD_CACHE_H

#include <stdio.h>
#include <stddef.h>

struct buf;
struct hd_centry;
struct hd_cchange;

/* The cache in memory: one hash table of ids, each with a duration and a
 * failed flag, iterated in insertion order. Owns all its memory. */
struct hd_cache {
	char *dir;
	struct hd_centry *ent;	/* entries, in the order first seen */
	size_t n, cap;
	size_t *slot;		/* open addressing: entry index + 1, 0 = free */
	size_t nslot;		/* a power of two, at least 2n */
	size_t nfailed;
	struct hd_cchange *log;	/* what this run changed, for the save */
	size_t nlog, caplog;
};

/* An empty cache that will be saved in dir (copied). */
void hd_cache_init(struct hd_cache *c, const char *dir);

/*
 * Initialises c and reads the cache in dir. A missing folder or file is an
 * empty cache. A file that cannot be read or does not parse counts as empty,
 * and one line "herd: warning: ignoring corrupt cache file PATH: reason\n"
 * is appended to warnings (which may be NULL). Returns 0.
 */
int hd_cache_load(struct hd_cache *c, const char *dir, struct buf *warnings);

/* The last recorded duration of id in seconds, or -1 when unknown. */
double hd_cache_duration(const struct hd_cache *c, const char *id);
/* Nonzero when id failed in the last run that recorded it. */
int hd_cache_failed(const struct hd_cache *c, const char *id);
/* How many ids are marked failed. */
size_t hd_cache_nfailed(const struct hd_cache *c);

/* Sets id's duration (seconds >= 0), as a change the save applies. */
void hd_cache_set_duration(struct hd_cache *c, const char *id, double seconds);
/* The ids with a known duration, sorted by id: an array the caller frees
 * (not the ids, which c owns until it changes or is freed). */
const char **hd_cache_timed_ids(const struct hd_cache *c, size_t *n);

/* Records one item's result: failed sets or clears its mark; seconds >= 0
 * replaces its duration, a negative value leaves the duration alone. */
void hd_cache_record(struct hd_cache *c, const char *id, int failed, double seconds);

/* Writes the cache to its folder, creating it as needed. Runs of one project
 * may save at once: under an flock(2) on DIR/v1/lock, the changes this cache
 * went through since it was loaded (hd_cache_record, hd_durations_import)
 * are applied to what the files hold now, so no run loses another's results.
 * Returns 0, or -1 with a one-line reason appended to err (may be NULL). */
int hd_cache_save(const struct hd_cache *c, struct buf *err);

/* Removes the files herd writes in dir (and dir and dir/v1 when that leaves
 * them empty); anything else is left alone. A missing dir is not an error.
 * Returns 0, or -1 with a one-line reason appended to err. */
int hd_cache_clear(const char *dir, struct buf *err);

/* Prints the cache for --cache-show: its folder, the last-failed ids, and
 * the durations, longest first. */
void hd_cache_show(FILE *out, const struct hd_cache *c);

/*
 * --shard K/N: the durations to split a selection by. Shards of one
 * selection run one after another in one project must split it alike, though
 * each run learns durations: so the first shard of a round writes the
 * durations it split by to DIR/v1/split (with hash, the selection's
 * hd_collection_hash, and N), and the next shards read them from there until
 * each of 1..N has run; the shard after that starts a new round with the
 * durations then in c. secs[i] receives the duration of ids[i], -1 when
 * unknown. record is 0 for a run that only looks (--collect-only): it reads
 * the round but does not take part in it. Returns 0, or -1 with a reason in
 * err (secs is filled all the same, from c).
 */
int hd_split_durations(const struct hd_cache *c, const char *hash, unsigned k, unsigned n,
		       const char *const *ids, size_t nids, double *secs, int record,
		       struct buf *err);

/* Frees everything c holds; c may be initialised again. */
void hd_cache_free(struct hd_cache *c);

#endif

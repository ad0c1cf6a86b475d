/*
 * state.h - what herd build remembers between runs, in SQLite
 * (.herd/state.db in the project root): for each task that last succeeded,
 * its own state (a hash of its source file and options) and the content hash
 * of each dependency and product at that moment; and a memo of file hashes
 * by modification time and size, so that a file is read again only when
 * those changed (pytask's mtime memo).
 *
 * One transaction per finished task, in WAL mode: an interrupted build (a
 * signal, a crash of the controller, a power cut) never records a task as
 * done that did not finish, and never leaves the file corrupt. A corrupt or
 * foreign state.db is a warning and a full rebuild.
 */
#ifndef HERD_STATE_H
#define HERD_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct state;

/*
 * Opens root/.herd/state.db, creating the folder and the file, and takes
 * the project's build lock (.herd/lock): when another herd build holds it,
 * says so once on stderr and waits (wait) or fails (!wait). Warnings go to
 * warn. NULL with a line in err when it cannot.
 */
struct state *state_open(const char *root, int wait, struct buf *warn, struct buf *err);
/*
 * As state_open, and before_load(s, cookie) is called once, after the file
 * was found to be a herd state and before its tables are read into memory
 * (most of what opening costs): what the hook reads there (state_listing)
 * can be used by another thread while this one reads the rest.
 */
typedef void state_hook(struct state *s, void *cookie);
struct state *state_open_then(const char *root, int wait, state_hook *before_load, void *cookie,
			      struct buf *warn, struct buf *err);
/*
 * Opens root/.herd/state.db only to read, without the lock (a dry run, herd
 * dag, herd profile): NULL when there is none, or, with a warning, when it
 * is not a herd state.
 */
struct state *state_open_readonly(const char *root, struct buf *warn);
struct state *state_open_readonly_then(const char *root, state_hook *before_load, void *cookie,
				       struct buf *warn);
void state_close(struct state *s);
/* As state_close, when herd exits next: what s holds in memory is left to
 * the exit (freeing the state of 10,000 tasks was a twentieth of a no-op
 * rebuild's instructions). */
void state_close_exiting(struct state *s);

/* The content hash of root/path (xxh3), through the memo, looked at once a run
 * until state_changed(): 0, or -1 when it is missing. */
int state_file_hash(struct state *s, const char *path, uint64_t *hash);
/* path may have changed (a task producing it finished): look at it again. */
void state_changed(struct state *s, const char *path);
/* Ends the read transaction the state's reads share (state.c, read_begin). */
void state_release(struct state *s);

/* The hash of a string (a task's options, a source file's text). */
uint64_t state_hash(const void *p, size_t n);

/*
 * Why the task must run, into why ("never ran", "bld/clean.csv changed",
 * "task source changed", "product bld/x.csv missing", ...): 1; 0 when it
 * is up to date.
 */
int state_why(struct state *s, const char *id, uint64_t task_state, char *const *deps,
	      size_t ndeps, char *const *prods, size_t nprods, struct buf *why);

/*
 * The task succeeded (or persisted): records its state and its files' as
 * they are now, in one transaction. 0, or -1 with a line in err.
 */
int state_record(struct state *s, const char *id, uint64_t task_state, double duration,
		 char *const *deps, size_t ndeps, char *const *prods, size_t nprods,
		 struct buf *err);
/* It failed: it is no longer up to date. */
int state_forget(struct state *s, const char *id);

/* Its last duration in seconds, or -1. */
double state_duration(struct state *s, const char *id);
/* Its last outcome ("success", "failed", ...), or NULL; malloc()ed. */
char *state_outcome(struct state *s, const char *id);
/* Records the last outcome of a task, whatever it was (herd dag colours by it). */
int state_set_outcome(struct state *s, const char *id, const char *outcome);

/*
 * A test binary as its cached listing is keyed (src/listing.c): herd's own
 * version and build, the file's stat() and the hash of its bytes.
 */
struct binid {
	char herd[96];
	long long dev, ino, size, mtime, ctime;	/* times in nanoseconds */
	uint64_t content;	/* xxh3 of its bytes */
};

/*
 * The listing stored for binary, malloc()ed and NUL-terminated (*len bytes),
 * with the identity it was stored with in *id; NULL when there is none, or
 * when its bytes do not match the checksum stored with them.
 */
char *state_listing(struct state *s, const char *binary, struct binid *id, size_t *len);
/* Stores binary's listing with its identity, replacing the last; 0 or -1. */
int state_listing_put(struct state *s, const char *binary, const struct binid *id,
		      const void *data, size_t len);
/* Forgets binary's listing; 0 or -1. */
int state_listing_drop(struct state *s, const char *binary);

#endif

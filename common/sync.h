/*
 * sync.h - the state behind herd_lock, herd_board_* and herd_trail_*: named
 * locks with FIFO waiters, a key-value board of bytes, and trail counters.
 * The controller serves a run's workers from one of these; a test binary run
 * alone serves its own tests from another, so both behave the same.
 *
 * Owners are small integers (a worker's slot; 0 when run alone).
 */
#ifndef HERD_SYNC_H
#define HERD_SYNC_H

#include <stddef.h>

#include "util.h"

struct hd_sync;

struct hd_sync *hd_sync_new(void);
void hd_sync_free(struct hd_sync *s);

/*
 * Asks for lock name for owner: 1 granted now, 0 queued (the owner is told
 * later, by hd_sync_unlock's return), -1 owner already holds or waits for it.
 */
int hd_sync_lock(struct hd_sync *s, const char *name, int owner);
/* Nonzero while owner waits in some lock's queue. */
int hd_sync_waiting(const struct hd_sync *s, int owner);
/* Releases name held by owner; returns the waiter now granted it, or -1. */
int hd_sync_unlock(struct hd_sync *s, const char *name, int owner);
/*
 * Releases every lock owner holds and drops it from every wait queue; the
 * names it held go to held (one per line) and each waiter granted a lock is
 * passed to grant(cookie, name, new_owner).
 */
void hd_sync_release_all(struct hd_sync *s, int owner, struct buf *held,
			 void (*grant)(void *cookie, const char *name, int owner),
			 void *cookie);

void hd_sync_board_set(struct hd_sync *s, const char *key, const void *value, size_t len);
/* The value and its length, or NULL when the key is unset. */
const char *hd_sync_board_get(struct hd_sync *s, const char *key, size_t *len);

/*
 * pytest-mp's mp_trail: start returns 1 when the counter did not exist (it is
 * then 1), else increments and returns 0; finish decrements and returns 1
 * when it reaches zero (the trail is then removed), 0 otherwise or when the
 * trail does not exist.
 */
int hd_sync_trail(struct hd_sync *s, const char *name, int start);

struct hd_msg;

/*
 * Serves m if it is a lock, board or trail request of owner, appending the
 * encoded reply to reply (nothing while a lock is awaited: the grant comes
 * later); the controller and a binary run alone both answer with it. A
 * waiter granted a lock by an unlock is passed to grant (may be NULL).
 * Returns 1 when m was such a request, 0 when not.
 */
int hd_sync_serve(struct hd_sync *s, int owner, const struct hd_msg *m, struct buf *reply,
		  void (*grant)(void *cookie, const char *name, int owner), void *cookie);

#endif

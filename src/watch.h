/*
 * watch.h - waiting for test binaries to change, for -f/--looponfail.
 *
 * A watch is armed before the run whose results it follows, so that a
 * rebuild that finishes while tests are still running is not missed: the
 * kernel queues the events until hd_watch_next reads them.
 *
 *	w = hd_watch_open(paths, n);
 *	run the tests;
 *	switch (hd_watch_next(w, sigfd)) { ... }
 *	hd_watch_close(w);
 *
 * Linux only (inotify); elsewhere hd_watch_open fails with ENOSYS.
 */
#ifndef HERD_WATCH_H
#define HERD_WATCH_H

#include <stddef.h>

struct hd_watch;

/* Milliseconds without a further event before a change is reported: a
 * linker writes in several steps, and make may relink several binaries. */
#define HD_WATCH_QUIET_MS 200

/*
 * Starts watching the n files (copied). Each file's folder is watched, not
 * the file, because a rebuild usually replaces the file: a write, a rename
 * onto it, a new file of that name, or a change of its mode counts. The
 * folders must exist; the files need not. NULL with errno on failure.
 */
struct hd_watch *hd_watch_open(const char *const *paths, size_t n);

/*
 * Blocks until one of the files changes (including changes made since the
 * watch was opened or last returned), then until HD_WATCH_QUIET_MS pass
 * without another, and returns 1: all those events are consumed. Returns 0
 * as soon as sigfd (unless -1) becomes readable, which it does not read:
 * that is the caller's interrupt, and it wins over a change. Returns -1 with
 * errno on error, ENOENT when a watched folder was removed.
 */
int hd_watch_next(struct hd_watch *w, int sigfd);

/* Stops watching and frees w (NULL is fine). */
void hd_watch_close(struct hd_watch *w);

#endif

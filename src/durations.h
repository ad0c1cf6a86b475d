/*
 * durations.h - pytest-split's .test_durations, read into and written from
 * the cache (cache.h): the controller's alone, since it needs a JSON reader.
 */
#ifndef HERD_DURATIONS_H
#define HERD_DURATIONS_H

struct buf;
struct hd_cache;

/*
 * pytest-split's .test_durations: one JSON object, node id -> seconds.
 * Import sets the duration of every id in the file and leaves other ids
 * alone; the file must be exactly that shape (strict JSON, string keys, finite
 * numbers >= 0). Returns 0, or -1 with c unchanged and a one-line reason
 * naming the byte offset appended to err.
 */
int hd_durations_import(struct hd_cache *c, const char *path, struct buf *err);
/* Writes every known duration to path as that object, sorted by id, one
 * entry per line, through a temporary name. Returns 0, or -1 and a reason. */
int hd_durations_export(const struct hd_cache *c, const char *path, struct buf *err);

#endif

/*
 * listing.h - herd build's collection cache (docs/tasks.md, State): what a
 * test binary's worker listed, kept in .herd/state.db with the binary's
 * identity, so that a build whose binaries did not change takes their lists
 * from there and starts a worker only when a task must run.
 *
 * A binary's cache goes through three hands: listing_lookup (on the thread
 * that opens the state) finds its row and checks it against the binary;
 * listing_apply (the main thread) replays it, or has its worker's list kept
 * while it lists (listing_hello, listing_keep, listing_end in dispatch.c and
 * collect.c); listing_save, after the build, stores what was kept.
 */
#ifndef HERD_LISTING_H
#define HERD_LISTING_H

#include <stddef.h>

#include "ctl.h"
#include "proto.h"
#include "state.h"

struct listing;

/* On the state's thread: binary's cached list if it still stands for the
 * binary, else what it takes to store a new one; NULL when the binary
 * cannot be read. Touches nothing but s and the binary's file. */
struct listing *listing_lookup(struct state *s, const char *binary);
/* Gives b its lookup l (NULL: none): a cached list is replayed (b is then
 * collected); else, when keep, its worker's list is kept to be stored. */
void listing_apply(struct ctl *c, struct binary *b, struct listing *l, int keep);

/* Its worker said hello in m: only libherd's lists, of herd's version, are kept. */
void listing_hello(struct listing *l, const struct hd_msg *m);
/* A message of its worker's list (item, fixture), kept. */
void listing_keep(struct listing *l, const struct hd_msg *m);
/* Its list ended: n items of that hash. */
void listing_end(struct listing *l, size_t n, uint64_t hash);
/* A worker listed other items than the cached list: it is forgotten. */
void listing_differs(struct listing *l);

/* After the build: stores the lists kept, forgets those that differed. */
void listing_save(struct ctl *c, struct state *s);

#endif

/*
 * shard.h - ordering items by expected duration and splitting a selection
 * into CI shards (--shard K/N), as pytest-split's least_duration does.
 *
 * Every function here is a pure function of its inputs: given the same ids
 * in the same (collection) order and the same durations, every machine
 * computes the same order and the same split. Sums are taken in a fixed
 * order and ties are broken by index, never by anything that depends on
 * the platform's sort or on memory addresses.
 */
#ifndef HERD_SHARD_H
#define HERD_SHARD_H

#include <stddef.h>

/*
 * Writes into order[0..n) the indices 0..n-1, longest duration first. A
 * duration that is negative or not finite is unknown and counts as the mean
 * of the known ones (1 second when none is known). Equal durations keep
 * their original order.
 */
void hd_lpt_order(const double *secs, size_t n, size_t *order);

/*
 * Assigns each of the n items, given in collection order, to a shard:
 * shard_of[i] in [0, nshards). With at least one known duration this is LPT:
 * items longest first (as hd_lpt_order), each into the shard with the
 * smallest sum so far; a tie on the sum goes to the shard with fewer items,
 * then to the lowest shard (so that items of duration 0 still spread).
 * With no known duration at all, items are dealt round robin in collection
 * order. nshards 0 is taken as 1.
 */
void hd_shard_split(const double *secs, size_t n, unsigned nshards, unsigned *shard_of);

/* Largest shard sum over the ideal (total / nshards), unknown durations
 * counted as hd_lpt_order does; 1 when the total is 0. For benchmarks. */
double hd_shard_imbalance(const double *secs, size_t n, unsigned nshards,
			  const unsigned *shard_of);

/* Parses "K/N" (1 <= K <= N <= HD_SHARD_MAX, decimal digits only) into
 * *k (1-based) and *n. Returns 0, or -1 leaving them alone. */
#define HD_SHARD_MAX 10000
int hd_shard_parse(const char *spec, unsigned *k, unsigned *n);

/*
 * FNV-1a 64 of the n ids joined with '\n', as 16 lowercase hex digits and a
 * NUL in out: the fingerprint of a selection that every shard of one run
 * records, so that herd merge can tell shards of different runs apart.
 * Returns 0.
 */
int hd_collection_hash(const char *const *ids, size_t n, char out[17]);

#endif

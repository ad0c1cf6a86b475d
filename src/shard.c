/*
 * shard.c - see shard.h.
 *
 * LPT (longest processing time first) is Graham's rule: sort the jobs longest
 * first and give each to the least loaded machine. Its makespan is at most
 * 4/3 - 1/(3m) of the optimum, and on the many-small-items suites of real
 * projects it lands within a fraction of a percent of total/m. The least
 * loaded shard is kept in a binary heap, so a split costs O(n log n) for the
 * sort plus O(n log shards), whatever the number of shards.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shard.h"
#include "util.h"

static int
known(double s)
{
	return isfinite(s) && s >= 0;
}

/*
 * The duration each item counts for: its own, or the mean of the known ones.
 * Returns the number of known durations.
 */
static size_t
effective(const double *secs, size_t n, double *eff)
{
	double sum = 0, mean;
	size_t i, nknown = 0;

	/* Summed in index order: the same rounding on every machine. */
	for (i = 0; i < n; i++)
		if (known(secs[i])) {
			sum += secs[i];
			nknown++;
		}
	mean = nknown ? sum / (double)nknown : 1.0;
	for (i = 0; i < n; i++)
		eff[i] = known(secs[i]) ? secs[i] : mean;
	return nknown;
}

struct keyed {
	double d;
	size_t i;
};

/* Longest first, then by index: a total order, so qsort's instability is moot. */
static int
by_duration_desc(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;

	if (x->d != y->d)
		return x->d > y->d ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static void
order_eff(const double *eff, size_t n, size_t *order)
{
	struct keyed *k = xreallocarray(NULL, n, sizeof(*k));
	size_t i;

	for (i = 0; i < n; i++)
		k[i].d = eff[i], k[i].i = i;
	qsort(k, n, sizeof(*k), by_duration_desc);
	for (i = 0; i < n; i++)
		order[i] = k[i].i;
	free(k);
}

void
hd_lpt_order(const double *secs, size_t n, size_t *order)
{
	double *eff = xreallocarray(NULL, n, sizeof(*eff));

	effective(secs, n, eff);
	order_eff(eff, n, order);
	free(eff);
}

struct bin {
	double sum;
	size_t count;
	unsigned idx;
};

/* Whether bin a is to be filled before bin b. */
static int
before(const struct bin *a, const struct bin *b)
{
	if (a->sum != b->sum)
		return a->sum < b->sum;
	if (a->count != b->count)
		return a->count < b->count;
	return a->idx < b->idx;
}

/* Restores the heap below position i after heap[i] grew. */
static void
sift_down(struct bin *heap, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		struct bin t;

		if (l < n && before(&heap[l], &heap[m]))
			m = l;
		if (r < n && before(&heap[r], &heap[m]))
			m = r;
		if (m == i)
			return;
		t = heap[i], heap[i] = heap[m], heap[m] = t;
		i = m;
	}
}

void
hd_shard_split(const double *secs, size_t n, unsigned nshards, unsigned *shard_of)
{
	double *eff;
	size_t *order, i;
	struct bin *heap;

	if (nshards == 0)
		nshards = 1;
	eff = xreallocarray(NULL, n, sizeof(*eff));
	if (!effective(secs, n, eff)) {
		/* Nothing to balance on: equal counts, in collection order. */
		for (i = 0; i < n; i++)
			shard_of[i] = (unsigned)(i % nshards);
		free(eff);
		return;
	}
	order = xreallocarray(NULL, n, sizeof(*order));
	order_eff(eff, n, order);
	/* All bins empty, by index: already a heap. */
	heap = xreallocarray(NULL, nshards, sizeof(*heap));
	for (i = 0; i < nshards; i++) {
		heap[i].sum = 0;
		heap[i].count = 0;
		heap[i].idx = (unsigned)i;
	}
	for (i = 0; i < n; i++) {
		shard_of[order[i]] = heap[0].idx;
		heap[0].sum += eff[order[i]];
		heap[0].count++;
		sift_down(heap, nshards, 0);
	}
	free(heap);
	free(order);
	free(eff);
}

double
hd_shard_imbalance(const double *secs, size_t n, unsigned nshards, const unsigned *shard_of)
{
	double *eff, *sums, total = 0, max = 0;
	size_t i;

	if (nshards == 0)
		nshards = 1;
	eff = xreallocarray(NULL, n, sizeof(*eff));
	sums = xcalloc(nshards, sizeof(*sums));
	effective(secs, n, eff);
	for (i = 0; i < n; i++) {
		if (shard_of[i] < nshards)
			sums[shard_of[i]] += eff[i];
		total += eff[i];
	}
	for (i = 0; i < nshards; i++)
		if (sums[i] > max)
			max = sums[i];
	free(sums);
	free(eff);
	return total > 0 ? max / (total / nshards) : 1.0;
}

/* Decimal digits only, at most 5 of them (the limit is 10000): no sign,
 * no spaces, no overflow. Returns the end, or NULL. */
static const char *
small_number(const char *s, unsigned *v)
{
	size_t i;

	*v = 0;
	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
		if (i == 5)
			return NULL;
		*v = *v * 10 + (unsigned)(s[i] - '0');
	}
	return i ? s + i : NULL;
}

int
hd_shard_parse(const char *spec, unsigned *k, unsigned *n)
{
	unsigned a, b;
	const char *p;

	if (!spec || !(p = small_number(spec, &a)) || *p != '/')
		return -1;
	if (!(p = small_number(p + 1, &b)) || *p)
		return -1;
	if (a < 1 || a > b || b > HD_SHARD_MAX)
		return -1;
	*k = a;
	*n = b;
	return 0;
}

int
hd_collection_hash(const char *const *ids, size_t n, char out[17])
{
	uint64_t h = HD_FNV_BASIS;
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			h = hd_fnv1a(h, "\n", 1);
		h = hd_fnv1a(h, ids[i], strlen(ids[i]));
	}
	for (i = 0; i < 16; i++)
		out[i] = "0123456789abcdef"[h >> (60 - 4 * i) & 0xf];
	out[16] = '\0';
	return 0;
}

/* Unit tests of longest-first ordering and CI sharding (src/shard.c). */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <herd.h>

#include "shard.h"
#include "util.h"

#define ORDER_EQ(secs, ...) do { \
	static const size_t want_[] = { __VA_ARGS__ }; \
	size_t got_[LEN(secs)], i_; \
	hd_lpt_order(secs, LEN(secs), got_); \
	for (i_ = 0; i_ < LEN(secs); i_++) \
		CHECK_EQ(got_[i_], want_[i_], "position %zu", i_); \
} while (0)

#define SPLIT_EQ(secs, nshards, ...) do { \
	static const unsigned want_[] = { __VA_ARGS__ }; \
	unsigned got_[LEN(secs)]; \
	size_t i_; \
	hd_shard_split(secs, LEN(secs), nshards, got_); \
	for (i_ = 0; i_ < LEN(secs); i_++) \
		CHECK_EQ(got_[i_], want_[i_], "item %zu", i_); \
} while (0)

TEST(lpt, longest_first)
{
	static const double a[] = { 3, 1, 2 };
	static const double b[] = { 0.5, 10, 0.25, 7.5, 0 };

	ORDER_EQ(a, 0, 2, 1);
	ORDER_EQ(b, 1, 3, 0, 2, 4);
}

TEST(lpt, ties_keep_collection_order)
{
	static const double a[] = { 1, 2, 1, 2, 1 };
	static const double b[] = { 0, 0, 0, 0 };

	ORDER_EQ(a, 1, 3, 0, 2, 4);
	ORDER_EQ(b, 0, 1, 2, 3);
}

TEST(lpt, unknown_counts_as_the_mean)
{
	/* Known 4 and 2: the unknown counts 3, between them. */
	static const double a[] = { 4, -1, 2 };
	/* Known 1 and 5, mean 3; an unknown equal to a known 3 ties: index order. */
	static const double b[] = { -1, 1, 5, 3 };
	/* NaN and infinity are not durations either. */
	static const double c[] = { 1, NAN, 3, INFINITY };
	static const double none[] = { -1, -1, -1 };

	ORDER_EQ(a, 0, 1, 2);
	ORDER_EQ(b, 2, 0, 3, 1);
	ORDER_EQ(c, 2, 1, 3, 0);
	ORDER_EQ(none, 0, 1, 2);
	hd_lpt_order(NULL, 0, NULL);
}

TEST(shard_split, hand_checked)
{
	/* Graham's example: LPT gives 8 and 10 where 9 and 9 exist. */
	static const double a[] = { 5, 4, 3, 3, 3 };
	/* Equal sums go to the shard with fewer items, then the lowest. */
	static const double b[] = { 2, 2, 2, 2 };
	static const double zero[] = { 0, 0, 0, 0, 0 };
	/* Unknown 1 and 3 count as the mean 2 of 1 and 3... */
	static const double c[] = { 1, -1, 3, -1 };

	SPLIT_EQ(a, 2, 0, 1, 1, 0, 1);
	SPLIT_EQ(b, 2, 0, 1, 0, 1);
	SPLIT_EQ(zero, 4, 0, 1, 2, 3, 0);
	/* ...order 2 (3), 1 (2), 3 (2), 0 (1): 3 | 2 | then 2 to shard 1, 1 to 0. */
	SPLIT_EQ(c, 2, 0, 1, 0, 1);
	SPLIT_EQ(a, 1, 0, 0, 0, 0, 0);
	SPLIT_EQ(a, 0, 0, 0, 0, 0, 0);
}

TEST(shard_split, no_durations_deals_round_robin)
{
	static const double none[] = { -1, -1, -1, -1, -1, -1, -1 };

	SPLIT_EQ(none, 3, 0, 1, 2, 0, 1, 2, 0);
	SPLIT_EQ(none, 10, 0, 1, 2, 3, 4, 5, 6);
}

/* A deterministic generator (xorshift64*), the same on every machine. */
static unsigned long long rng_state;

static double
uniform01(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	/* 53 random bits, never exactly 0, so the log below is finite. */
	return ((double)((rng_state * 2685821657736338717ull) >> 11) + 0.5) / 9007199254740992.0;
}

/* Lognormal(mu, sigma) by Box-Muller. */
static void
lognormal(double *v, size_t n, double mu, double sigma, unsigned long long seed)
{
	size_t i;

	rng_state = seed;
	for (i = 0; i < n; i++) {
		double u = uniform01(), w = uniform01();

		v[i] = exp(mu + sigma * sqrt(-2 * log(u)) * cos(2 * M_PI * w));
	}
}

static const unsigned nshards_cases[] = { 1, 2, 3, 4, 5, 6, 7 };

TEST_P(shard_split, covers_every_index_once, nshards_cases)
{
	unsigned nshards = *(const unsigned *)herd_param(), *shard_of, k;
	size_t n = 53, i, seen_total = 0, *seen;
	double *secs = xmalloc(n * sizeof(*secs));
	int pass;

	/* Pass 0: durations with some unknown; pass 1: none known. */
	for (pass = 0; pass < 2; pass++) {
		lognormal(secs, n, -2, 1.2, 42 + nshards);
		for (i = 0; i < n; i++)
			if (pass == 1 || i % 5 == 0)
				secs[i] = -1;
		shard_of = xmalloc(n * sizeof(*shard_of));
		for (i = 0; i < n; i++)
			shard_of[i] = UINT_MAX;
		hd_shard_split(secs, n, nshards, shard_of);
		seen = xcalloc(n, sizeof(*seen));
		seen_total = 0;
		/* Each shard K/N lists its own items, as N machines would. */
		for (k = 0; k < nshards; k++) {
			size_t mine = 0;

			for (i = 0; i < n; i++)
				if (shard_of[i] == k) {
					seen[i]++;
					mine++;
				}
			CHECK_GT(mine, 0, "shard %u of %u is empty", k + 1, nshards);
			seen_total += mine;
		}
		CHECK_EQ(seen_total, n);
		for (i = 0; i < n; i++)
			CHECK_EQ(seen[i], 1, "item %zu, %u shards, pass %d", i, nshards, pass);
		free(seen);
		free(shard_of);
	}
	free(secs);
}

TEST(shard_split, lognormal_imbalance_within_5_percent)
{
	double secs[1000], imb, rr;
	unsigned a[1000], b[1000], robin[1000];
	double none[1000];
	size_t i;

	/* Median 50 ms, a heavy tail: a few items take seconds. */
	lognormal(secs, 1000, log(0.05), 1.5, 20240601);
	hd_shard_split(secs, 1000, 4, a);
	imb = hd_shard_imbalance(secs, 1000, 4, a);
	printf("LPT imbalance over 1000 lognormal durations, 4 shards: %.6f\n", imb);
	CHECK_DOUBLE_LE(imb, 1.05);
	CHECK_DOUBLE_GE(imb, 1.0);
	/* The same inputs give the same split. */
	hd_shard_split(secs, 1000, 4, b);
	CHECK_MEM_EQ(a, b, sizeof(a));
	/* Dealing by count ignores durations and does worse. */
	for (i = 0; i < 1000; i++)
		none[i] = -1;
	hd_shard_split(none, 1000, 4, robin);
	rr = hd_shard_imbalance(secs, 1000, 4, robin);
	printf("round robin on the same durations: %.6f\n", rr);
	CHECK(rr > imb, "%f vs %f", rr, imb);
}

TEST(shard_split, within_grahams_bound)
{
	/* Graham: any greedy list schedule, LPT included, ends by the mean load
	 * plus (1 - 1/m) of the longest item. Checked on heavy-tailed inputs. */
	double secs[40], sums[6];
	unsigned shard_of[40], m;
	unsigned long long seed;
	size_t i;

	for (seed = 1; seed <= 50; seed++)
		for (m = 2; m <= 6; m++) {
			double total = 0, max = 0, makespan = 0;

			lognormal(secs, 40, 0, 2.0, seed);
			hd_shard_split(secs, 40, m, shard_of);
			memset(sums, 0, sizeof(sums));
			for (i = 0; i < 40; i++) {
				total += secs[i];
				max = secs[i] > max ? secs[i] : max;
				sums[shard_of[i]] += secs[i];
			}
			for (i = 0; i < m; i++)
				makespan = sums[i] > makespan ? sums[i] : makespan;
			CHECK_DOUBLE_LE(makespan, total / m + max * (1 - 1.0 / m) + 1e-9,
				 "seed %llu, %u shards", seed, m);
		}
}

TEST(shard_split, large_and_many_shards)
{
	size_t n = 200000, i;
	double *secs = xmalloc(n * sizeof(*secs));
	unsigned *shard_of = xmalloc(n * sizeof(*shard_of));
	size_t *count = xcalloc(HD_SHARD_MAX, sizeof(*count));

	lognormal(secs, n, -4, 1, 7);
	hd_shard_split(secs, n, HD_SHARD_MAX, shard_of);
	for (i = 0; i < n; i++) {
		REQUIRE_LT(shard_of[i], HD_SHARD_MAX);
		count[shard_of[i]]++;
	}
	for (i = 0; i < HD_SHARD_MAX; i++)
		CHECK_GT(count[i], 0, "shard %zu", i);
	free(count);
	free(shard_of);
	free(secs);
}

TEST(shard_parse, accepts)
{
	unsigned k = 0, n = 0;

	CHECK_EQ(hd_shard_parse("1/1", &k, &n), 0);
	CHECK_EQ(k, 1);
	CHECK_EQ(n, 1);
	CHECK_EQ(hd_shard_parse("3/4", &k, &n), 0);
	CHECK_EQ(k, 3);
	CHECK_EQ(n, 4);
	CHECK_EQ(hd_shard_parse("10000/10000", &k, &n), 0);
	CHECK_EQ(k, 10000);
	CHECK_EQ(hd_shard_parse("07/10", &k, &n), 0);
	CHECK_EQ(k, 7);
	CHECK_EQ(n, 10);
}

TEST(shard_parse, rejects)
{
	static const char *const bad[] = {
		"", "/", "1", "1/", "/2", "0/4", "5/4", "1/0", "0/0", "1/10001",
		"10001/10001", "a/b", "1/2/3", " 1/2", "1/2 ", "-1/2", "+1/2", "1//2",
		"1.0/2", "1/2x", "4294967297/4294967297", "99999999999999999999/1",
		"1 / 2", "1:2",
	};
	unsigned k = 77, n = 77;
	size_t i;

	for (i = 0; i < LEN(bad); i++)
		CHECK_EQ(hd_shard_parse(bad[i], &k, &n), -1, "'%s'", bad[i]);
	CHECK_EQ(hd_shard_parse(NULL, &k, &n), -1);
	CHECK_EQ(k, 77, "left alone");
	CHECK_EQ(n, 77);
}

TEST(collection_hash, fnv1a_64)
{
	static const char *const a[] = { "a" };
	static const char *const ab[] = { "a", "b" };
	static const char *const ba[] = { "b", "a" };
	static const char *const joined[] = { "a\nb" };
	static const char *const foobar[] = { "foobar" };
	char h[17], h2[17];

	CHECK_EQ(hd_collection_hash(NULL, 0, h), 0);
	CHECK_STR_EQ(h, "cbf29ce484222325");	/* the offset basis */
	hd_collection_hash(a, 1, h);
	CHECK_STR_EQ(h, "af63dc4c8601ec8c");	/* the published test vectors */
	hd_collection_hash(foobar, 1, h);
	CHECK_STR_EQ(h, "85944171f73967e8");
	hd_collection_hash(ab, 2, h);
	CHECK_STR_EQ(h, "e5beb1190415e670");
	/* Joined with '\n': order matters, and it is the joined text that counts. */
	hd_collection_hash(ba, 2, h2);
	CHECK_STR_NE(h, h2);
	hd_collection_hash(joined, 1, h2);
	CHECK_STR_EQ(h, h2);
}

/* The assertion macros, driven through the real runner: each comparison that
 * must hold is a CHECK here; the failing side is proved by the e2e tests,
 * which read the messages. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>

#include <herd.h>

TEST(assert, mixed_signedness)
{
	unsigned long long big = ULLONG_MAX;
	long long neg = LLONG_MIN;

	CHECK_LT(-1, 0u);		/* no conversion of -1 to UINT_MAX */
	CHECK_GT(big, -1);
	CHECK_LT(neg, big);
	CHECK_NE(big, -1);
	CHECK_EQ((unsigned char)200, 200);
	CHECK_LE(INTMAX_MIN, 0);
	CHECK_GE(UINTMAX_MAX, INTMAX_MAX);
}

TEST(assert, evaluates_once)
{
	int i = 0;

	CHECK_EQ(i++, 0);
	CHECK_EQ(i, 1);
	CHECK_STR_EQ(i++ ? "x" : "y", "x");
	CHECK_EQ(i, 2);
}

TEST(assert, strings_and_memory)
{
	const char *n = NULL;
	unsigned char a[4] = { 1, 2, 3, 4 }, b[4] = { 1, 2, 3, 4 };

	CHECK_STR_EQ("abc", "abc");
	CHECK_STR_NE("abc", "abd");
	CHECK_STR_NE(n, "x");
	CHECK_STR_EQ(n, NULL);
	CHECK_MEM_EQ(a, b, sizeof(a));
	CHECK_NEAR(0.1 + 0.2, 0.3, 1e-12);
	CHECK_NULL(n);
	CHECK_NOT_NULL(a);
}

TEST(assert, return_values)
{
	/* A passing assertion returns nonzero, so it can guard what follows. */
	CHECK(CHECK_EQ(1, 1));
	CHECK(CHECK_STR_EQ("a", "a", "with a message %d", 1));
}

static const char *words[] = { "alpha", "beta" };

TEST_P(assert, param_pointer, words)
{
	const char *const *w = herd_param();

	REQUIRE_NOT_NULL(w);
	CHECK_STR_EQ(*w, words[herd_param_index()]);
}

TEST(assert, outside_param_is_null)
{
	CHECK_NULL(herd_param());
	CHECK_STR_EQ(herd_test_id(), "tests/unit/test_assert.c::assert::outside_param_is_null");
	if (!getenv("HERD_WORKER")) {
		CHECK_STR_EQ(herd_worker_id(), "main");
		CHECK_EQ(herd_worker_count(), 1);
	}
}

/*
 * select.c - tests with marks and parameters for selection (-k, -m), node ids
 * and ordering; run by select.sh, linked after select2.c.
 */
#define _POSIX_C_SOURCE 200809L
#include <herd.h>

#include "e2e.h"

TEST(math, add, .marks = "fast")
{
	CHECK_EQ(1 + 1, 2);
}

TEST(math, sub, .marks = "fast")
{
	CHECK_EQ(3 - 1, 2);
}

TEST(math, slow_mul, .marks = "slow")
{
	CHECK_EQ(2 * 3, 6);
}

TEST(net, connect, .marks = "slow net")
{
	CHECK(1);
}

TEST(net, Resolve, .marks = "net")
{
	CHECK(1);
}

TEST(io, read)
{
	CHECK(1);
}

static const int sizes[] = { 1, 16, 4096 };

TEST_P(buf, grows, sizes)
{
	const int *n = herd_param();

	REQUIRE_NOT_NULL(n);
	CHECK_EQ(*n, sizes[herd_param_index()]);
}

struct bcase {
	const char *id;
	size_t len;
};

static const struct bcase cases[] = {
	{ "empty", 0 }, { "small", 3 }, { "large", 1000 }
};

static void case_id(char *buf, size_t size, const void *p)
{
	snprintf(buf, size, "%s", ((const struct bcase *)p)->id);
}

TEST_P(buf, named, cases, .param_id = case_id)
{
	const struct bcase *c = herd_param();
	char want[64];

	REQUIRE_NOT_NULL(c);
	CHECK_EQ(c->len, cases[herd_param_index()].len);
	snprintf(want, sizeof want, "::buf::named[%s]", c->id);
	CHECK(strstr(herd_test_id(), want) != NULL, "herd_test_id() is %s", herd_test_id());
}

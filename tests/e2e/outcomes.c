/*
 * outcomes.c - one test per outcome a well-behaved test can have; run by
 * outcomes.sh. The checks there name these tests by suite and name, and the
 * order of the tests below is the order they expect.
 */
#define _POSIX_C_SOURCE 200809L
#include <herd.h>

#include "e2e.h"

TEST(basic, passes)
{
	CHECK_EQ(2 + 2, 4);
}

TEST(basic, fails)
{
	int got = 41;

	CHECK_EQ(got, 42, "the answer was off by one");
}

TEST(basic, skipped_opt, .skip = "not written yet")
{
	e2e_log("ran.log", "skipped_opt\n");
	CHECK(0);
}

TEST(basic, skipped_rt)
{
	herd_skip("no network here");
	e2e_log("ran.log", "skipped_rt after herd_skip\n");
	CHECK(0);
}

TEST(basic, xfails, .xfail = "issue 12")
{
	CHECK_EQ(1, 2);
}

TEST(basic, xpasses, .xfail = "issue 13")
{
	CHECK_EQ(1, 1);
}

TEST(basic, xpass_strict, .xfail = "issue 14", .strict = 1)
{
	CHECK_EQ(1, 1);
}

/*
 * ctl_basic_b.c - the other half of the 40-item suite of ctl_basic.sh:
 * suites b1 and b2, ten items each, one failing and one expected to fail.
 */
#define _POSIX_C_SOURCE 200809L
#include <herd.h>

#include "e2e.h"

static const int eight[8];

static void
note(void)
{
	e2e_log("runs.log", "%s %s %ld %ld\n", herd_test_id(), herd_worker_id(),
		(long)getpid(), (long)getppid());
}

TEST_P(b1, item, eight)
{
	note();
}

TEST(b1, fails)
{
	note();
	CHECK_EQ(1 + 1, 3);
}

/* Shares its group with a1::grouped in ctl_basic_a.c. */
TEST(b1, grouped, .group = "pair")
{
	note();
}

TEST_P(b2, item, eight)
{
	note();
}

TEST(b2, known_bug, .xfail = "issue 1")
{
	note();
	CHECK(0);
}

TEST(b2, marked, .marks = "slow fast")
{
	note();
}

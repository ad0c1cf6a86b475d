/*
 * timeout.c - --timeout and .timeout: which one applies. Run by timeout.sh.
 */
#define _POSIX_C_SOURCE 200809L
#include <herd.h>

#include <time.h>

#include "e2e.h"

TEST(to, spin_default)
{
	e2e_spin();
}

TEST(to, own_short, .timeout = 1)
{
	e2e_block();
}

/* Outlives --timeout 1 by far, but its own limit is generous. */
TEST(to, own_long, .timeout = 120)
{
	struct timespec ts = { 3, 0 };

	while (nanosleep(&ts, &ts) != 0)
		;
	CHECK(1);
}

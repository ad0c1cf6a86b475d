/*
 * hist_loop.c - two items for hist_loop.sh, herd -f: lp::flip fails until
 * the file named by $HIST_FIXED exists; lp::ok always passes. Each appends
 * its id to runs.log when it runs.
 */
#define _POSIX_C_SOURCE 200809L
#include <herd.h>

#include "e2e.h"

TEST(lp, flip)
{
	const char *fixed = getenv("HIST_FIXED");

	e2e_log("runs.log", "%s\n", herd_test_id());
	CHECK(fixed && access(fixed, F_OK) == 0, "not fixed yet: no file %s", fixed ? fixed : "(unset)");
}

TEST(lp, ok)
{
	e2e_log("runs.log", "%s\n", herd_test_id());
}

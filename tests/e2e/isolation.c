/*
 * isolation.c - what --isolation fork and --isolation none each promise:
 * a process per item and no state carried over, or one process; runtime API
 * values of a standalone run. Run by isolation.sh.
 */
#define _POSIX_C_SOURCE 200809L
#include <herd.h>

#include "e2e.h"

static int counter;

TEST(state, first)
{
	counter++;
	e2e_log("pids.log", "%ld\n", (long)getpid());
}

TEST(state, second)
{
	e2e_log("pids.log", "%ld\n", (long)getpid());
	CHECK_EQ(counter, 0, "state left over from state::first");
}

TEST(state, third)
{
	e2e_log("pids.log", "%ld\n", (long)getpid());
}

TEST(api, standalone)
{
	CHECK_STR_EQ(herd_test_id(), "tests/e2e/isolation.c::api::standalone");
	CHECK_STR_EQ(herd_worker_id(), "main");
	CHECK_NULL(herd_param());
}

TEST(mixed, fails)
{
	CHECK(0);
	e2e_log("mixed.log", "fails went on\n");
}

TEST(mixed, requires)
{
	REQUIRE(0);
	e2e_log("mixed.log", "requires went on\n");
}

TEST(mixed, skips)
{
	herd_skip("not today");
	e2e_log("mixed.log", "skips went on\n");
}

TEST(mixed, passes)
{
	e2e_log("mixed.log", "passes ran\n");
}

TEST(boom, dies)
{
	e2e_segfault();
}

TEST(boom, later)
{
	CHECK(1);
}

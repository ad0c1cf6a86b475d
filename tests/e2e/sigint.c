/*
 * sigint.c - tests for interrupting a run: sigint.sh sends SIGINT to the
 * runner once a blocking test has written its pid to a file.
 */
#define _POSIX_C_SOURCE 200809L
#include <herd.h>

#include <signal.h>

#include "e2e.h"

TEST(intr_a, before)
{
	CHECK(1);
}

TEST(intr_a, blocks)
{
	e2e_log("blocks.pid", "%ld\n", (long)getpid());
	e2e_block();
}

TEST(intr_a, after)
{
	e2e_log("after.log", "ran\n");
}

/* Ignores SIGINT and SIGTERM: only SIGKILL ends it. */
TEST(intr_b, stubborn)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	e2e_log("stubborn.pid", "%ld\n", (long)getpid());
	e2e_block();
}

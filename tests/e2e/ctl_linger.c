/*
 * ctl_linger.c - for ctl_crash.sh: a test that leaves a child behind, asleep
 * for ever, holding every descriptor the test had; then four plain tests.
 * The run must still end, and the child must not outlive it.
 */
#define _POSIX_C_SOURCE 200809L
#include <herd.h>

#include "e2e.h"

static const int four[4];

TEST(linger, child)
{
	pid_t pid = fork();

	REQUIRE(pid >= 0, "fork failed");
	if (pid == 0)
		e2e_block();
	e2e_log("linger.pid", "%ld\n", (long)pid);
}

TEST_P(linger, after, four)
{
	e2e_log("runs.log", "%s %s\n", herd_test_id(), herd_worker_id());
}

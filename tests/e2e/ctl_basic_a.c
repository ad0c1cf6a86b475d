/*
 * ctl_basic_a.c - half of the 40-item suite of ctl_basic.sh (with
 * ctl_basic_b.c): suites a1 and a2, ten items each. Every item that runs logs
 * its node id, worker name, pid and parent pid (its worker, with fork
 * isolation) to runs.log, so the script can tell where each item ran.
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

static const char *
env_or_dash(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : "-";
}

TEST_P(a1, item, eight)
{
	note();
}

/* What a test sees of the run: variables, then the API's view of them. */
TEST(a1, env)
{
	note();
	e2e_log("env.log", "%s %s %s %s %d %s\n", env_or_dash("HERD_WORKER"),
		env_or_dash("HERD_WORKER_COUNT"), env_or_dash("HERD_TESTRUN_UID"),
		herd_worker_id(), herd_worker_count(), herd_testrun_uid());
}

/* Shares its group with b1::grouped in ctl_basic_b.c. */
TEST(a1, grouped, .group = "pair")
{
	note();
}

TEST_P(a2, item, eight)
{
	note();
}

TEST(a2, marked, .marks = "slow")
{
	note();
}

TEST(a2, skipped, .skip = "not today")
{
	note();
}

/*
 * remote_ssh.c - the tests remote_ssh.sh runs on workers behind sshd and on
 * local ones, and compares.
 *
 * outcome: one test of each outcome, the same wherever it runs.
 * pool: items using a global fixture (which publishes a value on the board),
 * each holding a lock across all workers for a moment. Each logs to
 * "pool.log" (in E2E_DIR, or the working directory: the far side's is the
 * script's folder) one line
 *   KIND <start ns> <end ns> <worker> <worker count> near|far <board value>
 * KIND SETUP, TEARDOWN or ITEM; "far" when sshd started it (E2E_SSH).
 * Both sides are this machine: their CLOCK_MONOTONIC times compare. A far
 * item leaves "far-started"; with E2E_GATE set, a near item first waits for
 * it (bounded), so that the local worker cannot run everything before the
 * host has started.
 */
#define _POSIX_C_SOURCE 200809L
#include <herd.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "e2e.h"

TEST(outcome, passes) { CHECK_EQ(2 + 2, 4); }
TEST(outcome, fails) { CHECK_EQ(2 + 2, 5); }
TEST(outcome, requires) { REQUIRE_STR_EQ("far", "near"); CHECK(0); }

TEST(outcome, prints_and_fails)
{
	printf("to stdout: a line\n");
	fprintf(stderr, "to stderr: another\n");
	CHECK(0, "printed, then failed");
}

TEST(outcome, skipped, .skip = "not here") { }
TEST(outcome, skips_at_run_time) { herd_skip("skipped at run time"); }
TEST(outcome, xfails, .xfail = "known bug") { CHECK(0); }
TEST(outcome, xpasses, .xfail = "fixed since") { }
TEST(outcome, segfaults) { e2e_segfault(); }
TEST(outcome, expected_signal, .signal = SIGABRT) { abort(); }
TEST(outcome, expected_exit, .exit_code = 3) { exit(3); }
TEST(outcome, wrong_exit) { exit(7); }
TEST(outcome, times_out, .timeout = 0.3) { e2e_block(); }

static const int numbers[] = { 1, 2, 3, 4 };

TEST_P(outcome, even, numbers) { CHECK_EQ(*(const int *)herd_param() % 2, 0); }

static const char *side(void)
{
	return getenv("E2E_SSH") ? "far" : "near";
}

static void pool_log(const char *kind, long long t0, const char *value)
{
	e2e_log("pool.log", "%s %lld %lld %s %d %s %s\n", kind, t0, e2e_now_ns(),
		herd_worker_id(), herd_worker_count(), side(), value);
}

static void shared_setup(void)
{
	long long t0 = e2e_now_ns();
	char value[64];

	snprintf(value, sizeof value, "value-of-%ld", (long)getpid());
	herd_board_set("shared", value);
	pool_log("SETUP", t0, value);
}

static void shared_teardown(void)
{
	pool_log("TEARDOWN", e2e_now_ns(), "-");
}

FIXTURE(shared, .scope = HERD_SCOPE_GLOBAL, .setup = shared_setup,
	.teardown = shared_teardown);

/* Polls for "far-started" for up to 60 s. */
static int far_started(void)
{
	char path[4096];
	const char *dir = getenv("E2E_DIR");
	int i;

	snprintf(path, sizeof path, "%s/far-started", dir ? dir : ".");
	for (i = 0; i < 6000; i++) {
		if (access(path, F_OK) == 0)
			return 1;
		e2e_nap_ms(10);
	}
	return 0;
}

static void gate(void)
{
	if (getenv("E2E_SSH"))
		e2e_log("far-started", "%s\n", herd_worker_id());
	else if (getenv("E2E_GATE"))
		REQUIRE(far_started(), "no far item started within 60 s");
}

static const int slots[30] = { 0 };

/* Holds the lock for 2 ms of work: long enough for an overlap to show. */
TEST_P(pool, item, slots, .fixtures = "shared")
{
	char *value = herd_board_get("shared");
	long long t0;

	gate();
	herd_lock("one-at-a-time");
	t0 = e2e_now_ns();
	e2e_nap_ms(2);
	pool_log("ITEM", t0, value ? value : "-");
	herd_unlock("one-at-a-time");
	free(value);
}

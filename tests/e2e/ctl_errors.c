/*
 * ctl_errors.c - for ctl_errors.sh: a test binary that misbehaves as a
 * worker when CTL_ERRORS says so, before it has run any test:
 *
 *   CTL_ERRORS=segv     segfaults at start-up
 *   CTL_ERRORS=garbage  writes garbage on the protocol channel at start-up
 *   CTL_ERRORS=sleep    sleeps for ever at start-up
 *   CTL_ERRORS=extra    worker gw1 has one test more than the others
 *   CTL_ERRORS=block    intr::blocks logs its pid to blocks.pid and blocks
 *
 * The start-up faults happen only under the controller (HERD_PROTOCOL_FD is
 * set), in a constructor, so the binary still builds and lists normally.
 * Unset, the tests are: five that pass, one that fails, ten that pass (suite
 * errs); three that pass, one that blocks on request, three that pass (intr).
 */
#define _POSIX_C_SOURCE 200809L
#include <herd.h>

#include "e2e.h"

static const int three[3];
static const int five[5];
static const int ten[10];

static int
mode(const char *want)
{
	const char *m = getenv("CTL_ERRORS");

	return m && !strcmp(m, want);
}

static void
note(void)
{
	e2e_log("runs.log", "%s %s %ld %ld\n", herd_test_id(), herd_worker_id(),
		(long)getpid(), (long)getppid());
}

__attribute__((constructor)) static void
misbehave_at_startup(void)
{
	static const char garbage[] = "\x01\x02 this is not the herd protocol \xff\n";
	const char *fd = getenv("HERD_PROTOCOL_FD");

	if (!fd || !*fd)
		return;
	if (mode("segv") || mode("garbage") || mode("sleep"))
		e2e_log("startup.pid", "%ld\n", (long)getpid());
	if (mode("segv"))
		e2e_segfault();
	if (mode("garbage") && write(atoi(fd), garbage, sizeof garbage - 1) < 0)
		e2e_log("startup.err", "write failed\n");
	if (mode("sleep"))
		e2e_block();
}

TEST_P(errs, before, five)
{
	note();
}

/* Registered by hand, in gw1 only: its collection differs from gw0's. */
static void only_on_gw1(void)
{
	note();
}

static const struct herd_test extra = {
	.suite = "errs", .name = "only_on_gw1", .file = __FILE__,
	.line = __LINE__, .fn = only_on_gw1,
};

__attribute__((constructor)) static void
register_extra(void)
{
	const char *w = getenv("HERD_WORKER");

	if (mode("extra") && w && !strcmp(w, "gw1"))
		herd_register(&extra);
}

TEST(errs, fails)
{
	note();
	FAIL("fails on purpose");
}

TEST_P(errs, after, ten)
{
	note();
}

TEST_P(intr, first, three)
{
	note();
}

TEST(intr, blocks)
{
	note();
	if (mode("block")) {
		e2e_log("blocks.pid", "%ld %ld\n", (long)getpid(), (long)getppid());
		e2e_block();
	}
}

TEST_P(intr, later, three)
{
	note();
}

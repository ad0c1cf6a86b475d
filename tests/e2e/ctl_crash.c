/*
 * ctl_crash.c - 30 items for ctl_crash.sh, in this order: ten that pass, a
 * segfault (which prints first), an abort(), an exit(0), a test that hangs,
 * sixteen that pass.
 * Every item logs "id worker pid ppid" when it starts: the passing ones to
 * runs.log, the misbehaving ones to crashes.log.
 */
#define _POSIX_C_SOURCE 200809L
#include <herd.h>

#include "e2e.h"

static const int ten[10];
static const int sixteen[16];

static void
note(const char *log)
{
	e2e_log(log, "%s %s %ld %ld\n", herd_test_id(), herd_worker_id(),
		(long)getpid(), (long)getppid());
}

TEST_P(crash, before, ten)
{
	note("runs.log");
}

TEST(crash, segv)
{
	note("crashes.log");
	/* Its last words, in the capture file when its worker dies. */
	printf("LAST-WORDS-OUT\n");
	fflush(stdout);
	fputs("LAST-WORDS-ERR\n", stderr);
	e2e_segfault();
	CHECK(0, "survived a store to address 16");
}

TEST(crash, aborts)
{
	note("crashes.log");
	abort();
}

TEST(crash, exit_zero)
{
	note("crashes.log");
	exit(0);
}

TEST(crash, hang)
{
	note("crashes.log");
	e2e_block();
}

TEST_P(crash, after, sixteen)
{
	note("runs.log");
}

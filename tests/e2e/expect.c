/*
 * expect.c - tests that must die of a signal or exit() with a status, and
 * tests that fail to; run by outcomes.sh.
 */
#define _POSIX_C_SOURCE 200809L
#include <herd.h>

#include "e2e.h"

TEST(sig, segv_ok, .signal = SIGSEGV)
{
	e2e_segfault();
}

TEST(sig, abort_ok, .signal = SIGABRT)
{
	abort();
}

TEST(sig, returns, .signal = SIGSEGV)
{
}

TEST(sig, wrong_signal, .signal = SIGSEGV)
{
	abort();
}

TEST(ex, exit3_ok, .exit_code = 3)
{
	exit(3);
}

TEST(ex, exit0_ok, .exit_code = 0, .expect_exit = 1)
{
	exit(0);
}

TEST(ex, returns, .exit_code = 3)
{
}

TEST(ex, wrong_code, .exit_code = 3)
{
	exit(4);
}

TEST(ex, signal_instead, .exit_code = 3)
{
	abort();
}

/*
 * misbehave.c - tests that do what tests must not: crash, exit, hang, ignore
 * SIGTERM, flood the output, close their descriptors, leave children behind,
 * write garbage. Run by misbehave.sh with --timeout 1: every one of them must
 * still end with exactly one outcome, and the run must end.
 */
#define _POSIX_C_SOURCE 200809L
#include <herd.h>

#include <signal.h>

#include "e2e.h"

TEST(crash, segv)
{
	e2e_segfault();
	CHECK(0, "survived a store to address 16");
}

TEST(crash, aborts)
{
	abort();
}

TEST(crash, exit_zero)
{
	exit(0);
}

TEST(crash, exit_seven)
{
	exit(7);
}

/* SIGTERM to its own process group: that must be the test's group alone. */
TEST(crash, kills_group)
{
	kill(0, SIGTERM);
	e2e_block();
}

TEST(hang, spins)
{
	e2e_spin();
}

/* Only the SIGKILL after the grace period ends this one. */
TEST(hang, ignores_term)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGTERM, &sa, NULL);
	e2e_log("ignores_term.pid", "%ld\n", (long)getpid());
	e2e_spin();
}


TEST(flood, pass_10mb, .timeout = 120)
{
	e2e_flood();
}

TEST(flood, fail_10mb, .timeout = 120)
{
	e2e_flood();
	CHECK(0, "flooded, then failed");
}

TEST(fds, close_stdout_fail)
{
	printf("BEFORE-CLOSE\n");
	fflush(stdout);
	close(1);
	printf("written after close(1)\n");
	CHECK_EQ(1, 2, "failed with fd 1 closed");
}

TEST(fds, close_all_pass)
{
	close(0);
	close(1);
	close(2);
}

/* Forks a child that sleeps forever, holding the output pipe; its pid goes to
 * $E2E_DIR/pidfile so the script can see whether it was killed. */
static void leave_child(const char *pidfile)
{
	pid_t pid = fork();

	if (pid == 0)
		e2e_block();
	REQUIRE(pid > 0);
	e2e_log(pidfile, "%ld\n", (long)pid);
}

TEST(linger, child_pass)
{
	leave_child("linger_pass.pid");
}

TEST(linger, child_hang)
{
	leave_child("linger_hang.pid");
	e2e_block();
}

/* Control characters, a NUL, invalid UTF-8, a CDATA end and XML specials,
 * in the output and in the failure message. */
TEST(garbage, fails)
{
	static const char junk[] =
		"ctl:\x01\x02\x07\x08\x0b\x0c\x1b[31mred\x1b[0m\x7f"
		" nul:\0 ff:\xff\xfe bad-utf8:\xc3\x28 overlong:\xc0\xaf"
		" lone-cont:\x80 cdata:]]> xml:<&\"'> end\n";

	fwrite(junk, 1, sizeof junk - 1, stdout);
	fputs("GARBAGE-DONE\n", stdout);
	CHECK_STR_EQ("]]>\x01<tag>\xff\xc3\x28&", "clean",
		     "message with ]]> \x1b[1m and \xfe junk");
}

TEST(zz, quick_pass)
{
	CHECK(1);
}

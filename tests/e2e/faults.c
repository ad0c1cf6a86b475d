/*
 * faults.c - the fault matrix's misbehaving binary (faults.sh): every way a
 * test can misbehave that misbehave.c, ctl_crash.c, ctl_linger.c, timeout.c
 * and output.c try one by one, gathered in one binary, with passing tests
 * between them so that a fault reaching past its own item shows up as a
 * neighbour's wrong outcome. Names say what each item must end as: faults.sh
 * reads the expected outcome from the suite name (crash_*, hang_*, fail_*,
 * pass_*, skip_*, xfail_*), the same in both isolations.
 *
 * Passing tests do no real work.
 */
#define _POSIX_C_SOURCE 200809L
#include <herd.h>

#include <signal.h>

#include "e2e.h"

static const int two[2];

/*
 * Every item but the hangs has a generous limit of its own, so that its
 * outcome never depends on how loaded the machine is (under ASan a fork or
 * the leak check of an exit() alone can take a quarter of a second); the
 * hangs, and SIGTERM to its own group (which hangs with no isolation), get
 * the run's --timeout 1.
 */
#define NOT_A_HANG .timeout = 30

TEST_P(pass_a, calm, two, NOT_A_HANG)
{
	CHECK(1);
}

TEST(crash_segv, store_to_16, NOT_A_HANG)
{
	e2e_segfault();
	CHECK(0, "survived a store to address 16");
}

TEST(pass_b, calm, NOT_A_HANG)
{
	CHECK(1);
}

TEST(crash_abort, aborts, NOT_A_HANG)
{
	abort();
}

TEST(crash_exit, zero, NOT_A_HANG)
{
	exit(0);
}

TEST(crash_exit, seven, NOT_A_HANG)
{
	exit(7);
}

TEST(pass_c, calm, .group = "g1", NOT_A_HANG)
{
	CHECK(1);
}

/* SIGTERM to its own process group: the test's alone in fork isolation, the
 * worker's alone in none isolation; never the controller's. */
TEST(crash_term, own_group, .group = "g1")
{
	kill(0, SIGTERM);
	e2e_block();
}

/* True in a forked test: the parent runs the same binary (the worker); with
 * no isolation the parent is the controller. */
static int parent_is_worker(void)
{
	char link[64], mine[4096], theirs[4096];
	ssize_t n, m;

	snprintf(link, sizeof link, "/proc/%ld/exe", (long)getppid());
	n = readlink(link, theirs, sizeof theirs);
	m = readlink("/proc/self/exe", mine, sizeof mine);
	return n > 0 && n == m && !memcmp(theirs, mine, (size_t)n);
}

/* SIGKILL to the worker: its parent in fork isolation, itself in none. The
 * forked test is left without its worker and must not outlive it. */
TEST(crash_worker, kills_its_worker, NOT_A_HANG)
{
	if (parent_is_worker())
		kill(getppid(), SIGKILL);
	else
		raise(SIGKILL);
	e2e_block();
}

TEST(hang_spin, endless_loop)
{
	e2e_spin();
}

TEST(pass_d, calm, NOT_A_HANG)
{
	CHECK(1);
}

/* Only the SIGKILL after the grace period ends this one. */
TEST(hang_deaf, ignores_term)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGTERM, &sa, NULL);
	e2e_spin();
}

/* Stopped: SIGTERM stays pending, only SIGKILL ends it. */
TEST(hang_stop, stops_itself)
{
	raise(SIGSTOP);
	e2e_block();
}

/* A child asleep for ever holding every descriptor the test had, then the
 * test sleeps too. */
TEST(hang_linger, child_and_test)
{
	pid_t pid = fork();

	REQUIRE(pid >= 0, "fork failed");
	if (pid == 0)
		e2e_block();
	e2e_block();
}


TEST(pass_flood, ten_mb, .timeout = 120)
{
	e2e_flood();
}

TEST(fail_flood, ten_mb, .timeout = 120)
{
	e2e_flood();
	CHECK(0, "flooded, then failed");
}

TEST(fail_fd, close_stdout, NOT_A_HANG)
{
	printf("BEFORE-CLOSE\n");
	fflush(stdout);
	close(1);
	printf("written after close(1)\n");
	CHECK_EQ(1, 2, "failed with fd 1 closed");
}

TEST(pass_fd, close_0_1_2, NOT_A_HANG)
{
	close(0);
	close(1);
	close(2);
}

/* A child asleep for ever holding every descriptor the test had; the test
 * itself passes. */
TEST(pass_linger, child, NOT_A_HANG)
{
	pid_t pid = fork();

	REQUIRE(pid >= 0, "fork failed");
	if (pid == 0)
		e2e_block();
}

/* The same, but the child ignores SIGTERM. */
TEST(pass_linger, deaf_child, NOT_A_HANG)
{
	pid_t pid = fork();

	REQUIRE(pid >= 0, "fork failed");
	if (pid == 0) {
		signal(SIGTERM, SIG_IGN);
		e2e_block();
	}
}

/* Control characters, a NUL, invalid UTF-8, a CDATA end and XML specials,
 * in the output and in the failure message. */
TEST(fail_garbage, output_and_message, .group = "g1", NOT_A_HANG)
{
	static const char junk[] =
		"ctl:\x01\x02\x07\x08\x0b\x0c\x1b[31mred\x1b[0m\x7f"
		" nul:\0 ff:\xff\xfe bad-utf8:\xc3\x28 overlong:\xc0\xaf"
		" lone-cont:\x80 cdata:]]> xml:<&\"'> end\n";

	fwrite(junk, 1, sizeof junk - 1, stdout);
	fflush(stdout);
	fwrite(junk, 1, sizeof junk - 1, stderr);
	CHECK_STR_EQ("]]>\x01<tag>\xff\xc3\x28&", "clean",
		     "message with ]]> \x1b[1m and \xfe junk");
}

TEST(fail_require, stops, NOT_A_HANG)
{
	REQUIRE(5 == 6);
	printf("AFTER-REQUIRE\n");
}

TEST(skip_marked, later, .skip = "not written yet", NOT_A_HANG)
{
	CHECK(0);
}

TEST(xfail_known, bug, .xfail = "a known bug", NOT_A_HANG)
{
	CHECK(0);
}

TEST_P(pass_z, calm, two, NOT_A_HANG)
{
	CHECK(1);
}

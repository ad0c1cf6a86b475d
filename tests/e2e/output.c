/*
 * output.c - tests that print and fail in the ways a failure report must show:
 * captured stdout and stderr (also of child processes), assertion details, a
 * REQUIRE that stops, a CHECK that does not. Run by output.sh; the comments
 * "mark:" name lines that output.sh looks up.
 */
#define _POSIX_C_SOURCE 200809L
#include <herd.h>

#include <sys/wait.h>

#include "e2e.h"

TEST(out, noisy_pass)
{
	printf("NOISY-PASS-STDOUT\n");
	fprintf(stderr, "NOISY-PASS-STDERR\n");
}

TEST(out, noisy_fail)
{
	pid_t pid;

	/* No fflush: the runner must not lose what stdio still holds. */
	printf("OUT-MARKER\n");
	fprintf(stderr, "ERR-MARKER\n");
	CHECK_EQ(system("echo SHELL-CHILD-MARKER; echo SHELL-CHILD-STDERR >&2"), 0);
	pid = fork();
	if (pid == 0) {
		static const char msg[] = "FORK-CHILD-MARKER\n";

		if (write(1, msg, sizeof msg - 1) < 0)
			_exit(1);
		_exit(0);
	}
	REQUIRE(pid > 0);
	waitpid(pid, NULL, 0);
	CHECK(0);
}

TEST(detail, check_eq)
{
	int a = 12344, b = 67890;

	CHECK_EQ(a + 1, b); /* mark:check_eq */
}

TEST(detail, two_checks)
{
	CHECK(1 == 2); /* mark:check_one */
	printf("AFTER-CHECK\n");
	CHECK(3 == 4); /* mark:check_two */
}

TEST(detail, require_stops)
{
	REQUIRE(5 == 6);
	printf("AFTER-REQUIRE\n");
}

TEST(detail, str_eq)
{
	const char *got = "apple pie";

	CHECK_STR_EQ(got, "cherry tart");
}

TEST(detail, with_message)
{
	int k = 3;

	CHECK_EQ(k, 4, "after %d pushes", k);
}

TEST(detail, fail_macro)
{
	FAIL("gave up at step %d", 9);
}

TEST(quiet, fails_silently)
{
	CHECK(0 > 1);
}

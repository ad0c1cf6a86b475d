/*
 * inproc.c - in-process items (--isolation none) leave fds 1 and 2 on the
 * capture file from one item to the next (lib/run.c): an item that closes or
 * replaces one must not cost the next its captured output, nor send it to
 * the runner's own stdout. Run by inproc.sh, with -p (in order).
 */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <herd.h>

TEST(fd, a_closes_stdout)
{
	close(1);
}

TEST(fd, b_prints_after)
{
	printf("OUT-AFTER-CLOSE\n");
	fprintf(stderr, "ERR-AFTER-CLOSE\n");
	CHECK(0, "fails, so its output is shown");
}

TEST(fd, c_nulls_stderr)
{
	int fd = open("/dev/null", O_WRONLY);

	if (fd >= 0)
		dup2(fd, 2);
}

TEST(fd, d_prints_after)
{
	printf("OUT-AFTER-NULL\n");
	fprintf(stderr, "ERR-AFTER-NULL\n");
	CHECK(0, "fails, so its output is shown");
}

TEST(fd, e_quiet)
{
	printf("QUIET-PASS\n");
}

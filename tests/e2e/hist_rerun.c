/*
 * hist_rerun.c - items for hist_rerun.sh, reruns and flaky tests.
 *
 * An item "fails once" when it fails, crashes or hangs on its first try only:
 * the first try creates the file $HIST_STATE/ID (O_EXCL tells the first try
 * from the others, whichever process runs it), so the state survives the
 * fork of each try and the death of a worker. Every try appends
 * "id first|again pid ms" to tries.log, ms its start on the monotonic clock.
 */
#define _POSIX_C_SOURCE 200809L
#include <herd.h>
#include <time.h>

#include "e2e.h"

/* Records this try; returns nonzero for the item's first try. */
static int
first_try(void)
{
	const char *dir = getenv("HIST_STATE");
	char path[4096], *p;
	struct timespec now;
	int fd, first;

	clock_gettime(CLOCK_MONOTONIC, &now);
	snprintf(path, sizeof path, "%s/%s", dir ? dir : ".", herd_test_id());
	/* The id holds '/': flatten it into one file name. */
	for (p = path + strlen(dir ? dir : ".") + 1; *p; p++)
		if (*p == '/')
			*p = '_';
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	first = fd >= 0;
	if (fd >= 0)
		close(fd);
	e2e_log("tries.log", "%s %s %ld %lld\n", herd_test_id(), first ? "first" : "again",
		(long)getpid(), (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000);
	return first;
}

TEST(rr, passes)
{
	first_try();
	CHECK(1);
}

TEST(rr, fails_once)
{
	int first = first_try();

	printf("output of the %s try\n", first ? "first" : "next");
	CHECK(!first, "the first try fails");
}

TEST(rr, always_fails, .reruns = 2)
{
	first_try();
	CHECK(0, "this one always fails");
}

TEST(rr, crashes_once)
{
	if (first_try())
		e2e_segfault();
}

TEST(rr, hangs_once, .timeout = 1)
{
	if (first_try())
		e2e_block();
}

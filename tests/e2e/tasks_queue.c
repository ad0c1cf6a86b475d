/*
 * tasks_queue.c - for tasks_queue.sh: a long task that can only finish once
 * every short task has, whichever worker they were handed to. With more
 * tasks ready than workers, herd build hands a busy worker a second task to
 * start next; a short one waiting behind the long one must be stolen back by
 * the worker that runs out of work, or the long one waits in vain.
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include <herd.h>

#include "e2e.h"

static const char *const shorts[] = { "bld/s1.txt", "bld/s2.txt", "bld/s3.txt", "bld/s4.txt" };

static int
shorts_done(void)
{
	char path[4096];
	size_t i;

	for (i = 0; i < sizeof(shorts) / sizeof(*shorts); i++) {
		snprintf(path, sizeof(path), "%s/%s", getenv("HERD_ROOTDIR"), shorts[i]);
		if (access(path, F_OK) != 0)
			return 0;
	}
	return 1;
}

/* Logs the run before the product appears: the long task waits for the
 * products, so its line is always after the short ones' (logged after, a
 * short one's line could follow the long one's on a busy machine). */
static void
put(const char *text)
{
	FILE *f;

	e2e_log("ran", "%s\n", text);
	f = fopen(herd_produces(0), "w");
	REQUIRE_NOT_NULL(f);
	fprintf(f, "%s\n", text);
	REQUIRE_EQ(fclose(f), 0);
}

/* Picked first (try_first): the first worker holds it, and a short one behind it. */
TASK(long_one, .produces = "bld/long.txt", .marks = "try_first")
{
	struct timespec pause = { 0, 50000000 };
	int i;

	for (i = 0; i < 400 && !shorts_done(); i++)
		nanosleep(&pause, NULL);	/* bounded: 20 s */
	REQUIRE(shorts_done());
	put("long");
}

TASK(s1, .produces = "bld/s1.txt") { put("s1"); }
TASK(s2, .produces = "bld/s2.txt") { put("s2"); }
TASK(s3, .produces = "bld/s3.txt") { put("s3"); }
TASK(s4, .produces = "bld/s4.txt") { put("s4"); }

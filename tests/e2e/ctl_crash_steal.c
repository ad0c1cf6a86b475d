/*
 * ctl_crash_steal.c - for ctl_crash.sh, with -n 2 --isolation none and a
 * timeout: a worker is asked to release items while its test hangs, so it
 * cannot answer, and it is killed for the timeout with the request open.
 *
 * The items on gw0 wait (a bounded poll) until gw1 has started one, so gw1
 * surely gets items; gw1's first item hangs (once in the run: hung.once),
 * with more items queued behind it. gw0 then runs dry and asks gw1 to release
 * some, which gw1, stuck in the test, never does; the timeout kills gw1. The
 * run must still end: 1 timeout, the other 19 passed.
 */
#define _POSIX_C_SOURCE 200809L
#include <herd.h>

#include <time.h>

#include "e2e.h"

static const char twenty[20];

static int
exists(const char *name)
{
	const char *dir = getenv("E2E_DIR");
	char path[4096];

	snprintf(path, sizeof path, "%s/%s", dir ? dir : ".", name);
	return access(path, F_OK) == 0;
}

TEST_P(steal, item, twenty)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	int i;

	e2e_log("steal.log", "%s %s\n", herd_test_id(), herd_worker_id());
	if (!strcmp(herd_worker_id(), "gw1")) {
		e2e_log("seen.gw1", "%ld\n", (long)getpid());
		if (!exists("hung.once")) {
			e2e_log("hung.once", "%s\n", herd_test_id());
			e2e_block();
		}
		return;
	}
	for (i = 0; i < 3000 && !exists("seen.gw1"); i++)
		nanosleep(&tick, NULL);
}

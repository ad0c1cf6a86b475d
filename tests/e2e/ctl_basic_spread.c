/*
 * ctl_basic_spread.c - 200 trivial items for ctl_basic.sh's check that --dist
 * load uses both workers of -n 2.
 *
 * An item records that its worker ran something (seen.gwK), then, until the
 * other worker has run an item too, waits for it (a bounded poll, given up
 * for good after 30 s). So the check does not depend on the machine's load:
 * a fast first worker cannot finish all 200 items before the second one has
 * even started, yet a runner that never uses the second worker still fails.
 */
#define _POSIX_C_SOURCE 200809L
#include <herd.h>

#include <time.h>

#include "e2e.h"

static const char many[200];

static int
exists(const char *name)
{
	const char *dir = getenv("E2E_DIR");
	char path[4096];

	snprintf(path, sizeof path, "%s/%s", dir ? dir : ".", name);
	return access(path, F_OK) == 0;
}

TEST_P(spread, item, many)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	const char *me = herd_worker_id();
	char mine[64];
	const char *other = strcmp(me, "gw0") ? "seen.gw0" : "seen.gw1";
	int i;

	snprintf(mine, sizeof mine, "seen.%s", me);
	if (!exists(mine))
		e2e_log(mine, "%ld\n", (long)getpid());
	for (i = 0; i < 3000 && !exists(other) && !exists("gave-up"); i++)
		nanosleep(&tick, NULL);
	if (!exists(other))
		e2e_log("gave-up", "%s\n", me);
}

/*
 * ctl_spawn.c - one of several small test binaries (built with -DSPAWN_BIN=k
 * and -DSPAWN_TESTS=n): every start of the binary as a worker writes one line
 * "start BIN WORKER HASH" to $E2E_DIR/spawn.log from a constructor, before
 * libherd's main runs; HASH says whether the controller passed the hash of
 * the list it already has (yes/no). With SPAWN_EXTRA=1, gw1 lists one test
 * more than gw0. -DSPAWN_MS=m makes each test take m ms (long enough that
 * splitting the binary pays).
 */
#include <herd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "e2e.h"

#ifndef SPAWN_BIN
#define SPAWN_BIN 0
#endif
#ifndef SPAWN_TESTS
#define SPAWN_TESTS 4
#endif
#ifndef SPAWN_MS
#define SPAWN_MS 0
#endif

static void only_on_gw1(void)
{
}

static const struct herd_test extra = {
	.suite = "spawn", .name = "only_on_gw1", .file = __FILE__,
	.line = __LINE__, .fn = only_on_gw1,
};

__attribute__((constructor)) static void
note_start(void)
{
	const char *w = getenv("HERD_WORKER"), *x = getenv("SPAWN_EXTRA");

	if (!getenv("HERD_PROTOCOL_FD"))
		return;	/* run alone, not as a worker */
	e2e_log("spawn.log", "start %d %s %s\n", SPAWN_BIN, w ? w : "-",
		getenv("HERD_COLLECT_HASH") ? "yes" : "no");
	if (x && !strcmp(x, "1") && w && !strcmp(w, "gw1"))
		herd_register(&extra);
}

static const int cases[SPAWN_TESTS] = { 0 };

/* The suite is spawnK, so that node ids differ between the binaries. */
#define SPAWN_CAT2(a, b) a##b
#define SPAWN_CAT(a, b) SPAWN_CAT2(a, b)
#define SPAWN_TEST(suite) TEST_P(suite, quick, cases)

SPAWN_TEST(SPAWN_CAT(spawn, SPAWN_BIN))
{
	struct timespec ts = { 0, SPAWN_MS * 1000000L };

	if (SPAWN_MS)
		nanosleep(&ts, NULL);
	CHECK_EQ(*(const int *)herd_param(), 0);
}

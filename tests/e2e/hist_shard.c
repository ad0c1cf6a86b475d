/*
 * hist_shard.c - fifty items for hist_shard.sh, sharding and merging.
 *
 * sh::item[i] sleeps 40 ms when i is a multiple of 4 (thirteen such items) and
 * returns at once otherwise, so that splitting by count (i mod N) and
 * splitting by duration give clearly different shards. The item whose index
 * is $HIST_FAIL_INDEX fails. Every item appends its id to runs.log.
 */
#define _POSIX_C_SOURCE 200809L
#include <herd.h>
#include <time.h>

#include "e2e.h"

static const int fifty[50];

TEST_P(sh, item, fifty)
{
	const char *fail = getenv("HIST_FAIL_INDEX");
	size_t i = herd_param_index();

	e2e_log("runs.log", "%s\n", herd_test_id());
	if (i % 4 == 0) {
		struct timespec ts = { 0, 40 * 1000000L };

		while (nanosleep(&ts, &ts) < 0)
			;
	}
	CHECK(!(fail && *fail && (size_t)atoi(fail) == i), "told to fail item %zu", i);
}

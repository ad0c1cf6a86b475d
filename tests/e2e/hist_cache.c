/*
 * hist_cache.c - items for hist_cache.sh, the cache and history-driven order.
 *
 * Suite "hc": five quick items; each fails when its name is a word of the
 * environment variable HIST_FAIL ("b d" fails hc::b and hc::d), so the
 * script chooses what fails in each run without rebuilding.
 * Suite "dur": three items that take clearly different times, in the
 * collection order fast (0 ms), medium (50 ms), slow (200 ms).
 * Suite "order": thirty trivial items, for --random-order.
 * Every item appends "id" to runs.log when it runs.
 */
#define _POSIX_C_SOURCE 200809L
#include <herd.h>
#include <time.h>

#include "e2e.h"

/* Whether name is one of the space-separated words of $HIST_FAIL. */
static int
told_to_fail(const char *name)
{
	const char *s = getenv("HIST_FAIL");
	size_t n = strlen(name);

	while (s && *s) {
		size_t w;

		s += strspn(s, " ");
		w = strcspn(s, " ");
		if (w == n && !strncmp(s, name, n))
			return 1;
		s += w;
	}
	return 0;
}

static void
item(const char *name)
{
	e2e_log("runs.log", "%s\n", herd_test_id());
	CHECK(!told_to_fail(name), "HIST_FAIL names %s", name);
}

static void
nap(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0)
		;
}

TEST(hc, a) { item("a"); }
TEST(hc, b) { item("b"); }
TEST(hc, c) { item("c"); }
TEST(hc, d) { item("d"); }
TEST(hc, e) { item("e"); }

TEST(dur, fast) { item("fast"); }
TEST(dur, medium) { nap(50); item("medium"); }
TEST(dur, slow) { nap(200); item("slow"); }

static const int thirty[30];

TEST_P(order, many, thirty)
{
	item("many");
}

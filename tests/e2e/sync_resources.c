/*
 * sync_resources.c - resource tokens and exclusive items, for
 * sync_resources.sh. Every test appends "B|E <monotonic ns> <pid> <worker>
 * <tag> <demand>" to $E2E_DIR/$SYNC_LOG when its body begins and ends, the
 * demand being its .resources with spaces made commas ("-" for none); the
 * script adds up the demands of the bodies running at each instant.
 *
 *	pg	12 tests asking one token of pg each
 *	gpu	4 tests asking gpu:2, 2 asking gpu:1
 *	excl	one exclusive test
 *	mix	big and small demands of db, and tests asking nothing
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <time.h>

#include <herd.h>

#include "e2e.h"

static void
ev(const char *what, const char *tag, const char *demand)
{
	const char *log = getenv("SYNC_LOG");

	e2e_log(log ? log : "events.log", "%s %lld %ld %s %s %s\n", what, e2e_now_ns(),
		(long)getpid(), herd_worker_id(), tag, demand);
}

static void
timed(const char *demand, long ms)
{
	const char *id = herd_test_id();
	const char *tag = strstr(id, "::");

	tag = tag ? tag + 2 : id;
	ev("B", tag, demand);
	e2e_nap_ms(ms);
	ev("E", tag, demand);
}

static const int twelve[12];

TEST_P(pg, one, twelve, .resources = "pg") { timed("pg", 50); }

TEST(gpu, big1, .resources = "gpu:2") { timed("gpu:2", 30); }
TEST(gpu, big2, .resources = "gpu:2") { timed("gpu:2", 30); }
TEST(gpu, big3, .resources = "gpu:2") { timed("gpu:2", 30); }
TEST(gpu, big4, .resources = "gpu:2") { timed("gpu:2", 30); }
TEST(gpu, small1, .resources = "gpu") { timed("gpu", 30); }
TEST(gpu, small2, .resources = "gpu:1") { timed("gpu:1", 30); }

TEST(excl, alone, .exclusive = 1) { timed("-", 50); }

/* Big and small demands of db (capacity 3), two resources at once, free tests. */
static const int six[6];

TEST_P(mix, small, six, .resources = "db") { timed("db", 20); }
TEST(mix, big1, .resources = "db:3") { timed("db:3", 20); }
TEST(mix, big2, .resources = "db:3") { timed("db:3", 20); }
TEST(mix, two, .resources = "db:2 pg") { timed("db:2,pg", 20); }
TEST_P(mix, nothing, six) { timed("-", 20); }
TEST(mix, big3, .resources = "db:3") { timed("db:3", 20); }

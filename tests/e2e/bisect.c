/*
 * bisect.c - polluters --bisect must find as a set, run by bisect.sh.
 * pair::victim fails only after pair::set and then pair::arm, eighteen
 * innocent tests around them; count::victim only after all three count
 * tests; undo::victim after undo::a alone, but undo::x, run before undo::a,
 * makes it harmless and undo::b harmful again (the search meets b first,
 * then finds it is not needed). flaky::victim fails once, the first time
 * it runs while $E2E_DIR/flaky.once exists: its failure cannot be
 * reproduced.
 */
#include <herd.h>

#include "e2e.h"

#define INNOCENT(s, n) TEST(s, n) {}

static int pair_set, pair_armed;

INNOCENT(pair, a00)
INNOCENT(pair, a01)
INNOCENT(pair, a02)
INNOCENT(pair, a03)
INNOCENT(pair, a04)
INNOCENT(pair, a05)
INNOCENT(pair, a06)
INNOCENT(pair, a07)

TEST(pair, set)
{
	pair_set = 1;
}

INNOCENT(pair, b00)
INNOCENT(pair, b01)
INNOCENT(pair, b02)
INNOCENT(pair, b03)
INNOCENT(pair, b04)
INNOCENT(pair, b05)
INNOCENT(pair, b06)
INNOCENT(pair, b07)

/* Arms the trap the set left, if it did. */
TEST(pair, arm)
{
	if (pair_set)
		pair_armed = 1;
}

INNOCENT(pair, c00)
INNOCENT(pair, c01)

TEST(pair, victim)
{
	CHECK_EQ(pair_armed, 0, "armed by pair::arm after pair::set");
}

static int counted;

TEST(count, one) { counted++; }
TEST(count, two) { counted++; }
TEST(count, three) { counted++; }

TEST(count, victim)
{
	CHECK_LT(counted, 3, "fails after the three count tests");
}

static int undo_x, undo_a, undo_dirty;

TEST(undo, x) { undo_x = 1; }

TEST(undo, a)
{
	undo_a = 1;
	if (!undo_x)
		undo_dirty = 1;
}

TEST(undo, reset) { undo_dirty = 0; }

TEST(undo, b)
{
	if (undo_a)
		undo_dirty = 1;
}

TEST(undo, victim)
{
	CHECK_EQ(undo_dirty, 0, "left dirty by undo::a, or by undo::b after it");
}

INNOCENT(flaky, first)

TEST(flaky, victim)
{
	char path[4096];
	const char *dir = getenv("E2E_DIR");

	snprintf(path, sizeof path, "%s/flaky.once", dir ? dir : ".");
	CHECK_NE(unlink(path), 0, "fails once, while flaky.once exists");
}

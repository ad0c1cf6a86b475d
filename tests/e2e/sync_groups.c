/*
 * sync_groups.c - group strategies, for sync_groups.sh. Every test appends
 * "B|E <monotonic ns> <pid> <worker> <tag>" to $E2E_DIR/$SYNC_LOG when its
 * body begins and ends; the script proves from those lines which process ran
 * what, in which order, and what overlapped what.
 *
 *	ser	a serial group declared by its first member only, with free
 *		tests defined between its members; a counter carries over
 *	crashg	a serial group whose third member segfaults
 *	isof	an isolated_free group, isos an isolated_serial group
 *	free	plain tests, long enough that an overlap would show
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <time.h>

#include <herd.h>

#include "e2e.h"

static void
ev(const char *what, const char *tag)
{
	const char *log = getenv("SYNC_LOG");

	e2e_log(log ? log : "events.log", "%s %lld %ld %s %s\n", what, e2e_now_ns(),
		(long)getpid(), herd_worker_id(), tag);
}

/* A test body that takes a while: B, a nap, E. */
static void
timed(const char *tag, long ms)
{
	ev("B", tag);
	e2e_nap_ms(ms);
	ev("E", tag);
}

/* ---- ser: state carried from member to member ---- */

static int ser_count;

static void
ser_step(const char *tag, int want)
{
	char t[64];

	ev("B", tag);
	ser_count++;
	snprintf(t, sizeof t, "%s=%d", tag, ser_count);
	ev("C", t);
	CHECK_EQ(ser_count, want, "members before this one ran in this process");
	e2e_nap_ms(5);
	ev("E", tag);
}

TEST(ser, s1, .group = "ser", .strategy = HERD_SERIAL) { ser_step("ser.s1", 1); }
TEST(ser, s2, .group = "ser") { ser_step("ser.s2", 2); }
TEST(between, f1) { timed("between.f1", 20); }
TEST(ser, s3, .group = "ser") { ser_step("ser.s3", 3); }
TEST(between, f2) { timed("between.f2", 20); }
TEST(ser, s4, .group = "ser") { ser_step("ser.s4", 4); }
TEST(ser, s5, .group = "ser") { ser_step("ser.s5", 5); }

/* ---- crashg: a crash in the middle of a serial group ---- */

TEST(crashg, c1, .group = "crashg", .strategy = HERD_SERIAL) { timed("crashg.c1", 2); }
TEST(crashg, c2, .group = "crashg") { timed("crashg.c2", 2); }
TEST(crashg, c3, .group = "crashg")
{
	ev("B", "crashg.c3");
	e2e_segfault();
	ev("E", "crashg.c3");
}
TEST(crashg, c4, .group = "crashg") { timed("crashg.c4", 2); }
TEST(crashg, c5, .group = "crashg") { timed("crashg.c5", 2); }

/* ---- isolated groups ---- */

TEST(isof, i1, .group = "isof", .strategy = HERD_ISOLATED_FREE) { timed("isof.i1", 40); }
TEST(isof, i2, .group = "isof") { timed("isof.i2", 40); }
TEST(isof, i3, .group = "isof") { timed("isof.i3", 40); }
TEST(isof, i4, .group = "isof") { timed("isof.i4", 40); }

static int isos_count;

static void
isos_step(const char *tag, int want)
{
	char t[64];

	ev("B", tag);
	isos_count++;
	snprintf(t, sizeof t, "%s=%d", tag, isos_count);
	ev("C", t);
	CHECK_EQ(isos_count, want);
	e2e_nap_ms(30);
	ev("E", tag);
}

TEST(isos, j1, .group = "isos", .strategy = HERD_ISOLATED_SERIAL) { isos_step("isos.j1", 1); }
TEST(isos, j2, .group = "isos") { isos_step("isos.j2", 2); }
TEST(isos, j3, .group = "isos") { isos_step("isos.j3", 3); }

/* ---- free tests around them ---- */

TEST(free, a1) { timed("free.a1", 30); }
TEST(free, a2) { timed("free.a2", 30); }
TEST(free, a3) { timed("free.a3", 30); }
TEST(free, a4) { timed("free.a4", 30); }
TEST(free, a5) { timed("free.a5", 30); }
TEST(free, a6) { timed("free.a6", 30); }
TEST(free, a7) { timed("free.a7", 30); }
TEST(free, a8) { timed("free.a8", 30); }

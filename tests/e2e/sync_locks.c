/*
 * sync_locks.c - locks, the message board and trails, for sync_locks.sh.
 * Tests append "KIND <monotonic ns> <pid> <worker> <tag>" lines to
 * $E2E_DIR/$SYNC_LOG; the script checks them after the run.
 *
 *	bset	an isolated_serial group, so it runs before anything else:
 *		writes the board, and leaves locks X, Y, Z held by a test that
 *		exits, one that dies of a signal and one that just returns
 *	rd	eight tests reading the board from any worker, then taking
 *		X, Y and Z: none may hang
 *	lk	40 tests each holding lock L for a few ms ("LB"/"LE" lines)
 *	tr	a serial group walking one trail through two episodes
 *	tw	eight tests each starting and finishing one trail
 *	die, to	a crash and a timeout while holding a lock, then a test
 *		taking it (selected on their own: they fail on purpose)
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

/* Every byte a line-based protocol could trip on. */
static const char bin_value[] = "tab\there\nnewline\0nul\\backslash\r\x01\xff end";
#define BIN_LEN (sizeof(bin_value) - 1)

/* ---- bset: runs first, alone ---- */

TEST(bset, write, .group = "bset", .strategy = HERD_ISOLATED_SERIAL)
{
	size_t len = 0;
	char *v;

	CHECK_NULL(herd_board_get("greeting"), "nobody has set it yet");
	herd_board_set("greeting", "hello");
	herd_board_set_bytes("bin", bin_value, BIN_LEN);
	herd_board_set("empty", "");
	herd_board_set("over", "one");
	herd_board_set("over", "two");
	v = herd_board_get_bytes("bin", &len);
	REQUIRE_NOT_NULL(v);
	CHECK_EQ(len, BIN_LEN);
	CHECK_MEM_EQ(v, bin_value, BIN_LEN);
	free(v);
	ev("W", "bset.write");
}

TEST(bset, hold_exit, .group = "bset", .exit_code = 3)
{
	herd_lock("X");
	ev("H", "X");
	exit(3);
}

TEST(bset, hold_signal, .group = "bset", .signal = SIGSEGV)
{
	herd_lock("Y");
	ev("H", "Y");
	e2e_segfault();
}

TEST(bset, hold_return, .group = "bset")
{
	herd_lock("Z");
	ev("H", "Z");
}

/* ---- rd: the board from anywhere; the locks left held are free ---- */

static const int eight[8];

TEST_P(rd, read, eight)
{
	size_t len = 99;
	char *v;

	v = herd_board_get("greeting");
	CHECK_STR_EQ(v ? v : "(unset)", "hello");
	free(v);
	v = herd_board_get_bytes("bin", &len);
	REQUIRE_NOT_NULL(v, "the bytes set by bset::write");
	CHECK_EQ(len, BIN_LEN);
	CHECK_MEM_EQ(v, bin_value, len < BIN_LEN ? len : BIN_LEN);
	free(v);
	v = herd_board_get_bytes("empty", &len);
	CHECK_NOT_NULL(v, "an empty value is set, not unset");
	CHECK_EQ(len, 0);
	free(v);
	v = herd_board_get("over");
	CHECK_STR_EQ(v ? v : "(unset)", "two");
	free(v);
	CHECK_NULL(herd_board_get("never-set"));
	ev("R", "board");
	herd_lock("X");
	herd_lock("Y");
	herd_lock("Z");
	herd_unlock("Z");
	herd_unlock("Y");
	herd_unlock("X");
	ev("R", "locks");
}

/* ---- lk: mutual exclusion ---- */

static const int forty[40];

TEST_P(lk, hold, forty)
{
	char tag[96];

	herd_lock("L");
	/* Unique even when two binaries run the same source. */
	snprintf(tag, sizeof tag, "L%zu.%ld.%lld", herd_param_index(), (long)getpid(), e2e_now_ns());
	ev("LB", tag);
	e2e_nap_ms(3);
	ev("LE", tag);
	herd_unlock("L");
}

/* ---- tr: two episodes of one trail, in order ---- */

static void
trail(int start, int want)
{
	int got = start ? herd_trail_start("T") : herd_trail_finish("T");
	char tag[8];

	snprintf(tag, sizeof tag, "%c%d", start ? 's' : 'f', got != 0);
	ev("T", tag);
	CHECK_EQ(got != 0, want);
}

TEST(tr, t1, .group = "tr", .strategy = HERD_SERIAL) { trail(1, 1); }
TEST(tr, t2, .group = "tr") { trail(1, 0); }
TEST(tr, t3, .group = "tr") { trail(0, 0); }
TEST(tr, t4, .group = "tr") { trail(0, 1); }
TEST(tr, t5, .group = "tr") { trail(1, 1); }
TEST(tr, t6, .group = "tr") { trail(0, 1); }

/* ---- tw: one trail over many workers ---- */

TEST_P(tw, walk, eight)
{
	ev("TW", herd_trail_start("W") ? "first" : "more");
	e2e_nap_ms(10);
	ev("TW", herd_trail_finish("W") ? "last" : "notlast");
}

/* ---- die, to: a crash and a timeout while holding a lock (selected apart) ---- */

TEST(die, holding, .group = "die", .strategy = HERD_SERIAL)
{
	herd_lock("K");
	ev("H", "K");
	e2e_segfault();
}

TEST(die, after, .group = "die")
{
	herd_lock("K");
	ev("A", "K");
	herd_unlock("K");
}

TEST(to, holding, .group = "to", .strategy = HERD_SERIAL, .timeout = 0.5)
{
	herd_lock("K2");
	ev("H", "K2");
	e2e_block();
}

TEST(to, after, .group = "to")
{
	herd_lock("K2");
	ev("A", "K2");
	herd_unlock("K2");
}

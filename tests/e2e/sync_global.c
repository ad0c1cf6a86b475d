/*
 * sync_global.c - a global fixture, for sync_global.sh. Lines
 * "KIND <monotonic ns> <pid> <worker> <tag>" go to $E2E_DIR/$SYNC_LOG:
 * SETUP when the fixture's setup begins, PUB with the address it publishes
 * on the board, TEARDOWN with the address its teardown read from the board,
 * ITEM with the address each dependent test read from the board, PLAIN
 * from tests without it.
 *
 * SYNC_GSETUP=fail makes the setup fail a REQUIRE, SYNC_GSETUP=crash makes
 * it segfault.
 *
 *	use	1,000 tests needing the fixture
 *	few	100 more
 *	crashy	one that crashes (selected on purpose only)
 *	plain	tests without it
 */
#define _POSIX_C_SOURCE 200809L
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

static void
gdb_setup(void)
{
	const char *mode = getenv("SYNC_GSETUP");
	char addr[64];

	ev("SETUP", "gdb");
	REQUIRE(!mode || strcmp(mode, "fail"), "the database would not start");
	if (mode && !strcmp(mode, "crash"))
		e2e_segfault();
	snprintf(addr, sizeof addr, "fake://db-%ld-%lld", (long)getpid(), e2e_now_ns());
	herd_board_set("gdb.addr", addr);
	ev("PUB", addr);
}

/* Maybe in another worker than the setup: it learns the address from the board. */
static void
gdb_teardown(void)
{
	char *addr = herd_board_get("gdb.addr");

	ev("TEARDOWN", addr ? addr : "(unset)");
	free(addr);
}

FIXTURE(gdb, .scope = HERD_SCOPE_GLOBAL, .setup = gdb_setup, .teardown = gdb_teardown);

static void
use_db(void)
{
	char *addr = herd_board_get("gdb.addr");

	REQUIRE_NOT_NULL(addr, "the setup published the address before any test ran");
	ev("ITEM", addr);
	free(addr);
}

static const char thousand[1000];
static const char hundred[100];

TEST_P(use, item, thousand, .fixtures = "gdb") { use_db(); }
TEST_P(few, item, hundred, .fixtures = "gdb") { use_db(); }

TEST(crashy, dies, .fixtures = "gdb")
{
	use_db();
	e2e_segfault();
}

TEST(plain, one) { ev("PLAIN", "one"); }
TEST(plain, two) { ev("PLAIN", "two"); }

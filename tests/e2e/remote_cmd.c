/*
 * remote_cmd.c - the test binary of remote_cmd.sh: items that say where
 * they ran (worker, count, working directory), share the controller's lock,
 * board and a global fixture, and one that blocks until its relay is
 * killed.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <herd.h>

#include "e2e.h"

static void
g_setup(void)
{
	e2e_log("gfix", "setup %s\n", herd_worker_id());
	herd_board_set("g.value", "42");
}

static void
g_teardown(void)
{
	e2e_log("gfix", "teardown %s\n", herd_worker_id());
}

FIXTURE(shared, .scope = HERD_SCOPE_GLOBAL, .setup = g_setup, .teardown = g_teardown);

/* Where it ran: worker, worker count, cwd. */
static void
ran(const char *what)
{
	char cwd[PATH_MAX];

	if (!getcwd(cwd, sizeof(cwd)))
		strcpy(cwd, "?");
	e2e_log("ran", "%s %s %d %s\n", what, herd_worker_id(), herd_worker_count(), cwd);
}

#define PLAIN(n) \
	TEST(plain, t##n) { ran("plain"); CHECK_EQ(n + 0, n); }
PLAIN(0) PLAIN(1) PLAIN(2) PLAIN(3) PLAIN(4) PLAIN(5)
PLAIN(6) PLAIN(7) PLAIN(8) PLAIN(9) PLAIN(10) PLAIN(11)

SUITE(scoped, .marks = "scoped");
TEST(scoped, a) { ran("scoped"); }
TEST(scoped, b) { ran("scoped"); }
TEST(scoped, c) { ran("scoped"); }

TEST(grouped, one, .group = "g1", .strategy = HERD_SERIAL) { ran("grouped"); }
TEST(grouped, two, .group = "g1", .strategy = HERD_SERIAL) { ran("grouped"); }

/* The controller's services, from wherever the test runs. */
TEST(sync, board_and_lock, .fixtures = "shared")
{
	char *v = herd_board_get("g.value");

	ran("sync");
	REQUIRE(v != NULL);
	CHECK_STR_EQ(v, "42");
	free(v);
	herd_lock("remote-lock");
	herd_board_set("last", herd_worker_id());
	herd_unlock("remote-lock");
}

TEST(sync, trail, .fixtures = "shared")
{
	ran("sync");
	herd_trail_start("t");
	herd_trail_finish("t");
}

TEST(output, prints)
{
	ran("output");
	printf("stdout line from %s\n", herd_worker_id());
	fprintf(stderr, "stderr line from %s\n", herd_worker_id());
	CHECK(0);
}

/*
 * With BLOCK set: the first try writes its pid and its worker's, then waits
 * (bounded) for its host to go; a later try (a rerun elsewhere) passes.
 */
TEST(block, until_killed)
{
	const char *dir = getenv("E2E_DIR");
	char path[4096];
	int i;

	ran("block");
	if (!getenv("BLOCK"))
		return;
	snprintf(path, sizeof(path), "%s/blocked", dir ? dir : ".");
	if (access(path, F_OK) == 0)
		return;
	e2e_log("blocked", "%d %d\n", (int)getpid(), (int)getppid());
	for (i = 0; i < 600; i++)
		e2e_nap_ms(100);
	CHECK(0);
}

/* Dies with its worker under --isolation none, after its last words. */
TEST(crash, segv)
{
	ran("crash");
	printf("last words of %s\n", herd_worker_id());
	fflush(stdout);
	e2e_segfault();
}

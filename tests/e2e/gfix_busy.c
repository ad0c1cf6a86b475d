/*
 * gfix_busy.c - for gfix_busy.sh: a global fixture whose teardown the
 * controller asks for while the worker already runs its next item. Each
 * step appends one line to $E2E_DIR/order: "user", "setup", "teardown",
 * "other begins", "other ends".
 */
#include <stdlib.h>

#include <herd.h>

#include "e2e.h"

static void
g_setup(void)
{
	e2e_log("order", "setup\n");
}

static void
g_teardown(void)
{
	e2e_log("order", "teardown\n");
}

FIXTURE(g, .scope = HERD_SCOPE_GLOBAL, .setup = g_setup, .teardown = g_teardown);

/*
 * The fixture's only user: its result makes the controller ask for the
 * teardown. A serial group, so that with fork isolation both items run in
 * one child and the user's result goes out while the worker waits for it.
 */
TEST(busy, user, .fixtures = "g", .group = "busy", .strategy = HERD_SERIAL)
{
	e2e_log("order", "user\n");
}

/*
 * Runs next, on the same worker. Its request goes out after the user's
 * result, so the reply comes after the fixture-teardown on the worker's
 * socket: a worker that ran the teardown as soon as it read it would run
 * it before this item ends, and spoil its record (the failure below).
 */
TEST(busy, other, .group = "busy", .strategy = HERD_SERIAL)
{
	char *v;

	e2e_log("order", "other begins\n");
	CHECK(0, "a failure of its own, reported as such");
	v = herd_board_get("busy.none");
	free(v);
	e2e_log("order", "other ends\n");
}

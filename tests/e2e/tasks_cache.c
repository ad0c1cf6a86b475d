/*
 * tasks_cache.c - two tasks for tasks_cache.sh, which checks herd build's
 * collection cache: every process of this binary that herd starts as a
 * worker logs its name to $E2E_DIR/workers before it lists anything, and
 * each task logs its id to $E2E_DIR/ran. Built with -DVARIANT, `use` depends
 * on one more file and a third task appears: the binary changed.
 */
#include <stdio.h>

#include <herd.h>

#include "e2e.h"

/* Runs before libherd's main: a worker that never lists leaves no line. */
__attribute__((constructor)) static void
note_worker(void)
{
	if (getenv("HERD_WORKER"))
		e2e_log("workers", "%s\n", getenv("HERD_WORKER"));
}

/* The task's dependencies, one after the other, into its product. */
static void
concat(void)
{
	FILE *out = fopen(herd_produces(0), "w");
	size_t i;
	int ch;

	REQUIRE_NOT_NULL(out);
	for (i = 0; herd_depends_on(i); i++) {
		FILE *in = fopen(herd_depends_on(i), "r");

		REQUIRE_NOT_NULL(in);
		while ((ch = getc(in)) != EOF)
			putc(ch, out);
		fclose(in);
	}
	REQUIRE_EQ(fclose(out), 0);
	e2e_log("ran", "%s\n", herd_test_id());
}

TASK(make, .depends_on = "data/in.txt", .produces = "bld/made.txt")
{
	concat();
}

#ifndef VARIANT
TASK(use, .depends_on = "bld/made.txt", .produces = "bld/used.txt")
{
	concat();
}
#else
TASK(use, .depends_on = "bld/made.txt data/extra.txt", .produces = "bld/used.txt")
{
	concat();
}

TASK(more, .depends_on = "bld/used.txt", .produces = "bld/more.txt")
{
	concat();
}
#endif

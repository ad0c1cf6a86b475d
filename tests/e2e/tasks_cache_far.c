/*
 * tasks_cache_far.c - tasks declared in a shared object, for tasks_cache.sh:
 * the program that loads it is not rebuilt when it changes, so herd build
 * must not keep the program's list. With -DFARTHER a second task appears.
 */
#include <stdio.h>

#include <herd.h>

/* One line into the task's product. */
static void
mark(void)
{
	FILE *out = fopen(herd_produces(0), "w");

	REQUIRE_NOT_NULL(out);
	fprintf(out, "%s\n", herd_test_id());
	REQUIRE_EQ(fclose(out), 0);
}

TASK(far, .depends_on = "data/in.txt", .produces = "bld/far.txt")
{
	mark();
}

#ifdef FARTHER
TASK(farther, .depends_on = "bld/far.txt", .produces = "bld/farther.txt")
{
	mark();
}
#endif

/*
 * test_failures.c - what herd reports when tests go wrong.
 *
 * Nearly every test here fails on purpose, each in a different way, so the
 * run exits 1. Run it and read the report from the top:
 *
 *	build/examples/test_failures --timeout 1
 *
 * Each test says in one line what the report shows for it. In the progress
 * line: F failed, C crashed, T timed out, s skipped, x expected failure,
 * X unexpected pass, . passed.
 */
#include <herd.h>

#include <stdio.h>
#include <stdlib.h>

static int
add(int a, int b)
{
	return a + b;
}

/* Has a known bug: integer division rounds toward zero, not down. */
static int
average(int a, int b)
{
	return (a + b) / 2;
}

/* Stands in for a lookup that finds nothing. */
static const char *
config_get(const char *key)
{
	(void)key;
	return NULL;
}

/* ---- assertions ---- */

/* F: both failed CHECKs are listed, each with its expression and both values (4 and 5). */
TEST(assert, check_eq)
{
	CHECK_EQ(add(2, 2), 5);
	CHECK_EQ(add(-1, 1), 1, "adding %d to its opposite", -1);
}

/* F: both strings, quoted, so the trailing space in "hello " shows. */
TEST(assert, check_str_eq)
{
	const char *greeting = "hello ";

	CHECK_STR_EQ(greeting, "hello");
}

/* F: one failure only: REQUIRE stops the test, the CHECK after it never runs. */
TEST(assert, require_stops)
{
	const char *dir = config_get("cache.dir");

	REQUIRE_NOT_NULL(dir, "cache.dir is not set");
	CHECK_STR_EQ(dir, "cache");
}

/* ---- crashes: the test's process dies; the run goes on ---- */

/*
 * C: crashed with SIGSEGV. Both volatiles are needed: with only the pointer
 * volatile, gcc -O2 still deletes the store as undefined behaviour; with only
 * the int, it compiles a trap (SIGILL) instead.
 */
TEST(crash, null_deref)
{
	volatile int *volatile p = NULL;

	*p = 42;
}

/* C: crashed with SIGABRT. */
TEST(crash, abort)
{
	abort();
}

/* C: an exit(0) before the test's end is no pass: the test did not finish. */
TEST(crash, exit_midway)
{
	CHECK_EQ(add(1, 1), 2);
	exit(0);
}

/* T: killed after 1 s (its own .timeout; --timeout S sets the default). */
TEST(crash, infinite_loop, .timeout = 1.0)
{
	for (;;) {
	}
}

/* ---- output ---- */

/* F: what the test printed to stdout and stderr appears under its failure. */
TEST(output, printed_then_failed)
{
	printf("connecting to %s\n", "localhost:5432");
	fprintf(stderr, "warning: retrying after %d ms\n", 250);
	CHECK_EQ(add(2, 2), 3, "the retry count");
}

/* ---- tests that expect what would otherwise fail ---- */

/* .: passes, because it dies of the signal it announced. */
TEST(expect, segfault, .signal = SIGSEGV)
{
	volatile int *volatile p = NULL;

	*p = 42;
}

/* .: passes, because it exits with the status it announced. */
TEST(expect, exit_code, .exit_code = 3)
{
	exit(3);
}

/* s: skipped at run time: a missing prerequisite is not a failure. */
TEST(expect, runtime_skip)
{
	if (!getenv("HERD_EXAMPLE_DB"))
		herd_skip("HERD_EXAMPLE_DB is not set");
	CHECK_NOT_NULL(config_get("db.url"));
}

/* x: a known bug: it fails as expected and does not fail the run. */
TEST(expect, known_bug, .xfail = "average() rounds toward zero: issue 12")
{
	CHECK_EQ(average(-3, 0), -2);
}

/* X: marked xfail yet passes (XPASS): the bug may be fixed; add .strict = 1 to fail the run. */
TEST(expect, fixed_bug, .xfail = "issue 7: average() of equal values")
{
	CHECK_EQ(average(7, 7), 7);
}

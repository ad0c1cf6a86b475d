/*
 * test_fakedb.c - one database for the whole run, shared by every test.
 *
 *	build/examples/test_fakedb -v			alone, one test at a time
 *	build/herd -n 4 build/examples/test_fakedb	four workers
 *
 * Creating the database stands for anything slow to start: a server, a big
 * fixture file, a container. The global fixture "fakedb" creates it once per
 * run, in whichever worker first runs a test that needs it, and publishes its
 * path on herd's message board; the tests of every other worker read the path
 * from there (a static variable set by the setup exists only in the process
 * that ran it). Its teardown runs once, after the last test that needs it, in
 * a worker that may not be the one that set it up: it too reads the board.
 *
 * The suites show what else a shared database asks for:
 *	rows, query	independent tests: each uses its own table or keys, so they
 *			may run at the same time on any worker
 *	migrate		a serial group: the steps run in order, in one process
 *	events		two tests rewriting one table: each holds the "db" resource
 *			(capacity 1 unless --resource db=N), so they never overlap
 */
#define _POSIX_C_SOURCE 200809L
#include <herd.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakedb.h"

/* ---- the global fixture ---- */

static void
db_start(void)
{
	char dir[4096];

	REQUIRE_EQ(fakedb_create(dir, sizeof(dir)), 0, "cannot create a database: %s",
		   strerror(errno));
	herd_board_set("fakedb.dir", dir);
	printf("fakedb: created %s\n", dir);
}

static void
db_stop(void)
{
	char *dir = herd_board_get("fakedb.dir");

	REQUIRE_NOT_NULL(dir, "the setup published no directory");
	CHECK_EQ(fakedb_destroy(dir), 0, "cannot remove %s: %s", dir, strerror(errno));
	free(dir);
}

FIXTURE(fakedb, .scope = HERD_SCOPE_GLOBAL, .setup = db_start, .teardown = db_stop);

/* The database's directory, as published by the setup; read once per process. */
static const char *
db(void)
{
	static char *dir;

	if (!dir)
		dir = herd_board_get("fakedb.dir");
	REQUIRE_NOT_NULL(dir, "the fakedb fixture published no directory");
	return dir;
}

/* ---- rows: one table per test ---- */

TEST(rows, insert_then_lookup, .fixtures = "fakedb")
{
	char *v;

	REQUIRE_EQ(fakedb_insert(db(), "users", "ada", "ada@example.org"), 0);
	v = fakedb_lookup(db(), "users", "ada");
	CHECK_STR_EQ(v, "ada@example.org");
	free(v);
}

TEST(rows, lookup_missing, .fixtures = "fakedb")
{
	errno = 0;
	CHECK_NULL(fakedb_lookup(db(), "nobody", "ghost"));
	CHECK_EQ(errno, ENOENT);
}

TEST(rows, latest_value_wins, .fixtures = "fakedb")
{
	char *v;

	REQUIRE_EQ(fakedb_insert(db(), "settings", "theme", "light"), 0);
	REQUIRE_EQ(fakedb_insert(db(), "settings", "theme", "dark"), 0);
	v = fakedb_lookup(db(), "settings", "theme");
	CHECK_STR_EQ(v, "dark");
	free(v);
}

TEST(rows, rejects_tabs_and_newlines, .fixtures = "fakedb")
{
	CHECK_EQ(fakedb_insert(db(), "strict", "a\tb", "v"), -1);
	CHECK_EQ(fakedb_insert(db(), "strict", "k", "line\nbreak"), -1);
	CHECK_EQ(fakedb_insert(db(), "../escape", "k", "v"), -1);
	CHECK_EQ(fakedb_count(db(), "strict", ""), 0);
}

TEST(rows, empty_value, .fixtures = "fakedb")
{
	char *v;

	REQUIRE_EQ(fakedb_insert(db(), "blanks", "nothing", ""), 0);
	v = fakedb_lookup(db(), "blanks", "nothing");
	CHECK_STR_EQ(v, "");
	free(v);
}

/* ---- query ---- */

TEST(query, count_many, .fixtures = "fakedb")
{
	char key[32];
	int i;

	for (i = 0; i < 200; i++) {
		snprintf(key, sizeof(key), "row-%03d", i);
		REQUIRE_EQ(fakedb_insert(db(), "many", key, "x"), 0);
	}
	CHECK_EQ(fakedb_count(db(), "many", ""), 200);
	CHECK_EQ(fakedb_count(db(), "many", "row-1"), 100);
}

TEST(query, prefix_not_substring, .fixtures = "fakedb")
{
	REQUIRE_EQ(fakedb_insert(db(), "words", "cat", "1"), 0);
	REQUIRE_EQ(fakedb_insert(db(), "words", "concat", "2"), 0);
	CHECK_EQ(fakedb_count(db(), "words", "cat"), 1);
}

TEST(query, missing_table_is_empty, .fixtures = "fakedb")
{
	CHECK_EQ(fakedb_count(db(), "never_created", ""), 0);
}

/*
 * ---- migrate: a serial group ----
 * The steps must run in order, each on the schema the previous one left: the
 * group runs in one process, in definition order, on one worker. Selecting a
 * later step alone (-k) fails, as it would against a real database.
 */

static int steps_here;	/* carried from step to step: one process */

TEST(migrate, v1_create_users, .fixtures = "fakedb", .group = "migrations",
     .strategy = HERD_SERIAL)
{
	REQUIRE_EQ(fakedb_migrate(db(), 0, 1), 0, "schema at %d, not 0", fakedb_schema(db()));
	REQUIRE_EQ(fakedb_insert(db(), "accounts", "1", "grace"), 0);
	steps_here++;
}

TEST(migrate, v2_add_email, .fixtures = "fakedb", .group = "migrations")
{
	CHECK_EQ(steps_here, 1, "the previous step ran in this process");
	REQUIRE_EQ(fakedb_migrate(db(), 1, 2), 0, "schema at %d, not 1", fakedb_schema(db()));
	REQUIRE_EQ(fakedb_insert(db(), "accounts_email", "1", "grace@example.org"), 0);
	steps_here++;
}

TEST(migrate, v3_check, .fixtures = "fakedb", .group = "migrations")
{
	char *mail;

	CHECK_EQ(steps_here, 2, "the previous steps ran in this process");
	REQUIRE_EQ(fakedb_migrate(db(), 2, 3), 0, "schema at %d, not 2", fakedb_schema(db()));
	mail = fakedb_lookup(db(), "accounts_email", "1");
	CHECK_STR_EQ(mail, "grace@example.org");
	free(mail);
}

/*
 * ---- events: a resource ----
 * Both tests rewrite the "events" table (fakedb_delete), which loses rows
 * another process inserts meanwhile. Each holds the "db" resource, so herd
 * never runs them at the same time.
 */

static void
fill_and_clear(const char *prefix, int n)
{
	long before = fakedb_count(db(), "events", "");
	char key[32];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "%s%d", prefix, i);
		REQUIRE_EQ(fakedb_insert(db(), "events", key, "e"), 0);
	}
	CHECK_EQ(fakedb_count(db(), "events", prefix), n);
	CHECK_EQ(fakedb_delete(db(), "events", prefix), n);
	CHECK_EQ(fakedb_count(db(), "events", ""), before, "no row of anyone else was lost");
}

TEST(events, bulk_load, .fixtures = "fakedb", .resources = "db") { fill_and_clear("bulk-", 300); }
TEST(events, compact, .fixtures = "fakedb", .resources = "db") { fill_and_clear("c-", 100); }

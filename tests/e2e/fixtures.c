/*
 * fixtures.c - test- and suite-scoped fixtures that log what they do to files
 * under $E2E_DIR; fixtures.sh reads the logs to see the order of set-ups,
 * bodies and tear-downs, and which process ran each.
 */
#define _POSIX_C_SOURCE 200809L
#include <herd.h>

#include "e2e.h"

/* Test scope: one set-up and one tear-down around every item. */
static void t_setup(void)
{
	e2e_log("fx.log", "setup\n");
}

static void t_teardown(void)
{
	e2e_log("fx.log", "teardown\n");
}

static void t_setup2(void)
{
	e2e_log("fx.log", "setup2\n");
}

static void t_teardown2(void)
{
	e2e_log("fx.log", "teardown2\n");
}

FIXTURE(tlog, .scope = HERD_SCOPE_TEST, .setup = t_setup, .teardown = t_teardown);
FIXTURE(tlog2, .scope = HERD_SCOPE_TEST, .setup = t_setup2, .teardown = t_teardown2);

/* A set-up that fails: its tests are errors and never run. */
static void broken_setup(void)
{
	e2e_log("fx.log", "broken setup\n");
	FAIL("database unavailable");
}

FIXTURE(broken, .scope = HERD_SCOPE_TEST, .setup = broken_setup);

/* Suite scope: set up once per suite, in the runner, before the items fork. */
static int suite_value;

static void s_setup(void)
{
	suite_value = 42;
	e2e_log("suite.log", "setup %ld\n", (long)getpid());
}

static void s_teardown(void)
{
	e2e_log("suite.log", "teardown %ld\n", (long)getpid());
}

FIXTURE(sfix, .scope = HERD_SCOPE_SUITE, .setup = s_setup, .teardown = s_teardown);

TEST(order, first, .fixtures = "tlog")
{
	e2e_log("fx.log", "body first\n");
}

TEST(order, second, .fixtures = "tlog")
{
	e2e_log("fx.log", "body second\n");
}

TEST(order, check_fails, .fixtures = "tlog")
{
	e2e_log("fx.log", "body check_fails\n");
	CHECK(0);
	e2e_log("fx.log", "after the CHECK\n");
}

TEST(order, require_fails, .fixtures = "tlog")
{
	e2e_log("fx.log", "body require_fails\n");
	REQUIRE(0);
	e2e_log("fx.log", "after the REQUIRE\n");
}

TEST(order, two_fixtures, .fixtures = "tlog tlog2")
{
	e2e_log("fx.log", "body two_fixtures\n");
}

TEST(errs, one, .fixtures = "broken")
{
	e2e_log("fx.log", "body errs one\n");
}

TEST(errs, two, .fixtures = "broken")
{
	e2e_log("fx.log", "body errs two\n");
}

TEST(plain, no_fixture)
{
	e2e_log("fx.log", "body no_fixture\n");
}

TEST(suite_a, one, .fixtures = "sfix")
{
	CHECK_EQ(suite_value, 42);
	e2e_log("suite.log", "test %ld\n", (long)getpid());
}

TEST(suite_a, two, .fixtures = "sfix")
{
	CHECK_EQ(suite_value, 42);
	e2e_log("suite.log", "test %ld\n", (long)getpid());
}

TEST(suite_a, three, .fixtures = "sfix")
{
	CHECK_EQ(suite_value, 42);
	e2e_log("suite.log", "test %ld\n", (long)getpid());
}

TEST(suite_b, one, .fixtures = "sfix")
{
	CHECK_EQ(suite_value, 42);
	e2e_log("suite.log", "test %ld\n", (long)getpid());
}

TEST(suite_b, two, .fixtures = "sfix")
{
	CHECK_EQ(suite_value, 42);
	e2e_log("suite.log", "test %ld\n", (long)getpid());
}

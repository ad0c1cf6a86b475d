/*
 * suites.c - SUITE defaults and parametrized fixtures, seen from outside.
 * suites.sh lists the items (./t --list -v shows each test's options after its
 * suite's were merged in), runs them alone and under herd, and counts the
 * set-ups and tear-downs the fixtures log under $E2E_DIR: one line each,
 * "setup|teardown NAME[ELEMENT] PID".
 */
#define _POSIX_C_SOURCE 200809L
#include <herd.h>
#include <string.h>

#include "e2e.h"

/* ---- SUITE defaults and a test's own options ---- */

static void plain_setup(void)
{
	e2e_log("plain.log", "setup plain %s\n", herd_test_id() ? "in-test" : "-");
}

FIXTURE(plain, .scope = HERD_SCOPE_TEST, .setup = plain_setup);
FIXTURE(other, .scope = HERD_SCOPE_TEST);

SUITE(defs, .fixtures = "plain", .marks = "smark", .timeout = 7, .group = "sgroup",
      .strategy = HERD_SERIAL, .resources = "pool:2 disk");

/* Every default as it is. */
TEST(defs, inherits) { CHECK(herd_test_id() != NULL); }
/* Lists add to the suite's; scalars replace them. */
TEST(defs, overrides, .timeout = 3, .marks = "tmark", .fixtures = "other",
     .group = "tgroup", .strategy = HERD_ISOLATED_SERIAL, .resources = "pool:1 net") { }

SUITE(skipped, .skip = "suite skips");
TEST(skipped, by_suite) { FAIL("a skipped suite ran"); }
TEST(skipped, own_reason, .skip = "test says why") { FAIL("a skipped test ran"); }

SUITE(xfails, .xfail = "suite expects failure");
TEST(xfails, fails) { CHECK(0); }
TEST(xfails, own_reason, .xfail = "own reason") { CHECK(0); }

/* suites_bad.c declares it again: the same options make one suite. */
SUITE(twice, .marks = "twin");
TEST(twice, merged) { }

/* ---- HERD_TEST_FN: one test calls another's body ---- */

TEST(calls, callee) { e2e_log("calls.log", "callee body in %s\n", herd_test_id()); }
TEST(calls, caller) { HERD_TEST_FN(calls, callee)(); }

/* ---- parametrized fixtures ---- */

struct cfg { const char *name; int value; };
static const struct cfg cfgs[] = { { "a", 1 }, { "b", 2 }, { "c", 3 } };
static const int modes[] = { 10, 20 };

static void cfg_id(char *buf, size_t size, const void *p)
{
	snprintf(buf, size, "%s", ((const struct cfg *)p)->name);
}

static void mode_id(char *buf, size_t size, const void *p)
{
	snprintf(buf, size, "m%d", *(const int *)p);
}

static const char *fxname(const char *fx)
{
	const struct cfg *c = herd_fixture_param(fx);

	return c ? c->name : "NULL";
}

#define FX_FUNCS(fx, log) \
	static void fx##_setup(void) \
	{ e2e_log(log, "setup " #fx "[%s] %ld\n", fxname(#fx), (long)getpid()); } \
	static void fx##_teardown(void) \
	{ e2e_log(log, "teardown " #fx "[%s] %ld\n", fxname(#fx), (long)getpid()); }

FX_FUNCS(tcfg, "tcfg.log")
FX_FUNCS(scfg, "scfg.log")
FX_FUNCS(wcfg, "wcfg.log")

FIXTURE(tcfg, .scope = HERD_SCOPE_TEST, .setup = tcfg_setup, .teardown = tcfg_teardown,
	.params = HERD_PARAMS(cfgs), .param_id = cfg_id);
FIXTURE(scfg, .scope = HERD_SCOPE_SUITE, .setup = scfg_setup, .teardown = scfg_teardown,
	.params = HERD_PARAMS(cfgs), .param_id = cfg_id);
FIXTURE(wcfg, .scope = HERD_SCOPE_WORKER, .setup = wcfg_setup, .teardown = wcfg_teardown,
	.params = HERD_PARAMS(cfgs), .param_id = cfg_id);
static void mode_setup(void) { }
FIXTURE(mode, .scope = HERD_SCOPE_TEST, .setup = mode_setup, .params = HERD_PARAMS(modes),
	.param_id = mode_id);
/* Without .param_id: the element's index names it. */
FIXTURE(bare, .scope = HERD_SCOPE_TEST, .params = HERD_PARAMS(modes));

/* Each test logs the element it sees, which must be the one in its id. */
static void seen(const char *fx)
{
	e2e_log("seen.log", "%s %s\n", herd_test_id(), fxname(fx));
}

TEST(ptest, one, .fixtures = "tcfg") { seen("tcfg"); }
TEST(ptest, two, .fixtures = "tcfg") { seen("tcfg"); }

SUITE(psuite, .fixtures = "scfg");
TEST(psuite, one) { seen("scfg"); CHECK_NULL(herd_fixture_param("tcfg")); }
TEST(psuite, two) { seen("scfg"); }
TEST(psuite, three) { seen("scfg"); }
TEST(psuite, four) { seen("scfg"); }

SUITE(pworker, .fixtures = "wcfg");
TEST(pworker, one) { seen("wcfg"); }
TEST(pworker, two) { seen("wcfg"); }
TEST(pworker, three) { seen("wcfg"); }
/* Another suite using the worker fixture keeps it up. */
TEST(pworker2, one, .fixtures = "wcfg") { seen("wcfg"); }

/* A TEST_P's own parameter first, then each fixture in .fixtures order. */
static const int sizes[] = { 1, 2 };
TEST_P(combo, grid, sizes, .fixtures = "tcfg mode") {
	CHECK_EQ(*(const int *)herd_fixture_param("mode") % 10, 0);
	CHECK(herd_param() != NULL);
}
TEST(combo, bare, .fixtures = "bare") { CHECK_EQ(*(const int *)herd_fixture_param("bare") % 10, 0); }

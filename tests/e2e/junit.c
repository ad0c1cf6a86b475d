/*
 * junit.c - one test of every outcome, with output full of XML specials, for
 * the --junit-xml checks of junit.sh.
 */
#define _POSIX_C_SOURCE 200809L
#include <herd.h>

#include "e2e.h"

static void broken_setup(void)
{
	FAIL("fixture refused");
}

FIXTURE(broken, .setup = broken_setup);

TEST(j, passing_one) /* mark:passing_one */
{
	printf("PASS-OUT\n");
}

TEST(j, failing_one)
{
	printf("FAIL-OUT <&> \"q\" 'a'\n");
	CHECK_STR_EQ("<&\"'>", "plain", "specials <&\"'> in the message");
}

TEST(j, skip_one, .skip = "later, maybe")
{
}

TEST(j, xfail_one, .xfail = "bug 1")
{
	CHECK(0);
}

TEST(j, xpass_one, .xfail = "bug 2")
{
}

TEST(j, crash_one)
{
	abort();
}

TEST(j, timeout_one, .timeout = 1)
{
	e2e_block();
}

TEST(j, error_one, .fixtures = "broken")
{
}

TEST(j, junk_one)
{
	static const char junk[] = "\x01\x1b[7m\xff\xfe\xc3]]><![CDATA[\x80\0--><!--\n";

	fwrite(junk, 1, sizeof junk - 1, stdout);
	printf("JUNK-END\n");
	CHECK(0, "junk \x02\xff]]>");
}

static const int vals[] = { 1, 2, 3 };

TEST_P(j, param_one, vals)
{
	CHECK_GT(*(const int *)herd_param(), 0);
}

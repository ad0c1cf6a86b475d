/* Unit tests of common/util.c. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <herd.h>

#include "report.h"
#include "util.h"

TEST(buf, grows_and_terminates)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < 10000; i++)
		buf_addc(&b, 'a' + (int)(i % 26));
	REQUIRE_EQ(b.len, 10000);
	CHECK_EQ(b.data[b.len], '\0');
	buf_printf(&b, "%s-%d", "x", 42);
	CHECK_STR_EQ(b.data + 10000, "x-42");
	buf_clear(&b);
	CHECK_NULL(b.data);
}

TEST(buf, printf_long)
{
	struct buf b = BUF_INIT;
	char big[5000];

	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	buf_printf(&b, "<%s>", big);
	CHECK_EQ(b.len, sizeof(big) + 1);
	CHECK_EQ(b.data[0], '<');
	CHECK_EQ(b.data[b.len - 1], '>');
	buf_clear(&b);
}

TEST(buf, detach_empty)
{
	struct buf b = BUF_INIT;
	size_t n = 99;
	char *s = buf_detach(&b, &n);

	CHECK_STR_EQ(s, "");
	CHECK_EQ(n, 0);
	free(s);
}

TEST(util, parse_seconds)
{
	CHECK_NEAR(hd_parse_seconds("2"), 2.0, 1e-12);
	CHECK_NEAR(hd_parse_seconds("0.25"), 0.25, 1e-12);
	CHECK_NEAR(hd_parse_seconds("0"), 0.0, 1e-12);
	CHECK_LT(hd_parse_seconds("-1"), 0);
	CHECK_LT(hd_parse_seconds("abc"), 0);
	CHECK_LT(hd_parse_seconds("1s"), 0);
	CHECK_LT(hd_parse_seconds(""), 0);
	CHECK_LT(hd_parse_seconds("nan"), 0);
}

TEST(util, signame)
{
	char tmp[32];

	CHECK_STR_EQ(hd_signame(SIGSEGV, tmp, sizeof(tmp)), "SIGSEGV");
	CHECK_STR_EQ(hd_signame(SIGKILL, tmp, sizeof(tmp)), "SIGKILL");
	CHECK_STR_EQ(hd_signame(1000, tmp, sizeof(tmp)), "signal 1000");
}

TEST(report, counts_text)
{
	struct hd_counts c;
	char text[256];

	memset(&c, 0, sizeof(c));
	hd_counts_text(&c, text, sizeof(text));
	CHECK_STR_EQ(text, "no tests ran");
	c.n[HD_PASSED] = 10;
	c.n[HD_FAILED] = 1;
	c.n[HD_ERROR] = 2;
	c.n[HD_SKIPPED] = 1;
	c.deselected = 3;
	hd_counts_text(&c, text, sizeof(text));
	CHECK_STR_EQ(text, "1 failed, 2 errors, 10 passed, 1 skipped, 3 deselected");
	CHECK_EQ(hd_exit_status(&c, 0), 1);
	CHECK_EQ(hd_exit_status(&c, 1), 2);
	c.n[HD_FAILED] = c.n[HD_ERROR] = 0;
	CHECK_EQ(hd_exit_status(&c, 0), 0);
	memset(c.n, 0, sizeof(c.n));
	c.n[HD_NOTRUN] = 4;
	CHECK_EQ(hd_exit_status(&c, 0), 5);
}

TEST(report, outcome_names_round_trip)
{
	int o;

	for (o = HD_PASSED; o < HD_NOUTCOMES; o++)
		CHECK_EQ(hd_outcome_parse(hd_outcome_name((enum hd_outcome)o)), o);
	CHECK_EQ(hd_outcome_parse("bogus"), HD_NONE);
}

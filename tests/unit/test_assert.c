/*
 * The assertion macros, driven through the real runner. The passing side is
 * plain CHECKs; the failing side runs each macro inside a probe that points
 * the assertions at a record of its own (and REQUIRE's jump at a buffer of
 * its own), then checks the whole message it wrote, line by line, and that
 * a REQUIRE stopped where a CHECK went on. Making any one comparison always
 * hold fails one of these tests.
 */
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <herd.h>

#include "internal.h"

TEST(assert, mixed_signedness)
{
	unsigned long long big = ULLONG_MAX;
	long long neg = LLONG_MIN;

	CHECK_LT(-1, 0u);		/* no conversion of -1 to UINT_MAX */
	CHECK_GT(big, -1);
	CHECK_LT(neg, big);
	CHECK_NE(big, -1);
	CHECK_EQ((unsigned char)200, 200);
	CHECK_LE(INTMAX_MIN, 0);
	CHECK_GE(UINTMAX_MAX, INTMAX_MAX);
}

TEST(assert, evaluates_once)
{
	int i = 0;
	double d = 0;
	const char *s = "ab";

	CHECK_EQ(i++, 0);
	CHECK_EQ(i, 1);
	CHECK_STR_EQ(i++ ? "x" : "y", "x");
	CHECK_EQ(i, 2);
	CHECK_DOUBLE_EQ(d++, 0);
	CHECK_APPROX(d++, 1);
	CHECK_NEAR(d++, 2, 0);
	CHECK_DOUBLE_EQ(d, 3);
	CHECK_STR_STARTS_WITH(s++, "ab");
	CHECK_STR_EQ(s, "b");
	CHECK_PTR_NE(s++, NULL);
	CHECK_STR_EQ(s, "");
	CHECK_BITS(1, i++, 4);
	CHECK_EQ(i, 3);
}

TEST(assert, strings_and_memory)
{
	const char *n = NULL;
	unsigned char a[4] = { 1, 2, 3, 4 }, b[4] = { 1, 2, 3, 4 };

	CHECK_STR_EQ("abc", "abc");
	CHECK_STR_NE("abc", "abd");
	CHECK_STR_NE(n, "x");
	CHECK_STR_EQ(n, NULL);
	CHECK_MEM_EQ(a, b, sizeof(a));
	CHECK_NEAR(0.1 + 0.2, 0.3, 1e-12);
	CHECK_NULL(n);
	CHECK_NOT_NULL(a);
}

TEST(assert, return_values)
{
	/* A passing assertion returns nonzero, so it can guard what follows. */
	CHECK(CHECK_EQ(1, 1));
	CHECK(CHECK_STR_EQ("a", "a", "with a message %d", 1));
}

static const char *words[] = { "alpha", "beta" };

TEST_P(assert, param_pointer, words)
{
	const char *const *w = herd_param();

	REQUIRE_NOT_NULL(w);
	CHECK_STR_EQ(*w, words[herd_param_index()]);
}

TEST(assert, outside_param_is_null)
{
	CHECK_NULL(herd_param());
	CHECK_STR_EQ(herd_test_id(), "tests/unit/test_assert.c::assert::outside_param_is_null");
	if (!getenv("HERD_WORKER")) {
		CHECK_STR_EQ(herd_worker_id(), "main");
		CHECK_EQ(herd_worker_count(), 1);
	}
}

/* ---- the failing side ---- */

static struct hd_record probe_rec;
static struct hd_record *volatile probe_saved_rec;
static jmp_buf *volatile probe_saved_jb;
static jmp_buf probe_jb;
static volatile int probe_stopped, probe_ret, probe_after;

static void
probe_begin(void)
{
	probe_saved_rec = hd_ctx.rec;
	probe_saved_jb = hd_ctx.jb;
	/* Not hd_record_reset: that would drop the test's HERD_CONTEXT too. */
	memset((void *)probe_rec.failed, 0, sizeof(probe_rec.failed));
	probe_rec.phase = HD_PH_CALL;
	probe_rec.msglen = 0;
	probe_rec.msg[0] = '\0';
	probe_stopped = 0;
	probe_ret = -1;
	probe_after = 0;
	hd_ctx.rec = &probe_rec;
	hd_ctx.jb = &probe_jb;
}

static void
probe_end(void)
{
	hd_ctx.rec = probe_saved_rec;
	hd_ctx.jb = probe_saved_jb;
}

/*
 * Runs the assertion e with its failures going to probe_rec; probe_after
 * tells whether the code after it ran, probe_ret what it returned.
 */
#define PROBE(e) do { \
	probe_begin(); \
	if (setjmp(probe_jb) == 0) { \
		probe_ret = (e); \
		probe_after = 1; \
	} else { \
		probe_stopped = 1; \
	} \
	probe_end(); \
} while (0)

/* Checks that the probe failed as a CHECK (stop 0) or a REQUIRE (stop 1) with message want. */
static void
expect_failed(int stop, int line, const char *want)
{
	CHECK_EQ(probe_rec.failed[HD_PH_CALL], 1, "the assertion on line %d did not fail", line);
	CHECK_EQ(probe_stopped, stop, "line %d: a REQUIRE stops, a CHECK goes on", line);
	CHECK_EQ(probe_after, !stop, "line %d: code after the assertion", line);
	if (!stop)
		CHECK_EQ(probe_ret, 0, "line %d: a failed CHECK returns 0", line);
	CHECK_STR_EQ(probe_rec.msg, want, "the message of the assertion on line %d", line);
}

/* want, after the "file:line: " of the probe's own line. */
static void
expect_failed_here(int stop, int line, const char *want)
{
	char full[4096];

	snprintf(full, sizeof(full), "%s:%d: %s", __FILE__, line, want);
	expect_failed(stop, line, full);
}

#define FAILS(e, want) do { PROBE(e); expect_failed_here(0, __LINE__, want); } while (0)
#define STOPS(e, want) do { PROBE(e); expect_failed_here(1, __LINE__, want); } while (0)
#define HOLDS(e) do { \
	PROBE(e); \
	CHECK_EQ(probe_rec.failed[HD_PH_CALL], 0, "line %d failed: %s", __LINE__, probe_rec.msg); \
	CHECK_EQ(probe_ret, 1, "line %d: a passing assertion returns 1", __LINE__); \
	CHECK_EQ(probe_rec.msglen, 0, "line %d wrote a message", __LINE__); \
} while (0)

struct json_item { int valueint; };

TEST(assert_fails, check_and_fail)
{
	FAILS(CHECK(1 + 1 == 3), "CHECK(1 + 1 == 3) failed\n");
	STOPS(REQUIRE(1 + 1 == 3), "REQUIRE(1 + 1 == 3) failed\n");
	HOLDS(CHECK(1 + 1 == 2));
	PROBE((FAIL("why %d", 7), 0));
	expect_failed_here(1, __LINE__ - 1, "FAIL: why 7\n");
}

TEST(assert_fails, integers)
{
	struct json_item it = { -1 }, *item = &it;

	/* Which side is which: got the first operand, expected the second. */
	FAILS(CHECK_EQ(item->valueint, 2), "CHECK_EQ(item->valueint, 2) failed: got -1, expected 2\n");
	FAILS(CHECK_NE(item->valueint, -1), "CHECK_NE(item->valueint, -1) failed: got -1, expected != -1\n");
	FAILS(CHECK_LT(3, 3), "CHECK_LT(3, 3) failed: got 3, expected < 3\n");
	FAILS(CHECK_LE(4, 3), "CHECK_LE(4, 3) failed: got 4, expected <= 3\n");
	FAILS(CHECK_GT(3, 3), "CHECK_GT(3, 3) failed: got 3, expected > 3\n");
	FAILS(CHECK_GE(2, 3), "CHECK_GE(2, 3) failed: got 2, expected >= 3\n");
	FAILS(CHECK_GT(-1, 0u), "CHECK_GT(-1, 0u) failed: got -1, expected > 0\n");
	FAILS(CHECK_EQ(ULLONG_MAX, 0),
	      "CHECK_EQ(ULLONG_MAX, 0) failed: got 18446744073709551615 (0xffffffffffffffff), expected 0\n");
	STOPS(REQUIRE_EQ(1, 2), "REQUIRE_EQ(1, 2) failed: got 1, expected 2\n");
	STOPS(REQUIRE_NE(2, 2), "REQUIRE_NE(2, 2) failed: got 2, expected != 2\n");
	STOPS(REQUIRE_LT(2, 2), "REQUIRE_LT(2, 2) failed: got 2, expected < 2\n");
	STOPS(REQUIRE_LE(3, 2), "REQUIRE_LE(3, 2) failed: got 3, expected <= 2\n");
	STOPS(REQUIRE_GT(2, 2), "REQUIRE_GT(2, 2) failed: got 2, expected > 2\n");
	STOPS(REQUIRE_GE(1, 2), "REQUIRE_GE(1, 2) failed: got 1, expected >= 2\n");
	/* The boundaries hold where they should. */
	HOLDS(CHECK_LE(3, 3));
	HOLDS(CHECK_GE(3, 3));
	HOLDS(CHECK_NE(-1, UINTMAX_MAX));
	FAILS(CHECK_EQ(1, 2, "after %d pushes", 3),
	      "CHECK_EQ(1, 2) failed: got 1, expected 2\n  after 3 pushes\n");
	/* The expression as written: macros unexpanded, the message left out. */
	FAILS(CHECK_EQ(INT_MAX, (int)strlen("a,b)"), "in %s, %d", "x, y)", 2),
	      "CHECK_EQ(INT_MAX, (int)strlen(\"a,b)\")) failed: got 2147483647 (0x7fffffff), expected 4\n"
	      "  in x, y), 2\n");
	FAILS(CHECK(',' == 0, "m"), "CHECK(',' == 0) failed\n  m\n");
}

TEST(assert_fails, bits)
{
	FAILS(CHECK_BITS(0xf0, 0x1234, 0x1244),
	      "CHECK_BITS(0xf0, 0x1234, 0x1244) failed: got 0x30, expected 0x40 under mask 0xf0\n"
	      "  bits that differ: 0x70 (whole values 0x1234 and 0x1244)\n");
	STOPS(REQUIRE_BITS(1, 2, 3),
	      "REQUIRE_BITS(1, 2, 3) failed: got 0x0, expected 0x1 under mask 0x1\n"
	      "  bits that differ: 0x1 (whole values 0x2 and 0x3)\n");
	HOLDS(CHECK_BITS(0xf0, 0x1234, 0x1238));
	HOLDS(CHECK_BITS(0, 1, 2));
}

TEST(assert_fails, strings)
{
	const char *n = NULL;
	unsigned char u[] = "hello";

	FAILS(CHECK_STR_EQ("abc", "abd"),
	      "CHECK_STR_EQ(\"abc\", \"abd\") failed: got \"abc\", expected \"abd\"\n"
	      "  first difference at offset 2 (lengths 3 and 3)\n");
	FAILS(CHECK_STR_EQ(n, "x"), "CHECK_STR_EQ(n, \"x\") failed: got NULL, expected \"x\"\n");
	FAILS(CHECK_STR_NE(u, "hello"),
	      "CHECK_STR_NE(u, \"hello\") failed: got \"hello\", expected != \"hello\"\n");
	FAILS(CHECK_STRN_EQ("abcdef", "abxdef", 3),
	      "CHECK_STRN_EQ(\"abcdef\", \"abxdef\", 3) failed: got \"abcdef\", expected \"abxdef\" in the first 3 bytes\n"
	      "  first difference at offset 2 (lengths 6 and 6)\n");
	FAILS(CHECK_STR_CONTAINS(u, "xyz"),
	      "CHECK_STR_CONTAINS(u, \"xyz\") failed: got \"hello\", expected to contain \"xyz\"\n");
	FAILS(CHECK_STR_STARTS_WITH(u, "el"),
	      "CHECK_STR_STARTS_WITH(u, \"el\") failed: got \"hello\", expected to start with \"el\"\n");
	FAILS(CHECK_STR_ENDS_WITH(u, "ll"),
	      "CHECK_STR_ENDS_WITH(u, \"ll\") failed: got \"hello\", expected to end with \"ll\"\n");
	FAILS(CHECK_STR_ENDS_WITH("lo", "hello"),
	      "CHECK_STR_ENDS_WITH(\"lo\", \"hello\") failed: got \"lo\", expected to end with \"hello\"\n");
	FAILS(CHECK_STR_CONTAINS(n, ""), "CHECK_STR_CONTAINS(n, \"\") failed: got NULL, expected to contain \"\"\n");
	STOPS(REQUIRE_STR_EQ("a\tb", "a b"),
	      "REQUIRE_STR_EQ(\"a\\tb\", \"a b\") failed: got \"a\\tb\", expected \"a b\"\n"
	      "  first difference at offset 1 (lengths 3 and 3)\n");
	STOPS(REQUIRE_STR_NE("a", "a"), "REQUIRE_STR_NE(\"a\", \"a\") failed: got \"a\", expected != \"a\"\n");
	STOPS(REQUIRE_STRN_EQ("ab", "b", 1),
	      "REQUIRE_STRN_EQ(\"ab\", \"b\", 1) failed: got \"ab\", expected \"b\" in the first 1 bytes\n"
	      "  first difference at offset 0 (lengths 2 and 1)\n");
	STOPS(REQUIRE_STR_CONTAINS("ab", "ba"),
	      "REQUIRE_STR_CONTAINS(\"ab\", \"ba\") failed: got \"ab\", expected to contain \"ba\"\n");
	STOPS(REQUIRE_STR_STARTS_WITH("ab", "abc"),
	      "REQUIRE_STR_STARTS_WITH(\"ab\", \"abc\") failed: got \"ab\", expected to start with \"abc\"\n");
	STOPS(REQUIRE_STR_ENDS_WITH("ab", "a"),
	      "REQUIRE_STR_ENDS_WITH(\"ab\", \"a\") failed: got \"ab\", expected to end with \"a\"\n");
	HOLDS(CHECK_STRN_EQ("abcdef", "abxdef", 2));
	HOLDS(CHECK_STR_CONTAINS(u, "ell"));
	HOLDS(CHECK_STR_STARTS_WITH(u, "hello"));
	HOLDS(CHECK_STR_ENDS_WITH(u, "lo"));
	HOLDS(CHECK_STR_ENDS_WITH(u, ""));
	HOLDS(CHECK_STR_NE(n, ""));
}

TEST(assert_fails, memory)
{
	unsigned char a[4] = { 1, 2, 3, 4 }, b[4] = { 1, 2, 5, 4 };
	unsigned char big[20], other[20];
	size_t i;

	for (i = 0; i < sizeof(big); i++)
		big[i] = other[i] = (unsigned char)i;
	other[12] = 0xff;
	FAILS(CHECK_MEM_EQ(a, b, 4),
	      "CHECK_MEM_EQ(a, b, 4) failed: got 0x03, expected 0x05 at offset 2\n"
	      "  bytes 0 to 3:\n"
	      "  got:      01 02 03 04\n"
	      "  expected: 01 02 05 04\n"
	      "                  ^^\n");
	STOPS(REQUIRE_MEM_EQ(big, other, sizeof(big)),
	      "REQUIRE_MEM_EQ(big, other, sizeof(big)) failed: got 0x0c, expected 0xff at offset 12\n"
	      "  bytes 4 to 19:\n"
	      "  got:      04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13\n"
	      "  expected: 04 05 06 07 08 09 0a 0b ff 0d 0e 0f 10 11 12 13\n"
	      "                                    ^^\n");
	FAILS(CHECK_MEM_EQ(a, NULL, 4), "CHECK_MEM_EQ(a, NULL, 4) failed: the expected is NULL\n");
	HOLDS(CHECK_MEM_EQ(a, b, 2));
	HOLDS(CHECK_MEM_EQ(big, other, 12));
}

/* 1.0 and the double k units in the last place above it. */
static double
one_plus_ulps(int k)
{
	uint64_t bits;
	double d = 1.0;

	memcpy(&bits, &d, sizeof(bits));
	bits += (uint64_t)k;
	memcpy(&d, &bits, sizeof(d));
	return d;
}

TEST(assert_fails, floats)
{
	double four = one_plus_ulps(4), five = one_plus_ulps(5), nan = NAN, inf = INFINITY;
	float f = 0.1f, g = 0.1000001f;

	HOLDS(CHECK_DOUBLE_EQ(0.1 + 0.2, 0.3));
	HOLDS(CHECK_DOUBLE_EQ(four, 1.0));
	HOLDS(CHECK_DOUBLE_EQ(-0.0, 0.0));
	FAILS(CHECK_DOUBLE_EQ(five, 1.0),
	      "CHECK_DOUBLE_EQ(five, 1.0) failed: got 1.000000000000001, expected 1 within 4 ULPs\n"
	      "  they are 5 ULPs apart\n");
	FAILS(CHECK_DOUBLE_EQ(nan, nan),
	      "CHECK_DOUBLE_EQ(nan, nan) failed: got nan, expected nan within 4 ULPs\n");
	STOPS(REQUIRE_DOUBLE_EQ(1.0, 2.0),
	      "REQUIRE_DOUBLE_EQ(1.0, 2.0) failed: got 1, expected 2 within 4 ULPs\n"
	      "  they are 4503599627370496 ULPs apart\n");
	/* The same doubles are one float apart, or none. */
	HOLDS(CHECK_FLOAT_EQ(five, 1.0));
	HOLDS(CHECK_FLOAT_EQ(f * 3, 0.3f));
	FAILS(CHECK_FLOAT_EQ(f, g),
	      "CHECK_FLOAT_EQ(f, g) failed: got 0.1, expected 0.1000001 within 4 ULPs\n"
	      "  they are 13 ULPs apart\n");
	STOPS(REQUIRE_FLOAT_EQ(nan, 1),
	      "REQUIRE_FLOAT_EQ(nan, 1) failed: got nan, expected 1 within 4 ULPs\n");

	HOLDS(CHECK_NEAR(1.0, 1.5, 0.5));
	HOLDS(CHECK_NEAR(inf, inf, 0));
	FAILS(CHECK_NEAR(1.0, 1.5, 0.25),
	      "CHECK_NEAR(1.0, 1.5, 0.25) failed: got 1, expected 1.5 +- 0.25\n"
	      "  they are 0.5 apart\n");
	STOPS(REQUIRE_NEAR(nan, nan, 1), "REQUIRE_NEAR(nan, nan, 1) failed: got nan, expected nan +- 1\n");

	HOLDS(CHECK_APPROX(1.0000005, 1.0));
	HOLDS(CHECK_APPROX(1e-13, 0));
	HOLDS(CHECK_APPROX(inf, inf));
	FAILS(CHECK_APPROX(1.25e6 + 2, 1.25e6),
	      "CHECK_APPROX(1.25e6 + 2, 1.25e6) failed: got 1250002, expected 1250000 +- 1.25\n"
	      "  they are 2 apart\n");
	FAILS(CHECK_APPROX(1e-11, 0), "CHECK_APPROX(1e-11, 0) failed: got 1e-11, expected 0 +- 1e-12\n"
	      "  they are 1e-11 apart\n");
	FAILS(CHECK_APPROX(inf, 1e308), "CHECK_APPROX(inf, 1e308) failed: got inf, expected 1e+308 +- 9.999999999999999e+301\n");
	FAILS(CHECK_APPROX(nan, nan),
	      "CHECK_APPROX(nan, nan) failed: got nan, expected nan +- 1e-12\n"
	      "  a NaN equals nothing (CHECK_APPROX_NAN_OK lets NaN equal NaN)\n");
	STOPS(REQUIRE_APPROX(2, 1), "REQUIRE_APPROX(2, 1) failed: got 2, expected 1 +- 1e-06\n"
	      "  they are 1 apart\n");
	HOLDS(CHECK_APPROX_NAN_OK(nan, nan));
	HOLDS(CHECK_APPROX_NAN_OK(1.0000005, 1.0));
	FAILS(CHECK_APPROX_NAN_OK(nan, 1), "CHECK_APPROX_NAN_OK(nan, 1) failed: got nan, expected 1 +- 1e-06\n");
	STOPS(REQUIRE_APPROX_NAN_OK(1.5, 1), "REQUIRE_APPROX_NAN_OK(1.5, 1) failed: got 1.5, expected 1 +- 1e-06\n"
	      "  they are 0.5 apart\n");
	HOLDS(CHECK_APPROX_TOL(10.5, 10, 0.05, 0));
	HOLDS(CHECK_APPROX_TOL(10.5, 10, 0, 0.5));
	FAILS(CHECK_APPROX_TOL(10.5, 10, 0.01, 0.2),
	      "CHECK_APPROX_TOL(10.5, 10, 0.01, 0.2) failed: got 10.5, expected 10 +- 0.2\n"
	      "  they are 0.5 apart\n");
	STOPS(REQUIRE_APPROX_TOL(10.5, 10, 0.01, 0),
	      "REQUIRE_APPROX_TOL(10.5, 10, 0.01, 0) failed: got 10.5, expected 10 +- 0.1\n"
	      "  they are 0.5 apart\n");

	HOLDS(CHECK_NAN(nan));
	HOLDS(CHECK_INF(-inf));
	FAILS(CHECK_NAN(1.5), "CHECK_NAN(1.5) failed: got 1.5, expected NaN\n");
	FAILS(CHECK_INF(1e308), "CHECK_INF(1e308) failed: got 1e+308, expected inf or -inf\n");
	STOPS(REQUIRE_NAN(inf), "REQUIRE_NAN(inf) failed: got inf, expected NaN\n");
	STOPS(REQUIRE_INF(nan), "REQUIRE_INF(nan) failed: got nan, expected inf or -inf\n");

	HOLDS(CHECK_DOUBLE_LE(1.5, 1.5));
	HOLDS(CHECK_DOUBLE_GE(1.5, 1.5));
	FAILS(CHECK_DOUBLE_LT(1.5, 1.5), "CHECK_DOUBLE_LT(1.5, 1.5) failed: got 1.5, expected < 1.5\n");
	FAILS(CHECK_DOUBLE_LE(1.75, 1.5), "CHECK_DOUBLE_LE(1.75, 1.5) failed: got 1.75, expected <= 1.5\n");
	FAILS(CHECK_DOUBLE_GT(1.5, 1.5), "CHECK_DOUBLE_GT(1.5, 1.5) failed: got 1.5, expected > 1.5\n");
	FAILS(CHECK_DOUBLE_GE(1.25, 1.5), "CHECK_DOUBLE_GE(1.25, 1.5) failed: got 1.25, expected >= 1.5\n");
	FAILS(CHECK_DOUBLE_LE(nan, inf), "CHECK_DOUBLE_LE(nan, inf) failed: got nan, expected <= inf\n");
	STOPS(REQUIRE_DOUBLE_LT(2, 1), "REQUIRE_DOUBLE_LT(2, 1) failed: got 2, expected < 1\n");
	STOPS(REQUIRE_DOUBLE_LE(2, 1), "REQUIRE_DOUBLE_LE(2, 1) failed: got 2, expected <= 1\n");
	STOPS(REQUIRE_DOUBLE_GT(1, 1), "REQUIRE_DOUBLE_GT(1, 1) failed: got 1, expected > 1\n");
	STOPS(REQUIRE_DOUBLE_GE(0, 1), "REQUIRE_DOUBLE_GE(0, 1) failed: got 0, expected >= 1\n");
}

TEST(assert_fails, pointers)
{
	int a[2];
	int *p = &a[0], *q = &a[1], *n = NULL;
	char want[256];

	snprintf(want, sizeof(want), "CHECK_PTR_EQ(p, q) failed: got %p, expected %p\n",
		 (void *)p, (void *)q);
	FAILS(CHECK_PTR_EQ(p, q), want);
	snprintf(want, sizeof(want), "CHECK_PTR_NE(p, &a[0]) failed: got %p, expected != %p\n",
		 (void *)p, (void *)p);
	FAILS(CHECK_PTR_NE(p, &a[0]), want);
	snprintf(want, sizeof(want), "CHECK_NULL(p) failed: got %p, expected NULL\n", (void *)p);
	FAILS(CHECK_NULL(p), want);
	FAILS(CHECK_NOT_NULL(n), "CHECK_NOT_NULL(n) failed: got NULL, expected a pointer that is not NULL\n");
	snprintf(want, sizeof(want), "REQUIRE_PTR_EQ(n, p) failed: got NULL, expected %p\n", (void *)p);
	STOPS(REQUIRE_PTR_EQ(n, p), want);
	STOPS(REQUIRE_PTR_NE(n, NULL), "REQUIRE_PTR_NE(n, NULL) failed: got NULL, expected != NULL\n");
	snprintf(want, sizeof(want), "REQUIRE_NULL(q) failed: got %p, expected NULL\n", (void *)q);
	STOPS(REQUIRE_NULL(q), want);
	STOPS(REQUIRE_NOT_NULL(n), "REQUIRE_NOT_NULL(n) failed: got NULL, expected a pointer that is not NULL\n");
	HOLDS(CHECK_PTR_EQ(p, &a[0]));
	HOLDS(CHECK_PTR_NE(p, q));
	HOLDS(CHECK_NULL(n));
	HOLDS(CHECK_NOT_NULL(q));
}

/* A helper a test calls for each case: its failures name the caller too. */
static int helper_line;

static int
check_double(int x, int want)
{
	helper_line = __LINE__ + 1;
	return CHECK_EQ(2 * x, want);
}

static int call_line;

static int
call_check_double(void)
{
	call_line = __LINE__ + 1;
	HERD_CALL(check_double(3, 7));
	return 0;
}

TEST(assert_fails, context)
{
	char want[1024];
	int ctx_line, i;

	ctx_line = __LINE__ + 1;
	HERD_CONTEXT("parsing %s", "a.json");
	PROBE(check_double(2, 5));
	snprintf(want, sizeof(want),
		 "%s:%d: CHECK_EQ(2 * x, want) failed: got 4, expected 5\n"
		 "  at %s:%d: parsing a.json\n", __FILE__, helper_line, __FILE__, ctx_line);
	expect_failed(0, __LINE__, want);

	/* HERD_CALL names the call and its line; the innermost comes first. */
	PROBE(call_check_double());
	snprintf(want, sizeof(want),
		 "%s:%d: CHECK_EQ(2 * x, want) failed: got 6, expected 7\n"
		 "  at %s:%d: check_double(3, 7)\n"
		 "  at %s:%d: parsing a.json\n",
		 __FILE__, helper_line, __FILE__, call_line, __FILE__, ctx_line);
	CHECK_EQ(probe_rec.failed[HD_PH_CALL], 1);
	CHECK_STR_EQ(probe_rec.msg, want);

	/* The author's message comes before the context. */
	PROBE(CHECK(0, "why"));
	CHECK_STR_CONTAINS(probe_rec.msg, "CHECK(0) failed\n  why\n  at ");

	HERD_CONTEXT_POP();
	FAILS(CHECK(0), "CHECK(0) failed\n");
	HERD_CONTEXT_POP();	/* one pop too many is harmless */
	FAILS(CHECK(0), "CHECK(0) failed\n");

	/* Past 16, lines are counted, not kept. */
	for (i = 0; i < 18; i++)
		HERD_CONTEXT("level %d", i);
	PROBE(CHECK(0));
	CHECK_STR_CONTAINS(probe_rec.msg, "CHECK(0) failed\n  (2 more context lines not kept)\n  at ");
	CHECK_STR_CONTAINS(probe_rec.msg, ": level 15\n");
	CHECK_STR_ENDS_WITH(probe_rec.msg, ": level 0\n");
	for (i = 0; i < 18; i++)
		HERD_CONTEXT_POP();
	FAILS(CHECK(0), "CHECK(0) failed\n");
}

/* A test starts with an empty context, whatever the one before left. */
TEST(assert_fails, context_left_behind)
{
	HERD_CONTEXT("never popped");
}

TEST(assert_fails, context_starts_empty)
{
	FAILS(CHECK(0), "CHECK(0) failed\n");
}

/* What makes the above hold under --isolation none: the runner's reset of the record. */
TEST(assert_fails, record_reset_drops_context)
{
	HERD_CONTEXT("from an earlier test");
	hd_record_reset(&probe_rec);
	FAILS(CHECK(0), "CHECK(0) failed\n");
}

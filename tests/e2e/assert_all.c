/*
 * assert_all.c - every assertion macro of herd.h, each in a form that holds,
 * under its short and its HERD_ name. header.sh compiles this file as C99,
 * C11, C17 and C2x and as C++17 and C++20, with every warning an error, at
 * -O0 to -O3; run, every test passes, and no task runs (--list shows them).
 * Compiled with -DHERD_NO_SHORT_NAMES it uses the HERD_ names alone and
 * defines TEST and CHECK of its own, as a program that already has them
 * would.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef HERD_NO_SHORT_NAMES
/* A project's own macros by these names keep working beside herd's. */
#define TEST(x) ((x) + 1)
#define CHECK(x) ((x) * 2)
#endif

#include <herd.h>

#ifdef __cplusplus
#define NULLPTR nullptr
#else
#define NULLPTR NULL
#endif

static int
twice(int x)
{
	return 2 * x;
}

/* A helper whose failures name its caller through HERD_CALL. */
static void
check_twice(int x, int want)
{
	HERD_CHECK_EQ(twice(x), want);
}

#ifndef HERD_NO_SHORT_NAMES
TEST(all, integers)
{
	unsigned char uc = 200;
	long long neg = -5;
	unsigned u = 3;
	const long long *pneg = &neg;	/* C++: decltype(*pneg) is a reference */

	CHECK(twice(2) == 4);
	REQUIRE(twice(2) == 4, "with a message %d", 1);
	CHECK_EQ(twice(21), 42);
	CHECK_NE(neg, 5u);
	CHECK_LT(neg, u);
	CHECK_LT(*pneg, 0u);
	CHECK_LE(u, 3);
	CHECK_GT(uc, neg);
	CHECK_GE(uc, 200);
	REQUIRE_EQ(uc, 200);
	REQUIRE_NE(uc, 0);
	REQUIRE_LT(-1, 0u);
	REQUIRE_LE(0, 0);
	REQUIRE_GT(1, 0);
	REQUIRE_GE(1, 1);
	CHECK_BITS(0xf0, 0x1234, 0x1238);
	REQUIRE_BITS(0xff00u, 0x12ffu, 0x1200u);
}

TEST(all, strings)
{
	char buf[] = "hello world";
	const char *cs = buf;
	unsigned char us[] = "hello";
	const unsigned char *cus = us;
	signed char ss[] = "hello";

	CHECK_STR_EQ(buf, "hello world");
	CHECK_STR_EQ(us, "hello");
	CHECK_STR_EQ(cus, ss);
	CHECK_STR_NE(cs, "hello");
	CHECK_STR_NE(cs, NULLPTR);
	CHECK_STRN_EQ(cs, "hello there", 6);
	CHECK_STR_CONTAINS(cs, "o w");
	CHECK_STR_STARTS_WITH(us, "hel");
	CHECK_STR_ENDS_WITH(buf, "world");
	REQUIRE_STR_EQ(cs, buf);
	REQUIRE_STR_NE(cs, "x");
	REQUIRE_STRN_EQ(cs, "help", 3);
	REQUIRE_STR_CONTAINS(cs, "lo");
	REQUIRE_STR_STARTS_WITH(cs, "");
	REQUIRE_STR_ENDS_WITH(cs, "ld");
	CHECK_MEM_EQ(us, "hello", 6);
	REQUIRE_MEM_EQ(buf, "hello", 5);
}

TEST(all, floats)
{
	double third = 1.0 / 3, inf = HUGE_VAL, nan = inf - inf;
	float f = 0.1f;

	CHECK_FLOAT_EQ(f * 3, 0.3f);
	CHECK_DOUBLE_EQ(0.1 + 0.2, 0.3);
	CHECK_NEAR(third, 0.333, 1e-3);
	CHECK_APPROX(third * 3e6, 1e6);
	CHECK_APPROX_NAN_OK(nan, nan);
	CHECK_APPROX_TOL(10.5, 10, 0.1, 0);
	CHECK_NAN(nan);
	CHECK_INF(-inf);
	CHECK_DOUBLE_LT(third, 0.34);
	CHECK_DOUBLE_LE(third, third);
	CHECK_DOUBLE_GT(third, 0.33);
	CHECK_DOUBLE_GE(third, 1.0 / 3);
	REQUIRE_FLOAT_EQ(f, 0.1);
	REQUIRE_DOUBLE_EQ(third, 1.0 / 3);
	REQUIRE_NEAR(third, 0.3, 0.1);
	REQUIRE_APPROX(third, 0.3333333333);
	REQUIRE_APPROX_NAN_OK(1.0, 1.0);
	REQUIRE_APPROX_TOL(third, 0.3, 0, 0.04);
	REQUIRE_NAN(nan);
	REQUIRE_INF(inf);
	REQUIRE_DOUBLE_LT(0.0, 1e-300);
	REQUIRE_DOUBLE_LE(0.0, 0.0);
	REQUIRE_DOUBLE_GT(1e-300, 0.0);
	REQUIRE_DOUBLE_GE(inf, 1e308);
}

TEST(all, pointers)
{
	/* A fresh malloc() result, not yet written: no -Wmaybe-uninitialized. */
	char *p = (char *)malloc(16);
	const char *q = p;

	REQUIRE_NOT_NULL(p);
	CHECK_NOT_NULL(p);
	CHECK_PTR_EQ(q, p);
	CHECK_PTR_NE(p + 1, q);
	REQUIRE_PTR_EQ(p, q);
	REQUIRE_PTR_NE(p, NULLPTR);
	free(p);
	p = NULLPTR;
	CHECK_NULL(p);
	REQUIRE_NULL(p);
}

TEST(all, context)
{
	HERD_CONTEXT("doubling %d", 21);
	check_twice(21, 42);
	HERD_CONTEXT_POP();
	HERD_CALL(check_twice(2, 4));
	if (twice(1) != 2)
		FAIL("twice(1) is %d", twice(1));
}

static const int sizes[] = { 1, 2, 3 };

TEST_P(all, param, sizes)
{
	CHECK_GT(*(const int *)herd_param(), 0);
}

#if !defined(__cplusplus) || __cplusplus > 201703L
static void up(void) {}
FIXTURE(allfx, .scope = HERD_SCOPE_TEST, .setup = up);
TEST(all, options, .timeout = 5, .marks = "fast", .fixtures = "allfx", .after = "all_task")
{
	CHECK_EQ(1, 1);
}

/* Tasks compile here; run alone, the binary runs none of them. */
TASK(all_task, .depends_on = "in.txt", .produces = "out-a.txt out-b.txt", .after = "plain_task",
     .marks = "persist", .timeout = 5, .fixtures = "allfx", .resources = "cpu")
{
	CHECK_NOT_NULL(herd_depends_on(0));
	CHECK_NULL(herd_produces(2));
}

TASK_P(all_task_p, sizes, .produces = "p-{id}.txt", .marks = "try_first")
{
	CHECK_NOT_NULL(herd_produces(0));
}
#endif

TASK(plain_task)
{
	CHECK_NULL(herd_depends_on(0));
}

TASK_P(plain_task_p, sizes)
{
	CHECK_GT(*(const int *)herd_param(), 0);
}
#endif /* !HERD_NO_SHORT_NAMES */

/* The same, under the HERD_ names. */
HERD_TEST(herd, names)
{
	char *p = (char *)malloc(4);
	double d = 0.5;

	HERD_REQUIRE_NOT_NULL(p);
	HERD_CHECK(1);
	HERD_REQUIRE(1);
	HERD_CHECK_EQ(1, 1);
	HERD_CHECK_NE(1, 2);
	HERD_CHECK_LT(1, 2);
	HERD_CHECK_LE(1, 1);
	HERD_CHECK_GT(2, 1);
	HERD_CHECK_GE(2, 2);
	HERD_REQUIRE_EQ(1, 1);
	HERD_REQUIRE_NE(1, 2);
	HERD_REQUIRE_LT(1, 2);
	HERD_REQUIRE_LE(1, 1);
	HERD_REQUIRE_GT(2, 1);
	HERD_REQUIRE_GE(2, 2);
	HERD_CHECK_BITS(1, 3, 5);
	HERD_REQUIRE_BITS(2, 3, 2);
	HERD_CHECK_STR_EQ("a", "a");
	HERD_CHECK_STR_NE("a", "b");
	HERD_CHECK_STRN_EQ("ab", "ac", 1);
	HERD_CHECK_STR_CONTAINS("abc", "b");
	HERD_CHECK_STR_STARTS_WITH("abc", "a");
	HERD_CHECK_STR_ENDS_WITH("abc", "c");
	HERD_REQUIRE_STR_EQ("a", "a");
	HERD_REQUIRE_STR_NE("a", "b");
	HERD_REQUIRE_STRN_EQ("ab", "ac", 1);
	HERD_REQUIRE_STR_CONTAINS("abc", "b");
	HERD_REQUIRE_STR_STARTS_WITH("abc", "a");
	HERD_REQUIRE_STR_ENDS_WITH("abc", "c");
	HERD_CHECK_MEM_EQ("ab", "ab", 2);
	HERD_REQUIRE_MEM_EQ("ab", "ab", 2);
	HERD_CHECK_FLOAT_EQ(d, 0.5f);
	HERD_CHECK_DOUBLE_EQ(d, 0.5);
	HERD_CHECK_NEAR(d, 0.4, 0.2);
	HERD_CHECK_APPROX(d, 0.5);
	HERD_CHECK_APPROX_NAN_OK(d, 0.5);
	HERD_CHECK_APPROX_TOL(d, 0.6, 0.5, 0);
	HERD_CHECK_NAN(d - d + HUGE_VAL - HUGE_VAL);
	HERD_CHECK_INF(HUGE_VAL);
	HERD_CHECK_DOUBLE_LT(d, 1);
	HERD_CHECK_DOUBLE_LE(d, 1);
	HERD_CHECK_DOUBLE_GT(d, 0);
	HERD_CHECK_DOUBLE_GE(d, 0);
	HERD_REQUIRE_FLOAT_EQ(d, 0.5f);
	HERD_REQUIRE_DOUBLE_EQ(d, 0.5);
	HERD_REQUIRE_NEAR(d, 0.4, 0.2);
	HERD_REQUIRE_APPROX(d, 0.5);
	HERD_REQUIRE_APPROX_NAN_OK(d, 0.5);
	HERD_REQUIRE_APPROX_TOL(d, 0.6, 0.5, 0);
	HERD_REQUIRE_NAN(d - d + HUGE_VAL - HUGE_VAL);
	HERD_REQUIRE_INF(-HUGE_VAL);
	HERD_REQUIRE_DOUBLE_LT(d, 1);
	HERD_REQUIRE_DOUBLE_LE(d, 1);
	HERD_REQUIRE_DOUBLE_GT(d, 0);
	HERD_REQUIRE_DOUBLE_GE(d, 0);
	HERD_CHECK_PTR_EQ(p, p);
	HERD_CHECK_PTR_NE(p, p + 1);
	HERD_REQUIRE_PTR_EQ(p, p);
	HERD_REQUIRE_PTR_NE(p, p + 1);
	HERD_CHECK_NOT_NULL(p);
	free(p);
	p = NULLPTR;
	HERD_CHECK_NULL(p);
	HERD_REQUIRE_NULL(p);
	HERD_CALL(check_twice(3, 6));
	HERD_CHECK_NULL(herd_depends_on(0));	/* not in a task */
	HERD_CHECK_NULL(herd_produces(0));
	if (!p)
		return;
	HERD_FAIL("not reached");
}

static const int herd_sizes[] = { 4 };

HERD_TEST_P(herd, param, herd_sizes)
{
	HERD_CHECK_EQ(*(const int *)herd_param(), 4);
}

#if !defined(__cplusplus) || __cplusplus > 201703L
HERD_TASK(herd_task, .produces = "h.txt", .after = "herd_task_p")
#else
HERD_TASK(herd_task)
#endif
{
	HERD_CHECK_NULL(herd_produces(1));
}

HERD_TASK_P(herd_task_p, herd_sizes)
{
	HERD_CHECK_EQ(*(const int *)herd_param(), 4);
}

#ifdef HERD_NO_SHORT_NAMES
HERD_TEST(herd, own_macros)
{
	/* The project's TEST and CHECK are its own. */
	HERD_CHECK_EQ(TEST(1), 2);
	HERD_CHECK_EQ(CHECK(2), 4);
}
#endif

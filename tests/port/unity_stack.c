/*
 * unity_stack.c - a Unity suite for scripts/herd-port's tests
 * (tests/e2e/port.sh): setUp and tearDown, RUN_TEST, TEST_ASSERT_* with
 * Unity's expected-first order and _MESSAGE forms, TEST_IGNORE, and one test
 * that fails on purpose.
 */
#include "unity.h"
#include <stdio.h>

static int stack[8];
static int depth;

void setUp(void)
{
	depth = 0;
	stack[depth++] = 7;
	puts("[setup]");
}

void tearDown(void)
{
	depth = 0;
	puts("[teardown]");
}

static void test_push(void)
{
	stack[depth++] = 9;
	TEST_ASSERT_EQUAL_INT(2, depth);
	TEST_ASSERT_GREATER_THAN(stack[0], stack[1]);
	TEST_ASSERT_TRUE_MESSAGE(stack[1] == 9, "pushed 9");
	TEST_ASSERT_INT_WITHIN(1, 10, stack[1]);
}

static void test_names(void)
{
	const char *name = "stack";
	const int want[] = { 7 };

	TEST_ASSERT_EQUAL_STRING("stack", name);
	TEST_ASSERT_NOT_NULL(name);
	TEST_ASSERT_EQUAL_MEMORY("sta", name, 3);
	TEST_ASSERT_EQUAL_STRING_LEN("stop", name, 2);
	TEST_ASSERT_EQUAL_PTR(name, name);
	TEST_ASSERT_EQUAL_INT_ARRAY(want, stack, 1);
	TEST_ASSERT_FLOAT_WITHIN(1e-6, 0.3, 0.1 + 0.2);
	TEST_ASSERT_EQUAL_DOUBLE(0.3, 0.1 + 0.2);
}

static void test_pop_fails(void)
{
	/* Fails on purpose: the stack holds one element, not three. */
	TEST_ASSERT_EQUAL_INT_MESSAGE(3, depth, "after one push");
	TEST_ASSERT_EQUAL_INT(4, depth);
}

static void test_bits(void)
{
	TEST_ASSERT_BITS(0x0f, 0x07, stack[0]);
	TEST_ASSERT_BIT_HIGH(0, stack[0]);
	TEST_ASSERT_BIT_LOW(3, stack[0]);
	TEST_ASSERT_LESS_OR_EQUAL(8, depth);
}

static void test_later(void)
{
	TEST_IGNORE_MESSAGE("not written yet");
}

int main(void)
{
	UNITY_BEGIN();
	RUN_TEST(test_push);
	RUN_TEST(test_names);
	RUN_TEST(test_pop_fails);
	RUN_TEST(test_bits);
	RUN_TEST(test_later);
	return UNITY_END();
}

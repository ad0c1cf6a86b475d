/*
 * criterion_stack.c - a Criterion suite for scripts/herd-port's tests
 * (tests/e2e/port.sh): TestSuite's .init, .fini, .timeout and .disabled, a
 * test's own .init, .signal, .exit_code, .disabled, cr_assert and cr_expect,
 * old and new style, and one test that fails on purpose.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

static int stack[8];
static int depth;
static int extra;

static void stack_init(void)
{
	depth = 0;
	stack[depth++] = 7;
	puts("[setup]");
	fflush(stdout);	/* the crash test loses what stdio still holds */
}

static void stack_fini(void)
{
	depth = 0;
	puts("[teardown]");
}

static void add_extra(void)
{
	extra = 5;
}

TestSuite(stack, .init = stack_init, .fini = stack_fini, .timeout = 10);
TestSuite(parked, .disabled = true, .description = "not ready");

Test(stack, push)
{
	stack[depth++] = 9;
	cr_assert_eq(depth, 2);
	cr_assert(eq(int, stack[1], 9));
	cr_expect_gt(stack[1], stack[0], "pushed %d on %d", stack[1], stack[0]);
}

Test(stack, names, .init = add_extra, .description = "strings and floats")
{
	const char *name = "stack";

	cr_assert_str_eq(name, "stack");
	cr_expect_str_neq(name, "queue");
	cr_assert_not_null(name);
	cr_assert_float_eq(0.1 + 0.2, 0.3, 1e-9);
	cr_assert(eq(dbl, 0.5 * 2, 1.0));
	cr_expect_lt(0.1, 0.2);
	cr_assert_eq(extra, 5, "the test's own .init ran");
	cr_assert_arr_eq(name, "sta", 3);
}

Test(stack, pop_fails)
{
	/* Fails on purpose: cr_expect goes on, cr_assert stops. */
	cr_expect_eq(depth, 3);
	cr_expect(depth == 4, "depth is %d", depth);
	cr_assert_eq(depth, 5);
	cr_assert_eq(depth, 6);
}

Test(stack, crash, .signal = SIGSEGV)
{
	raise(SIGSEGV);
}

Test(stack, quit, .exit_code = 3)
{
	exit(3);
}

Test(stack, later, .disabled = true)
{
	cr_assert_fail("never runs");
}

Test(parked, never)
{
	cr_assert_fail("a test of a disabled suite never runs");
}

/*
 * cmocka_stack.c - a cmocka suite for scripts/herd-port's tests
 * (tests/e2e/port.sh): a group setup and teardown, per-test setup and
 * teardown through the state pointer, several assertion kinds, skip(), and
 * one test that fails on purpose.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

struct stack {
	int items[8];
	int depth;
};

static int group_setup(void **state)
{
	static int opened;

	opened = 1;
	*state = &opened;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	return 0;
}

static int stack_setup(void **state)
{
	struct stack *s = calloc(1, sizeof *s);

	if (s == NULL)
		return -1;
	s->items[s->depth++] = 7;
	*state = s;
	puts("[setup]");
	return 0;
}

static int stack_teardown(void **state)
{
	free(*state);
	puts("[teardown]");
	return 0;
}

static void test_push(void **state)
{
	struct stack *s = *state;

	s->items[s->depth++] = 9;
	assert_int_equal(s->depth, 2);
	assert_true(s->items[1] > s->items[0]);
	assert_in_range(s->items[1], 8, 10);
}

static void test_names(void **state)
{
	const char *name = "stack";

	(void)state;
	assert_string_equal(name, "stack");
	assert_string_not_equal(name, "queue");
	assert_non_null(name);
	assert_ptr_equal(name, name);
	assert_memory_equal(name, "sta", 3);
	assert_double_equal(0.1 + 0.2, 0.3, 1e-9);
}

static void test_group_state(void **state)
{
	/* Without a setup of its own, a test starts from the group's state. */
	assert_non_null(*state);
	assert_int_equal(*(int *)*state, 1);
}

static void test_pop_fails(void **state)
{
	struct stack *s = *state;

	/* Fails on purpose: the stack holds one element, not three. */
	assert_int_equal(s->depth, 3);
	assert_int_equal(s->depth, 4);
}

static void test_later(void **state)
{
	(void)state;
	skip();
}

int main(void)
{
	const struct CMUnitTest stack_tests[] = {
		cmocka_unit_test_setup_teardown(test_push, stack_setup, stack_teardown),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_group_state),
		cmocka_unit_test_setup_teardown(test_pop_fails, stack_setup, stack_teardown),
		cmocka_unit_test(test_later),
	};

	return cmocka_run_group_tests(stack_tests, group_setup, group_teardown);
}

/*
 * check_stack.c - a Check suite for scripts/herd-port's tests
 * (tests/e2e/port.sh): a checked fixture, an unchecked one, a TCase's
 * timeout and tags, a signal test, an exit test, a loop test, and one test
 * that fails on purpose.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int stack[8];
static int depth;
static int opened;

static void stack_setup(void)
{
	depth = 0;
	stack[depth++] = 7;
	puts("[setup]");
}

static void stack_teardown(void)
{
	depth = 0;
	puts("[teardown]");
}

static void open_once(void)
{
	opened = 1;
}

START_TEST(test_push)
{
	stack[depth++] = 9;
	ck_assert_int_eq(depth, 2);
	ck_assert_int_gt(stack[1], stack[0]);
	ck_assert_msg(opened == 1, "the unchecked fixture ran");
}
END_TEST

START_TEST(test_names)
{
	const char *name = "stack";

	ck_assert_str_eq(name, "stack");
	ck_assert_str_ne(name, "queue");
	ck_assert_ptr_nonnull(name);
	ck_assert_mem_eq(name, "sta", 3);
	ck_assert_double_eq_tol(0.1 + 0.2, 0.3, 1e-9);
	ck_assert_double_eq(0.5 * 2, 1.0);
	ck_assert_ptr_eq(name, name);
}
END_TEST

START_TEST(test_pop_fails)
{
	/* Fails on purpose: the stack holds one element, not three. */
	ck_assert_int_eq(depth, 3);
	ck_assert_int_eq(depth, 4);
}
END_TEST

START_TEST(test_crash)
{
	raise(SIGSEGV);
}
END_TEST

START_TEST(test_quit)
{
	exit(3);
}
END_TEST

START_TEST(test_loop)
{
	ck_assert_int_lt(_i, 3);
	ck_assert_int_ge(_i, 0);
}
END_TEST

static Suite *stack_suite(void)
{
	Suite *s = suite_create("stack");
	TCase *core = tcase_create("core");
	TCase *death = tcase_create("death");

	tcase_add_checked_fixture(core, stack_setup, stack_teardown);
	tcase_add_unchecked_fixture(core, open_once, NULL);
	tcase_set_timeout(core, 10);
	tcase_add_test(core, test_push);
	tcase_add_test(core, test_names);
	tcase_add_test(core, test_pop_fails);
	tcase_add_loop_test(core, test_loop, 0, 3);
	suite_add_tcase(s, core);

	tcase_set_tags(death, "death");
	tcase_add_test_raise_signal(death, test_crash, SIGSEGV);
	tcase_add_exit_test(death, test_quit, 3);
	suite_add_tcase(s, death);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(stack_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

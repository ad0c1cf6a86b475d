/*
 * minicheck_stack.c - an expat minicheck suite for scripts/herd-port's
 * tests (tests/e2e/port.sh), in expat's own style: START_TEST(name) { ... }
 * END_TEST, a checked fixture, fail(), fail_unless(), assert_true(), and one
 * test that fails on purpose.
 */
#include <stdio.h>
#include <string.h>
#include "minicheck.h"

static int stack[8];
static int depth;

static void basic_setup(void)
{
	depth = 0;
	stack[depth++] = 7;
	puts("[setup]");
}

static void basic_teardown(void)
{
	depth = 0;
	puts("[teardown]");
}

START_TEST(test_push) {
	stack[depth++] = 9;
	fail_unless(depth == 2);
	assert_true(stack[1] > stack[0]);
}
END_TEST

START_TEST(test_names) {
	const char *name = "stack";

	if (strcmp(name, "stack") != 0)
		fail("wrong name");
	fail_if(name == NULL);
}
END_TEST

START_TEST(test_pop_fails) {
	/* Fails on purpose: the stack holds one element, not three. */
	if (depth != 3)
		fail("depth is not 3");
	fail("not reached");
}
END_TEST

START_TEST(test_other) {
	mark_point();
	assert_true(depth == 1);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("basic");
	TCase *tc_basic = tcase_create("basic tests");
	TCase *tc_more = tcase_create("more");

	suite_add_tcase(s, tc_basic);
	tcase_add_checked_fixture(tc_basic, basic_setup, basic_teardown);
	tcase_add_test(tc_basic, test_push);
	tcase_add_test(tc_basic, test_names);
	tcase_add_test(tc_basic, test_pop_fails);

	suite_add_tcase(s, tc_more);
	tcase_add_checked_fixture(tc_more, basic_setup, basic_teardown);
	tcase_add_test(tc_more, test_other);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(make_suite());
	int nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}

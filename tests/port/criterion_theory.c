/*
 * criterion_theory.c - Criterion constructs herd-port leaves to a person
 * (tests/e2e/port.sh): a parameterized test, an option herd lacks, an
 * assertion herd has no form for.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

ParameterizedTestParameters(sizes, grows)
{
	static int sizes[] = { 1, 2, 3 };

	return cr_make_param_array(int, sizes, 3);
}

ParameterizedTest(int *n, sizes, grows)
{
	cr_assert_gt(*n, 0);
}

Test(misc, io, .init = NULL, .fini = NULL, .exit_code = 0, .return_value = 2)
{
	cr_assert_file_contents_eq_str(cr_get_redirected_stdout(), "");
}

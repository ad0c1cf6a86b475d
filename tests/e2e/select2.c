/*
 * select2.c - a second file for select.sh: linked before select.c, its tests
 * must still come after select.c's (files in order of their path, then tests
 * in order of line: zeta before alpha).
 */
#include <herd.h>

TEST(zeta, first_in_file)
{
	CHECK(1);
}

TEST(alpha, second_in_file)
{
	CHECK(1);
}

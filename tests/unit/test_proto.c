/* Unit tests of common/proto.c: the number fields of a message. */
#include <stdint.h>

#include <herd.h>

#include "proto.h"

TEST(proto, a_size_field_is_plain_decimal_digits)
{
	size_t v = 7;

	CHECK_EQ(hd_field_size("0", &v), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(hd_field_size("1999", &v), 0);
	CHECK_EQ(v, 1999);
	CHECK_EQ(hd_field_size("007", &v), 0);
	CHECK_EQ(v, 7);
	/* No sign, no blank, no other base, nothing after the digits, not empty. */
	CHECK_EQ(hd_field_size("", &v), -1);
	CHECK_EQ(hd_field_size("-1", &v), -1);
	CHECK_EQ(hd_field_size("+1", &v), -1);
	CHECK_EQ(hd_field_size(" 1", &v), -1);
	CHECK_EQ(hd_field_size("1 ", &v), -1);
	CHECK_EQ(hd_field_size("0x1f", &v), -1);
	CHECK_EQ(hd_field_size("12a", &v), -1);
	CHECK_EQ(hd_field_size(NULL, &v), -1);
	CHECK_EQ(v, 7);
}

TEST(proto, a_size_field_that_overflows_is_refused)
{
	size_t v = 0;

	if (SIZE_MAX != 18446744073709551615u)
		herd_skip("size_t is not 64 bits wide");
	CHECK_EQ(hd_field_size("18446744073709551615", &v), 0);
	CHECK_EQ(v, SIZE_MAX);
	CHECK_EQ(hd_field_size("18446744073709551616", &v), -1);
	CHECK_EQ(hd_field_size("99999999999999999999", &v), -1);
	CHECK_EQ(hd_field_size("184467440737095516150", &v), -1);
}

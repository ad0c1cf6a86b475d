/* Unit tests of the bounded excerpts of input in messages (common/quote.c). */
#include <string.h>

#include <herd.h>

#include "quote.h"

static const char *
q(const char *s, size_t n)
{
	static char out[HD_QUOTE_SIZE];

	return hd_quote(out, s, n);
}

TEST(quote, short_text_as_is)
{
	CHECK_STR_EQ(q("", 0), "");
	CHECK_STR_EQ(q("herd.ini", 8), "herd.ini");
	CHECK_STR_EQ(q("caf\xc3\xa9", 5), "caf\xc3\xa9", "whole UTF-8 characters stay");
}

TEST(quote, escapes)
{
	CHECK_STR_EQ(q("a\nb\tc\rd\\e", 9), "a\\nb\\tc\\rd\\\\e");
	CHECK_STR_EQ(q("\x1b[2J\x7f", 5), "\\x1b[2J\\x7f");
	CHECK_STR_EQ(q("x\0y", 3), "x\\x00y");
	CHECK_STR_EQ(q("\xc3", 1), "\\xc3", "a cut UTF-8 character");
	CHECK_STR_EQ(q("\xc0\x80", 2), "\\xc0\\x80", "an overlong form");
	CHECK_STR_EQ(q("\xed\xa0\x80", 3), "\\xed\\xa0\\x80", "a surrogate");
}

TEST(quote, long_text_cut)
{
	char in[5000], want[HD_QUOTE_SIZE];

	memset(in, 'a', sizeof(in));
	CHECK_STR_EQ(q(in, HD_QUOTE_MAX), (memset(want, 'a', HD_QUOTE_MAX),
					   want[HD_QUOTE_MAX] = '\0', want), "exactly the limit: whole");
	memcpy(want + HD_QUOTE_MAX, "...", 4);
	CHECK_STR_EQ(q(in, HD_QUOTE_MAX + 1), want);
	CHECK_STR_EQ(q(in, sizeof(in)), want);
}

TEST(quote, cut_at_a_character_boundary)
{
	char in[200];
	const char *out;
	size_t i;

	/* 79 bytes, then escapes of 4 characters each: the first cannot fit. */
	memset(in, 'a', 79);
	memset(in + 79, 1, 100);
	out = q(in, 179);
	CHECK_EQ(strlen(out), 79 + 3);
	CHECK(!strcmp(out + 79, "..."), "%s", out);
	/* Two-byte characters from offset 1: never half of one. */
	in[0] = 'a';
	for (i = 1; i + 1 < sizeof(in); i += 2)
		in[i] = '\xc3', in[i + 1] = '\xa9';
	out = q(in, sizeof(in) - 1);
	CHECK_EQ(strlen(out), 79 + 3, "%s", out);
	CHECK(!strcmp(out + 79, "..."), "%s", out);
}

TEST(quote, strings)
{
	char out[HD_QUOTE_SIZE];

	CHECK_STR_EQ(hd_quote_str(out, NULL), "");
	CHECK_STR_EQ(hd_quote_str(out, "it's"), "it's");
}

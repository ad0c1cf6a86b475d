/* Unit tests of XML escaping (common/junit.c): whatever bytes a test prints,
 * the JUnit report stays well-formed UTF-8 XML. */
#include <stdlib.h>
#include <string.h>

#include <herd.h>

#include "report.h"
#include "util.h"

static char *
esc(const char *s, size_t n)
{
	struct buf b = BUF_INIT;

	hd_xml_escape(&b, s, n);
	return buf_detach(&b, NULL);
}

#define ESC_EQ(in, want) do { \
	char *got_ = esc(in, sizeof(in) - 1); \
	CHECK_STR_EQ(got_, want); \
	free(got_); \
} while (0)

TEST(xml, specials)
{
	ESC_EQ("a<b>&\"'", "a&lt;b&gt;&amp;&quot;&apos;");
	ESC_EQ("]]>", "]]&gt;");
}

TEST(xml, whitespace_kept)
{
	ESC_EQ("a\tb\nc", "a\tb\nc");
	ESC_EQ("\r", "&#13;");
}

TEST(xml, control_characters)
{
	ESC_EQ("\x01\x1b[31m\x7f", "\\x01\\x1b[31m\\x7f");
	{
		char *got = esc("a\0b", 3);

		CHECK_STR_EQ(got, "a\\x00b");
		free(got);
	}
}

TEST(xml, valid_utf8_passes)
{
	ESC_EQ("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x91", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x91");
}

TEST(xml, invalid_utf8)
{
	ESC_EQ("\xff", "\\xff");
	ESC_EQ("\xc3", "\\xc3");			/* truncated */
	ESC_EQ("\xc0\xaf", "\\xc0\\xaf");		/* overlong */
	ESC_EQ("\xed\xa0\x80", "\\xed\\xa0\\x80");	/* surrogate */
	ESC_EQ("\xef\xbf\xbe", "\\xef\\xbf\\xbe");	/* U+FFFE */
	ESC_EQ("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");	/* past U+10FFFF */
}

/* Unit tests of the --json report (src/report_json.c): exact layout, and a
 * valid document whatever bytes the tests printed. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <herd.h>

#include "report_json.h"
#include "util.h"

static char *
js(const char *s, size_t n)
{
	struct buf b = BUF_INIT;

	hd_json_string(&b, s, n);
	return buf_detach(&b, NULL);
}

/* in is a string literal: its length includes any NUL bytes inside it. */
#define JS_EQ(in, want) do { \
	char *got_ = js(in, sizeof(in) - 1); \
	CHECK_STR_EQ(got_, want); \
	free(got_); \
} while (0)

TEST(json_string, plain)
{
	JS_EQ("", "\"\"");
	JS_EQ("hello, world / 1+1=2", "\"hello, world / 1+1=2\"");
}

TEST(json_string, specials)
{
	JS_EQ("say \"hi\"", "\"say \\\"hi\\\"\"");
	JS_EQ("C:\\dir\\", "\"C:\\\\dir\\\\\"");
}

TEST(json_string, control_characters)
{
	JS_EQ("a\nb\tc\rd\be\ff", "\"a\\nb\\tc\\rd\\be\\ff\"");
	JS_EQ("\x01\x1b[31m\x1f\x7f", "\"\\u0001\\u001b[31m\\u001f\\u007f\"");
	JS_EQ("a\0b", "\"a\\u0000b\"");
}

TEST(json_string, valid_utf8_passes)
{
	JS_EQ("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x91",
	      "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x91\"");
	/* Noncharacters and U+10FFFF are valid UTF-8, and JSON takes them. */
	JS_EQ("\xef\xbf\xbf\xf4\x8f\xbf\xbf", "\"\xef\xbf\xbf\xf4\x8f\xbf\xbf\"");
	/* U+2028 is legal in JSON strings. */
	JS_EQ("\xe2\x80\xa8", "\"\xe2\x80\xa8\"");
}

TEST(json_string, invalid_utf8_each_byte_replaced)
{
	JS_EQ("\xff", "\"\\ufffd\"");
	JS_EQ("\x80", "\"\\ufffd\"");			/* lone continuation */
	JS_EQ("a\xc3", "\"a\\ufffd\"");			/* truncated at the end */
	JS_EQ("\xc3(", "\"\\ufffd(\"");			/* truncated in the middle */
	JS_EQ("\xe2\x82(", "\"\\ufffd\\ufffd(\"");
	JS_EQ("\xc0\xaf", "\"\\ufffd\\ufffd\"");	/* overlong '/' */
	JS_EQ("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"");	/* overlong, 3 bytes */
	JS_EQ("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");	/* surrogate */
	JS_EQ("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");	/* past U+10FFFF */
	JS_EQ("\xf8\x88\x80\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\"");
	/* A bad byte does not swallow the valid character after it. */
	JS_EQ("\xff\xc3\xa9", "\"\\ufffd\xc3\xa9\"");
}

TEST(json_string, null_is_null)
{
	struct buf b = BUF_INIT;

	hd_json_string(&b, NULL, 0);
	CHECK_STR_EQ(b.data, "null");
	buf_clear(&b);
}

TEST(json_string, appends)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, "[");
	hd_json_string(&b, "a", 1);
	buf_adds(&b, ",");
	hd_json_string(&b, "bc", 1);	/* n, not the NUL, bounds the string */
	CHECK_STR_EQ(b.data, "[\"a\",\"b\"");
	buf_clear(&b);
}

TEST(json_string, utf8_len)
{
	CHECK_EQ(hd_utf8_len("a", 1), 1);
	CHECK_EQ(hd_utf8_len("", 0), 0);
	CHECK_EQ(hd_utf8_len("\xc2\x80", 2), 2);	/* smallest 2-byte */
	CHECK_EQ(hd_utf8_len("\xc2\x80", 1), 0);	/* cut by n */
	CHECK_EQ(hd_utf8_len("\xe0\xa0\x80", 3), 3);	/* smallest 3-byte */
	CHECK_EQ(hd_utf8_len("\xed\x9f\xbf", 3), 3);	/* just below the surrogates */
	CHECK_EQ(hd_utf8_len("\xee\x80\x80", 3), 3);	/* just above them */
	CHECK_EQ(hd_utf8_len("\xf0\x90\x80\x80", 4), 4);
	CHECK_EQ(hd_utf8_len("\xf0\x8f\xbf\xbf", 4), 0);	/* overlong */
}

/* ---- the whole document ---- */

/* A fresh file name in a private directory; the caller frees it. */
static char *
tmpname(const char *base)
{
	const char *t = getenv("TMPDIR");
	char *dir = xasprintf("%s/herd-json-XXXXXX", t && *t ? t : "/tmp"), *path;

	REQUIRE_NOT_NULL(mkdtemp(dir));
	path = xasprintf("%s/%s", dir, base);
	free(dir);
	return path;
}

static void
cleanup(char *path)
{
	char *slash = strrchr(path, '/');

	unlink(path);
	*slash = '\0';
	rmdir(path);
	free(path);
}

/* The file's text with the "created" number replaced by T, checked to be digits. */
static char *
read_report(const char *path)
{
	char *text = hd_read_file(path, NULL), *p, *q;
	struct buf b = BUF_INIT;

	REQUIRE_NOT_NULL(text, "%s: %s", path, strerror(errno));
	p = strstr(text, "\"created\": ");
	REQUIRE_NOT_NULL(p);
	p += strlen("\"created\": ");
	for (q = p; *q >= '0' && *q <= '9'; q++)
		;
	CHECK_GT(q - p, 8, "created should be a unix time");
	buf_add(&b, text, (size_t)(p - text));
	buf_adds(&b, "T");
	buf_adds(&b, q);
	free(text);
	return buf_detach(&b, NULL);
}

static const struct hd_ritem two[] = {
	{ "t.c::math::add", "t.c", 3, "math", "add", HD_PASSED, 0.0015, NULL,
	  NULL, 0, "gw0", 0, NULL, 0, 0, NULL },
	{ "t.c::io::read[1]", "t.c", 9, "io", "read[1]", HD_FAILED, 2.5,
	  "t.c:10: CHECK_EQ(n, 4)\n  n = 3", "out\n\x01\xff", 6, NULL, 2, NULL, 0, 0, NULL },
};

TEST(json_report, exact_document)
{
	char *path = tmpname("r.json"), *got;
	struct hd_counts c;

	memset(&c, 0, sizeof(c));
	hd_count(&c, two, LEN(two));
	c.deselected = 4;
	REQUIRE_EQ(hd_json_write(path, two, LEN(two), 3.25, &c, NULL), 0);
	got = read_report(path);
	CHECK_STR_EQ(got,
		"{\n"
		"  \"herd_version\": \"" HERD_VERSION "\",\n"
		"  \"created\": T,\n"
		"  \"duration\": 3.250000,\n"
		"  \"summary\": {\"passed\": 1, \"failed\": 1, \"error\": 0, \"skipped\": 0, "
		"\"xfailed\": 0, \"xpassed\": 0, \"crashed\": 0, \"timeout\": 0, \"flaky\": 0, "
		"\"not-run\": 0, \"deselected\": 4, \"total\": 2},\n"
		"  \"tests\": [\n"
		"    {\"id\": \"t.c::math::add\", \"file\": \"t.c\", \"line\": 3, \"suite\": \"math\", "
		"\"name\": \"add\", \"outcome\": \"passed\", \"duration\": 0.001500, "
		"\"worker\": \"gw0\", \"message\": null, \"output\": \"\", \"reruns\": 0},\n"
		"    {\"id\": \"t.c::io::read[1]\", \"file\": \"t.c\", \"line\": 9, \"suite\": \"io\", "
		"\"name\": \"read[1]\", \"outcome\": \"failed\", \"duration\": 2.500000, "
		"\"worker\": null, \"message\": \"t.c:10: CHECK_EQ(n, 4)\\n  n = 3\", "
		"\"output\": \"out\\n\\u0001\\ufffd\", \"reruns\": 2}\n"
		"  ]\n"
		"}\n");
	free(got);
	cleanup(path);
}

TEST(json_report, empty_run_with_meta)
{
	char *path = tmpname("r.json"), *got;

	REQUIRE_EQ(hd_json_write(path, NULL, 0, 0, NULL, "{\"seed\": 7, \"args\": [\"-n\", \"4\"]}"), 0);
	got = read_report(path);
	CHECK_STR_EQ(got,
		"{\n"
		"  \"herd_version\": \"" HERD_VERSION "\",\n"
		"  \"created\": T,\n"
		"  \"duration\": 0.000000,\n"
		"  \"summary\": {\"passed\": 0, \"failed\": 0, \"error\": 0, \"skipped\": 0, "
		"\"xfailed\": 0, \"xpassed\": 0, \"crashed\": 0, \"timeout\": 0, \"flaky\": 0, "
		"\"not-run\": 0, \"deselected\": 0, \"total\": 0},\n"
		"  \"meta\": {\"seed\": 7, \"args\": [\"-n\", \"4\"]},\n"
		"  \"tests\": []\n"
		"}\n");
	free(got);
	cleanup(path);
}

TEST(json_report, counts_from_items_when_null)
{
	struct hd_ritem v[] = {
		{ "a", "a.c", 1, "s", "a", HD_XFAILED, 0, "bug 1", NULL, 0, NULL, 0, NULL, 0, 0, NULL },
		{ "b", "a.c", 2, "s", "b", HD_NONE, NAN, NULL, NULL, 0, NULL, 0, NULL, 0, 0, NULL },
		{ "c", "a.c", 3, "s", "c", HD_CRASHED, INFINITY, "SIGSEGV", NULL, 0, NULL, 0, NULL, 0, 0, NULL },
	};
	char *path = tmpname("r.json"), *got;

	REQUIRE_EQ(hd_json_write(path, v, LEN(v), 1, NULL, NULL), 0);
	got = read_report(path);
	CHECK(strstr(got, "\"xfailed\": 1, \"xpassed\": 0, \"crashed\": 1, \"timeout\": 0, "
		      "\"flaky\": 0, \"not-run\": 1, \"deselected\": 0, \"total\": 3}"), "%s", got);
	/* An unfinished item is reported as not run; JSON has no NaN. */
	CHECK(strstr(got, "\"outcome\": \"not-run\", \"duration\": null,"), "%s", got);
	CHECK(strstr(got, "\"outcome\": \"crashed\", \"duration\": null,"), "%s", got);
	free(got);
	cleanup(path);
}

TEST(json_report, none_counts_as_not_run_in_summary)
{
	struct hd_counts c;
	char *path = tmpname("r.json"), *got;

	memset(&c, 0, sizeof(c));
	c.n[HD_NONE] = 2;
	c.n[HD_NOTRUN] = 1;
	c.n[HD_PASSED] = 5;
	REQUIRE_EQ(hd_json_write(path, NULL, 0, 1, &c, NULL), 0);
	got = read_report(path);
	CHECK(strstr(got, "\"not-run\": 3, \"deselected\": 0, \"total\": 8}"), "%s", got);
	free(got);
	cleanup(path);
}

TEST(json_report, error_sets_errno_and_leaves_nothing)
{
	char *path = tmpname("r.json"), *bad = xasprintf("%s.d/missing/r.json", path);

	errno = 0;
	CHECK_EQ(hd_json_write(bad, two, LEN(two), 1, NULL, NULL), -1);
	CHECK_EQ(errno, ENOENT);
	CHECK_NE(access(bad, F_OK), 0);
	free(bad);
	cleanup(path);
}

TEST(json_report, replaces_atomically)
{
	char *path = tmpname("r.json"), *text;
	FILE *f = fopen(path, "w");

	REQUIRE_NOT_NULL(f);
	fputs("old", f);
	fclose(f);
	REQUIRE_EQ(hd_json_write(path, two, 1, 1, NULL, NULL), 0);
	text = hd_read_file(path, NULL);
	REQUIRE_NOT_NULL(text);
	CHECK_EQ(text[0], '{');
	free(text);
	cleanup(path);
}

/* Every byte value in every string field: an outside parser must accept it. */
TEST(json_report, python_parses_nasty_bytes)
{
	char bytes[256], *path, *cmd;
	struct hd_ritem it = { "x\"y\\z", "f.c", 1, "s\n", "n\t", HD_FAILED, 1, NULL,
			       bytes, sizeof(bytes), "gw\x7f", 0, NULL, 0, 0, NULL };
	int i, rc;

	if (system("python3 -c '' >/dev/null 2>&1") != 0)
		herd_skip("python3 not available");
	for (i = 0; i < 256; i++)
		bytes[i] = (char)(255 - i);
	it.message = "\xc3\x28 \xe2\x28\xa1 \xf0\x28\x8c\xbc \x01\x02";
	path = tmpname("r.json");
	REQUIRE_EQ(hd_json_write(path, &it, 1, 1, NULL, "{\"k\": [1, 2.5, null]}"), 0);
	cmd = xasprintf("python3 -c 'import json,sys; d=json.load(open(sys.argv[1], encoding=\"utf-8\"));"
			" t=d[\"tests\"][0]; assert t[\"id\"]==\"x\\\"y\\\\z\", t[\"id\"];"
			" assert len(t[\"output\"])==256, len(t[\"output\"]);"
			" assert t[\"output\"][255]==\"\\x00\"; assert d[\"meta\"][\"k\"][1]==2.5;"
			" assert d[\"summary\"][\"failed\"]==1' '%s'", path);
	rc = system(cmd);
	CHECK_EQ(rc, 0, "python3 rejected %s", path);
	free(cmd);
	if (rc == 0)
		cleanup(path);
	else
		free(path);
}

/* Unit tests of the strict JSON reader (src/json_read.c). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <herd.h>

#include "json_read.h"
#include "report.h"
#include "report_json.h"
#include "util.h"

/* Parses a literal (NULs inside count) that must be valid JSON. */
#define PARSE_OK(v, text) \
	REQUIRE_EQ(hd_json_parse(&(v), text, sizeof(text) - 1, NULL), 0, "%s", text)

/* The error message for text, or "" when it parses. */
static char *
error_of(const char *text, size_t len)
{
	struct buf err = BUF_INIT;
	struct hd_jval v;

	if (hd_json_parse(&v, text, len, &err) == 0) {
		hd_json_free(&v);
		return xstrdup("");
	}
	CHECK_EQ(v.type, HD_JNULL, "a failed parse leaves an empty value");
	CHECK_EQ(v.n, 0);
	return buf_detach(&err, NULL);
}

#define PARSE_ERR(text, want) do { \
	char *got_ = error_of(text, sizeof(text) - 1); \
	CHECK_STR_EQ(got_, want, "input: %s", text); \
	free(got_); \
} while (0)

TEST(json_read, scalars)
{
	struct hd_jval v;

	PARSE_OK(v, "null");
	CHECK_EQ(v.type, HD_JNULL);
	PARSE_OK(v, " true ");
	CHECK_EQ(v.type, HD_JTRUE);
	PARSE_OK(v, "\n\tfalse\r\n");
	CHECK_EQ(v.type, HD_JFALSE);
	CHECK_EQ(v.off, 2);
	CHECK_EQ(v.end, 7);
	PARSE_OK(v, "0");
	CHECK_EQ(v.type, HD_JNUMBER);
	CHECK_NEAR(v.num, 0, 0);
	PARSE_OK(v, "-12.25E-2");
	CHECK_NEAR(v.num, -0.1225, 1e-15);
	PARSE_OK(v, "1.5e3");
	CHECK_NEAR(v.num, 1500, 0);
	PARSE_OK(v, "9007199254740993");
	CHECK_NEAR(v.num, 9007199254740992.0, 0);
	PARSE_OK(v, "1e-400");	/* underflow is a tiny number, not an error */
	CHECK_NEAR(v.num, 0, 1e-300);
	PARSE_OK(v, "\"plain\"");
	CHECK_EQ(v.type, HD_JSTRING);
	CHECK_STR_EQ(v.str, "plain");
	CHECK_EQ(v.len, 5);
	hd_json_free(&v);
}

TEST(json_read, string_escapes)
{
	struct hd_jval v;

	PARSE_OK(v, "\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t\"");
	CHECK_STR_EQ(v.str, "q\" b\\ s/ \b\f\n\r\t");
	hd_json_free(&v);
	PARSE_OK(v, "\"caf\\u00e9 \\u20AC \\ud83d\\udc11 \\u0041\"");
	CHECK_STR_EQ(v.str, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x91 A");
	hd_json_free(&v);
	/* The highest pair, U+10FFFF. */
	PARSE_OK(v, "\"\\udbff\\udfff\"");
	CHECK_STR_EQ(v.str, "\xf4\x8f\xbf\xbf");
	hd_json_free(&v);
	/* \u0000 is a character: the length says so. */
	PARSE_OK(v, "\"a\\u0000b\"");
	CHECK_EQ(v.len, 3);
	CHECK_MEM_EQ(v.str, "a\0b", 4);
	hd_json_free(&v);
	/* Raw UTF-8 passes through. */
	PARSE_OK(v, "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x90\x91\"");
	CHECK_STR_EQ(v.str, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x90\x91");
	hd_json_free(&v);
}

TEST(json_read, nesting_and_spans)
{
	static const char text[] = "{\"a\": [1, {\"b\": null}, \"x\"], \"c\": {}, \"a\": 2}";
	struct hd_jval v;
	const struct hd_jval *a, *c;

	PARSE_OK(v, text);
	REQUIRE_EQ(v.type, HD_JOBJECT);
	REQUIRE_EQ(v.n, 3);
	CHECK_STR_EQ(v.v[0].key, "a");
	CHECK_EQ(v.v[0].keyoff, 1);
	REQUIRE_EQ(v.v[0].type, HD_JARRAY);
	REQUIRE_EQ(v.v[0].n, 3);
	CHECK_NULL(v.v[0].v[0].key, "array elements have no key");
	CHECK_EQ(v.v[0].v[1].type, HD_JOBJECT);
	CHECK_EQ(hd_json_get(&v.v[0].v[1], "b")->type, HD_JNULL);
	/* A value's span is its exact text. */
	CHECK_MEM_EQ(text + v.v[0].off, "[1, {\"b\": null}, \"x\"]", v.v[0].end - v.v[0].off);
	CHECK_EQ(v.v[0].end - v.v[0].off, 21);
	CHECK_MEM_EQ(text + v.v[0].v[1].off, "{\"b\": null}", 11);
	/* The last of repeated keys wins. */
	a = hd_json_get(&v, "a");
	REQUIRE_NOT_NULL(a);
	CHECK_EQ(a->type, HD_JNUMBER);
	c = hd_json_get(&v, "c");
	REQUIRE_NOT_NULL(c);
	CHECK_EQ(c->type, HD_JOBJECT);
	CHECK_EQ(c->n, 0);
	CHECK_NULL(hd_json_get(&v, "nope"));
	CHECK_NULL(hd_json_get(a, "a"), "not an object");
	hd_json_free(&v);
	CHECK_EQ(v.type, HD_JNULL);
}

TEST(json_read, errors_name_the_byte)
{
	PARSE_ERR("", "at byte 0: unexpected end of input, expected a value");
	PARSE_ERR("   ", "at byte 3: unexpected end of input, expected a value");
	PARSE_ERR("nul", "at byte 0: unexpected 'n', expected a value");
	PARSE_ERR("01", "at byte 1: unexpected '1', expected the end of the input");
	PARSE_ERR("-", "at byte 1: unexpected end of input, expected a digit");
	PARSE_ERR("1.", "at byte 2: unexpected end of input, expected a digit after '.'");
	PARSE_ERR("1.e5", "at byte 2: unexpected 'e', expected a digit after '.'");
	PARSE_ERR("2e+", "at byte 3: unexpected end of input, expected a digit in the exponent");
	PARSE_ERR("1e999", "at byte 0: number out of range");
	PARSE_ERR("[1,]", "at byte 3: unexpected ']', expected a value");
	PARSE_ERR("[1 2]", "at byte 3: unexpected '2', expected ',' or ']' in an array");
	PARSE_ERR("{\"a\":1,}", "at byte 7: unexpected '}', expected a string key in an object");
	PARSE_ERR("{\"a\" 1}", "at byte 5: unexpected '1', expected ':' after an object key");
	PARSE_ERR("{\"a\":1 \"b\":2}",
		  "at byte 7: unexpected '\"', expected ',' or '}' in an object");
	PARSE_ERR("{1:2}", "at byte 1: unexpected '1', expected a string key in an object");
	PARSE_ERR("[1] x", "at byte 4: unexpected 'x', expected the end of the input");
	PARSE_ERR("\"abc", "at byte 0: unterminated string");
	PARSE_ERR("[\"a\\", "at byte 1: unterminated string");
	PARSE_ERR("\"a\x01\"", "at byte 2: control character 0x01 in a string");
	PARSE_ERR("\"tab\there\"", "at byte 4: control character 0x09 in a string");
	PARSE_ERR("\"\xff\"", "at byte 1: invalid UTF-8 in a string");
	PARSE_ERR("\"\xed\xa0\x80\"", "at byte 1: invalid UTF-8 in a string");
	PARSE_ERR("\"\\x\"", "at byte 1: invalid escape in a string");
	PARSE_ERR("\"\\u12G4\"", "at byte 5: unexpected 'G', expected 4 hex digits after \\u");
	PARSE_ERR("\"\\ud800\"", "at byte 1: high surrogate \\ud800 without a low one");
	PARSE_ERR("\"\\ud800\\u0041\"", "at byte 1: high surrogate \\ud800 followed by \\u0041");
	PARSE_ERR("\"\\udc00\"", "at byte 1: lone low surrogate \\udc00");
	PARSE_ERR("[\0]", "at byte 1: unexpected byte 0x00, expected a value");
}

TEST(json_read, rejects_what_lenient_readers_take)
{
	static const char *const bad[] = {
		"NaN", "Infinity", "-Infinity", "+1", ".5", "0x10", "'a'", "[1,]",
		"{\"a\":1,}", "/* c */ 1", "// c\n1", "\xef\xbb\xbf{}", "[01]", "True",
		"{a: 1}", "\"\\U0041\"", "[1]]", "{}}", "\"\\u00\"",
	};
	size_t i;

	for (i = 0; i < LEN(bad); i++) {
		char *e = error_of(bad[i], strlen(bad[i]));

		CHECK_STR_NE(e, "", "accepted: %s", bad[i]);
		free(e);
	}
}

TEST(json_read, depth_is_bounded)
{
	struct buf b = BUF_INIT;
	struct hd_jval v;
	char *e;
	int i;

	/* The root and HD_JSON_MAX_DEPTH levels below it parse... */
	for (i = 0; i <= HD_JSON_MAX_DEPTH; i++)
		buf_addc(&b, '[');
	for (i = 0; i <= HD_JSON_MAX_DEPTH; i++)
		buf_addc(&b, ']');
	REQUIRE_EQ(hd_json_parse(&v, b.data, b.len, NULL), 0);
	hd_json_free(&v);
	/* ...and a hostile document gets an error, not a stack overflow. */
	buf_reset(&b);
	for (i = 0; i < 100000; i++)
		buf_adds(&b, "[{\"k\":");
	e = error_of(b.data, b.len);
	/* Level 2i starts at byte 6i, level 2i+1 at 6i+1: level 201 at 601. */
	CHECK_STR_EQ(e, "at byte 601: nested deeper than 200 levels");
	free(e);
	buf_clear(&b);
}

/* A deterministic generator (xorshift), so a failure replays. */
static unsigned long long rng = 0x9e3779b97f4a7c15ull;

static unsigned
next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng >> 11);
}

TEST(json_read, reads_back_what_the_writer_escapes)
{
	static const char *const pieces[] = {
		"a", "\"", "\\", "/", "\n", "\t", "\x01", "\x1f", "\x7f", "\xc3\xa9",
		"\xe2\x82\xac", "\xf0\x9f\x90\x91", "\xef\xbf\xbf", " ", "\r", "\b",
	};
	struct buf s = BUF_INIT, j = BUF_INIT;
	struct hd_jval v;
	int round, k;

	for (round = 0; round < 500; round++) {
		buf_reset(&s);
		buf_reset(&j);
		for (k = (int)(next_rand() % 20); k > 0; k--)
			buf_adds(&s, pieces[next_rand() % LEN(pieces)]);
		hd_json_string(&j, s.data ? s.data : "", s.len);
		REQUIRE_EQ(hd_json_parse(&v, j.data, j.len, NULL), 0, "%s", j.data);
		REQUIRE_EQ(v.type, HD_JSTRING);
		REQUIRE_EQ(v.len, s.len);
		CHECK_MEM_EQ(v.str, s.data ? s.data : "", s.len);
		hd_json_free(&v);
	}
	buf_clear(&s);
	buf_clear(&j);
}

TEST(json_read, reads_herds_own_report)
{
	const char *t = getenv("TMPDIR");
	char *dir = xasprintf("%s/herd-jr-XXXXXX", t && *t ? t : "/tmp"), *path, *text;
	struct hd_ritem it[2];
	struct hd_jval v;
	const struct hd_jval *tests, *sum;
	size_t len;

	REQUIRE_NOT_NULL(mkdtemp(dir));
	path = xasprintf("%s/r.json", dir);
	memset(it, 0, sizeof(it));
	it[0].id = "t.c::s::a"; it[0].file = "t.c"; it[0].suite = "s"; it[0].name = "a";
	it[0].outcome = HD_PASSED; it[0].duration = 0.25;
	it[1].id = "t.c::s::b[\xff]"; it[1].file = "t.c"; it[1].suite = "s"; it[1].name = "b";
	it[1].outcome = HD_FAILED; it[1].message = "boom\n\x01"; it[1].output = "o\0k";
	it[1].outlen = 3;
	REQUIRE_EQ(hd_json_write(path, it, 2, 1.5, NULL, "{\"shard\": 1}"), 0);
	text = hd_read_file(path, &len);
	REQUIRE_NOT_NULL(text);
	REQUIRE_EQ(hd_json_parse(&v, text, len, NULL), 0, "%s", text);
	tests = hd_json_get(&v, "tests");
	REQUIRE_NOT_NULL(tests);
	REQUIRE_EQ(tests->n, 2);
	CHECK_STR_EQ(hd_json_get(&tests->v[1], "id")->str, "t.c::s::b[\xef\xbf\xbd]");
	CHECK_STR_EQ(hd_json_get(&tests->v[1], "outcome")->str, "failed");
	CHECK_MEM_EQ(hd_json_get(&tests->v[1], "output")->str, "o\0k", 3);
	sum = hd_json_get(&v, "summary");
	REQUIRE_NOT_NULL(sum);
	CHECK_NEAR(hd_json_get(sum, "failed")->num, 1, 0);
	CHECK_NEAR(hd_json_get(hd_json_get(&v, "meta"), "shard")->num, 1, 0);
	CHECK_NEAR(hd_json_get(&v, "duration")->num, 1.5, 1e-9);
	hd_json_free(&v);
	unlink(path);
	rmdir(dir);
	free(text);
	free(path);
	free(dir);
}

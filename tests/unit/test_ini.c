/* Unit tests of herd.ini parsing and addopts splitting (common/ini.c). */
#include <stdlib.h>
#include <string.h>

#include <herd.h>

#include "ini.h"
#include "quote.h"
#include "util.h"

struct parsed {
	struct hd_ini_entry *e;
	size_t n;
	int rc;
	char err[256];
};

static struct parsed
parse(const char *text, size_t len)
{
	struct parsed p;

	memset(&p, 0, sizeof(p));
	p.rc = hd_ini_parse(text, len, "herd.ini", &p.e, &p.n, p.err, sizeof(p.err));
	return p;
}

/* Parses a literal that must succeed. */
#define PARSE_OK(p, text) do { \
	p = parse(text, sizeof(text) - 1); \
	REQUIRE_EQ(p.rc, 0, "%s", p.err); \
} while (0)

/* A literal that must fail with exactly this message. */
#define PARSE_ERR(text, want) do { \
	struct parsed p_ = parse(text, sizeof(text) - 1); \
	CHECK_EQ(p_.rc, -1); \
	CHECK_NULL(p_.e); \
	CHECK_EQ(p_.n, 0); \
	CHECK_STR_EQ(p_.err, want); \
} while (0)

#define ENTRY_EQ(en, sec, k, v, ln) do { \
	CHECK_STR_EQ((en).section, sec); \
	CHECK_STR_EQ((en).key, k); \
	CHECK_STR_EQ((en).value, v); \
	CHECK_EQ((en).line, ln); \
} while (0)

TEST(ini, sections_and_both_separators)
{
	struct parsed p;

	PARSE_OK(p, "[herd]\nworkers = 4\ntimeout: 2.5\n[other]\nx=1\n");
	REQUIRE_EQ(p.n, 3);
	ENTRY_EQ(p.e[0], "herd", "workers", "4", 2);
	ENTRY_EQ(p.e[1], "herd", "timeout", "2.5", 3);
	ENTRY_EQ(p.e[2], "other", "x", "1", 5);
	CHECK_STR_EQ(hd_ini_get(p.e, p.n, "herd", "timeout"), "2.5");
	CHECK_NULL(hd_ini_get(p.e, p.n, "herd", "x"));
	CHECK_NULL(hd_ini_get(p.e, p.n, "nope", "x"));
	hd_ini_free(p.e, p.n);
}

TEST(ini, first_separator_splits)
{
	struct parsed p;

	/* The value keeps later separators: URLs, -p a:b, k=v options. */
	PARSE_OK(p, "[s]\naddopts = -p mod:plugin --opt=x\nurl: http://h/?a=b\nempty =\n");
	REQUIRE_EQ(p.n, 3);
	ENTRY_EQ(p.e[0], "s", "addopts", "-p mod:plugin --opt=x", 2);
	ENTRY_EQ(p.e[1], "s", "url", "http://h/?a=b", 3);
	ENTRY_EQ(p.e[2], "s", "empty", "", 4);
	hd_ini_free(p.e, p.n);
}

TEST(ini, whitespace_trimmed_value_verbatim)
{
	struct parsed p;

	PARSE_OK(p, "[ herd ]\n  \t\nkey\t=   a  \"b\"  'c'  \r\n");
	REQUIRE_EQ(p.n, 1);
	ENTRY_EQ(p.e[0], "herd", "key", "a  \"b\"  'c'", 3);
	hd_ini_free(p.e, p.n);
}

TEST(ini, comments)
{
	struct parsed p;

	PARSE_OK(p, "# top\n; also\n[herd] # trailing comment\n"
		 "  # indented comment\nmarkers = slow # not a comment\nk = a;b\n");
	REQUIRE_EQ(p.n, 2);
	ENTRY_EQ(p.e[0], "herd", "markers", "slow # not a comment", 5);
	ENTRY_EQ(p.e[1], "herd", "k", "a;b", 6);
	hd_ini_free(p.e, p.n);
}

TEST(ini, continuation_lines)
{
	struct parsed p;

	PARSE_OK(p, "[herd]\n"
		 "testpaths =\n"
		 "    tests/unit\n"
		 "\n"
		 "    # a comment between\n"
		 "\ttests/e2e   \n"
		 "addopts = -v\n"
		 "  --timeout 3\n"
		 "after = x\n");
	REQUIRE_EQ(p.n, 3);
	/* An empty first line does not make the value start with a newline. */
	ENTRY_EQ(p.e[0], "herd", "testpaths", "tests/unit\ntests/e2e", 2);
	ENTRY_EQ(p.e[1], "herd", "addopts", "-v\n--timeout 3", 7);
	ENTRY_EQ(p.e[2], "herd", "after", "x", 9);
	hd_ini_free(p.e, p.n);
}

TEST(ini, last_one_wins)
{
	struct parsed p;

	PARSE_OK(p, "[herd]\nn = 1\n[x]\nn = 9\n[herd]\nn = 2\nN = 3\n");
	REQUIRE_EQ(p.n, 4);
	CHECK_STR_EQ(hd_ini_get(p.e, p.n, "herd", "n"), "2");
	CHECK_STR_EQ(hd_ini_get(p.e, p.n, "x", "n"), "9");
	/* Keys are case sensitive, as in pytest. */
	CHECK_STR_EQ(hd_ini_get(p.e, p.n, "herd", "N"), "3");
	hd_ini_free(p.e, p.n);
}

TEST(ini, empty_and_odd_files)
{
	struct parsed p;

	PARSE_OK(p, "");
	CHECK_EQ(p.n, 0);
	hd_ini_free(p.e, p.n);
	PARSE_OK(p, "\n\n# only comments\n[empty]\n");
	CHECK_EQ(p.n, 0);
	hd_ini_free(p.e, p.n);
	/* A byte order mark, CRLF endings and no final newline. */
	PARSE_OK(p, "\xef\xbb\xbf[herd]\r\nk = v\r\n  w\r\nlast = 1");
	REQUIRE_EQ(p.n, 2);
	ENTRY_EQ(p.e[0], "herd", "k", "v\nw", 2);
	ENTRY_EQ(p.e[1], "herd", "last", "1", 4);
	hd_ini_free(p.e, p.n);
}

TEST(ini, len_bounds_text)
{
	struct parsed p = parse("[s]\nk = value-and-more", 12);

	REQUIRE_EQ(p.rc, 0, "%s", p.err);
	REQUIRE_EQ(p.n, 1);
	CHECK_STR_EQ(p.e[0].value, "valu");
	hd_ini_free(p.e, p.n);
}

TEST(ini, errors_name_the_line)
{
	PARSE_ERR("[herd]\nk = 1\njust words\n",
		  "herd.ini:3: expected 'key = value' or '[section]', got 'just words'");
	PARSE_ERR("# c\nkey = 1\n", "herd.ini:2: key 'key' outside any section");
	PARSE_ERR("[herd]\n\n[broken\n", "herd.ini:3: unterminated section header '[broken'");
	PARSE_ERR("[herd] x\n", "herd.ini:1: unexpected text after section header: 'x'");
	PARSE_ERR("[ ]\n", "herd.ini:1: empty section name");
	PARSE_ERR("  indented = 1\n",
		  "herd.ini:1: continuation line without a key above it: 'indented = 1'");
	PARSE_ERR("[a]\nk = 1\n[b]\n  more\n",
		  "herd.ini:4: continuation line without a key above it: 'more'");
	PARSE_ERR("[a]\n = 1\n", "herd.ini:2: continuation line without a key above it: '= 1'");
	PARSE_ERR("[a]\n= 1\n", "herd.ini:2: missing key before '='");
	PARSE_ERR("[a]\n: 1\n", "herd.ini:2: missing key before ':'");
}

TEST(ini, error_on_nul_byte)
{
	PARSE_ERR("[a]\nk = 1\nx\0y = 2\n", "herd.ini:3: NUL byte in line");
}

TEST(ini, error_quotes_at_most_eighty_characters)
{
	char text[300];
	struct parsed p;

	memset(text, 'w', 200);
	memcpy(text, "[a]\n", 4);
	p = parse(text, 200);
	CHECK_EQ(p.rc, -1);
	CHECK_EQ(strlen(p.err), strlen("herd.ini:2: expected 'key = value' or '[section]', "
				       "got '...'") + HD_QUOTE_MAX);
	CHECK(strstr(p.err, "www...'") != NULL, "%s", p.err);
}

TEST(ini, error_escapes_what_it_quotes)
{
	PARSE_ERR("[a]\nbad\x1b[2J\tline\r\n",
		  "herd.ini:2: expected 'key = value' or '[section]', got 'bad\\x1b[2J\\tline\\r'");
	PARSE_ERR("[\x01x\n", "herd.ini:1: unterminated section header '[\\x01x'");
}

TEST(ini, names_are_bounded)
{
	struct buf t = BUF_INIT;
	struct parsed p;
	size_t i;

	buf_adds(&t, "[herd]\n");
	for (i = 0; i < HD_INI_MAX_NAME; i++)
		buf_addc(&t, 'k');
	buf_adds(&t, " = 1\n");
	p = parse(t.data, t.len);
	REQUIRE_EQ(p.rc, 0, "a key of %d bytes: %s", HD_INI_MAX_NAME, p.err);
	hd_ini_free(p.e, p.n);
	buf_reset(&t);
	buf_adds(&t, "[herd]\n");
	for (i = 0; i <= HD_INI_MAX_NAME; i++)
		buf_addc(&t, 'k');
	buf_adds(&t, " = 1\n");
	p = parse(t.data, t.len);
	CHECK_EQ(p.rc, -1);
	CHECK(strstr(p.err, "herd.ini:2: key longer than 256 bytes: 'kkk") == p.err, "%s", p.err);
	CHECK(strlen(p.err) < 160, "%s", p.err);
	buf_reset(&t);
	buf_addc(&t, '[');
	for (i = 0; i <= HD_INI_MAX_NAME; i++)
		buf_addc(&t, 's');
	buf_adds(&t, "]\n");
	p = parse(t.data, t.len);
	CHECK_EQ(p.rc, -1);
	CHECK(strstr(p.err, "herd.ini:1: section name longer than 256 bytes") == p.err, "%s", p.err);
	buf_clear(&t);
}

/* A million continuation lines: joined in linear time (the old reader copied
 * the whole value for each line and took minutes). */
TEST(ini, many_continuation_lines, .timeout = 20)
{
	struct buf t = BUF_INIT;
	struct parsed p;
	size_t i, n = 1000000;

	buf_adds(&t, "[herd]\ntestpaths =\n");
	for (i = 0; i < n; i++)
		buf_adds(&t, "  x\n");
	buf_adds(&t, "addopts = -v\n");
	p = parse(t.data, t.len);
	REQUIRE_EQ(p.rc, 0, "%s", p.err);
	REQUIRE_EQ(p.n, 2);
	CHECK_EQ(strlen(p.e[0].value), 2 * n - 1);
	CHECK_STR_EQ(p.e[1].value, "-v");
	hd_ini_free(p.e, p.n);
	buf_clear(&t);
}

TEST(ini, error_fits_small_buffer)
{
	struct hd_ini_entry *e = (struct hd_ini_entry *)1;
	char err[8];
	size_t n = 5;

	CHECK_EQ(hd_ini_parse("bad", 3, "x.ini", &e, &n, err, sizeof(err)), -1);
	CHECK_STR_EQ(err, "x.ini:1");
	CHECK_NULL(e);
	CHECK_EQ(n, 0);
	CHECK_EQ(hd_ini_parse("bad", 3, "x.ini", &e, &n, NULL, 0), -1);
}

/* ---- hd_split_args ---- */

/* Splits s and checks the words, given as one string joined by '|'. */
static void
split_eq(const char *s, const char *want)
{
	char **v, err[128] = "", *joined;
	size_t n, i;
	struct buf b = BUF_INIT;

	REQUIRE_EQ(hd_split_args(s, &v, &n, err, sizeof(err)), 0, "%s: %s", s, err);
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? "|" : "", v[i]);
	CHECK_NULL(v[n], "argv must end with NULL");
	joined = buf_detach(&b, NULL);
	CHECK_STR_EQ(joined, want, "splitting <%s>", s);
	free(joined);
	hd_args_free(v);
}

static void
split_err(const char *s, const char *want)
{
	char **v = (char **)1, err[128] = "";
	size_t n = 7;

	CHECK_EQ(hd_split_args(s, &v, &n, err, sizeof(err)), -1, "<%s>", s);
	CHECK_NULL(v);
	CHECK_EQ(n, 0);
	CHECK_STR_EQ(err, want);
}

TEST(split_args, whitespace)
{
	split_eq("", "");
	split_eq("  \t\n ", "");
	split_eq("-v", "-v");
	split_eq("  -n 4\t--timeout=3\n-x  ", "-n|4|--timeout=3|-x");
}

TEST(split_args, empty_result_is_terminated)
{
	char **v, err[64];
	size_t n = 9;

	REQUIRE_EQ(hd_split_args("   ", &v, &n, err, sizeof(err)), 0);
	CHECK_EQ(n, 0);
	REQUIRE_NOT_NULL(v);
	CHECK_NULL(v[0]);
	hd_args_free(v);
}

TEST(split_args, quotes)
{
	split_eq("-k 'a and not b'", "-k|a and not b");
	split_eq("-m \"slow or io\"", "-m|slow or io");
	split_eq("'' \"\"", "|");		/* empty quotes are empty words */
	split_eq("a'b c'\"d e\"f", "ab cd ef");	/* quotes join within a word */
	split_eq("'say \"hi\"' \"it's\"", "say \"hi\"|it's");
	split_eq("'#not a comment' #x", "#not a comment|#x");
}

TEST(split_args, backslashes)
{
	split_eq("a\\ b", "a b");
	split_eq("\\'x\\\" \\\\", "'x\"|\\");
	/* Single quotes keep backslashes; double quotes only for \" and \\. */
	split_eq("'a\\b\\'", "a\\b\\");
	split_eq("\"a\\\"b\\\\c\\d\\n\"", "a\"b\\c\\d\\n");
}

TEST(split_args, utf8_words)
{
	split_eq("caf\xc3\xa9 '\xe2\x82\xac x'", "caf\xc3\xa9|\xe2\x82\xac x");
}

TEST(split_args, errors)
{
	split_err("-k 'a and b", "unterminated single quote");
	split_err("-m \"slow", "unterminated double quote");
	split_err("-m \"slow\\\"", "unterminated double quote");
	split_err("a b\\", "backslash at the end of the string");
	split_err("ok 'fine' \"broken", "unterminated double quote");
}

/* Unit tests of the -k/-m expression language (common/expr.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <herd.h>

#include "expr.h"
#include "quote.h"
#include "util.h"

/* A word holds when it appears, whole, in the space-separated list ctx. */
static int
in_list(const char *w, size_t len, void *ctx)
{
	const char *p = ctx;

	while (*p) {
		size_t n = strcspn(p, " ");

		if (n == len && !memcmp(p, w, len))
			return 1;
		p += n;
		p += strspn(p, " ");
	}
	return 0;
}

static int
eval(const char *expr, const char *words)
{
	char err[128];
	struct hd_expr *e = hd_expr_parse(expr, err, sizeof(err));
	int r;

	REQUIRE_NOT_NULL(e, "parse of '%s' failed: %s", expr, err);
	r = hd_expr_eval(e, in_list, (void *)words);
	hd_expr_free(e);
	return r;
}

struct case_ {
	const char *expr, *words;
	int want;
};

static const struct case_ cases[] = {
	{ "", "", 1 },
	{ "   ", "a", 1 },
	{ "a", "a", 1 },
	{ "a", "b", 0 },
	{ "not a", "a", 0 },
	{ "not a", "b", 1 },
	{ "a and b", "a b", 1 },
	{ "a and b", "a", 0 },
	{ "a or b", "b", 1 },
	{ "a or b", "c", 0 },
	{ "a or b and c", "a", 1 },		/* and binds tighter */
	{ "(a or b) and c", "a", 0 },
	{ "not not a", "a", 1 },
	{ "not (a or b)", "c", 1 },
	{ "a and not b or c", "a b c", 1 },
	{ "((a))", "a", 1 },
	{ "x::y[1]", "x::y[1]", 1 },		/* ids keep their punctuation */
	{ "notes", "notes", 1 },		/* keywords only as whole words */
	{ "android", "android", 1 },
};

static void
case_id(char *buf, size_t size, const void *p)
{
	const struct case_ *c = p;
	size_t i;

	/* The expression alone repeats ("a" over {a}, then over {b}): herd
	 * refuses a binary whose node ids repeat. */
	snprintf(buf, size, "%s-over-%s", c->expr[0] ? c->expr : "empty",
		 c->words[0] ? c->words : "nothing");
	for (i = 0; buf[i]; i++)
		if (buf[i] == ' ')
			buf[i] = '_';
}

TEST_P(expr, eval, cases, .param_id = case_id)
{
	const struct case_ *c = herd_param();

	CHECK_EQ(eval(c->expr, c->words), c->want, "'%s' over {%s}", c->expr, c->words);
}

static const char *const bad[] = {
	"and", "a and", "a or or b", "(a", "a)", "not", "()", "a b",
};

TEST_P(expr, rejects, bad)
{
	const char *s = *(const char *const *)herd_param();
	char err[128] = "";

	CHECK_NULL(hd_expr_parse(s, err, sizeof(err)), "'%s' was accepted", s);
	CHECK_NE(strlen(err), 0);
	CHECK(strstr(err, "column") != NULL, "error '%s' names no column", err);
}

TEST(expr, error_names_token)
{
	char err[128];

	CHECK_NULL(hd_expr_parse("a and or", err, sizeof(err)));
	CHECK_STR_EQ(err, "at column 7: expected a word, 'not' or '('; got 'or'");
}

/* '(' * n, then word, then ')' * n, in a new string. */
static char *
nested(const char *open, size_t n, const char *word, const char *close)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < n; i++)
		buf_adds(&b, open);
	buf_adds(&b, word);
	for (i = 0; close && i < n; i++)
		buf_adds(&b, close);
	return buf_detach(&b, NULL);
}

TEST(expr, nesting_up_to_the_limit)
{
	char *s = nested("(", HD_EXPR_MAX_DEPTH, "a", ")");
	char *t = nested("not ", HD_EXPR_MAX_DEPTH, "a", NULL);
	char *u = nested("(not ", HD_EXPR_MAX_DEPTH / 2, "a", ")");

	CHECK_EQ(eval(s, "a"), 1);
	CHECK_EQ(eval(t, "a"), 1);	/* an even number of nots */
	CHECK_EQ(eval(u, "a"), 1);
	CHECK_EQ(eval(u, "b"), 0);
	free(s);
	free(t);
	free(u);
}

/* One level more is an error naming the limit, whichever way it nests. */
TEST(expr, nesting_past_the_limit)
{
	char err[256], *s = nested("(", HD_EXPR_MAX_DEPTH + 1, "a", ")");
	char *t = nested("not ", HD_EXPR_MAX_DEPTH + 1, "a", NULL);
	char *u = nested("(not ", HD_EXPR_MAX_DEPTH / 2 + 1, "a", ")");

	CHECK_NULL(hd_expr_parse(s, err, sizeof(err)));
	CHECK_STR_EQ(err, "at column 257: nested deeper than 256 levels; got '('");
	CHECK_NULL(hd_expr_parse(t, err, sizeof(err)));
	CHECK_STR_EQ(err, "at column 1025: nested deeper than 256 levels; got 'not'");
	CHECK_NULL(hd_expr_parse(u, err, sizeof(err)));
	CHECK(strstr(err, "nested deeper than 256 levels") != NULL, "%s", err);
	free(s);
	free(t);
	free(u);
}

/* Two million '(' once crashed the parser: now an error, quickly. */
TEST(expr, millions_of_parentheses)
{
	char err[256], *s = xmalloc(2000001);

	memset(s, '(', 2000000);
	s[2000000] = '\0';
	CHECK_NULL(hd_expr_parse(s, err, sizeof(err)));
	CHECK_STR_EQ(err, "too long: 2000000 bytes, at most 65536 allowed");
	s[HD_EXPR_MAX_LEN] = '\0';
	CHECK_NULL(hd_expr_parse(s, err, sizeof(err)));
	CHECK_STR_EQ(err, "at column 257: nested deeper than 256 levels; got '('");
	free(s);
}

TEST(expr, length_limit)
{
	char err[256], *s = xmalloc(HD_EXPR_MAX_LEN + 2);
	struct hd_expr *e;

	memset(s, 'w', HD_EXPR_MAX_LEN);
	s[HD_EXPR_MAX_LEN] = '\0';
	e = hd_expr_parse(s, err, sizeof(err));
	CHECK_NOT_NULL(e, "%u bytes: %s", HD_EXPR_MAX_LEN, err);
	hd_expr_free(e);
	strcpy(s + HD_EXPR_MAX_LEN, "w");
	CHECK_NULL(hd_expr_parse(s, err, sizeof(err)));
	CHECK_STR_EQ(err, "too long: 65537 bytes, at most 65536 allowed");
	free(s);
}

/* A long or unprintable token is quoted short and escaped. */
TEST(expr, error_quotes_a_bounded_excerpt)
{
	char err[256], *w = xmalloc(1000);
	struct buf b = BUF_INIT;

	memset(w, 'x', 999);
	w[999] = '\0';
	buf_printf(&b, "a %s", w);
	CHECK_NULL(hd_expr_parse(b.data, err, sizeof(err)));
	CHECK(strlen(err) < 80 + HD_QUOTE_MAX, "%zu bytes: %s", strlen(err), err);
	CHECK(strstr(err, "xxx...'") != NULL, "%s", err);
	CHECK_NULL(hd_expr_parse("a \x1b[31m", err, sizeof(err)));
	CHECK_STR_EQ(err, "at column 3: expected 'and', 'or' or the end; got '\\x1b[31m'");
	free(w);
	buf_clear(&b);
}

/* Unit tests of the -k/-m expression language (common/expr.c). */
#include <stdio.h>
#include <string.h>

#include <herd.h>

#include "expr.h"

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

	snprintf(buf, size, "%s", c->expr[0] ? c->expr : "empty");
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

TEST(expr, deep_nesting)
{
	char s[4096];
	size_t i, n = 0;

	for (i = 0; i < 1000; i++)
		s[n++] = '(';
	s[n++] = 'a';
	for (i = 0; i < 1000; i++)
		s[n++] = ')';
	s[n] = '\0';
	CHECK_EQ(eval(s, "a"), 1);
}

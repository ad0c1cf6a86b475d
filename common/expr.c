/*
 * expr.c - a recursive-descent parser for -k/-m expressions that compiles to a
 * postfix program, so that selecting among a million items evaluates a flat
 * array rather than walking a tree.
 *
 *	expr	:= and ("or" and)*
 *	and	:= not ("and" not)*
 *	not	:= "not" not | "(" expr ")" | word
 *	word	:= any run of characters other than blanks and parentheses
 *
 * The parser recurses once per '(' and 'not', so nesting is bounded
 * (HD_EXPR_MAX_DEPTH) and so is the text (HD_EXPR_MAX_LEN): an expression
 * comes from the command line, HERD_ADDOPTS or herd.ini, and two million '('
 * there must be a usage error, not a stack overflow.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "quote.h"
#include "util.h"

enum op { OP_WORD, OP_NOT, OP_AND, OP_OR, OP_TRUE };

struct insn {
	enum op op;
	size_t off, len;	/* OP_WORD: the word in text */
};

struct hd_expr {
	char *text;
	struct insn *code;
	size_t n, cap;
	size_t depth;		/* stack needed */
};

struct parser {
	struct hd_expr *e;
	const char *s;
	size_t pos;
	size_t tokoff, toklen;	/* current token */
	size_t depth;		/* '(' and 'not' open around the current token */
	char *err;
	size_t errlen;
	int failed;
};

static int
isblank_(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void
next(struct parser *p)
{
	const char *s = p->s;
	size_t i = p->pos;

	while (s[i] && isblank_(s[i]))
		i++;
	p->tokoff = i;
	if (s[i] == '(' || s[i] == ')') {
		p->toklen = 1;
	} else {
		while (s[i] && !isblank_(s[i]) && s[i] != '(' && s[i] != ')')
			i++;
		p->toklen = i - p->tokoff;
	}
	p->pos = p->tokoff + p->toklen;
}

static int
is(struct parser *p, const char *kw)
{
	size_t n = strlen(kw);

	return p->toklen == n && !memcmp(p->s + p->tokoff, kw, n);
}

static void
emit(struct parser *p, enum op op, size_t off, size_t len)
{
	struct hd_expr *e = p->e;

	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 16;
		e->code = xreallocarray(e->code, e->cap, sizeof(*e->code));
	}
	e->code[e->n].op = op;
	e->code[e->n].off = off;
	e->code[e->n].len = len;
	e->n++;
}

static void
fail(struct parser *p, const char *what)
{
	if (p->failed)
		return;
	p->failed = 1;
	if (p->toklen) {
		char q[HD_QUOTE_SIZE];

		snprintf(p->err, p->errlen, "at column %zu: %s; got '%s'", p->tokoff + 1, what,
			 hd_quote(q, p->s + p->tokoff, p->toklen));
	} else
		snprintf(p->err, p->errlen, "at column %zu: %s; got end of input",
			 p->tokoff + 1, what);
}

static void parse_or(struct parser *p);

/* Enters one more level of '(' or 'not'; 0 when that is one too many. */
static int
enter(struct parser *p)
{
	char what[64];

	if (++p->depth <= HD_EXPR_MAX_DEPTH)
		return 1;
	snprintf(what, sizeof(what), "nested deeper than %d levels", HD_EXPR_MAX_DEPTH);
	fail(p, what);
	return 0;
}

static void
parse_not(struct parser *p)
{
	if (p->failed)
		return;
	if (is(p, "not")) {
		if (!enter(p))
			return;
		next(p);
		parse_not(p);
		emit(p, OP_NOT, 0, 0);
		p->depth--;
	} else if (is(p, "(")) {
		if (!enter(p))
			return;
		next(p);
		parse_or(p);
		if (p->failed)
			return;
		if (!is(p, ")")) {
			fail(p, "expected ')'");
			return;
		}
		p->depth--;
		next(p);
	} else if (p->toklen == 0 || is(p, ")") || is(p, "and") || is(p, "or")) {
		fail(p, "expected a word, 'not' or '('");
	} else {
		emit(p, OP_WORD, p->tokoff, p->toklen);
		next(p);
	}
}

static void
parse_and(struct parser *p)
{
	parse_not(p);
	while (!p->failed && is(p, "and")) {
		next(p);
		parse_not(p);
		emit(p, OP_AND, 0, 0);
	}
}

static void
parse_or(struct parser *p)
{
	parse_and(p);
	while (!p->failed && is(p, "or")) {
		next(p);
		parse_and(p);
		emit(p, OP_OR, 0, 0);
	}
}

struct hd_expr *
hd_expr_parse(const char *s, char *err, size_t errlen)
{
	struct parser p;
	struct hd_expr *e = xcalloc(1, sizeof(*e));
	size_t i, d = 0, len = s ? strlen(s) : 0;

	if (len > HD_EXPR_MAX_LEN) {
		snprintf(err, errlen, "too long: %zu bytes, at most %u allowed", len,
			 HD_EXPR_MAX_LEN);
		free(e);
		return NULL;
	}
	e->text = xstrdup(s ? s : "");
	memset(&p, 0, sizeof(p));
	p.e = e;
	p.s = e->text;
	p.err = err;
	p.errlen = errlen;
	next(&p);
	if (p.toklen == 0) {
		emit(&p, OP_TRUE, 0, 0);
		e->depth = 1;
		return e;
	}
	parse_or(&p);
	if (!p.failed && p.toklen)
		fail(&p, "expected 'and', 'or' or the end");
	if (p.failed) {
		hd_expr_free(e);
		return NULL;
	}
	for (i = 0; i < e->n; i++) {
		if (e->code[i].op == OP_WORD)
			d++;
		else if (e->code[i].op == OP_AND || e->code[i].op == OP_OR)
			d--;
		if (d > e->depth)
			e->depth = d;
	}
	return e;
}

int
hd_expr_eval(const struct hd_expr *e,
	     int (*match)(const char *word, size_t len, void *ctx), void *ctx)
{
	char small[64], *st = e->depth <= sizeof(small) ? small : xmalloc(e->depth);
	size_t i, sp = 0;
	int r;

	for (i = 0; i < e->n; i++) {
		const struct insn *in = &e->code[i];

		switch (in->op) {
		case OP_TRUE: st[sp++] = 1; break;
		case OP_WORD: st[sp++] = (char)!!match(e->text + in->off, in->len, ctx); break;
		case OP_NOT: st[sp - 1] = (char)!st[sp - 1]; break;
		case OP_AND: sp--; st[sp - 1] = (char)(st[sp - 1] && st[sp]); break;
		case OP_OR: sp--; st[sp - 1] = (char)(st[sp - 1] || st[sp]); break;
		}
	}
	r = sp ? st[sp - 1] : 1;
	if (st != small)
		free(st);
	return r;
}

void
hd_expr_free(struct hd_expr *e)
{
	if (!e)
		return;
	free(e->text);
	free(e->code);
	free(e);
}

int
hd_match_id(const char *w, size_t len, void *ctx)
{
	const char *id = ctx;
	size_t n = strlen(id), i, k;

	for (i = 0; i + len <= n; i++) {
		for (k = 0; k < len; k++)
			if (tolower((unsigned char)id[i + k]) != tolower((unsigned char)w[k]))
				break;
		if (k == len)
			return 1;
	}
	return 0;
}

int
hd_match_words(const char *w, size_t len, void *ctx)
{
	const char *p = ctx;

	while (p && *p) {
		size_t n;

		p += strspn(p, " \t,");
		n = strcspn(p, " \t,");
		if (n && n == len && !memcmp(p, w, n))
			return 1;
		p += n;
	}
	return 0;
}

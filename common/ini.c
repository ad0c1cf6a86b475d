/*
 * ini.c - herd.ini and addopts.
 *
 * The dialect is the one pytest reads, so that a user moving a pytest.ini
 * over meets no surprise: comments are whole lines only, so "addopts = -k
 * 'a #b'" keeps its '#'; an indented line continues the value above it,
 * which is how testpaths and addopts are spread over lines; keys are case
 * sensitive; a repeated key overrides the earlier one.
 *
 * The file is the user's and may be anything: the reader takes time linear
 * in its size (a value spread over a million continuation lines is built in
 * one growing buffer), keys and section names are bounded, and a message
 * quotes at most HD_QUOTE_MAX characters of the offending line, escaped.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini.h"
#include "quote.h"
#include "util.h"

struct parser {
	const char *path;
	int line;
	char *section;		/* current section, NULL before the first */
	struct hd_ini_entry *v;
	size_t n, cap;
	int open;		/* the last entry may take continuation lines */
	struct buf val;		/* the last entry's value while it is open */
	char *err;
	size_t errlen;
};

static int
blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Narrows [*s, *e) to drop surrounding whitespace. */
static void
trim(const char **s, const char **e)
{
	while (*s < *e && blank((unsigned char)**s))
		(*s)++;
	while (*e > *s && blank((unsigned char)(*e)[-1]))
		(*e)--;
}

/* [s, e) quoted for a message into q (HD_QUOTE_SIZE bytes). */
static const char *
excerpt(char *q, const char *s, const char *e)
{
	return hd_quote(q, s, (size_t)(e - s));
}

/* The value being built moves into the last entry: it takes no more lines. */
static void
close_entry(struct parser *p)
{
	if (p->open)
		p->v[p->n - 1].value = buf_detach(&p->val, NULL);
	p->open = 0;
}

static int PRINTF(2, 3)
fail(struct parser *p, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (p->err && p->errlen)
		snprintf(p->err, p->errlen, "%s:%d: %s", p->path, p->line, what);
	return -1;
}

static int
section(struct parser *p, const char *s, const char *e)
{
	const char *close = memchr(s, ']', (size_t)(e - s)), *rest, *name;
	char q[HD_QUOTE_SIZE];

	close_entry(p);
	if (!close)
		return fail(p, "unterminated section header '%s'", excerpt(q, s, e));
	rest = close + 1;
	trim(&rest, &e);
	if (rest < e && *rest != '#' && *rest != ';')
		return fail(p, "unexpected text after section header: '%s'",
			    excerpt(q, rest, e));
	name = s + 1;
	trim(&name, &close);
	if (name == close)
		return fail(p, "empty section name");
	if (close - name > HD_INI_MAX_NAME)
		return fail(p, "section name longer than %d bytes: '%s'", HD_INI_MAX_NAME,
			    excerpt(q, name, close));
	free(p->section);
	p->section = xstrndup(name, (size_t)(close - name));
	return 0;
}

static int
entry(struct parser *p, const char *s, const char *e)
{
	const char *sep = s, *kend, *val;
	struct hd_ini_entry *en;
	char q[HD_QUOTE_SIZE];

	close_entry(p);
	while (sep < e && *sep != '=' && *sep != ':')
		sep++;
	if (sep == e)
		return fail(p, "expected 'key = value' or '[section]', got '%s'",
			    excerpt(q, s, e));
	kend = sep;
	trim(&s, &kend);
	if (s == kend)
		return fail(p, "missing key before '%c'", *sep);
	if (kend - s > HD_INI_MAX_NAME)
		return fail(p, "key longer than %d bytes: '%s'", HD_INI_MAX_NAME,
			    excerpt(q, s, kend));
	if (!p->section)
		return fail(p, "key '%s' outside any section", excerpt(q, s, kend));
	val = sep + 1;
	trim(&val, &e);
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 16;
		p->v = xreallocarray(p->v, p->cap, sizeof(*p->v));
	}
	en = &p->v[p->n++];
	en->section = xstrdup(p->section);
	en->key = xstrndup(s, (size_t)(kend - s));
	en->value = NULL;
	en->line = p->line;
	buf_reset(&p->val);
	buf_add(&p->val, val, (size_t)(e - val));
	p->open = 1;
	return 0;
}

static int
continuation(struct parser *p, const char *s, const char *e)
{
	char q[HD_QUOTE_SIZE];

	trim(&s, &e);
	if (!p->open)
		return fail(p, "continuation line without a key above it: '%s'",
			    excerpt(q, s, e));
	/* "testpaths =" then indented lines: the first line is the value, not "\n...". */
	if (p->val.len)
		buf_addc(&p->val, '\n');
	buf_add(&p->val, s, (size_t)(e - s));
	return 0;
}

static int
parse_line(struct parser *p, const char *s, const char *e)
{
	const char *t = s;

	if (memchr(s, '\0', (size_t)(e - s)))
		return fail(p, "NUL byte in line");
	while (t < e && blank((unsigned char)*t))
		t++;
	if (t == e || *t == '#' || *t == ';')
		return 0;	/* blank or comment: a value may still continue after it */
	if (t != s)
		return continuation(p, s, e);
	if (*s == '[')
		return section(p, s, e);
	return entry(p, s, e);
}

int
hd_ini_parse(const char *text, size_t len, const char *path,
	     struct hd_ini_entry **out, size_t *n, char *err, size_t errlen)
{
	struct parser p = { path ? path : "-", 0, NULL, NULL, 0, 0, 0, BUF_INIT, err, errlen };
	const char *s = text, *end = text + len, *nl;
	int r = 0;

	/* A UTF-8 byte order mark, as some Windows editors write, is not text. */
	if (len >= 3 && !memcmp(s, "\xef\xbb\xbf", 3))
		s += 3;
	while (s < end && r == 0) {
		nl = memchr(s, '\n', (size_t)(end - s));
		p.line++;
		r = parse_line(&p, s, nl ? nl : end);
		s = nl ? nl + 1 : end;
	}
	close_entry(&p);
	buf_clear(&p.val);
	free(p.section);
	if (r < 0) {
		hd_ini_free(p.v, p.n);
		p.v = NULL;
		p.n = 0;
	}
	*out = p.v;
	*n = p.n;
	return r;
}

void
hd_ini_free(struct hd_ini_entry *e, size_t n)
{
	size_t i;

	for (i = 0; e && i < n; i++) {
		free(e[i].section);
		free(e[i].key);
		free(e[i].value);
	}
	free(e);
}

const char *
hd_ini_get(const struct hd_ini_entry *e, size_t n, const char *section, const char *key)
{
	while (n-- > 0)
		if (!strcmp(e[n].section, section) && !strcmp(e[n].key, key))
			return e[n].value;
	return NULL;
}

/* ---- addopts ---- */

static int
space(int c)
{
	return c == ' ' || c == '\n' || blank(c);
}

/* Appends the text quoted by q, starting at *s just past the opening quote,
 * to w and moves *s past the closing one; -1 if there is none. */
static int
quoted(const char **s, int q, struct buf *w)
{
	const char *p = *s;

	for (; *p && *p != q; p++) {
		if (q == '"' && *p == '\\' && (p[1] == '"' || p[1] == '\\'))
			p++;
		buf_addc(w, *p);
	}
	if (!*p)
		return -1;
	*s = p + 1;
	return 0;
}

/* Reads one word at s into w; returns the end of it, or NULL and err. */
static const char *
word(const char *s, struct buf *w, char *err, size_t errlen)
{
	while (*s && !space((unsigned char)*s)) {
		int c = *s++;

		if (c == '\'' || c == '"') {
			if (quoted(&s, c, w) == 0)
				continue;
			snprintf(err, errlen, "unterminated %s quote",
				 c == '"' ? "double" : "single");
			return NULL;
		}
		if (c == '\\') {
			if (!*s) {
				snprintf(err, errlen, "backslash at the end of the string");
				return NULL;
			}
			c = *s++;
		}
		buf_addc(w, c);
	}
	return s;
}

int
hd_split_args(const char *s, char ***argv, size_t *argc, char *err, size_t errlen)
{
	char **v = xcalloc(1, sizeof(*v)), dummy[1];
	size_t n = 0, cap = 1;
	struct buf w = BUF_INIT;

	if (!err || !errlen)
		err = dummy, errlen = sizeof(dummy);
	for (;;) {
		while (space((unsigned char)*s))
			s++;
		if (!*s)
			break;
		if (!(s = word(s, &w, err, errlen))) {
			buf_clear(&w);
			hd_args_free(v);
			*argv = NULL;
			*argc = 0;
			return -1;
		}
		if (n + 2 > cap) {
			cap = 2 * cap + 2;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		v[n++] = buf_detach(&w, NULL);
		v[n] = NULL;
	}
	buf_clear(&w);
	*argv = v;
	*argc = n;
	return 0;
}

void
hd_args_free(char **argv)
{
	char **p;

	for (p = argv; p && *p; p++)
		free(*p);
	free(argv);
}

/*
 * ini.c - herd.ini and addopts.
 *
 * The dialect is the one pytest reads, so that a user moving a pytest.ini
 * over meets no surprise: comments are whole lines only, so "addopts = -k
 * 'a #b'" keeps its '#'; an indented line continues the value above it,
 * which is how testpaths and addopts are spread over lines; keys are case
 * sensitive; a repeated key overrides the earlier one.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini.h"
#include "util.h"

struct parser {
	const char *path;
	int line;
	char *section;		/* current section, NULL before the first */
	struct hd_ini_entry *v;
	size_t n, cap;
	int open;		/* the last entry may take continuation lines */
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

/* At most this much of an offending line is quoted in a message. */
static int
quote_len(const char *s, const char *e)
{
	return e - s > 60 ? 60 : (int)(e - s);
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

	if (!close)
		return fail(p, "unterminated section header '%.*s'", quote_len(s, e), s);
	rest = close + 1;
	trim(&rest, &e);
	if (rest < e && *rest != '#' && *rest != ';')
		return fail(p, "unexpected text after section header: '%.*s'",
			    quote_len(rest, e), rest);
	name = s + 1;
	trim(&name, &close);
	if (name == close)
		return fail(p, "empty section name");
	free(p->section);
	p->section = xstrndup(name, (size_t)(close - name));
	p->open = 0;
	return 0;
}

static int
entry(struct parser *p, const char *s, const char *e)
{
	const char *sep = s, *kend, *val;
	struct hd_ini_entry *en;

	while (sep < e && *sep != '=' && *sep != ':')
		sep++;
	if (sep == e)
		return fail(p, "expected 'key = value' or '[section]', got '%.*s'",
			    quote_len(s, e), s);
	kend = sep;
	trim(&s, &kend);
	if (s == kend)
		return fail(p, "missing key before '%c'", *sep);
	if (!p->section)
		return fail(p, "key '%.*s' outside any section", quote_len(s, kend), s);
	val = sep + 1;
	trim(&val, &e);
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 16;
		p->v = xreallocarray(p->v, p->cap, sizeof(*p->v));
	}
	en = &p->v[p->n++];
	en->section = xstrdup(p->section);
	en->key = xstrndup(s, (size_t)(kend - s));
	en->value = xstrndup(val, (size_t)(e - val));
	en->line = p->line;
	p->open = 1;
	return 0;
}

static int
continuation(struct parser *p, const char *s, const char *e)
{
	struct hd_ini_entry *en;
	char *v;

	trim(&s, &e);
	if (!p->open)
		return fail(p, "continuation line without a key above it: '%.*s'",
			    quote_len(s, e), s);
	en = &p->v[p->n - 1];
	/* "testpaths =" then indented lines: the first line is the value, not "\n...". */
	if (*en->value)
		v = xasprintf("%s\n%.*s", en->value, (int)(e - s), s);
	else
		v = xstrndup(s, (size_t)(e - s));
	free(en->value);
	en->value = v;
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
	struct parser p = { path ? path : "-", 0, NULL, NULL, 0, 0, 0, err, errlen };
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
	size_t n = 0;
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
		v = xreallocarray(v, n + 2, sizeof(*v));
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

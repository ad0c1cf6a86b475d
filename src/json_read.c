/*
 * json_read.c - see json_read.h.
 *
 * A recursive-descent reader that follows RFC 8259 to the letter and accepts
 * nothing else: no comments, no trailing commas, no NaN, no byte-order mark,
 * no raw control characters or invalid UTF-8 inside strings, no lone UTF-16
 * surrogates in \u escapes. Files it reads are written by programs, so a
 * lenient reader would only hide corruption. Only the first error is kept.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_read.h"
#include "report_json.h"
#include "util.h"

struct reader {
	const unsigned char *s;
	size_t len, pos;
	struct buf *err;
	int failed;
	size_t *where;		/* non-NULL: the error's offset goes here, not in err */
};

static int parse_value(struct reader *r, struct hd_jval *out, int depth);

PRINTF(3, 4) static int
fail(struct reader *r, size_t off, const char *fmt, ...)
{
	va_list ap;

	if (r->failed++)
		return -1;
	if (r->where)
		*r->where = off;
	if (!r->err)
		return -1;
	if (!r->where)
		buf_printf(r->err, "at byte %zu: ", off);
	va_start(ap, fmt);
	buf_vprintf(r->err, fmt, ap);
	va_end(ap);
	return -1;
}

/* Describes the byte at the reading position for an error message. */
static int
unexpected(struct reader *r, const char *wanted)
{
	unsigned char c;

	if (r->pos >= r->len)
		return fail(r, r->pos, "unexpected end of input, expected %s", wanted);
	c = r->s[r->pos];
	if (c > 0x20 && c < 0x7f)
		return fail(r, r->pos, "unexpected '%c', expected %s", c, wanted);
	return fail(r, r->pos, "unexpected byte 0x%02x, expected %s", c, wanted);
}

static void
skip_ws(struct reader *r)
{
	while (r->pos < r->len) {
		unsigned char c = r->s[r->pos];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		r->pos++;
	}
}

static int
literal(struct reader *r, struct hd_jval *out, const char *word, enum hd_jtype t)
{
	size_t n = strlen(word);

	if (r->len - r->pos < n || memcmp(r->s + r->pos, word, n))
		return unexpected(r, "a value");
	out->type = t;
	r->pos += n;
	return 0;
}

static int
isdigit_(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? and nothing laxer. */
static int
number(struct reader *r, struct hd_jval *out)
{
	size_t start = r->pos, p = r->pos;
	const unsigned char *s = r->s;
	char small[64], *copy, *end;
	double d;

	if (p < r->len && s[p] == '-')
		p++;
	if (p < r->len && s[p] == '0') {
		p++;
	} else if (p < r->len && isdigit_(s[p])) {
		while (p < r->len && isdigit_(s[p]))
			p++;
	} else {
		r->pos = p;
		return unexpected(r, "a digit");
	}
	if (p < r->len && s[p] == '.') {
		if (++p >= r->len || !isdigit_(s[p])) {
			r->pos = p;
			return unexpected(r, "a digit after '.'");
		}
		while (p < r->len && isdigit_(s[p]))
			p++;
	}
	if (p < r->len && (s[p] == 'e' || s[p] == 'E')) {
		p++;
		if (p < r->len && (s[p] == '+' || s[p] == '-'))
			p++;
		if (p >= r->len || !isdigit_(s[p])) {
			r->pos = p;
			return unexpected(r, "a digit in the exponent");
		}
		while (p < r->len && isdigit_(s[p]))
			p++;
	}
	/* strtod needs a terminator the input may not have. */
	copy = p - start < sizeof(small) ? small : xmalloc(p - start + 1);
	memcpy(copy, s + start, p - start);
	copy[p - start] = '\0';
	d = strtod(copy, &end);
	if (copy != small)
		free(copy);
	/* Underflow to zero or a denormal is harmless; overflow to infinity is not. */
	if (!isfinite(d))
		return fail(r, start, "number out of range");
	out->type = HD_JNUMBER;
	out->num = d;
	r->pos = p;
	return 0;
}

static int
hex4(struct reader *r, unsigned *cp)
{
	size_t i;

	*cp = 0;
	for (i = 0; i < 4; i++) {
		unsigned char c;

		if (r->pos >= r->len)
			return unexpected(r, "4 hex digits after \\u");
		c = r->s[r->pos];
		if (isdigit_(c))
			*cp = *cp << 4 | (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*cp = *cp << 4 | (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*cp = *cp << 4 | (unsigned)(c - 'A' + 10);
		else
			return unexpected(r, "4 hex digits after \\u");
		r->pos++;
	}
	return 0;
}

static void
put_utf8(struct buf *b, unsigned cp)
{
	if (cp < 0x80) {
		buf_addc(b, (int)cp);
	} else if (cp < 0x800) {
		buf_addc(b, (int)(0xc0 | cp >> 6));
		buf_addc(b, (int)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		buf_addc(b, (int)(0xe0 | cp >> 12));
		buf_addc(b, (int)(0x80 | (cp >> 6 & 0x3f)));
		buf_addc(b, (int)(0x80 | (cp & 0x3f)));
	} else {
		buf_addc(b, (int)(0xf0 | cp >> 18));
		buf_addc(b, (int)(0x80 | (cp >> 12 & 0x3f)));
		buf_addc(b, (int)(0x80 | (cp >> 6 & 0x3f)));
		buf_addc(b, (int)(0x80 | (cp & 0x3f)));
	}
}

/* \uXXXX, with a UTF-16 surrogate pair as one character; at the 'u'. */
static int
unicode_escape(struct reader *r, struct buf *b)
{
	size_t at = r->pos - 1;	/* the backslash */
	unsigned cp, lo;

	r->pos++;
	if (hex4(r, &cp) < 0)
		return -1;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return fail(r, at, "lone low surrogate \\u%04x", cp);
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (r->len - r->pos < 2 || r->s[r->pos] != '\\' || r->s[r->pos + 1] != 'u')
			return fail(r, at, "high surrogate \\u%04x without a low one", cp);
		r->pos += 2;
		if (hex4(r, &lo) < 0)
			return -1;
		if (lo < 0xdc00 || lo > 0xdfff)
			return fail(r, at, "high surrogate \\u%04x followed by \\u%04x", cp, lo);
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	put_utf8(b, cp);
	return 0;
}

/* A string at its opening quote into a new NUL-terminated allocation. */
static int
string(struct reader *r, char **str, size_t *len)
{
	struct buf b = BUF_INIT;
	size_t start = r->pos, k, run;

	r->pos++;
	for (;;) {
		unsigned char c;

		/* Plain ASCII in runs: the common case. */
		for (run = r->pos; run < r->len; run++) {
			c = r->s[run];
			if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80)
				break;
		}
		buf_add(&b, r->s + r->pos, run - r->pos);
		r->pos = run;
		if (r->pos >= r->len) {
			fail(r, start, "unterminated string");
			goto bad;
		}
		c = r->s[r->pos];
		if (c == '"')
			break;
		if (c < 0x20) {
			fail(r, r->pos, "control character 0x%02x in a string", c);
			goto bad;
		}
		if (c >= 0x80) {
			k = hd_utf8_len((const char *)r->s + r->pos, r->len - r->pos);
			if (!k) {
				fail(r, r->pos, "invalid UTF-8 in a string");
				goto bad;
			}
			buf_add(&b, r->s + r->pos, k);
			r->pos += k;
			continue;
		}
		/* A backslash. */
		if (++r->pos >= r->len) {
			fail(r, start, "unterminated string");
			goto bad;
		}
		switch (r->s[r->pos]) {
		case '"': buf_addc(&b, '"'); break;
		case '\\': buf_addc(&b, '\\'); break;
		case '/': buf_addc(&b, '/'); break;
		case 'b': buf_addc(&b, '\b'); break;
		case 'f': buf_addc(&b, '\f'); break;
		case 'n': buf_addc(&b, '\n'); break;
		case 'r': buf_addc(&b, '\r'); break;
		case 't': buf_addc(&b, '\t'); break;
		case 'u':
			if (unicode_escape(r, &b) < 0)
				goto bad;
			continue;
		default:
			fail(r, r->pos - 1, "invalid escape in a string");
			goto bad;
		}
		r->pos++;
	}
	r->pos++;
	*str = buf_detach(&b, len);
	return 0;
bad:
	buf_clear(&b);
	return -1;
}

/* Appends one parsed element to a growing array of values. */
static struct hd_jval *
push(struct hd_jval *out, size_t *cap)
{
	if (out->n == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		out->v = xreallocarray(out->v, *cap, sizeof(*out->v));
	}
	memset(&out->v[out->n], 0, sizeof(out->v[0]));
	return &out->v[out->n++];
}

static int
array(struct reader *r, struct hd_jval *out, int depth)
{
	size_t cap = 0;

	out->type = HD_JARRAY;
	r->pos++;
	skip_ws(r);
	if (r->pos < r->len && r->s[r->pos] == ']') {
		r->pos++;
		return 0;
	}
	for (;;) {
		if (parse_value(r, push(out, &cap), depth + 1) < 0)
			return -1;
		skip_ws(r);
		if (r->pos < r->len && r->s[r->pos] == ',') {
			r->pos++;
			continue;
		}
		if (r->pos < r->len && r->s[r->pos] == ']')
			break;
		return unexpected(r, "',' or ']' in an array");
	}
	r->pos++;
	return 0;
}

static int
object(struct reader *r, struct hd_jval *out, int depth)
{
	size_t cap = 0;

	out->type = HD_JOBJECT;
	r->pos++;
	skip_ws(r);
	if (r->pos < r->len && r->s[r->pos] == '}') {
		r->pos++;
		return 0;
	}
	for (;;) {
		struct hd_jval *m;
		char *key;
		size_t keylen, keyoff;

		skip_ws(r);
		if (r->pos >= r->len || r->s[r->pos] != '"')
			return unexpected(r, "a string key in an object");
		keyoff = r->pos;
		if (string(r, &key, &keylen) < 0)
			return -1;
		m = push(out, &cap);
		m->key = key;
		m->keylen = keylen;
		m->keyoff = keyoff;
		skip_ws(r);
		if (r->pos >= r->len || r->s[r->pos] != ':')
			return unexpected(r, "':' after an object key");
		r->pos++;
		if (parse_value(r, m, depth + 1) < 0)
			return -1;
		skip_ws(r);
		if (r->pos < r->len && r->s[r->pos] == ',') {
			r->pos++;
			continue;
		}
		if (r->pos < r->len && r->s[r->pos] == '}')
			break;
		return unexpected(r, "',' or '}' in an object");
	}
	r->pos++;
	return 0;
}

/* Fills out's value fields; out's key fields are the caller's. */
static int
parse_value(struct reader *r, struct hd_jval *out, int depth)
{
	int rc;

	skip_ws(r);
	out->off = r->pos;
	if (depth > HD_JSON_MAX_DEPTH)
		return fail(r, r->pos, "nested deeper than %d levels", HD_JSON_MAX_DEPTH);
	if (r->pos >= r->len)
		return unexpected(r, "a value");
	switch (r->s[r->pos]) {
	case '{': rc = object(r, out, depth); break;
	case '[': rc = array(r, out, depth); break;
	case '"':
		out->type = HD_JSTRING;
		rc = string(r, &out->str, &out->len);
		break;
	case 'n': rc = literal(r, out, "null", HD_JNULL); break;
	case 't': rc = literal(r, out, "true", HD_JTRUE); break;
	case 'f': rc = literal(r, out, "false", HD_JFALSE); break;
	default:
		if (r->s[r->pos] == '-' || isdigit_(r->s[r->pos]))
			rc = number(r, out);
		else
			rc = unexpected(r, "a value");
		break;
	}
	out->end = r->pos;
	return rc;
}

int
hd_json_parse(struct hd_jval *out, const char *text, size_t len, struct buf *err)
{
	return hd_json_parse_at(out, text, len, err, NULL);
}

int
hd_json_parse_at(struct hd_jval *out, const char *text, size_t len, struct buf *err,
		 size_t *where)
{
	struct reader r = { (const unsigned char *)text, len, 0, err, 0, where };

	memset(out, 0, sizeof(*out));
	if (parse_value(&r, out, 0) == 0) {
		skip_ws(&r);
		if (r.pos == r.len)
			return 0;
		unexpected(&r, "the end of the input");
	}
	hd_json_free(out);
	return -1;
}

static void
free_contents(struct hd_jval *v)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		free_contents(&v->v[i]);
		free(v->v[i].key);
	}
	free(v->v);
	free(v->str);
}

void
hd_json_free(struct hd_jval *v)
{
	free_contents(v);
	memset(v, 0, sizeof(*v));
}

const struct hd_jval *
hd_json_get(const struct hd_jval *o, const char *key)
{
	size_t i, n = strlen(key);

	if (o->type != HD_JOBJECT)
		return NULL;
	for (i = o->n; i-- > 0;)
		if (o->v[i].keylen == n && !memcmp(o->v[i].key, key, n))
			return &o->v[i];
	return NULL;
}

const char *
hd_json_type_name(enum hd_jtype t)
{
	static const char *const names[] = {
		"null", "false", "true", "number", "string", "array", "object"
	};

	return (unsigned)t < LEN(names) ? names[t] : "?";
}

/*
 * assert.c - the back ends of CHECK and REQUIRE. A failure is written into the
 * record shared with the parent at once, so a crash later in the test loses
 * nothing; REQUIRE then leaves the test through the runner's jump buffer.
 *
 * Every message starts with a line "file:line: MACRO(args) failed: <what holds>"
 * that the short summary can quote, then details, then the author's message.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

struct hd_ctx hd_ctx;

/* Used when an assertion runs outside any test (say, in a constructor). */
static struct hd_record orphan;

void
hd_record_reset(struct hd_record *rec)
{
	rec->phase = HD_PH_NONE;
	memset((void *)rec->failed, 0, sizeof(rec->failed));
	rec->skipped = 0;
	rec->last_file = NULL;
	rec->last_line = 0;
	rec->msglen = 0;
	rec->msg[0] = '\0';
}

static void
record_vadd(struct hd_record *rec, const char *fmt, va_list ap)
{
	static const char more[] = "[... further messages dropped]\n";
	size_t room, len = rec->msglen;
	int n;

	if (len >= HD_MSG_MAX - sizeof(more))
		return;
	room = HD_MSG_MAX - sizeof(more) - len;
	n = vsnprintf(rec->msg + len, room, fmt, ap);
	if (n < 0)
		return;
	if ((size_t)n >= room) {
		len = HD_MSG_MAX - sizeof(more);
		memcpy(rec->msg + len, more, sizeof(more));
		rec->msglen = len + sizeof(more) - 1;
		return;
	}
	rec->msglen = len + (size_t)n;
}

void
hd_record_add(struct hd_record *rec, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record_vadd(rec, fmt, ap);
	va_end(ap);
}

static struct hd_record *
rec(void)
{
	return hd_ctx.rec ? hd_ctx.rec : &orphan;
}

static void
passed_at(const char *file, int line)
{
	struct hd_record *r = rec();

	r->last_file = file;
	r->last_line = line;
}

/* Marks the failure in the phase it happened in; REQUIRE leaves the test. */
static void
failed(int stop)
{
	struct hd_record *r = rec();
	int ph = r->phase;

	if (ph < 0 || ph >= (int)LEN(r->failed))
		ph = HD_PH_CALL;
	r->failed[ph] = 1;
	if (stop && hd_ctx.jb)
		longjmp(*hd_ctx.jb, 1);
}

/* Adds the author's message, if any, indented; then fails. */
static int
finish(int stop, const char *fmt, va_list ap)
{
	struct hd_record *r = rec();

	if (fmt && *fmt) {
		hd_record_add(r, "  ");
		record_vadd(r, fmt, ap);
		hd_record_add(r, "\n");
	}
	failed(stop);
	return 0;
}

int
herd_assert_true(int stop, int ok, const char *file, int line,
		 const char *expr, const char *fmt, ...)
{
	va_list ap;
	int r;

	passed_at(file, line);
	if (ok)
		return 1;
	hd_record_add(rec(), "%s:%d: %s(%s) failed\n", file, line,
		      stop ? "REQUIRE" : "CHECK", expr);
	va_start(ap, fmt);
	r = finish(stop, fmt, ap);
	va_end(ap);
	return r;
}

void
herd_fail_at(int stop, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	passed_at(file, line);
	/* The message on the first line: it is what the short summary shows. */
	hd_record_add(rec(), "%s:%d: FAIL: ", file, line);
	va_start(ap, fmt);
	record_vadd(rec(), fmt, ap);
	va_end(ap);
	hd_record_add(rec(), "\n");
	failed(stop);
}

/* Compares a and b as the mathematical integers they stand for. */
static int
int_cmp(int sa, uintmax_t a, int sb, uintmax_t b)
{
	int na = sa && (intmax_t)a < 0, nb = sb && (intmax_t)b < 0;

	if (na != nb)
		return na ? -1 : 1;
	if (na)
		return (intmax_t)a < (intmax_t)b ? -1 : (intmax_t)a > (intmax_t)b;
	return a < b ? -1 : a > b;
}

static void
int_text(char *buf, size_t size, int s, uintmax_t v)
{
	if (s && (intmax_t)v < 0)
		snprintf(buf, size, "%jd", (intmax_t)v);
	else if (v > 0xffff)
		snprintf(buf, size, "%ju (0x%jx)", v, v);
	else
		snprintf(buf, size, "%ju", v);
}

int
herd_assert_int(int stop, enum herd_op op, const char *file, int line,
		const char *macro, const char *ea, const char *eb,
		int sa, uintmax_t a, int sb, uintmax_t b, const char *fmt, ...)
{
	/* The relation that holds when the assertion fails, by op. */
	static const char *const negated[] = { "!=", "==", ">=", ">", "<=", "<" };
	int c = int_cmp(sa, a, sb, b), ok = 0, r;
	char ta[64], tb[64];
	va_list ap;

	switch (op) {
	case HERD_OP_EQ: ok = c == 0; break;
	case HERD_OP_NE: ok = c != 0; break;
	case HERD_OP_LT: ok = c < 0; break;
	case HERD_OP_LE: ok = c <= 0; break;
	case HERD_OP_GT: ok = c > 0; break;
	case HERD_OP_GE: ok = c >= 0; break;
	}
	passed_at(file, line);
	if (ok)
		return 1;
	int_text(ta, sizeof(ta), sa, a);
	int_text(tb, sizeof(tb), sb, b);
	hd_record_add(rec(), "%s:%d: %s(%s, %s) failed: %s %s %s\n", file, line,
		      macro, ea, eb, ta, negated[op], tb);
	va_start(ap, fmt);
	r = finish(stop, fmt, ap);
	va_end(ap);
	return r;
}

/* Appends s as a C string literal, cut after max bytes. */
static void
quote(struct buf *b, const char *s, size_t n, size_t max)
{
	size_t i;

	if (!s) {
		buf_adds(b, "NULL");
		return;
	}
	buf_addc(b, '"');
	for (i = 0; i < n && i < max; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '\n': buf_adds(b, "\\n"); break;
		case '\t': buf_adds(b, "\\t"); break;
		case '\r': buf_adds(b, "\\r"); break;
		case '"': buf_adds(b, "\\\""); break;
		case '\\': buf_adds(b, "\\\\"); break;
		default:
			if (c < 0x20 || c == 0x7f)
				buf_printf(b, "\\x%02x", c);
			else
				buf_addc(b, c);
		}
	}
	buf_addc(b, '"');
	if (n > max)
		buf_printf(b, "... (%zu bytes)", n);
}

int
herd_assert_str(int stop, int want_eq, const char *file, int line,
		const char *macro, const char *ea, const char *eb,
		const char *a, const char *b, const char *fmt, ...)
{
	struct buf m = BUF_INIT;
	int eq, r;
	size_t i;
	va_list ap;

	if (!a || !b)
		eq = a == b;
	else
		eq = !strcmp(a, b);
	passed_at(file, line);
	if (eq == want_eq)
		return 1;
	buf_printf(&m, "%s:%d: %s(%s, %s) failed: ", file, line, macro, ea, eb);
	quote(&m, a, a ? strlen(a) : 0, 512);
	buf_adds(&m, want_eq ? " != " : " == ");
	quote(&m, b, b ? strlen(b) : 0, 512);
	buf_addc(&m, '\n');
	if (want_eq && a && b) {
		for (i = 0; a[i] && a[i] == b[i]; i++)
			;
		buf_printf(&m, "  first difference at offset %zu (lengths %zu and %zu)\n",
			   i, strlen(a), strlen(b));
	}
	hd_record_add(rec(), "%s", m.data);
	buf_clear(&m);
	va_start(ap, fmt);
	r = finish(stop, fmt, ap);
	va_end(ap);
	return r;
}

static void
hexline(struct buf *m, const char *label, const unsigned char *p, size_t from, size_t to)
{
	size_t i;

	buf_printf(m, "  %s @%zu:", label, from);
	for (i = from; i < to; i++)
		buf_printf(m, " %02x", p[i]);
	buf_addc(m, '\n');
}

int
herd_assert_mem(int stop, const char *file, int line, const char *macro,
		const char *ea, const char *eb, const void *a, const void *b,
		size_t n, const char *fmt, ...)
{
	const unsigned char *pa = a, *pb = b;
	struct buf m = BUF_INIT;
	size_t i, from, to;
	va_list ap;
	int r;

	passed_at(file, line);
	if (pa && pb) {
		for (i = 0; i < n && pa[i] == pb[i]; i++)
			;
		if (i == n)
			return 1;
		from = i >= 8 ? i - 8 : 0;
		to = i + 8 < n ? i + 8 : n;
		buf_printf(&m, "%s:%d: %s(%s, %s, %zu) failed: they differ at byte %zu\n",
			   file, line, macro, ea, eb, n, i);
		hexline(&m, "left ", pa, from, to);
		hexline(&m, "right", pb, from, to);
	} else {
		if (pa == pb)
			return 1;
		buf_printf(&m, "%s:%d: %s(%s, %s, %zu) failed: %s is NULL\n",
			   file, line, macro, ea, eb, n, pa ? eb : ea);
	}
	hd_record_add(rec(), "%s", m.data);
	buf_clear(&m);
	va_start(ap, fmt);
	r = finish(stop, fmt, ap);
	va_end(ap);
	return r;
}

int
herd_assert_near(int stop, const char *file, int line, const char *macro,
		 const char *ea, const char *eb, const char *eeps,
		 double a, double b, double eps, const char *fmt, ...)
{
	double d = fabs(a - b);
	va_list ap;
	int r;

	passed_at(file, line);
	if (d <= eps)
		return 1;
	hd_record_add(rec(), "%s:%d: %s(%s, %s, %s) failed: |%.17g - %.17g| = %.17g > %.17g\n",
		      file, line, macro, ea, eb, eeps, a, b, d, eps);
	va_start(ap, fmt);
	r = finish(stop, fmt, ap);
	va_end(ap);
	return r;
}

int
herd_assert_ptr(int stop, int want_null, const char *file, int line,
		const char *macro, const char *ea, const void *p,
		const char *fmt, ...)
{
	va_list ap;
	int r;

	passed_at(file, line);
	if ((p == NULL) == want_null)
		return 1;
	if (want_null)
		hd_record_add(rec(), "%s:%d: %s(%s) failed: %s is %p\n",
			      file, line, macro, ea, ea, p);
	else
		hd_record_add(rec(), "%s:%d: %s(%s) failed: %s is NULL\n",
			      file, line, macro, ea, ea);
	va_start(ap, fmt);
	r = finish(stop, fmt, ap);
	va_end(ap);
	return r;
}

void
herd_skip(const char *reason)
{
	struct hd_record *r = rec();

	r->skipped = 1;
	hd_record_add(r, "%s\n", reason && *reason ? reason : "skipped");
	if (hd_ctx.jb)
		longjmp(*hd_ctx.jb, 1);
}

const void *
herd_param(void)
{
	const struct hd_item *it = hd_ctx.item;

	if (!it || !it->t->params)
		return NULL;
	return (const char *)it->t->params + it->param * it->t->param_size;
}

size_t
herd_param_index(void)
{
	return hd_ctx.item ? hd_ctx.item->param : 0;
}

const char *
herd_test_id(void)
{
	return hd_ctx.item ? hd_ctx.item->id : NULL;
}

/*
 * assert.c - the back ends of CHECK and REQUIRE. A failure is written into the
 * record shared with the parent at once, so a crash later in the test loses
 * nothing; REQUIRE then leaves the test through the runner's jump buffer.
 *
 * Every message starts with a line "file:line: MACRO(args) failed: got ACTUAL,
 * expected EXPECTED" that the short summary can quote, then details, then the
 * author's message, then the assertion context (HERD_CONTEXT), innermost first.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct hd_ctx hd_ctx;

static size_t ctx_depth;	/* HERD_CONTEXT lines pushed and not popped */

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
	ctx_depth = 0;
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

/* ---- the assertion context ---- */

#define CTX_MAX 16

/* One line of HERD_CONTEXT: copied, so the caller's buffers may go. */
struct ctx_frame {
	const char *file;
	int line;
	char text[240];
};

static struct ctx_frame ctx_stack[CTX_MAX];

void
herd_context_push(const char *file, int line, const char *fmt, ...)
{
	struct ctx_frame *f;
	va_list ap;

	if (ctx_depth++ >= CTX_MAX)
		return;
	f = &ctx_stack[ctx_depth - 1];
	f->file = file;
	f->line = line;
	f->text[0] = '\0';
	if (!fmt)
		return;
	va_start(ap, fmt);
	vsnprintf(f->text, sizeof(f->text), fmt, ap);
	va_end(ap);
}

void
herd_context_pop(void)
{
	if (ctx_depth > 0)
		ctx_depth--;
}

/* The context lines under a failure, innermost first. */
static void
context_add(struct buf *m)
{
	size_t i;

	if (ctx_depth > CTX_MAX)
		buf_printf(m, "  (%zu more context lines not kept)\n", ctx_depth - CTX_MAX);
	for (i = ctx_depth < CTX_MAX ? ctx_depth : CTX_MAX; i-- > 0;)
		buf_printf(m, "  at %s:%d: %s\n", ctx_stack[i].file, ctx_stack[i].line,
			   ctx_stack[i].text);
}

/* ---- failing ---- */

/*
 * Writes the failure m (its first line and details), the author's message
 * fmt, if any, indented, and the context into the record, then fails.
 */
static void
emit(struct buf *m, const char *fmt, va_list ap)
{
	if (fmt && *fmt) {
		buf_adds(m, "  ");
		buf_vprintf(m, fmt, ap);
		buf_addc(m, '\n');
	}
	context_add(m);
	hd_record_add(rec(), "%s", m->data ? m->data : "");
	buf_clear(m);
}

/* In a back end that failed: reports m with the author's message, fails. */
#define FAIL_WITH(stop, m, fmt) do { \
	va_list ap_; \
	va_start(ap_, fmt); \
	emit(m, fmt, ap_); \
	va_end(ap_); \
	failed(stop); \
	return 0; \
} while (0)

/*
 * Starts a failure: "file:line: MACRO(operands) failed". args is the macro's
 * arguments as written; the first n of them are its operands, the rest the
 * author's message. Macro arguments split at the commas outside brackets
 * and literals, and so does this.
 */
static void
head(struct buf *m, const char *file, int line, const char *macro, const char *args, int n)
{
	const char *p = args ? args : "";
	int depth = 0, commas = 0;
	char lit = 0;

	for (; *p; p++) {
		if (lit) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == lit)
				lit = 0;
		} else if (*p == '"' || *p == '\'') {
			lit = *p;
		} else if (*p == '(' || *p == '[' || *p == '{') {
			depth++;
		} else if ((*p == ')' || *p == ']' || *p == '}') && depth > 0) {
			depth--;
		} else if (*p == ',' && depth == 0 && ++commas == n) {
			break;
		}
	}
	buf_printf(m, "%s:%d: %s(%.*s) failed", file, line, macro,
		   (int)(p - (args ? args : "")), args ? args : "");
}

int
herd_assert_true(int stop, int ok, const char *file, int line,
		 const char *macro, const char *args, const char *fmt, ...)
{
	struct buf m = BUF_INIT;

	passed_at(file, line);
	if (ok)
		return 1;
	head(&m, file, line, macro, args, 1);
	buf_addc(&m, '\n');
	FAIL_WITH(stop, &m, fmt);
}

void
herd_fail_at(int stop, const char *file, int line, const char *fmt, ...)
{
	struct buf m = BUF_INIT;
	va_list ap;

	passed_at(file, line);
	/* The message on the first line: it is what the short summary shows. */
	buf_printf(&m, "%s:%d: FAIL: ", file, line);
	va_start(ap, fmt);
	buf_vprintf(&m, fmt, ap);
	va_end(ap);
	buf_addc(&m, '\n');
	context_add(&m);
	hd_record_add(rec(), "%s", m.data);
	buf_clear(&m);
	failed(stop);
}

/* ---- integers ---- */

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
		const char *macro, const char *args, int sa, uintmax_t a, int sb, uintmax_t b,
		const char *fmt, ...)
{
	/* What b must be to a, by op. */
	static const char *const want[] = { "", "!= ", "< ", "<= ", "> ", ">= " };
	int c = int_cmp(sa, a, sb, b), ok = 0;
	struct buf m = BUF_INIT;
	char ta[64], tb[64];

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
	head(&m, file, line, macro, args, 2);
	buf_printf(&m, ": got %s, expected %s%s\n", ta, (unsigned)op < LEN(want) ? want[op] : "? ", tb);
	FAIL_WITH(stop, &m, fmt);
}

int
herd_assert_bits(int stop, const char *file, int line, const char *macro, const char *args,
		 uintmax_t mask, uintmax_t a, uintmax_t b, const char *fmt, ...)
{
	uintmax_t diff = (a ^ b) & mask;
	struct buf m = BUF_INIT;

	passed_at(file, line);
	if (!diff)
		return 1;
	head(&m, file, line, macro, args, 3);
	buf_printf(&m, ": got 0x%jx, expected 0x%jx under mask 0x%jx\n", a & mask, b & mask, mask);
	buf_printf(&m, "  bits that differ: 0x%jx (whole values 0x%jx and 0x%jx)\n",
		   diff, a, b);
	FAIL_WITH(stop, &m, fmt);
}

/* ---- strings and memory ---- */

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

static void
quote_str(struct buf *b, const char *s)
{
	quote(b, s, s ? strlen(s) : 0, 512);
}

/* Whether a and b (neither NULL) hold by op; n for HERD_STR_OP_NEQ. */
static int
str_holds(enum herd_str_op op, const char *a, const char *b, size_t n)
{
	size_t la = strlen(a), lb = strlen(b);

	switch (op) {
	case HERD_STR_OP_EQ: return !strcmp(a, b);
	case HERD_STR_OP_NE: return strcmp(a, b) != 0;
	case HERD_STR_OP_NEQ: return !strncmp(a, b, n);
	case HERD_STR_OP_CONTAINS: return strstr(a, b) != NULL;
	case HERD_STR_OP_STARTS_WITH: return !strncmp(a, b, lb);
	case HERD_STR_OP_ENDS_WITH: return la >= lb && !memcmp(a + la - lb, b, lb);
	}
	return 0;
}

int
herd_assert_str(int stop, enum herd_str_op op, const char *file, int line,
		const char *macro, const char *args, const char *a, const char *b, size_t n,
		const char *fmt, ...)
{
	static const char *const want[] = {
		"", "!= ", "", "to contain ", "to start with ", "to end with "
	};
	struct buf m = BUF_INIT;
	int ok;
	size_t i;

	if (!a || !b)
		/* NULL equals NULL only; it contains, starts or ends nothing. */
		ok = op == HERD_STR_OP_EQ || op == HERD_STR_OP_NEQ ? a == b :
		     op == HERD_STR_OP_NE ? a != b : 0;
	else
		ok = str_holds(op, a, b, n);
	passed_at(file, line);
	if (ok)
		return 1;
	head(&m, file, line, macro, args, op == HERD_STR_OP_NEQ ? 3 : 2);
	buf_adds(&m, ": got ");
	quote_str(&m, a);
	buf_printf(&m, ", expected %s", (unsigned)op < LEN(want) ? want[op] : "");
	quote_str(&m, b);
	if (op == HERD_STR_OP_NEQ)
		buf_printf(&m, " in the first %zu bytes", n);
	buf_addc(&m, '\n');
	if ((op == HERD_STR_OP_EQ || op == HERD_STR_OP_NEQ) && a && b) {
		for (i = 0; a[i] && a[i] == b[i]; i++)
			;
		buf_printf(&m, "  first difference at offset %zu (lengths %zu and %zu)\n",
			   i, strlen(a), strlen(b));
	}
	FAIL_WITH(stop, &m, fmt);
}

static void
hexline(struct buf *m, const char *label, const unsigned char *p, size_t from, size_t to)
{
	size_t i;

	buf_adds(m, label);
	for (i = from; i < to; i++)
		buf_printf(m, " %02x", p[i]);
	buf_addc(m, '\n');
}

int
herd_assert_mem(int stop, const char *file, int line, const char *macro, const char *args,
		const void *a, const void *b, size_t n, const char *fmt, ...)
{
	const unsigned char *pa = a, *pb = b;
	struct buf m = BUF_INIT;
	size_t i, from, to;

	passed_at(file, line);
	if (pa && pb) {
		for (i = 0; i < n && pa[i] == pb[i]; i++)
			;
		if (i == n)
			return 1;
		from = i >= 8 ? i - 8 : 0;
		to = n - i > 8 ? i + 8 : n;
		head(&m, file, line, macro, args, 3);
		buf_printf(&m, ": got 0x%02x, expected 0x%02x at offset %zu\n", pa[i], pb[i], i);
		buf_printf(&m, "  bytes %zu to %zu:\n", from, to - 1);
		hexline(&m, "  got:     ", pa, from, to);
		hexline(&m, "  expected:", pb, from, to);
		buf_printf(&m, "  %*s^^\n", (int)(10 + 3 * (i - from)), "");
	} else {
		if (pa == pb)
			return 1;
		head(&m, file, line, macro, args, 3);
		buf_printf(&m, ": %s is NULL\n", pa ? "the expected" : "the actual");
	}
	FAIL_WITH(stop, &m, fmt);
}

/* ---- floating point ---- */

/* The shortest text of v that reads back as v (as a float, when is_float). */
static void
float_text(char *buf, size_t size, double v, int is_float)
{
	int prec;

	for (prec = is_float ? 6 : 15; prec < (is_float ? 9 : 17); prec++) {
		snprintf(buf, size, "%.*g", prec, v);
		if (is_float ? strtof(buf, NULL) == (float)v : strtod(buf, NULL) == v)
			return;
	}
	snprintf(buf, size, "%.*g", prec, v);
}

/* Maps the bits of an IEEE number to an integer that orders as the numbers do. */
static uint64_t
biased(uint64_t bits, uint64_t sign)
{
	return bits & sign ? ~bits + 1 : sign | bits;
}

/* How many representable values apart a and b are (as floats when is_float). */
static uint64_t
ulps_apart(double a, double b, int is_float)
{
	uint64_t ba, bb;

	if (is_float) {
		float fa = (float)a, fb = (float)b;
		uint32_t ua, ub;

		memcpy(&ua, &fa, sizeof(ua));
		memcpy(&ub, &fb, sizeof(ub));
		ba = biased(ua, 0x80000000u) & 0xffffffffu;
		bb = biased(ub, 0x80000000u) & 0xffffffffu;
	} else {
		uint64_t ua, ub;

		memcpy(&ua, &a, sizeof(ua));
		memcpy(&ub, &b, sizeof(ub));
		ba = biased(ua, UINT64_C(1) << 63);
		bb = biased(ub, UINT64_C(1) << 63);
	}
	return ba >= bb ? ba - bb : bb - ba;
}

/* How many of a float assertion's arguments are operands. */
static int
float_operands(enum herd_float_op op)
{
	switch (op) {
	case HERD_FLOAT_OP_NAN:
	case HERD_FLOAT_OP_INF:
		return 1;
	case HERD_FLOAT_OP_NEAR:
		return 3;
	case HERD_FLOAT_OP_APPROX_TOL:
		return 4;
	default:
		return 2;
	}
}

int
herd_assert_float(int stop, enum herd_float_op op, const char *file, int line,
		  const char *macro, const char *args, double a, double b, double rel, double abs,
		  const char *fmt, ...)
{
	int is_float = op == HERD_FLOAT_OP_FLOAT_EQ, ok = 0, nan = isnan(a) || isnan(b);
	struct buf m = BUF_INIT;
	char ta[64], tb[64], tt[64];
	double tol = 0;

	switch (op) {
	case HERD_FLOAT_OP_FLOAT_EQ:
	case HERD_FLOAT_OP_DOUBLE_EQ:
		ok = !nan && ulps_apart(a, b, is_float) <= 4;
		break;
	case HERD_FLOAT_OP_NEAR:
		tol = abs;
		ok = !nan && (a == b || fabs(a - b) <= tol);
		break;
	case HERD_FLOAT_OP_APPROX:
	case HERD_FLOAT_OP_APPROX_TOL:
	case HERD_FLOAT_OP_APPROX_NAN_OK:
		tol = rel * fabs(b) > abs ? rel * fabs(b) : abs;
		if (nan)
			ok = op == HERD_FLOAT_OP_APPROX_NAN_OK && isnan(a) && isnan(b);
		else if (isinf(a) || isinf(b))
			ok = a == b;
		else
			ok = fabs(a - b) <= tol;
		break;
	case HERD_FLOAT_OP_NAN:
		ok = isnan(a);
		break;
	case HERD_FLOAT_OP_INF:
		ok = isinf(a);
		break;
	case HERD_FLOAT_OP_LT: ok = a < b; break;
	case HERD_FLOAT_OP_LE: ok = a <= b; break;
	case HERD_FLOAT_OP_GT: ok = a > b; break;
	case HERD_FLOAT_OP_GE: ok = a >= b; break;
	}
	passed_at(file, line);
	if (ok)
		return 1;
	float_text(ta, sizeof(ta), a, is_float);
	float_text(tb, sizeof(tb), b, is_float);
	float_text(tt, sizeof(tt), tol, 0);
	head(&m, file, line, macro, args, float_operands(op));
	buf_printf(&m, ": got %s, expected ", ta);
	switch (op) {
	case HERD_FLOAT_OP_FLOAT_EQ:
	case HERD_FLOAT_OP_DOUBLE_EQ:
		buf_printf(&m, "%s within 4 ULPs\n", tb);
		if (!nan)
			buf_printf(&m, "  they are %" PRIu64 " ULPs apart\n",
				   ulps_apart(a, b, is_float));
		break;
	case HERD_FLOAT_OP_NEAR:
	case HERD_FLOAT_OP_APPROX:
	case HERD_FLOAT_OP_APPROX_TOL:
	case HERD_FLOAT_OP_APPROX_NAN_OK:
		buf_printf(&m, "%s +- %s\n", tb, tt);
		if (!nan && !isinf(a - b)) {
			float_text(tt, sizeof(tt), fabs(a - b), 0);
			buf_printf(&m, "  they are %s apart\n", tt);
		}
		if (nan && op == HERD_FLOAT_OP_APPROX)
			buf_adds(&m, "  a NaN equals nothing (CHECK_APPROX_NAN_OK lets NaN equal NaN)\n");
		break;
	case HERD_FLOAT_OP_NAN:
		buf_adds(&m, "NaN\n");
		break;
	case HERD_FLOAT_OP_INF:
		buf_adds(&m, "inf or -inf\n");
		break;
	case HERD_FLOAT_OP_LT: buf_printf(&m, "< %s\n", tb); break;
	case HERD_FLOAT_OP_LE: buf_printf(&m, "<= %s\n", tb); break;
	case HERD_FLOAT_OP_GT: buf_printf(&m, "> %s\n", tb); break;
	case HERD_FLOAT_OP_GE: buf_printf(&m, ">= %s\n", tb); break;
	}
	FAIL_WITH(stop, &m, fmt);
}

/* ---- pointers ---- */

static void
ptr_text(char *buf, size_t size, uintptr_t p)
{
	if (p)
		snprintf(buf, size, "%p", (void *)p);
	else
		snprintf(buf, size, "NULL");
}

int
herd_assert_ptr(int stop, enum herd_ptr_op op, const char *file, int line,
		const char *macro, const char *args, uintptr_t a, uintptr_t b, const char *fmt, ...)
{
	struct buf m = BUF_INIT;
	char ta[64], tb[64];
	int ok = 0;

	switch (op) {
	case HERD_PTR_OP_EQ: ok = a == b; break;
	case HERD_PTR_OP_NE: ok = a != b; break;
	case HERD_PTR_OP_NULL: ok = a == 0; break;
	case HERD_PTR_OP_NOT_NULL: ok = a != 0; break;
	}
	passed_at(file, line);
	if (ok)
		return 1;
	ptr_text(ta, sizeof(ta), a);
	ptr_text(tb, sizeof(tb), b);
	head(&m, file, line, macro, args, op == HERD_PTR_OP_EQ || op == HERD_PTR_OP_NE ? 2 : 1);
	buf_printf(&m, ": got %s, expected %s%s\n", ta,
		   op == HERD_PTR_OP_NE ? "!= " : "",
		   op == HERD_PTR_OP_NOT_NULL ? "a pointer that is not NULL" : tb);
	FAIL_WITH(stop, &m, fmt);
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

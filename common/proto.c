/*
 * proto.c - see proto.h. The decoder unescapes in place, so a message costs no
 * allocation once the buffers have grown to the size of the traffic.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

void
hd_dec_init(struct hd_dec *d)
{
	memset(d, 0, sizeof(*d));
}

void
hd_dec_free(struct hd_dec *d)
{
	buf_clear(&d->in);
	free(d->msg.f);
	free(d->msg.len);
	memset(d, 0, sizeof(*d));
}

void
hd_dec_feed(struct hd_dec *d, const void *p, size_t n)
{
	/* Drop what was decoded before growing, so the buffer stays small. */
	if (d->off && d->off == d->in.len) {
		d->in.len = 0;
		d->scan = d->off = 0;
	} else if (d->off > 65536 && d->off > d->in.len / 2) {
		memmove(d->in.data, d->in.data + d->off, d->in.len - d->off);
		d->in.len -= d->off;
		d->scan -= d->off;
		d->off = 0;
	}
	buf_add(&d->in, p, n);
}

size_t
hd_dec_pending(const struct hd_dec *d)
{
	return d->in.len - d->off;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void
add_field(struct hd_msg *m, char *s, size_t len)
{
	if (m->nf == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 16;
		m->f = xreallocarray(m->f, m->cap, sizeof(*m->f));
		m->len = xreallocarray(m->len, m->cap, sizeof(*m->len));
	}
	m->f[m->nf] = s;
	m->len[m->nf] = len;
	m->nf++;
}

int
hd_dec_next(struct hd_dec *d, struct hd_msg **mp, char *err, size_t errlen)
{
	char *line, *nl, *r, *w, *field;
	size_t avail;

	avail = d->in.len - d->scan;
	nl = avail ? memchr(d->in.data + d->scan, '\n', avail) : NULL;
	if (!nl) {
		d->scan = d->in.len;
		if (d->in.len - d->off > HD_PROTO_MAXLINE) {
			snprintf(err, errlen, "a message is longer than %u bytes", HD_PROTO_MAXLINE);
			return -1;
		}
		return 0;
	}
	line = d->in.data + d->off;
	if ((size_t)(nl - line) > HD_PROTO_MAXLINE) {
		snprintf(err, errlen, "a message is longer than %u bytes", HD_PROTO_MAXLINE);
		return -1;
	}
	*nl = '\0';
	d->off = (size_t)(nl - d->in.data) + 1;
	d->scan = d->off;
	d->msg.nf = 0;
	if (line == nl) {
		snprintf(err, errlen, "an empty line");
		return -1;
	}
	/*
	 * Split on TAB and unescape each field in place. Runs of plain bytes
	 * are skipped by strcspn() (a byte at a time, this loop was most of
	 * taking a list of 10,000 tasks); it also stops at a NUL, which is the
	 * end of the line at nl and a plain byte before it.
	 */
	for (r = w = field = line;;) {
		size_t run = strcspn(r, "\t%\r");

		if (w != r)
			memmove(w, r, run);
		w += run;
		r += run;
		if (r < nl && !*r) {
			*w++ = *r++;
			continue;
		}
		if (*r == '\t' || r == nl) {
			int end = r == nl;

			*w = '\0';
			add_field(&d->msg, field, (size_t)(w - field));
			if (end)
				break;
			field = w = ++r;
			continue;
		}
		if (*r == '%') {
			int hi = r + 2 < nl ? hexval((unsigned char)r[1]) : -1;
			int lo = hi < 0 ? -1 : hexval((unsigned char)r[2]);

			if (lo < 0) {
				snprintf(err, errlen, "a bad escape at byte %zu of a message",
					 (size_t)(r - line));
				return -1;
			}
			*w++ = (char)(hi << 4 | lo);
			r += 3;
			continue;
		}
		snprintf(err, errlen, "a raw CR at byte %zu of a message", (size_t)(r - line));
		return -1;
	}
	if (strlen(d->msg.f[0]) != d->msg.len[0]) {
		snprintf(err, errlen, "a NUL byte in a message type");
		return -1;
	}
	*mp = &d->msg;
	return 1;
}

void
hd_enc_begin(struct buf *b, const char *type)
{
	buf_adds(b, type);
}

/* The bytes of a field, escaped (docs/protocol.md, Framing). */
static void
enc_escaped(struct buf *b, const void *p, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *s = p;
	size_t i, start = 0;

	buf_grow(b, n);
	for (i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (c != '%' && c != '\t' && c != '\n' && c != '\r')
			continue;
		buf_add(b, s + start, i - start);
		buf_addc(b, '%');
		buf_addc(b, hex[c >> 4]);
		buf_addc(b, hex[c & 15]);
		start = i + 1;
	}
	buf_add(b, s + start, n - start);
}

void
hd_enc_mem(struct buf *b, const void *p, size_t n)
{
	buf_addc(b, '\t');
	enc_escaped(b, p, n);
}

/* A field's start: the TAB, then key and '=' unless key is NULL. */
static void
enc_key(struct buf *b, const char *key)
{
	buf_addc(b, '\t');
	if (key) {
		buf_adds(b, key);
		buf_addc(b, '=');
	}
}

void
hd_enc_kv(struct buf *b, const char *key, const char *value)
{
	enc_key(b, key);
	enc_escaped(b, value ? value : "", value ? strlen(value) : 0);
}

/* v's decimal digits, at the end of b. */
static void
add_digits(struct buf *b, unsigned long long v, int width)
{
	char d[24];
	int n = 0;

	do
		d[sizeof(d) - 1 - n++] = (char)('0' + v % 10);
	while ((v /= 10) || n < width);
	buf_add(b, d + sizeof(d) - n, (size_t)n);
}

void
hd_enc_uint(struct buf *b, const char *key, unsigned long long v)
{
	enc_key(b, key);
	add_digits(b, v, 1);
}

void
hd_enc_seconds(struct buf *b, double s)
{
	unsigned long long us;

	if (!(s >= 0 && s < 1e12)) {
		hd_enc_fmt(b, "%.6f", s);
		return;
	}
	/* Six decimals without printf, whose cost was most of a result's. */
	us = (unsigned long long)(s * 1e6 + 0.5);
	buf_addc(b, '\t');
	add_digits(b, us / 1000000, 1);
	buf_addc(b, '.');
	add_digits(b, us % 1000000, 6);
}

void
hd_enc_str(struct buf *b, const char *s)
{
	hd_enc_mem(b, s ? s : "", s ? strlen(s) : 0);
}

void
hd_enc_fmt(struct buf *b, const char *fmt, ...)
{
	struct buf tmp = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&tmp, fmt, ap);
	va_end(ap);
	hd_enc_mem(b, tmp.data ? tmp.data : "", tmp.len);
	buf_clear(&tmp);
}

void
hd_enc_end(struct buf *b)
{
	buf_addc(b, '\n');
}

const char *
hd_msg_kv(const struct hd_msg *m, size_t from, const char *key)
{
	size_t i, k = strlen(key);

	for (i = from; i < m->nf; i++)
		if (m->len[i] > k && !memcmp(m->f[i], key, k) && m->f[i][k] == '=')
			return m->f[i] + k + 1;
	return NULL;
}

int
hd_msg_size(const struct hd_msg *m, size_t i, size_t *out)
{
	if (i >= m->nf || strlen(m->f[i]) != m->len[i])
		return -1;
	return hd_field_size(m->f[i], out);
}

int
hd_field_size(const char *s, size_t *out)
{
	size_t v = 0;

	/* By hand: strtoull() was a third of what a result costs to read. */
	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		size_t d = (size_t)(*s - '0');

		if (*s < '0' || *s > '9' || v > ((size_t)-1 - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* As enum herd_strategy numbers them. */
static const char *const strategy_names[] = { "free", "serial", "isolated_free", "isolated_serial" };

const char *
hd_strategy_name(int strategy)
{
	return strategy >= 0 && (size_t)strategy < LEN(strategy_names) ? strategy_names[strategy] : "free";
}

int
hd_strategy_parse(const char *name)
{
	size_t i;

	for (i = 0; name && i < LEN(strategy_names); i++)
		if (!strcmp(name, strategy_names[i]))
			return (int)i;
	return 0;
}

int
hd_worker_var(const char *entry)
{
	static const char *const vars[] = {
		"HERD_WORKER=", "HERD_WORKER_COUNT=", "HERD_TESTRUN_UID=", "HERD_CONTROLLER_PID=",
		"HERD_COLLECT_HASH=", "HERD_PROTOCOL_FD=", "HERD_CAPTURE_FD=", "HERD_RESULTS_FD=",
		"HERD_ROOTDIR=", "HERD_LISTED_BY=",
	};
	size_t v;

	/* Called for every variable of herd's environment at every start. */
	if (strncmp(entry, "HERD_", 5))
		return 0;
	for (v = 0; v < sizeof(vars) / sizeof(vars[0]); v++)
		if (!strncmp(entry, vars[v], strlen(vars[v])))
			return 1;
	return 0;
}

/*
 * fuzz_proto.c - a libFuzzer target for the wire codec in common/proto.c.
 *
 * Run it for N seconds over a copy of the seed corpus:
 *	sh tests/fuzz/run.sh [N]
 * Replay files through the same checks without libFuzzer (gcc, ASan):
 *	see the compile line at the top of tests/fuzz/run.sh.
 *
 * An input is the byte stream a peer sends. It is decoded three ways: by a
 * model decoder here, written plainly from docs/protocol.md; by hd_dec fed the
 * whole stream at once; and by hd_dec fed in chunks whose sizes derive from a
 * hash of the input. The three must agree on every message, field by field
 * and byte for byte, and on whether and where the stream is rejected. Since
 * the model splits on every raw TAB and LF, agreeing with it means a TAB or LF
 * inside a decoded field always came from an escape, never from the stream.
 * Every decoded message is then re-encoded with hd_enc_* (which must emit
 * exactly one raw TAB per field boundary and one LF) and the re-encoded
 * stream decoded again: it must give back the same fields, lengths included.
 * Any violation calls abort(); LeakSanitizer catches what is not freed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * What a decoder made of a stream: every message flattened as its field
 * count, then each field's length and bytes; then how the stream ended.
 */
struct trace {
	struct buf flat;
	size_t nmsg;
	int status;		/* 0: all complete lines taken; -1: rejected */
	size_t pending;		/* bytes left over when status is 0 */
};

static void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_proto: invariant violated: %s\n", what);
		abort();
	}
}

static void
flat_size(struct buf *b, size_t n)
{
	buf_add(b, &n, sizeof(n));
}

static int
trace_equal(const struct trace *a, const struct trace *b)
{
	return a->nmsg == b->nmsg && a->status == b->status &&
	       a->pending == b->pending && a->flat.len == b->flat.len &&
	       (a->flat.len == 0 || !memcmp(a->flat.data, b->flat.data, a->flat.len));
}

/* A small deterministic generator, seeded from the input itself. */
static uint64_t
rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static uint64_t
hash_bytes(const uint8_t *p, size_t n)
{
	uint64_t h = 14695981039346656037ull;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h ? h : 1;
}

/* The model: one pass over the stream, as the documentation states it. */

static int
hexdigit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Appends one line's message to t->flat; -1, leaving t alone, if it is bad. */
static int
model_line(const uint8_t *p, size_t n, struct trace *t)
{
	struct buf msg = BUF_INIT, field = BUF_INIT;
	size_t i, nf = 1;
	int first = 1;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++)
		nf += p[i] == '\t';
	flat_size(&msg, nf);
	for (i = 0; i <= n; i++) {
		if (i == n || p[i] == '\t') {
			/* The type must be a plain word: no NUL, raw or escaped. */
			if (first && field.len && memchr(field.data, '\0', field.len))
				goto bad;
			first = 0;
			flat_size(&msg, field.len);
			buf_add(&msg, field.data ? field.data : "", field.len);
			buf_reset(&field);
		} else if (p[i] == '\r') {
			goto bad;
		} else if (p[i] == '%') {
			int hi = i + 2 < n ? hexdigit(p[i + 1]) : -1;
			int lo = i + 2 < n ? hexdigit(p[i + 2]) : -1;

			if (hi < 0 || lo < 0)
				goto bad;
			buf_addc(&field, hi * 16 + lo);
			i += 2;
		} else {
			buf_addc(&field, p[i]);
		}
	}
	buf_add(&t->flat, msg.data, msg.len);
	t->nmsg++;
	buf_clear(&msg);
	buf_clear(&field);
	return 0;
bad:
	buf_clear(&msg);
	buf_clear(&field);
	return -1;
}

static void
model_decode(const uint8_t *p, size_t n, struct trace *t)
{
	size_t start = 0;

	for (;;) {
		const uint8_t *nl = memchr(p + start, '\n', n - start);

		if (!nl) {
			t->pending = n - start;
			if (t->pending > HD_PROTO_MAXLINE)
				t->status = -1, t->pending = 0;
			return;
		}
		if (model_line(p + start, (size_t)(nl - p) - start, t) < 0) {
			t->status = -1;
			return;
		}
		start = (size_t)(nl - p) + 1;
	}
}

/* hd_dec under test. */

static int
token(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == '%' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\0')
			return 0;
	return 1;
}

/*
 * Encodes m again, choosing among the encoders by sel. hd_enc_begin writes
 * the type as it is, so a type that needs escaping goes through hd_enc_mem
 * and loses the TAB that function puts before a field.
 */
static void
reencode(struct buf *b, const struct hd_msg *m, uint64_t sel)
{
	size_t i, at = b->len, tabs = 0;

	if (token(m->f[0], m->len[0])) {
		hd_enc_begin(b, m->f[0]);
	} else {
		hd_enc_mem(b, m->f[0], m->len[0]);
		memmove(b->data + at, b->data + at + 1, b->len - at - 1);
		b->data[--b->len] = '\0';
	}
	for (i = 1; i < m->nf; i++, sel >>= 2) {
		int plain = !memchr(m->f[i], '\0', m->len[i]);

		if (plain && (sel & 3) == 1)
			hd_enc_str(b, m->f[i]);
		else if (plain && (sel & 3) == 2)
			hd_enc_fmt(b, "%s", m->f[i]);
		else
			hd_enc_mem(b, m->f[i], m->len[i]);
	}
	hd_enc_end(b);
	for (i = at; i < b->len; i++) {
		check(b->data[i] != '\r', "the encoder wrote a raw CR");
		check(b->data[i] != '\n' || i == b->len - 1, "the encoder wrote a raw LF in a field");
		tabs += b->data[i] == '\t';
	}
	check(b->data[b->len - 1] == '\n', "the encoder did not end the line");
	check(tabs == m->nf - 1, "the encoder wrote a raw TAB in a field");
}

/* Checks one decoded message against the decoder's promises and flattens it. */
static void
take(const struct hd_dec *d, const struct hd_msg *m, struct trace *t)
{
	const char *lo = d->in.data, *hi = d->in.data + d->in.len;
	const char *v;
	size_t i, n;

	check(m->nf >= 1, "a message without fields");
	check(m->nf > 1 || m->len[0] > 0, "an empty message was accepted");
	flat_size(&t->flat, m->nf);
	for (i = 0; i < m->nf; i++) {
		check(m->f[i] >= lo && m->f[i] + m->len[i] < hi, "a field outside the buffer");
		check(m->f[i][m->len[i]] == '\0', "a field not NUL-terminated");
		flat_size(&t->flat, m->len[i]);
		buf_add(&t->flat, m->f[i], m->len[i]);
	}
	t->nmsg++;

	/* The field helpers must stay inside the fields and agree with them. */
	v = hd_msg_kv(m, 1, "k");
	if (v) {
		for (i = 1; i < m->nf; i++)
			if (v == m->f[i] + 2)
				break;
		check(i < m->nf && m->f[i][0] == 'k' && m->f[i][1] == '=', "hd_msg_kv answered wrong");
	}
	if (m->nf > 1 && hd_field_size(m->f[1], &n) == 0)
		check(m->f[1][0] && strspn(m->f[1], "0123456789") == strlen(m->f[1]),
		      "hd_field_size accepted a non-number");
}

/* Takes every message ready; returns hd_dec_next's last answer. */
static int
drain(struct hd_dec *d, struct trace *t, struct buf *enc, uint64_t *sel, size_t errlen)
{
	char err[256];
	struct hd_msg *m;
	size_t i;
	int r;

	for (;;) {
		memset(err, 'Z', sizeof(err));
		r = hd_dec_next(d, &m, err, errlen);
		if (r <= 0)
			break;
		take(d, m, t);
		if (enc)
			reencode(enc, m, rng_next(sel));
	}
	check(r == 0 || r == -1, "hd_dec_next returned neither 1, 0 nor -1");
	if (r < 0) {
		check(memchr(err, '\0', errlen) != NULL, "an error not NUL-terminated");
		check(errlen < 2 || err[0] != '\0', "an empty error");
		for (i = errlen; i < sizeof(err); i++)
			check(err[i] == 'Z', "an error written past errlen");
	}
	return r;
}

static void
finish(struct hd_dec *d, struct trace *t, int r)
{
	t->status = r;
	t->pending = r == 0 ? hd_dec_pending(d) : 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace model = { BUF_INIT, 0, 0, 0 }, whole = { BUF_INIT, 0, 0, 0 };
	struct trace chunked = { BUF_INIT, 0, 0, 0 }, again = { BUF_INIT, 0, 0, 0 };
	struct buf stream = BUF_INIT, enc = BUF_INIT;
	struct hd_dec d;
	uint64_t seed = hash_bytes(data, size), sel = seed;
	size_t off, errlen = 1 + seed % 255;
	int r = 0;

	/*
	 * One input in 256 is repeated into a 256 KiB stream, so the decoder's
	 * buffer gets compacted as on a long-lived channel (rarely: such a run
	 * costs as much as a hundred others). The seed "compaction" is one.
	 */
	buf_add(&stream, data, size);
	if (size && seed % 256 == 0)
		while (stream.len < (256u << 10))
			buf_add(&stream, data, size);

	model_decode((const uint8_t *)stream.data, stream.len, &model);

	hd_dec_init(&d);
	hd_dec_feed(&d, stream.data, stream.len);
	finish(&d, &whole, drain(&d, &whole, &enc, &sel, 256));
	hd_dec_free(&d);
	check(trace_equal(&model, &whole), "hd_dec fed at once disagrees with the model");

	hd_dec_init(&d);
	for (off = 0; off < stream.len && r == 0;) {
		uint64_t x = rng_next(&seed);
		size_t n, max[] = { 1, 8, 64, stream.len > 65536 ? 16384 : 4096 };

		n = 1 + (size_t)(x >> 8) % max[x & 3];
		if (n > stream.len - off)
			n = stream.len - off;
		hd_dec_feed(&d, stream.data + off, n);
		off += n;
		r = drain(&d, &chunked, NULL, NULL, errlen);
	}
	if (r == 0)
		r = drain(&d, &chunked, NULL, NULL, errlen);
	finish(&d, &chunked, r);
	hd_dec_free(&d);
	check(trace_equal(&model, &chunked), "hd_dec fed in chunks disagrees with the model");

	/* What was decoded, encoded again, decodes to the same. */
	hd_dec_init(&d);
	hd_dec_feed(&d, enc.data, enc.len);
	finish(&d, &again, drain(&d, &again, NULL, NULL, 256));
	hd_dec_free(&d);
	check(again.status == 0 && again.pending == 0, "a re-encoded stream is not clean");
	again.status = whole.status;	/* the copy holds only the good lines */
	again.pending = whole.pending;
	check(trace_equal(&whole, &again), "a re-encoded message decodes differently");

	buf_clear(&model.flat);
	buf_clear(&whole.flat);
	buf_clear(&chunked.flat);
	buf_clear(&again.flat);
	buf_clear(&stream);
	buf_clear(&enc);
	return 0;
}

/*
 * frame.c - the remote stream's frames: a header of nine bytes (type,
 * channel and length, big-endian) and the payload.
 */
#include <stdio.h>
#include <string.h>

#include "frame.h"

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

size_t
frame_begin(struct buf *b, int type, uint32_t chan)
{
	unsigned char h[FRAME_HEADER] = { (unsigned char)type };
	size_t at = b->len;

	put32(h + 1, chan);
	buf_add(b, h, sizeof(h));
	return at;
}

int
frame_end(struct buf *b, size_t at)
{
	size_t n = b->len - at - FRAME_HEADER;

	if (n > FRAME_MAX)
		return -1;
	put32((unsigned char *)b->data + at + 5, (uint32_t)n);
	return 0;
}

void
frame_put(struct buf *b, int type, uint32_t chan, const void *p, size_t n)
{
	size_t at = frame_begin(b, type, chan);

	buf_add(b, p, n);
	frame_end(b, at);
}

void
frame_dec_init(struct frame_dec *d)
{
	memset(d, 0, sizeof(*d));
}

void
frame_dec_free(struct frame_dec *d)
{
	buf_clear(&d->in);
	d->off = 0;
}

void
frame_dec_feed(struct frame_dec *d, const void *p, size_t n)
{
	/* Drop what was decoded before growing, so the buffer holds one frame or so. */
	if (d->off) {
		memmove(d->in.data, d->in.data + d->off, d->in.len - d->off);
		d->in.len -= d->off;
		d->off = 0;
	}
	buf_add(&d->in, p, n);
}

int
frame_next(struct frame_dec *d, struct frame *f, char *err, size_t errlen)
{
	const unsigned char *h = (const unsigned char *)d->in.data + d->off;
	size_t have = d->in.len - d->off;
	uint32_t n;

	if (have < FRAME_HEADER)
		return 0;
	if (h[0] < 'A' || h[0] > 'Z') {
		snprintf(err, errlen, "a frame of type 0x%02x", h[0]);
		return -1;
	}
	n = get32(h + 5);
	if (n > FRAME_MAX) {
		snprintf(err, errlen, "a frame of %lu bytes", (unsigned long)n);
		return -1;
	}
	if (have < FRAME_HEADER + (size_t)n)
		return 0;
	f->type = h[0];
	f->chan = get32(h + 1);
	f->p = (const char *)h + FRAME_HEADER;
	f->n = n;
	d->off += FRAME_HEADER + n;
	return 1;
}

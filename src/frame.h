/*
 * frame.h - the remote stream's framing (docs/protocol.md, section 9):
 * typed, length-prefixed frames on one channel number each, so one byte
 * stream carries every worker of a host. Used by the controller (host.c)
 * and the relay (relay.c) alike.
 */
#ifndef HERD_FRAME_H
#define HERD_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define FRAME_HEADER 9			/* type, channel, length */
#define FRAME_MAX (16u << 20)		/* a longer payload breaks the stream */
#define FRAME_GREETING "herd-relay 1\n"	/* the relay's first bytes */

/* The frame types; the table in docs/protocol.md says who sends which. */
enum {
	FR_HELLO = 'H', FR_START = 'S', FR_DATA = 'D', FR_KILL = 'K', FR_BLOB = 'B',
	FR_BLOB_END = 'F', FR_PING = 'P', FR_NEED = 'N', FR_STDOUT = 'O', FR_STDERR = 'E',
	FR_EXIT = 'X', FR_WARN = 'W',
};

struct frame {
	int type;
	uint32_t chan;
	const char *p;		/* the payload, valid until the decoder is fed or read again */
	size_t n;
};

struct frame_dec {
	struct buf in;
	size_t off;		/* the first byte not yet decoded */
};

/* Appends one frame of n payload bytes (n at most FRAME_MAX) to b. */
void frame_put(struct buf *b, int type, uint32_t chan, const void *p, size_t n);
/* Starts a frame whose payload the caller appends to b; returns what frame_end takes. */
size_t frame_begin(struct buf *b, int type, uint32_t chan);
/* Writes the length of the frame begun at 'at'; -1 if its payload is too long. */
int frame_end(struct buf *b, size_t at);

void frame_dec_init(struct frame_dec *d);
void frame_dec_free(struct frame_dec *d);
void frame_dec_feed(struct frame_dec *d, const void *p, size_t n);
/* The next whole frame in f: 1; 0 when more bytes are needed; -1 when the
 * stream is broken (a type that is no capital letter, a length over the
 * limit), with why in err. */
int frame_next(struct frame_dec *d, struct frame *f, char *err, size_t errlen);

#endif

/*
 * proto.h - the wire codec between the controller and its workers; the
 * protocol itself is described in docs/protocol.md.
 *
 * A message is one line: fields separated by TAB, ended by LF, the first field
 * naming the message. Inside a field the bytes '%', TAB, LF and CR are written
 * %25, %09, %0A and %0D, so any bytes travel and any language can split a line.
 */
#ifndef HERD_PROTO_H
#define HERD_PROTO_H

#include <stddef.h>

#include "util.h"

#define HD_PROTO_VERSION 1
#define HD_PROTO_VERSION_STR "1"	/* as hello says it */

/*
 * The messages' names (docs/protocol.md), for both sides: a worker's and a
 * test's (w), the controller's (c), or either (w/c).
 */
#define HD_MSG_HELLO "hello"		/* w: the protocol version */
#define HD_MSG_ITEM "item"		/* w: one item of its list */
#define HD_MSG_FIXTURE "fixture"	/* w: a global fixture it defines; c: a setup's verdict */
#define HD_MSG_COLLECTED "collected"	/* w: the list is over (count, hash) */
#define HD_MSG_CONFIG "config"		/* c: a run worker's settings */
#define HD_MSG_RUN "run"		/* c: items to run, by index */
#define HD_MSG_RESULT "result"		/* w: one item's result */
#define HD_MSG_RELEASE "release"	/* c: give back up to N unstarted items */
#define HD_MSG_RELEASED "released"	/* w: the ones given back */
#define HD_MSG_STOP "stop"		/* c: finish the running item and leave */
#define HD_MSG_BYE "bye"		/* w: leaving */
#define HD_MSG_WARNING "warning"	/* w: a line for the user */
#define HD_MSG_LOCK "lock"		/* w: herd_lock */
#define HD_MSG_LOCKED "locked"		/* c: granted */
#define HD_MSG_UNLOCK "unlock"		/* w: herd_unlock */
#define HD_MSG_BOARD_SET "board-set"	/* w: herd_board_set */
#define HD_MSG_BOARD_GET "board-get"	/* w: herd_board_get */
#define HD_MSG_BOARD "board"		/* c: the value asked for */
#define HD_MSG_TRAIL_START "trail-start"	/* w: herd_trail_start */
#define HD_MSG_TRAIL_FINISH "trail-finish"	/* w: herd_trail_finish */
#define HD_MSG_TRAIL "trail"		/* c: first or last */
#define HD_MSG_OK "ok"			/* c: done */
#define HD_MSG_FAIL "fail"		/* c: refused, and why */
#define HD_MSG_FIXTURE_SETUP "fixture-setup"	/* w: may I set up this fixture? */
#define HD_MSG_FIXTURE_DONE "fixture-done"	/* w: its setup's outcome */
#define HD_MSG_FIXTURE_TEARDOWN "fixture-teardown"	/* c: tear it down now */
#define HD_MSG_FIXTURE_TORN "fixture-torn"	/* w: its teardown's outcome */
#define HD_PROTO_MAXLINE (64u << 20)	/* a longer line is an error */

/* A decoded message: fields point into the decoder's buffer, NUL-terminated,
 * valid until the next call on that decoder. */
struct hd_msg {
	size_t nf;
	char **f;
	size_t *len;
	size_t cap;
};

struct hd_dec {
	struct buf in;
	size_t off;		/* start of the first undecoded byte */
	size_t scan;		/* where the search for LF resumes */
	struct hd_msg msg;
};

void hd_dec_init(struct hd_dec *d);
void hd_dec_free(struct hd_dec *d);
/* Appends received bytes. */
void hd_dec_feed(struct hd_dec *d, const void *p, size_t n);
/*
 * Takes the next whole message: returns 1 and points *m at it, 0 when more
 * bytes are needed, -1 on a malformed line with a one-line reason in err.
 */
int hd_dec_next(struct hd_dec *d, struct hd_msg **m, char *err, size_t errlen);
/* Bytes received and not yet decoded. */
size_t hd_dec_pending(const struct hd_dec *d);

/* Encoding: begin with the type (a plain word, written as is), add fields, end. */
void hd_enc_begin(struct buf *b, const char *type);
void hd_enc_mem(struct buf *b, const void *p, size_t n);
void hd_enc_str(struct buf *b, const char *s);	/* NULL is an empty field */
void hd_enc_fmt(struct buf *b, const char *fmt, ...) PRINTF(2, 3);
/* A field key=value (value NULL: empty), or the bare value when key is NULL. */
void hd_enc_kv(struct buf *b, const char *key, const char *value);
/* A field of decimal digits, after key= unless key is NULL. */
void hd_enc_uint(struct buf *b, const char *key, unsigned long long v);
/* A field of seconds with six decimals, to the nearest microsecond. */
void hd_enc_seconds(struct buf *b, double s);
void hd_enc_end(struct buf *b);

/* Field helpers: "key=value" fields after the fixed ones. */
const char *hd_msg_kv(const struct hd_msg *m, size_t from, const char *key);
/* Parses a field as a size_t; -1 if it is not a plain decimal. */
int hd_field_size(const char *s, size_t *out);
/* Field i of m as a size_t; -1 if absent, not a plain decimal, or holding a NUL. */
int hd_msg_size(const struct hd_msg *m, size_t i, size_t *out);

/* A group strategy's name on the wire ("free", "serial", ...), and back (HERD_FREE if unknown). */
const char *hd_strategy_name(int strategy);
int hd_strategy_parse(const char *name);

/*
 * 1 when entry ("NAME=value") sets one of the variables docs/protocol.md
 * section 1 gives a worker: a worker's starter drops its own values of them.
 */
int hd_worker_var(const char *entry);

#endif

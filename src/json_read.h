/*
 * json_read.h - a small, strict JSON reader (RFC 8259) for the documents herd
 * reads back: its own --json reports (herd merge) and pytest-split's
 * .test_durations. It builds a tree; every value remembers where its text
 * starts and ends, so a caller can name the byte offset of a problem or copy
 * a value's text verbatim.
 */
#ifndef HERD_JSON_READ_H
#define HERD_JSON_READ_H

#include <stddef.h>

struct buf;

enum hd_jtype {
	HD_JNULL,
	HD_JFALSE,
	HD_JTRUE,
	HD_JNUMBER,
	HD_JSTRING,
	HD_JARRAY,
	HD_JOBJECT
};

/*
 * One value. Strings (and keys) are decoded to UTF-8 and NUL-terminated; they
 * may hold NUL bytes from \u0000, so len is their true length. An object's
 * members are its values in v[], each carrying its own key, in text order;
 * duplicate keys are kept.
 */
struct hd_jval {
	enum hd_jtype type;
	size_t off, end;	/* the value's text is [off, end) of the input */
	double num;		/* HD_JNUMBER */
	char *str;		/* HD_JSTRING */
	size_t len;
	struct hd_jval *v;	/* HD_JARRAY elements, HD_JOBJECT members */
	size_t n;
	char *key;		/* a member of an object: its key, else NULL */
	size_t keylen;
	size_t keyoff;		/* where the key's text starts */
};

/* Arrays and objects nest at most this deep: the reader recurses. */
#define HD_JSON_MAX_DEPTH 200

/*
 * Parses the len bytes at text as one JSON value, with only whitespace around
 * it. Returns 0 and fills *out (free it with hd_json_free), or -1 with *out
 * empty and "at byte N: reason" (no newline) appended to err (may be NULL).
 */
int hd_json_parse(struct hd_jval *out, const char *text, size_t len, struct buf *err);
/* The same, but err gets the reason alone and *where the problem's byte offset. */
int hd_json_parse_at(struct hd_jval *out, const char *text, size_t len, struct buf *err,
		     size_t *where);

/* Frees what v holds (not v itself) and leaves it an empty null. */
void hd_json_free(struct hd_jval *v);

/* The member of object o named key (the last one if repeated), or NULL; NULL
 * also when o is not an object. */
const struct hd_jval *hd_json_get(const struct hd_jval *o, const char *key);

/* "null", "false", "true", "number", "string", "array", "object". */
const char *hd_json_type_name(enum hd_jtype t);

#endif

/*
 * strbuf.h - a growable, NUL-terminated string buffer.
 *
 * The library that examples/strbuf/test_strbuf.c tests: small enough to read
 * in one sitting, real enough to have edge cases worth a test.
 *
 *	struct strbuf sb;
 *
 *	if (strbuf_init(&sb, 0) < 0)
 *		return -1;
 *	strbuf_appendf(&sb, "%d items", n);
 *	puts(sb.buf);
 *	strbuf_free(&sb);
 *
 * Functions that can fail return -1 with errno set (ENOMEM, EINVAL) and leave
 * the buffer as it was. The contents may hold NUL bytes (strbuf_appendn); the
 * string functions then see only the part before the first one.
 */
#ifndef STRBUF_H
#define STRBUF_H

#include <stdarg.h>
#include <stddef.h>

#if defined(__GNUC__)
#define STRBUF_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define STRBUF_PRINTF(f, a)
#endif

struct strbuf {
	char *buf;	/* len bytes then a NUL; owned by the strbuf */
	size_t len;
	size_t cap;	/* bytes allocated at buf, the NUL's included */
};

/* Starts an empty buffer with room for hint bytes. */
int strbuf_init(struct strbuf *sb, size_t hint);
/* Frees the memory; sb must go through strbuf_init before it is used again. */
void strbuf_free(struct strbuf *sb);
/* Empties the buffer and keeps its memory for reuse. */
void strbuf_reset(struct strbuf *sb);
/* Makes room for n more bytes, so that appending them will not reallocate. */
int strbuf_grow(struct strbuf *sb, size_t n);

int strbuf_append(struct strbuf *sb, const char *s);
/* Appends n bytes of p, NULs included. p may point into sb itself. */
int strbuf_appendn(struct strbuf *sb, const void *p, size_t n);
/* printf into the end of the buffer. The arguments must not point into sb. */
int strbuf_appendf(struct strbuf *sb, const char *fmt, ...) STRBUF_PRINTF(2, 3);
int strbuf_vappendf(struct strbuf *sb, const char *fmt, va_list ap);
/* Inserts s before byte pos (pos == len appends); EINVAL if pos > len. */
int strbuf_insert(struct strbuf *sb, size_t pos, const char *s);

/*
 * Removes leading and trailing ASCII whitespace (" \t\n\v\f\r"), whatever the
 * locale. Known limitation: Unicode spaces such as U+00A0 NO-BREAK SPACE are
 * kept.
 */
void strbuf_trim(struct strbuf *sb);

/*
 * Replaces each occurrence of find with repl, left to right, without
 * overlaps ("aaa", "aa" -> "b" gives "ba"). Returns the number of
 * replacements, or -1: EINVAL if find is empty, ENOMEM.
 */
long strbuf_replace(struct strbuf *sb, const char *find, const char *repl);

/*
 * Splits the buffer at each delim into a NULL-terminated array of new
 * strings: "a,,b" gives "a", "", "b"; an empty buffer gives one empty string.
 * Stores the count in *n unless n is NULL. Free the result with
 * strbuf_list_free. NULL on ENOMEM.
 */
char **strbuf_split(const struct strbuf *sb, char delim, size_t *n);
void strbuf_list_free(char **list);

#endif

/*
 * quote.h - a bounded, escaped excerpt of someone else's input for an error
 * message, so that a 5 MB value or a line of binary junk is named in one
 * short, printable line. libc only: libherd's messages use it too.
 */
#ifndef HERD_QUOTE_H
#define HERD_QUOTE_H

#include <stddef.h>

/* At most this many characters of the input's excerpt reach a message. */
#define HD_QUOTE_MAX 80
/* A buffer this size holds any excerpt: the text, "...", the NUL. */
#define HD_QUOTE_SIZE (HD_QUOTE_MAX + 4)

/*
 * Writes into out (HD_QUOTE_SIZE bytes) the first of the n bytes at s as a
 * message may show them: printable ASCII and whole UTF-8 characters as they
 * are, a backslash as "\\", LF, CR and TAB as "\n", "\r" and "\t", any other
 * byte as "\xNN". When that takes more than HD_QUOTE_MAX characters, the
 * excerpt stops at a character boundary and ends in "...". Returns out.
 */
char *hd_quote(char *out, const void *s, size_t n);
/* The same for a NUL-terminated string; NULL quotes as "". */
char *hd_quote_str(char *out, const char *s);

#endif

/*
 * strbuf.c - a growable, NUL-terminated string buffer. See strbuf.h.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* realloc need not set errno: the callers promise ENOMEM. */
static int
resize(struct strbuf *sb, size_t cap)
{
	char *p = realloc(sb->buf, cap);

	if (!p) {
		errno = ENOMEM;
		return -1;
	}
	sb->buf = p;
	sb->cap = cap;
	return 0;
}

/* A NUL-terminated copy of n bytes. */
static char *
copy(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (!p) {
		errno = ENOMEM;
		return NULL;
	}
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/*
 * Nonzero if p points into sb's memory. Such a source moves when the buffer
 * is reallocated and is overwritten when bytes are shifted, so the callers
 * must take care of it first. Compared as integers: the pointers may belong
 * to different objects.
 */
static int
inside(const struct strbuf *sb, const void *p)
{
	uintptr_t u = (uintptr_t)p, b = (uintptr_t)sb->buf;

	return sb->buf && u >= b && u < b + sb->cap;
}

/* Finds needle in the n bytes at hay. Unlike strstr, it looks past NULs. */
static const char *
memfind(const char *hay, size_t n, const char *needle, size_t nlen)
{
	const char *p, *last;

	if (nlen > n)
		return NULL;
	last = hay + (n - nlen);
	for (p = hay; p <= last; p++) {
		p = memchr(p, needle[0], (size_t)(last - p) + 1);
		if (!p)
			return NULL;
		if (memcmp(p, needle, nlen) == 0)
			return p;
	}
	return NULL;
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' ||
	       c == '\f' || c == '\r';
}

int
strbuf_init(struct strbuf *sb, size_t hint)
{
	sb->buf = NULL;
	sb->len = 0;
	sb->cap = 0;
	if (strbuf_grow(sb, hint) < 0)
		return -1;
	sb->buf[0] = '\0';
	return 0;
}

void
strbuf_free(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = 0;
	sb->cap = 0;
}

void
strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	sb->buf[0] = '\0';
}

int
strbuf_grow(struct strbuf *sb, size_t n)
{
	size_t want, cap;

	if (n > SIZE_MAX - 1 - sb->len) {
		errno = ENOMEM;
		return -1;
	}
	want = sb->len + n + 1;
	if (want <= sb->cap)
		return 0;
	/* Doubling keeps a long run of small appends linear in total. */
	cap = sb->cap < 16 ? 16 : sb->cap;
	while (cap < want)
		cap = cap > SIZE_MAX / 2 ? want : cap * 2;
	return resize(sb, cap);
}

int
strbuf_append(struct strbuf *sb, const char *s)
{
	return strbuf_appendn(sb, s, strlen(s));
}

int
strbuf_appendn(struct strbuf *sb, const void *p, size_t n)
{
	size_t off = 0;
	int self = inside(sb, p);

	if (self)
		off = (size_t)((const char *)p - sb->buf);
	if (strbuf_grow(sb, n) < 0)
		return -1;
	if (self)
		p = sb->buf + off;
	memmove(sb->buf + sb->len, p, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
	return 0;
}

int
strbuf_appendf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = strbuf_vappendf(sb, fmt, ap);
	va_end(ap);
	return r;
}

int
strbuf_vappendf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	/* Most appends fit in the room already there: try that first. */
	va_copy(cp, ap);
	n = vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, cp);
	va_end(cp);
	if (n >= 0 && (size_t)n >= sb->cap - sb->len) {
		if (strbuf_grow(sb, (size_t)n) < 0)
			goto fail;
		n = vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, ap);
	}
	if (n < 0)
		goto fail;
	sb->len += (size_t)n;
	return 0;
fail:
	/* A truncated attempt may have left bytes past the old end. */
	sb->buf[sb->len] = '\0';
	return -1;
}

int
strbuf_insert(struct strbuf *sb, size_t pos, const char *s)
{
	size_t n = strlen(s);
	char *tmp = NULL;

	if (pos > sb->len) {
		errno = EINVAL;
		return -1;
	}
	if (inside(sb, s) && !(s = tmp = copy(s, n)))
		return -1;
	if (strbuf_grow(sb, n) < 0) {
		free(tmp);
		return -1;
	}
	/* The tail moves with its NUL. */
	memmove(sb->buf + pos + n, sb->buf + pos, sb->len - pos + 1);
	memcpy(sb->buf + pos, s, n);
	sb->len += n;
	free(tmp);
	return 0;
}

void
strbuf_trim(struct strbuf *sb)
{
	size_t start = 0, end = sb->len;

	while (end > 0 && is_space((unsigned char)sb->buf[end - 1]))
		end--;
	while (start < end && is_space((unsigned char)sb->buf[start]))
		start++;
	memmove(sb->buf, sb->buf + start, end - start);
	sb->len = end - start;
	sb->buf[sb->len] = '\0';
}

long
strbuf_replace(struct strbuf *sb, const char *find, const char *repl)
{
	struct strbuf out;
	size_t flen = strlen(find), rlen = strlen(repl);
	const char *p = sb->buf, *end = sb->buf + sb->len, *hit;
	long count = 0;

	if (flen == 0) {
		errno = EINVAL;
		return -1;
	}
	if (!(hit = memfind(p, sb->len, find, flen)))
		return 0;
	/*
	 * Build the result aside in one pass, so that a failure leaves sb as
	 * it was and many replacements cost no more than one.
	 */
	if (strbuf_init(&out, sb->len) < 0)
		return -1;
	for (; hit; hit = memfind(p, (size_t)(end - p), find, flen)) {
		if (strbuf_appendn(&out, p, (size_t)(hit - p)) < 0 ||
		    strbuf_appendn(&out, repl, rlen) < 0)
			goto fail;
		p = hit + flen;
		count++;
	}
	if (strbuf_appendn(&out, p, (size_t)(end - p)) < 0)
		goto fail;
	strbuf_free(sb);
	*sb = out;
	return count;
fail:
	strbuf_free(&out);
	return -1;
}

char **
strbuf_split(const struct strbuf *sb, char delim, size_t *n)
{
	size_t count = 1, i, k = 0, start = 0;
	char **list;

	for (i = 0; i < sb->len; i++)
		if (sb->buf[i] == delim)
			count++;
	/* calloc: the list stays NULL-terminated while it fills up. */
	if (!(list = calloc(count + 1, sizeof(*list)))) {
		errno = ENOMEM;
		return NULL;
	}
	for (i = 0; i <= sb->len; i++) {
		if (i < sb->len && sb->buf[i] != delim)
			continue;
		if (!(list[k++] = copy(sb->buf + start, i - start))) {
			strbuf_list_free(list);
			return NULL;
		}
		start = i + 1;
	}
	if (n)
		*n = count;
	return list;
}

void
strbuf_list_free(char **list)
{
	char **p;

	if (!list)
		return;
	for (p = list; *p; p++)
		free(*p);
	free(list);
}

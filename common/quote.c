/* quote.c - see quote.h. */
#include <stdio.h>
#include <string.h>

#include "quote.h"

/* The length of the well-formed UTF-8 character at p (2 to 4 bytes), or 0. */
static size_t
utf8_char(const unsigned char *p, size_t n)
{
	size_t len, i;
	unsigned cp;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, cp = p[0] & 0x1fu;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, cp = p[0] & 0x0fu;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, cp = p[0] & 0x07u;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3fu);
	}
	/* Overlong forms, UTF-16 surrogates and code points past U+10FFFF. */
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

char *
hd_quote(char *out, const void *s, size_t n)
{
	const unsigned char *p = s;
	size_t i = 0, o = 0;

	while (i < n) {
		char piece[8];
		size_t k = 1, plen;

		if (p[i] == '\\')
			plen = (size_t)snprintf(piece, sizeof(piece), "\\\\");
		else if (p[i] == '\n')
			plen = (size_t)snprintf(piece, sizeof(piece), "\\n");
		else if (p[i] == '\r')
			plen = (size_t)snprintf(piece, sizeof(piece), "\\r");
		else if (p[i] == '\t')
			plen = (size_t)snprintf(piece, sizeof(piece), "\\t");
		else if (p[i] >= 0x20 && p[i] < 0x7f)
			piece[0] = (char)p[i], plen = 1;
		else if (p[i] >= 0x80 && (k = utf8_char(p + i, n - i)))
			memcpy(piece, p + i, k), plen = k;
		else
			k = 1, plen = (size_t)snprintf(piece, sizeof(piece), "\\x%02x", p[i]);
		if (o + plen > HD_QUOTE_MAX) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(out + o, piece, plen);
		o += plen;
		i += k;
	}
	out[o] = '\0';
	return out;
}

char *
hd_quote_str(char *out, const char *s)
{
	return hd_quote(out, s ? s : "", s ? strlen(s) : 0);
}

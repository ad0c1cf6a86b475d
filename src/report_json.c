/*
 * report_json.c - the --json report.
 *
 * The layout is one member per line and one item per line: small enough to
 * diff, easy to grep. JSON strings must be Unicode, yet captured output may
 * hold any bytes: valid UTF-8 passes through untouched, and each byte that
 * is not part of a valid sequence becomes U+FFFD, so the document always
 * parses and never claims a character the test did not print.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <herd.h>

#include "report_json.h"
#include "util.h"

/* Bytes that may be copied as they are: printable ASCII but the two specials. */
static int
plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

static void
escape_byte(struct buf *b, unsigned char c)
{
	switch (c) {
	case '"': buf_adds(b, "\\\""); break;
	case '\\': buf_adds(b, "\\\\"); break;
	case '\n': buf_adds(b, "\\n"); break;
	case '\t': buf_adds(b, "\\t"); break;
	case '\r': buf_adds(b, "\\r"); break;
	case '\b': buf_adds(b, "\\b"); break;
	case '\f': buf_adds(b, "\\f"); break;
	default: buf_printf(b, "\\u%04x", c); break;
	}
}

void
hd_json_string(struct buf *b, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run, k;

	if (!str) {
		buf_adds(b, "null");
		return;
	}
	buf_addc(b, '"');
	while (i < n) {
		/* Copy runs of plain ASCII at once: output is mostly that. */
		for (run = i; run < n && plain(s[run]); run++)
			;
		buf_add(b, s + i, run - i);
		i = run;
		if (i == n)
			break;
		if (s[i] < 0x80) {
			escape_byte(b, s[i++]);
		} else if ((k = hd_utf8_len(str + i, n - i))) {
			buf_add(b, s + i, k);
			i += k;
		} else {
			buf_adds(b, "\\ufffd");
			i++;
		}
	}
	buf_addc(b, '"');
}

static void
cstring(struct buf *b, const char *s)
{
	hd_json_string(b, s, s ? strlen(s) : 0);
}

/* %.6f, or null for the NaN and infinities that JSON cannot carry. */
static void
seconds(struct buf *b, double d)
{
	if (isfinite(d))
		buf_printf(b, "%.6f", d);
	else
		buf_adds(b, "null");
}

static void
summary(struct buf *b, const struct hd_counts *c)
{
	size_t total = 0;
	int o;

	buf_adds(b, "  \"summary\": {");
	for (o = HD_PASSED; o < HD_NOUTCOMES; o++) {
		/* An item without an outcome was not run, as hd_count says. */
		size_t k = c->n[o] + (o == HD_NOTRUN ? c->n[HD_NONE] : 0);

		buf_printf(b, "\"%s\": %zu, ", hd_outcome_name((enum hd_outcome)o), k);
		total += k;
	}
	buf_printf(b, "\"deselected\": %zu, \"total\": %zu},\n", c->deselected, total);
}

static void
item(struct buf *b, const struct hd_ritem *it)
{
	enum hd_outcome o = it->outcome == HD_NONE ? HD_NOTRUN : it->outcome;

	buf_adds(b, "    {\"id\": ");
	cstring(b, it->id);
	buf_adds(b, ", \"file\": ");
	cstring(b, it->file);
	buf_printf(b, ", \"line\": %d, \"suite\": ", it->line);
	cstring(b, it->suite);
	buf_adds(b, ", \"name\": ");
	cstring(b, it->name);
	buf_printf(b, ", \"outcome\": \"%s\", \"duration\": ", hd_outcome_name(o));
	seconds(b, it->duration);
	buf_adds(b, ", \"worker\": ");
	cstring(b, it->worker);
	buf_adds(b, ", \"message\": ");
	cstring(b, it->message);
	buf_adds(b, ", \"output\": ");
	hd_json_string(b, it->output ? it->output : "", it->output ? it->outlen : 0);
	buf_printf(b, ", \"reruns\": %d}", it->reruns);
}

int
hd_json_write(const char *path, const struct hd_ritem *items, size_t n,
	      double elapsed, const struct hd_counts *counts, const char *meta_json)
{
	struct buf b = BUF_INIT;
	struct hd_counts own;
	size_t i;
	int r, err;

	if (!counts) {
		memset(&own, 0, sizeof(own));
		hd_count(&own, items, n);
		counts = &own;
	}
	buf_adds(&b, "{\n  \"herd_version\": ");
	cstring(&b, HERD_VERSION);
	buf_printf(&b, ",\n  \"created\": %lld,\n  \"duration\": ", (long long)time(NULL));
	seconds(&b, elapsed);
	buf_adds(&b, ",\n");
	summary(&b, counts);
	if (meta_json)
		buf_printf(&b, "  \"meta\": %s,\n", meta_json);
	buf_adds(&b, "  \"tests\": [");
	for (i = 0; i < n; i++) {
		buf_adds(&b, i ? ",\n" : "\n");
		item(&b, &items[i]);
	}
	buf_adds(&b, n ? "\n  ]\n}\n" : "]\n}\n");
	r = hd_write_file_atomic(path, b.data, b.len);
	err = errno;
	buf_clear(&b);
	errno = err;
	return r;
}

/*
 * report_tap.c - the --tap report, TAP version 13.
 *
 * Mapping: passed, flaky and xpassed are "ok" (xpassed with a TODO
 * directive, since TAP calls an unexpected pass a passing TODO), skipped and
 * not-run are "ok ... # SKIP", xfailed is "not ok ... # TODO", which TAP does
 * not count as a failure; failed, error, crashed and timeout are "not ok" with
 * a YAML block telling why.
 *
 * TAP is line-based and a '#' in a description starts a directive, so names
 * are escaped as the TAP 13 text says (\# and \\), and control characters and
 * invalid UTF-8 are written as the text \xNN, as in the JUnit report.
 */
#include <math.h>
#include <string.h>

#include "report_json.h"
#include "report_tap.h"
#include "util.h"

/* How text() escapes: 0 is for a directive's reason, where '#' is harmless. */
enum { DESCRIPTION = 1, YAML = 2 };

/* Writes n bytes of s: \# and \\ in a description, tabs kept in YAML, \xNN
 * for other control characters and invalid UTF-8 everywhere. */
static void
text(FILE *out, const char *str, size_t n, int mode)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k;

	while (i < n) {
		unsigned char c = s[i];

		if (mode == DESCRIPTION && (c == '#' || c == '\\')) {
			fputc('\\', out);
			fputc(c, out);
			i++;
		} else if ((c < 0x20 && !(c == '\t' && mode == YAML)) || c == 0x7f
			   || !(k = hd_utf8_len(str + i, n - i))) {
			fprintf(out, "\\x%02x", c);
			i++;
		} else {
			fwrite(s + i, 1, k, out);
			i += k;
		}
	}
}

/* " reason": the first line of the message, if any. */
static void
reason(FILE *out, const char *m)
{
	if (!m || !*m)
		return;
	fputc(' ', out);
	text(out, m, strcspn(m, "\n"), 0);
}

/* Writes m as a YAML double-quoted scalar, with the escapes YAML gives it. */
static void
quoted(FILE *out, const char *m)
{
	const char *s = m, *end = m + strlen(m);
	size_t k;

	fputc('"', out);
	while (*s) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c), s++;
		else if (c == '\n')
			fputs("\\n", out), s++;
		else if (c == '\t')
			fputs("\\t", out), s++;
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\x%02x", c), s++;
		else if (!(k = hd_utf8_len(s, (size_t)(end - s))))
			fputs("\xef\xbf\xbd", out), s++;	/* U+FFFD */
		else
			fwrite(s, 1, k, out), s += k;
	}
	fputs("\"\n", out);
}

/*
 * message: as a literal block, the readable form. YAML takes a block's
 * indentation from its first line with text, so a message whose first such
 * line is indented cannot be a block and is written quoted instead.
 */
static void
message(FILE *out, const char *m)
{
	const char *nl, *first = m + strspn(m, "\n");

	fputs("  message: ", out);
	if (*first == ' ' || *first == '\t') {
		quoted(out, m);
		return;
	}
	fputs("|\n", out);
	while (*m) {
		nl = strchr(m, '\n');
		/* Blank lines keep the indentation: TAP's YAML readers need it. */
		fputs("    ", out);
		text(out, m, nl ? (size_t)(nl - m) : strlen(m), YAML);
		fputc('\n', out);
		if (!nl)
			break;
		m = nl + 1;
	}
}

/* The YAML block under a failure: why, indented two spaces under its test line. */
static void
diagnostics(FILE *out, const struct hd_ritem *it)
{
	fprintf(out, "  ---\n  outcome: %s\n", hd_outcome_name(it->outcome));
	if (it->message && *it->message)
		message(out, it->message);
	if (isfinite(it->duration))
		fprintf(out, "  duration_ms: %.3f\n", it->duration * 1000);
	fputs("  ...\n", out);
}

static void
item(FILE *out, size_t k, const struct hd_ritem *it)
{
	const char *id = it->id ? it->id : "";
	int fails = hd_outcome_fails(it->outcome);

	fprintf(out, "%s %zu - ", fails || it->outcome == HD_XFAILED ? "not ok" : "ok", k);
	text(out, id, strlen(id), DESCRIPTION);
	switch (it->outcome) {
	case HD_SKIPPED:
		fputs(" # SKIP", out);
		reason(out, it->message);
		break;
	case HD_XFAILED:
	case HD_XPASSED:
		fputs(" # TODO", out);
		reason(out, it->message);
		break;
	case HD_NOTRUN:
	case HD_NONE:
		fputs(" # SKIP not run", out);
		break;
	default:
		break;
	}
	fputc('\n', out);
	if (fails)
		diagnostics(out, it);
}

void
hd_tap_write(FILE *out, const struct hd_ritem *items, size_t n)
{
	size_t i;

	fputs("TAP version 13\n", out);
	/* An empty plan must say why, or TAP consumers take it for a failure. */
	if (!n)
		fputs("1..0 # SKIP no tests selected\n", out);
	else
		fprintf(out, "1..%zu\n", n);
	for (i = 0; i < n; i++)
		item(out, i + 1, &items[i]);
}

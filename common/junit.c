/*
 * junit.c - the JUnit XML report, in the dialect Jenkins, GitLab and pytest
 * share: <testsuites><testsuite><testcase> with failure, error and skipped
 * children and the captured output in system-out.
 *
 * Two families, as pytest's junit_family: xunit2 (the default) is valid
 * against the schema Jenkins' xunit plugin checks reports with (junit-10.xsd;
 * tests/junit-10.xsd is herd's copy of what it allows), which has no file or
 * line on <testcase>; xunit1 adds them, for GitLab, and is otherwise the same.
 *
 * Mapping: crashed and timeout are failures (type says which), error is an
 * error, xfailed and not-run are skipped, xpassed passes. Output may hold any
 * bytes: XML 1.0 cannot carry most control characters nor invalid UTF-8, so
 * those are written as the text \xNN.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "report.h"
#include "util.h"

/* Length of the valid UTF-8 sequence at s (n bytes left) that XML allows, or 0. */
static size_t
utf8_ok(const unsigned char *s, size_t n)
{
	unsigned cp;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		len = 2, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000))
		return 0;	/* overlong */
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff)
		return 0;
	return len;
}

void
hd_xml_escape(struct buf *b, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k;

	while (i < n) {
		unsigned char c = s[i];

		switch (c) {
		case '&': buf_adds(b, "&amp;"); i++; continue;
		case '<': buf_adds(b, "&lt;"); i++; continue;
		case '>': buf_adds(b, "&gt;"); i++; continue;
		case '"': buf_adds(b, "&quot;"); i++; continue;
		case '\'': buf_adds(b, "&apos;"); i++; continue;
		case '\t': case '\n': buf_addc(b, c); i++; continue;
		case '\r': buf_adds(b, "&#13;"); i++; continue;
		}
		if (c < 0x20 || c == 0x7f || !(k = utf8_ok(s + i, n - i))) {
			buf_printf(b, "\\x%02x", c);
			i++;
			continue;
		}
		buf_add(b, s + i, k);
		i += k;
	}
}

static void
attr(struct buf *b, const char *name, const char *value)
{
	buf_printf(b, " %s=\"", name);
	hd_xml_escape(b, value, strlen(value));
	buf_addc(b, '"');
}

/*
 * classname as pytest builds it: the file's path dotted, without ".py" (or
 * ".c"), then its classes (herd's suite), each after a dot; none for an item
 * of no class or suite (a pytest function, a task).
 */
static void
classname(struct buf *b, const struct hd_ritem *it)
{
	struct buf c = BUF_INIT;
	size_t n = hd_junit_module_len(it->file), i;

	for (i = 0; i < n; i++)
		buf_addc(&c, it->file[i] == '/' ? '.' : it->file[i]);
	for (i = 0; it->suite && it->suite[i]; i++) {
		if (i == 0)
			buf_addc(&c, '.');
		if (!strncmp(it->suite + i, "::", 2))
			buf_addc(&c, '.'), i++;	/* pytest's nested classes */
		else
			buf_addc(&c, it->suite[i]);
	}
	attr(b, "classname", c.data);
	buf_clear(&c);
}

size_t
hd_junit_module_len(const char *file)
{
	size_t n = strlen(file);

	if (n > 2 && !strcmp(file + n - 2, ".c"))
		return n - 2;
	if (n > 3 && !strcmp(file + n - 3, ".py"))
		return n - 3;
	return n;
}

static void
child(struct buf *b, const char *tag, const char *type, const struct hd_ritem *it)
{
	const char *m = it->message ? it->message : "";
	size_t first = strcspn(m, "\n");
	struct buf msg = BUF_INIT;

	buf_add(&msg, m, first);
	buf_printf(b, "      <%s", tag);
	if (type)
		attr(b, "type", type);
	attr(b, "message", msg.data);
	if (*m) {
		buf_adds(b, ">");
		hd_xml_escape(b, m, strlen(m));
		buf_printf(b, "</%s>\n", tag);
	} else {
		buf_adds(b, "/>\n");
	}
	buf_clear(&msg);
}

static void
attempt(struct buf *b, const char *tag, const struct hd_attempt *a)
{
	const char *m = a->message ? a->message : "";
	size_t first = strcspn(m, "\n");
	struct buf msg = BUF_INIT;

	buf_add(&msg, m, first);
	buf_printf(b, "      <%s", tag);
	attr(b, "type", hd_outcome_name(a->outcome));
	attr(b, "message", msg.data);
	buf_adds(b, ">");
	hd_xml_escape(b, m, strlen(m));
	if (a->outlen) {
		buf_adds(b, "<system-out>");
		hd_xml_escape(b, a->output, a->outlen);
		buf_adds(b, "</system-out>");
	}
	buf_printf(b, "</%s>\n", tag);
	buf_clear(&msg);
}

int
hd_junit_family_parse(const char *s, enum hd_junit_family *f)
{
	if (!strcmp(s, "xunit2"))
		*f = HD_JUNIT_XUNIT2;
	else if (!strcmp(s, "xunit1"))
		*f = HD_JUNIT_XUNIT1;
	else
		return -1;
	return 0;
}

static void
properties(struct buf *b, const struct hd_junit_opts *o)
{
	size_t k;

	if (!o->nprops)
		return;
	buf_adds(b, "    <properties>\n");
	for (k = 0; k < o->nprops * 2; k += 2) {
		buf_adds(b, "      <property");
		attr(b, "name", o->props[k]);
		attr(b, "value", o->props[k + 1]);
		buf_adds(b, "/>\n");
	}
	buf_adds(b, "    </properties>\n");
}

static void
testcase(struct buf *b, const struct hd_ritem *it, enum hd_junit_family family)
{
	char num[32];
	size_t k;

	buf_adds(b, "    <testcase");
	classname(b, it);
	attr(b, "name", it->name);
	if (family == HD_JUNIT_XUNIT1) {
		attr(b, "file", it->file);
		snprintf(num, sizeof(num), "%d", it->line);
		attr(b, "line", num);
	}
	buf_printf(b, " time=\"%.6f\"", it->duration);
	buf_adds(b, ">\n");
	switch (it->outcome) {
	case HD_FAILED: child(b, "failure", "failed", it); break;
	case HD_CRASHED: child(b, "failure", "crashed", it); break;
	case HD_TIMEOUT: child(b, "failure", "timeout", it); break;
	case HD_ERROR: child(b, "error", "error", it); break;
	case HD_SKIPPED: child(b, "skipped", "skipped", it); break;
	case HD_XFAILED: child(b, "skipped", "xfailed", it); break;
	case HD_NOTRUN: case HD_NONE: child(b, "skipped", "not-run", it); break;
	default: break;
	}
	/* Earlier tries, as Jenkins and surefire name them. */
	for (k = 0; k < it->nattempts; k++)
		attempt(b, it->outcome == HD_FLAKY ? "flakyFailure" : "rerunFailure",
			&it->attempts[k]);
	if (it->outlen) {
		buf_adds(b, "      <system-out>");
		hd_xml_escape(b, it->output, it->outlen);
		buf_adds(b, "</system-out>\n");
	}
	buf_adds(b, "    </testcase>\n");
}

int
hd_junit_write(const char *path, const struct hd_ritem *items, size_t n, double elapsed,
	       const struct hd_junit_opts *opts)
{
	static const struct hd_junit_opts defaults;
	const struct hd_junit_opts *o = opts ? opts : &defaults;
	struct buf b = BUF_INIT;
	size_t i, fail = 0, err = 0, skip = 0;
	char host[256] = "localhost", stamp[64];
	/* The suite's timestamp is when it started, as in pytest. */
	time_t start = time(NULL) - (time_t)(elapsed > 0 ? elapsed : 0);
	struct tm tm;
	int r;

	for (i = 0; i < n; i++) {
		enum hd_outcome oc = items[i].outcome;

		fail += oc == HD_FAILED || oc == HD_CRASHED || oc == HD_TIMEOUT;
		err += oc == HD_ERROR;
		skip += oc == HD_SKIPPED || oc == HD_XFAILED || oc == HD_NOTRUN || oc == HD_NONE;
	}
	gethostname(host, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	localtime_r(&start, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);

	buf_adds(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
	/* No skipped= on <testsuites>: junit-10.xsd does not allow it there. */
	buf_printf(&b, "<testsuites name=\"herd\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
		   "time=\"%.3f\">\n", n, fail, err, elapsed);
	buf_adds(&b, "  <testsuite");
	attr(&b, "name", o->suite_name && *o->suite_name ? o->suite_name : "herd");
	buf_printf(&b, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" "
		   "time=\"%.3f\"", n, fail, err, skip, elapsed);
	attr(&b, "timestamp", stamp);
	attr(&b, "hostname", host);
	buf_adds(&b, ">\n");
	properties(&b, o);
	for (i = 0; i < n; i++)
		testcase(&b, &items[i], o->family);
	buf_adds(&b, "  </testsuite>\n</testsuites>\n");
	r = hd_write_file_atomic(path, b.data, b.len);
	buf_clear(&b);
	return r;
}

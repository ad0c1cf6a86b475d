/*
 * merge_junit.c - herd merge's JUnit side: a --junit-xml report read with
 * expat into a struct input, and the merged report written.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "merge_input.h"
#include "shard.h"

/*
 * JUnit is read with expat, so that only well-formed XML gets in, and each
 * <testcase> element is then copied byte for byte from the input: expat
 * names the offsets where its start tag begins and its end tag ends. What
 * could make a copied element mean something else, or nothing, outside its
 * input is refused: a DOCTYPE (its entities would be undefined in the
 * output; no entity expansion, then, either) and namespace prefixes declared
 * outside the testcases. The bytes are read as UTF-8 whatever the XML
 * declaration says, as the output declares UTF-8.
 */

/* Elements nest at most this deep: no input needs more. */
#define JUNIT_MAX_DEPTH 256

struct junit_reader {
	XML_Parser p;
	struct input *in;
	struct buf *why;
	int status;		/* 0, or -1 (not a herd report) or -4 (bad XML) */
	int depth;		/* elements open */
	int suite;		/* depth of the first <testsuite>; 0 before it */
	int props;		/* depth of its <properties> while open */
	int tcase;		/* depth of the open <testcase>; 0 when none */
	size_t start;		/* where the open testcase's start tag begins */
	char *meta[4];		/* herd.shard, herd.shards, herd.selected, herd.collection */
	int any_meta;
};

static const char *const meta_keys[4] = {
	"herd.shard", "herd.shards", "herd.selected", "herd.collection"
};

/* Stops the parser with a problem at the current position. */
PRINTF(3, 4) static void
junit_stop(struct junit_reader *j, int status, const char *fmt, ...)
{
	va_list ap;

	if (j->status)
		return;
	j->status = status;
	if (status == -4)
		buf_printf(j->why, "%lu:%lu: ", (unsigned long)XML_GetCurrentLineNumber(j->p),
			   (unsigned long)XML_GetCurrentColumnNumber(j->p) + 1);
	va_start(ap, fmt);
	buf_vprintf(j->why, fmt, ap);
	va_end(ap);
	XML_StopParser(j->p, XML_FALSE);
}

static const char *
attr_of(const XML_Char **attrs, const char *name)
{
	for (; attrs[0]; attrs += 2)
		if (!strcmp(attrs[0], name))
			return attrs[1];
	return NULL;
}

/* The node id of a <testcase>: junit.c writes a classname that is the file
 * dotted (without ".c" or ".py"), then the suite or pytest's classes, each
 * after a dot, and in the xunit1 family the file. Without a file attribute
 * (xunit2) the id is classname::name. */
static char *
testcase_id(const char *file, const char *cls, const char *name)
{
	struct buf dotted = BUF_INIT, id = BUF_INIT;
	const char *p;
	size_t i, n;

	if (file && cls) {
		n = hd_junit_module_len(file);
		for (i = 0; i < n; i++)
			buf_addc(&dotted, file[i] == '/' ? '.' : file[i]);
	}
	if (dotted.len && !strncmp(cls, dotted.data, dotted.len) &&
	    (!cls[dotted.len] || cls[dotted.len] == '.')) {
		buf_adds(&id, file);
		for (p = cls + dotted.len; *p; p++)
			if (*p == '.')
				buf_adds(&id, "::");
			else
				buf_addc(&id, *p);
	} else {
		buf_adds(&id, cls ? cls : "");
	}
	buf_printf(&id, "::%s", name ? name : "");
	buf_clear(&dotted);
	return id.data;
}

static void
junit_suite(struct junit_reader *j, const XML_Char **attrs)
{
	const char *v;

	j->suite = j->depth;
	if ((v = attr_of(attrs, "name")))
		j->in->suite = xstrdup(v);
	if ((v = attr_of(attrs, "timestamp")))
		j->in->timestamp = xstrdup(v);
	if ((v = attr_of(attrs, "hostname")))
		j->in->hostname = xstrdup(v);
	if ((v = attr_of(attrs, "time")))
		j->in->duration = hd_parse_seconds(v);
}

static void
junit_property(struct junit_reader *j, const XML_Char **attrs)
{
	const char *name = attr_of(attrs, "name"), *value = attr_of(attrs, "value");
	size_t i;

	for (i = 0; name && i < LEN(meta_keys); i++)
		if (!strcmp(name, meta_keys[i])) {
			free(j->meta[i]);
			j->meta[i] = value ? xstrdup(value) : NULL;
			j->any_meta = 1;
		}
}

static void XMLCALL
junit_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
	struct junit_reader *j = ud;
	struct mtest *t;
	size_t i;

	if (++j->depth > JUNIT_MAX_DEPTH) {
		junit_stop(j, -4, "elements nested deeper than %d levels", JUNIT_MAX_DEPTH);
		return;
	}
	if (!j->tcase)
		for (i = 0; attrs[i]; i += 2)
			if (!strncmp(attrs[i], "xmlns:", 6)) {
				junit_stop(j, -4, "a namespace prefix declared outside <testcase>");
				return;
			}
	if (j->tcase) {
		t = &j->in->t[j->in->nt - 1];
		t->fail |= !strcmp(name, "failure");
		t->err |= !strcmp(name, "error");
		t->skip |= !strcmp(name, "skipped");
	} else if (!strcmp(name, "testcase")) {
		j->tcase = j->depth;
		j->start = (size_t)XML_GetCurrentByteIndex(j->p);
		t = merge_add_test(j->in);
		t->id = testcase_id(attr_of(attrs, "file"), attr_of(attrs, "classname"),
				    attr_of(attrs, "name"));
	} else if (!strcmp(name, "testsuite") && !j->suite) {
		junit_suite(j, attrs);
	} else if (!strcmp(name, "properties") && j->suite && j->depth == j->suite + 1) {
		j->props = j->depth;
	} else if (!strcmp(name, "property") && j->props && j->depth == j->props + 1) {
		junit_property(j, attrs);
	}
}

/* The testcase ends here: its text runs from the start of its first line to
 * the end of its last, when only blanks stand around it there, so that the
 * indentation comes along. */
static void
junit_case_end(struct junit_reader *j)
{
	struct input *in = j->in;
	struct mtest *t = &in->t[in->nt - 1];
	size_t start = j->start, end, tagend;

	tagend = (size_t)XML_GetCurrentByteIndex(j->p) + (size_t)XML_GetCurrentByteCount(j->p);
	while (start > 0 && (in->text[start - 1] == ' ' || in->text[start - 1] == '\t'))
		start--;
	if (start == 0 || in->text[start - 1] != '\n')
		start = j->start;
	for (end = tagend; end < in->len && (in->text[end] == ' ' || in->text[end] == '\t');)
		end++;
	end = end < in->len && in->text[end] == '\n' ? end + 1 : tagend;
	t->text = in->text + start;
	t->len = end - start;
}

static void XMLCALL
junit_end(void *ud, const XML_Char *name)
{
	struct junit_reader *j = ud;

	(void)name;
	if (j->depth == j->tcase) {
		junit_case_end(j);
		j->tcase = 0;
	} else if (j->depth == j->props) {
		j->props = 0;
	}
	j->depth--;
}

static void XMLCALL
junit_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
	      const XML_Char *pubid, int has_internal_subset)
{
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal_subset;
	junit_stop(ud, -4, "a DOCTYPE declaration, which JUnit reports do not have");
}

/* A count in an attribute: decimal digits only. */
static int
parse_count(const char *s, size_t max, size_t *out)
{
	size_t v = 0;

	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (max - (size_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (size_t)(*s - '0');
	}
	*out = v;
	return 0;
}

/* Shard metadata from the herd.* properties, once they are all read. */
static int
junit_meta(struct input *in, char *const val[4], struct buf *why)
{
	size_t k = 0, n = 0;

	if (parse_count(val[0], HD_SHARD_MAX, &k) < 0 ||
	    parse_count(val[1], HD_SHARD_MAX, &n) < 0 ||
	    parse_count(val[2], (size_t)-1, &in->selected) < 0 || !val[3]) {
		buf_adds(why, "bad shard metadata: herd.shard, herd.shards, herd.selected "
			 "and herd.collection must all be there, the first three numbers");
		return -1;
	}
	in->meta = 1;
	in->shard = (unsigned)k;
	in->shards = (unsigned)n;
	in->collection = xstrdup(val[3]);
	return merge_check_meta(in, why);
}

/* Returns 0, -1 when the XML is not a herd report, -4 when it is not
 * well-formed ("LINE:COLUMN: reason" in why). */
int
merge_read_junit(struct input *in, struct buf *why)
{
	struct junit_reader j;
	size_t off = 0, i;
	int r;

	memset(&j, 0, sizeof(j));
	j.in = in;
	j.why = why;
	in->duration = -1;
	if (!(j.p = XML_ParserCreate("UTF-8")))
		hd_fatal(3, "out of memory");
	XML_SetUserData(j.p, &j);
	XML_SetElementHandler(j.p, junit_start, junit_end);
	XML_SetStartDoctypeDeclHandler(j.p, junit_doctype);
	/* XML_Parse takes an int: feed a huge file in pieces. */
	do {
		size_t n = in->len - off > (1u << 30) ? (1u << 30) : in->len - off;

		if (XML_Parse(j.p, in->text + off, (int)n, off + n == in->len) == XML_STATUS_ERROR) {
			if (!j.status) {
				j.status = -4;
				buf_printf(why, "%lu:%lu: invalid XML: %s",
					   (unsigned long)XML_GetCurrentLineNumber(j.p),
					   (unsigned long)XML_GetCurrentColumnNumber(j.p) + 1,
					   XML_ErrorString(XML_GetErrorCode(j.p)));
			}
			break;
		}
		off += n;
	} while (off < in->len);
	r = j.status;
	if (!r && !j.suite) {
		buf_adds(why, "no <testsuite> element");
		r = -1;
	}
	if (!r && j.any_meta && junit_meta(in, j.meta, why) < 0)
		r = -1;
	for (i = 0; i < LEN(j.meta); i++)
		free(j.meta[i]);
	XML_ParserFree(j.p);
	return r;
}

void
merge_write_junit(struct buf *b, struct input *const *in, size_t n)
{
	size_t i, j, tests = 0, fail = 0, err = 0, skip = 0;
	double duration = 0;
	struct buf counts = BUF_INIT;

	for (i = 0; i < n; i++) {
		for (j = 0; j < in[i]->nt; j++) {
			tests++;
			fail += in[i]->t[j].fail;
			err += in[i]->t[j].err;
			skip += in[i]->t[j].skip;
		}
		if (in[i]->duration > duration)
			duration = in[i]->duration;
	}
	buf_printf(&counts, "tests=\"%zu\" failures=\"%zu\" errors=\"%zu\"", tests, fail, err);
	buf_adds(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
	/* As junit.c: no skipped= on <testsuites>, which junit-10.xsd rejects. */
	buf_printf(b, "<testsuites name=\"herd\" %s time=\"%.3f\">\n", counts.data, duration);
	buf_adds(b, "  <testsuite name=\"");
	hd_xml_escape(b, in[0]->suite ? in[0]->suite : "herd",
		      strlen(in[0]->suite ? in[0]->suite : "herd"));
	buf_printf(b, "\" %s skipped=\"%zu\" time=\"%.3f\"", counts.data, skip, duration);
	if (in[0]->timestamp) {
		buf_adds(b, " timestamp=\"");
		hd_xml_escape(b, in[0]->timestamp, strlen(in[0]->timestamp));
		buf_addc(b, '"');
	}
	if (in[0]->hostname) {
		buf_adds(b, " hostname=\"");
		hd_xml_escape(b, in[0]->hostname, strlen(in[0]->hostname));
		buf_addc(b, '"');
	}
	buf_adds(b, ">\n");
	for (i = 0; i < n; i++)
		for (j = 0; j < in[i]->nt; j++) {
			const struct mtest *t = &in[i]->t[j];

			buf_add(b, t->text, t->len);
			if (!t->len || t->text[t->len - 1] != '\n')
				buf_addc(b, '\n');
		}
	buf_adds(b, "  </testsuite>\n</testsuites>\n");
	buf_clear(&counts);
}

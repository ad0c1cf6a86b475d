/*
 * merge.c - see merge.h.
 *
 * Both formats are handled the same way: each input is read into a list of
 * items (the id, the outcome and the item's exact text), the inputs are
 * checked against each other, and the output is the items' texts under a
 * recomputed header. Copying the items' text rather than rebuilding it keeps
 * every field a later herd version may add.
 *
 * JUnit is read with expat (see read_junit) and JSON with json_read.c: an
 * input that is not well-formed is a usage error naming its file and line,
 * and the output is well-formed whatever the inputs were.
 */
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <expat.h>
#include <herd.h>

#include "json_read.h"
#include "merge.h"
#include "report.h"
#include "report_json.h"
#include "shard.h"
#include "util.h"

enum kind { K_JSON, K_JUNIT };

struct mtest {
	char *id;
	const char *text;	/* the item's text in its input */
	size_t len;
	enum hd_outcome outcome;	/* JSON */
	int fail, err, skip;	/* JUnit: which child elements it has */
};

struct input {
	const char *path;
	char *text;
	size_t len;
	struct mtest *t;
	size_t nt, capt;
	int meta;		/* carries shard metadata */
	unsigned shard, shards;
	size_t selected;
	char *collection;
	double duration;	/* < 0: unknown */
	double created;		/* JSON; < 0: unknown */
	char *version;		/* JSON */
	size_t deselected;	/* JSON */
	char *suite, *timestamp, *hostname;	/* JUnit */
};

static const char usage[] =
	"usage: herd merge OUT IN...\n"
	"Combines the reports of the shards of one run (herd --shard K/N) into one.\n"
	"OUT and every IN are JUnit files (.xml) or herd JSON reports (.json).\n"
	"Fails when the shards overlap, one is missing, or they come from different\n"
	"runs. Exit status: 0 merged, 1 the inputs do not make one run, 4 usage or\n"
	"an input that is not well-formed XML or JSON.\n";

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && !strcmp(s + n - k, suffix);
}

static int
kind_of(const char *path)
{
	if (ends_with(path, ".json"))
		return K_JSON;
	if (ends_with(path, ".xml"))
		return K_JUNIT;
	return -1;
}

static struct mtest *
add_test(struct input *in)
{
	if (in->nt == in->capt) {
		in->capt = in->capt ? in->capt * 2 : 64;
		in->t = xreallocarray(in->t, in->capt, sizeof(*in->t));
	}
	memset(&in->t[in->nt], 0, sizeof(in->t[0]));
	return &in->t[in->nt++];
}

/* Checks shard metadata once its fields are read. */
static int
check_meta_fields(const struct input *in, struct buf *why)
{
	if (in->shards < 1 || in->shards > HD_SHARD_MAX)
		buf_printf(why, "bad shard metadata: shards must be 1 to %d", HD_SHARD_MAX);
	else if (in->shard < 1 || in->shard > in->shards)
		buf_printf(why, "bad shard metadata: shard must be 1 to %u", in->shards);
	else if (!in->collection || !*in->collection)
		buf_adds(why, "bad shard metadata: no collection hash");
	else
		return 0;
	return -1;
}

/* ---- JSON ---- */

/* A whole number 0..max, as JSON reports carry counts. */
static int
json_count(const struct hd_jval *v, double max, size_t *out)
{
	if (!v || v->type != HD_JNUMBER || v->num < 0 || v->num > max || v->num != floor(v->num))
		return -1;
	*out = (size_t)v->num;
	return 0;
}

static int
json_meta(struct input *in, const struct hd_jval *m, struct buf *why)
{
	const struct hd_jval *col = hd_json_get(m, "collection");
	size_t k, n, sel;

	if (!hd_json_get(m, "shard") && !hd_json_get(m, "shards"))
		return 0;	/* metadata, but not about shards */
	if (json_count(hd_json_get(m, "shard"), HD_SHARD_MAX, &k) < 0 ||
	    json_count(hd_json_get(m, "shards"), HD_SHARD_MAX, &n) < 0 ||
	    json_count(hd_json_get(m, "selected"), 9007199254740992.0, &sel) < 0 ||
	    !col || col->type != HD_JSTRING) {
		buf_adds(why, "bad shard metadata: shard, shards, selected and collection "
			 "must be whole numbers and a string");
		return -1;
	}
	in->meta = 1;
	in->shard = (unsigned)k;
	in->shards = (unsigned)n;
	in->selected = sel;
	in->collection = xstrdup(col->str);
	return check_meta_fields(in, why);
}

/* "LINE:COLUMN" of byte off of text, both from 1, the column in bytes. */
static void
line_col(struct buf *b, const char *text, size_t off)
{
	size_t line = 1, col = 1, i;

	for (i = 0; i < off; i++, col++)
		if (text[i] == '\n')
			line++, col = 0;
	buf_printf(b, "%zu:%zu", line, col);
}

/* Returns 0, -1 when the JSON is not a herd report, -4 when it is not JSON
 * ("LINE:COLUMN: reason" in why). */
static int
read_json(struct input *in, struct buf *why)
{
	const struct hd_jval *tests, *v;
	struct hd_jval root;
	struct buf reason = BUF_INIT;
	size_t i, where = 0;
	int r = -1;

	if (hd_json_parse_at(&root, in->text, in->len, &reason, &where) < 0) {
		line_col(why, in->text, where);
		buf_printf(why, ": invalid JSON: %s", reason.data);
		buf_clear(&reason);
		return -4;
	}
	if (!(tests = hd_json_get(&root, "tests")) || tests->type != HD_JARRAY) {
		buf_adds(why, "no \"tests\" array");
		goto out;
	}
	for (i = 0; i < tests->n; i++) {
		const struct hd_jval *el = &tests->v[i], *id, *oc;
		struct mtest *t;

		id = hd_json_get(el, "id");
		oc = hd_json_get(el, "outcome");
		if (!id || id->type != HD_JSTRING || !oc || oc->type != HD_JSTRING ||
		    hd_outcome_parse(oc->str) == HD_NONE) {
			buf_printf(why, "at byte %zu: an item without an id or a valid outcome",
				   el->off);
			goto out;
		}
		t = add_test(in);
		t->id = xstrdup(id->str);
		t->outcome = hd_outcome_parse(oc->str);
		t->text = in->text + el->off;
		t->len = el->end - el->off;
	}
	in->duration = -1;
	if ((v = hd_json_get(&root, "duration")) && v->type == HD_JNUMBER && v->num >= 0)
		in->duration = v->num;
	in->created = -1;
	if ((v = hd_json_get(&root, "created")) && v->type == HD_JNUMBER && v->num >= 0)
		in->created = v->num;
	if ((v = hd_json_get(&root, "herd_version")) && v->type == HD_JSTRING)
		in->version = xstrdup(v->str);
	if ((v = hd_json_get(&root, "summary")))
		json_count(hd_json_get(v, "deselected"), 9007199254740992.0, &in->deselected);
	if ((v = hd_json_get(&root, "meta")) && v->type == HD_JOBJECT && json_meta(in, v, why) < 0)
		goto out;
	r = 0;
out:
	hd_json_free(&root);
	return r;
}

static void
write_json(struct buf *b, struct input *const *in, size_t n)
{
	struct hd_counts c;
	size_t i, j, total = 0, first = 1;
	double created = -1, duration = -1;
	int o;

	memset(&c, 0, sizeof(c));
	for (i = 0; i < n; i++) {
		for (j = 0; j < in[i]->nt; j++)
			c.n[in[i]->t[j].outcome]++;
		if (in[i]->created > created)
			created = in[i]->created;
		if (in[i]->duration > duration)
			duration = in[i]->duration;
		/* A shard counts the other shards' items as deselected, as
		 * pytest-split does: what it collected, less the whole run's
		 * selection, is what the run deselected. Separate runs add up. */
		if (in[i]->meta) {
			size_t collected = in[i]->deselected + in[i]->nt;

			if (collected > in[i]->selected && collected - in[i]->selected > c.deselected)
				c.deselected = collected - in[i]->selected;
		} else {
			c.deselected += in[i]->deselected;
		}
	}
	buf_adds(b, "{\n  \"herd_version\": ");
	hd_json_string(b, in[0]->version ? in[0]->version : HERD_VERSION,
		       strlen(in[0]->version ? in[0]->version : HERD_VERSION));
	/* The newest input's time, not now: the same inputs give the same file. */
	buf_printf(b, ",\n  \"created\": %lld,\n  \"duration\": ",
		   created >= 0 ? (long long)created : (long long)time(NULL));
	if (duration >= 0)
		buf_printf(b, "%.6f", duration);
	else
		buf_adds(b, "null");
	buf_adds(b, ",\n  \"summary\": {");
	for (o = HD_PASSED; o < HD_NOUTCOMES; o++) {
		buf_printf(b, "\"%s\": %zu, ", hd_outcome_name((enum hd_outcome)o), c.n[o]);
		total += c.n[o];
	}
	buf_printf(b, "\"deselected\": %zu, \"total\": %zu},\n", c.deselected, total);
	buf_adds(b, "  \"tests\": [");
	for (i = 0; i < n; i++)
		for (j = 0; j < in[i]->nt; j++) {
			buf_adds(b, first ? "\n    " : ",\n    ");
			buf_add(b, in[i]->t[j].text, in[i]->t[j].len);
			first = 0;
		}
	buf_adds(b, first ? "]\n}\n" : "\n  ]\n}\n");
}

/* ---- JUnit ---- */

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
 * dotted (without ".c") then the suite, and in the xunit1 family the file.
 * Without a file attribute (xunit2) the id is classname::name. */
static char *
testcase_id(const char *file, const char *cls, const char *name)
{
	struct buf dotted = BUF_INIT;
	size_t n, i;
	char *id;

	if (file && cls) {
		n = strlen(file);
		if (n > 2 && !strcmp(file + n - 2, ".c"))
			n -= 2;
		for (i = 0; i < n; i++)
			buf_addc(&dotted, file[i] == '/' ? '.' : file[i]);
	}
	if (dotted.len && !strncmp(cls, dotted.data, dotted.len) && cls[dotted.len] == '.')
		id = xasprintf("%s::%s::%s", file, cls + dotted.len + 1, name ? name : "");
	else
		id = xasprintf("%s::%s", cls ? cls : "", name ? name : "");
	buf_clear(&dotted);
	return id;
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
		t = add_test(j->in);
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
	return check_meta_fields(in, why);
}

/* Returns 0, -1 when the XML is not a herd report, -4 when it is not
 * well-formed ("LINE:COLUMN: reason" in why). */
static int
read_junit(struct input *in, struct buf *why)
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

static void
write_junit(struct buf *b, struct input *const *in, size_t n)
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

/* ---- checks across inputs ---- */

static int
by_shard(const void *a, const void *b)
{
	const struct input *x = *(struct input *const *)a, *y = *(struct input *const *)b;

	if (x->shard != y->shard)
		return x->shard < y->shard ? -1 : 1;
	/* The inputs are one array in argument order: ties keep that order, so
	 * a repeated shard is reported the same way every time. */
	return x < y ? -1 : x > y;
}

/* Metadata present in all inputs or none, agreeing, each shard once. Sorts
 * the inputs by shard number. */
static int
check_shards(struct input **in, size_t n, struct buf *err)
{
	struct buf list = BUF_INIT;
	size_t i, missing = 0;
	unsigned k;

	for (i = 1; i < n; i++) {
		const struct input *a = in[0], *b = in[i];

		if (a->meta != b->meta) {
			buf_printf(err, "%s has shard metadata and %s has none",
				   (a->meta ? a : b)->path, (a->meta ? b : a)->path);
			return -1;
		}
		if (!a->meta)
			continue;
		if (a->shards != b->shards) {
			buf_printf(err, "%s and %s are shards of different runs: %u shards vs %u",
				   a->path, b->path, a->shards, b->shards);
			return -1;
		}
		if (a->selected != b->selected) {
			buf_printf(err, "%s and %s are shards of different runs: "
				   "%zu selected ids vs %zu", a->path, b->path, a->selected, b->selected);
			return -1;
		}
		if (strcmp(a->collection, b->collection)) {
			buf_printf(err, "%s and %s are shards of different runs: "
				   "collection %s vs %s", a->path, b->path, a->collection, b->collection);
			return -1;
		}
	}
	if (!in[0]->meta)
		return 0;
	qsort(in, n, sizeof(*in), by_shard);
	for (i = 1; i < n; i++)
		if (in[i]->shard == in[i - 1]->shard) {
			buf_printf(err, "shard %u/%u is given twice: %s and %s", in[i]->shard,
				   in[i]->shards, in[i - 1]->path, in[i]->path);
			return -1;
		}
	if (n == in[0]->shards)
		return 0;
	for (k = 1, i = 0; k <= in[0]->shards; k++) {
		if (i < n && in[i]->shard == k) {
			i++;
			continue;
		}
		/* Name a few: 10000 shards need not be spelt out. */
		if (missing < 5)
			buf_printf(&list, "%s%u/%u", missing ? ", " : "", k, in[0]->shards);
		missing++;
	}
	if (missing > 5)
		buf_printf(&list, " and %zu more", missing - 5);
	buf_printf(err, "shard%s %s %s missing", missing > 1 ? "s" : "", list.data,
		   missing > 1 ? "are" : "is");
	buf_clear(&list);
	return -1;
}

struct owner {
	const char *id;
	size_t in;
};

static int
by_id_then_input(const void *a, const void *b)
{
	const struct owner *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	return c ? c : x->in < y->in ? -1 : x->in > y->in;
}

/* No id in two inputs. Sorting names the smallest overlapping id, the same
 * whatever the order of the arguments. */
static int
check_overlap(struct input *const *in, size_t n, struct buf *err)
{
	struct owner *v;
	size_t i, j, total = 0, k = 0;
	int r = 0;

	for (i = 0; i < n; i++)
		total += in[i]->nt;
	v = xreallocarray(NULL, total, sizeof(*v));
	for (i = 0; i < n; i++)
		for (j = 0; j < in[i]->nt; j++) {
			v[k].id = in[i]->t[j].id;
			v[k++].in = i;
		}
	qsort(v, total, sizeof(*v), by_id_then_input);
	for (i = 1; i < total; i++) {
		if (strcmp(v[i].id, v[i - 1].id))
			continue;
		/* Within a run of one id, the inputs ascend: compare with its first. */
		for (j = i - 1; j > 0 && !strcmp(v[j - 1].id, v[i].id); j--)
			;
		if (v[j].in != v[i].in) {
			buf_printf(err, "shards overlap: %s is in %s and %s", v[i].id,
				   in[v[j].in]->path, in[v[i].in]->path);
			r = -1;
			break;
		}
	}
	free(v);
	return r;
}

static void
free_input(struct input *in)
{
	size_t i;

	for (i = 0; i < in->nt; i++)
		free(in->t[i].id);
	free(in->t);
	free(in->text);
	free(in->collection);
	free(in->version);
	free(in->suite);
	free(in->timestamp);
	free(in->hostname);
}

int
hd_merge(const char *out, const char *const *ins, size_t n, struct buf *err)
{
	struct input *v = xcalloc(n ? n : 1, sizeof(*v)), **order;
	struct buf why = BUF_INIT, doc = BUF_INIT, sink = BUF_INIT;
	int kind = kind_of(out), r = 4;
	size_t i, total = 0;

	if (!err)
		err = &sink;
	order = xcalloc(n ? n : 1, sizeof(*order));
	if (n == 0) {
		buf_adds(err, "no input reports");
		goto out;
	}
	if (kind < 0) {
		buf_printf(err, "%s: the output must end in .xml (JUnit) or .json", out);
		goto out;
	}
	for (i = 0; i < n; i++)
		if (kind_of(ins[i]) != kind) {
			buf_printf(err, "%s: not a %s report like %s", ins[i],
				   kind == K_JSON ? ".json" : ".xml", out);
			goto out;
		}
	for (i = 0; i < n; i++) {
		v[i].path = ins[i];
		order[i] = &v[i];
		if (!(v[i].text = hd_read_file(ins[i], &v[i].len))) {
			buf_printf(err, "cannot read %s: %s", ins[i], strerror(errno));
			goto out;
		}
	}
	r = 1;
	for (i = 0; i < n; i++) {
		int rc;

		buf_reset(&why);
		rc = (kind == K_JSON ? read_json : read_junit)(&v[i], &why);
		if (rc == -4) {
			buf_printf(err, "%s:%s", ins[i], why.data);
			r = 4;
			goto out;
		}
		if (rc < 0) {
			buf_printf(err, "%s: not a herd %s report: %s", ins[i],
				   kind == K_JSON ? "JSON" : "JUnit", why.data);
			goto out;
		}
		total += v[i].nt;
	}
	if (check_shards(order, n, err) < 0 || check_overlap(order, n, err) < 0)
		goto out;
	if (order[0]->meta && total != order[0]->selected) {
		if (total < order[0]->selected)
			buf_printf(err, "%zu ids missing: the shards hold %zu of the %zu selected",
				   order[0]->selected - total, total, order[0]->selected);
		else
			buf_printf(err, "the shards hold %zu ids, more than the %zu selected",
				   total, order[0]->selected);
		goto out;
	}
	if (kind == K_JSON)
		write_json(&doc, order, n);
	else
		write_junit(&doc, order, n);
	if (hd_write_file_atomic(out, doc.data, doc.len) < 0) {
		buf_printf(err, "cannot write %s: %s", out, strerror(errno));
		goto out;
	}
	r = 0;
out:
	for (i = 0; i < n; i++)
		free_input(&v[i]);
	free(v);
	free(order);
	buf_clear(&why);
	buf_clear(&doc);
	buf_clear(&sink);
	return r;
}

int
hd_merge_main(int argc, char **argv)
{
	struct buf err = BUF_INIT;
	int i, r;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(usage, stdout);
			return 0;
		}
		hd_warn("merge: unknown option %s (see herd merge --help)", argv[i]);
		return 4;
	}
	if (argc - i < 2) {
		hd_warn("merge: usage: herd merge OUT IN... (see herd merge --help)");
		return 4;
	}
	r = hd_merge(argv[i], (const char *const *)(argv + i + 1), (size_t)(argc - i - 1), &err);
	if (r)
		hd_warn("merge: %s", err.data ? err.data : "failed");
	buf_clear(&err);
	return r;
}

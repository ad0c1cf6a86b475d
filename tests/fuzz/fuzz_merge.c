/*
 * fuzz_merge.c - a libFuzzer target for herd merge's readers (src/merge.c):
 * JUnit through expat, JSON through json_read.c.
 *
 * An input is one report. It is merged twice, as a .xml and as a .json,
 * alone and together with a fixed well-formed report. herd merge must answer
 * 0, 1 or 4 with one line of reason, and whatever it writes must be
 * well-formed: the XML is read back with expat, the JSON with json_read.c,
 * and a merged report must merge again.
 */
#include <expat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json_read.h"
#include "merge.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *dir;

static const char other_xml[] =
	"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<testsuites>\n"
	"  <testsuite name=\"o\" time=\"1\">\n"
	"    <testcase classname=\"o.s\" file=\"o.c\" name=\"z\"/>\n"
	"  </testsuite>\n</testsuites>\n";
static const char other_json[] =
	"{\"tests\": [{\"id\": \"o.c::s::z\", \"outcome\": \"passed\"}], \"duration\": 1}\n";

static void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_merge: invariant violated: %s\n", what);
		abort();
	}
}

static const char *const names[] = {
	"in.xml", "o.xml", "out.xml", "again.xml", "in.json", "o.json", "out.json", "again.json"
};

/* The scratch folder goes when the process exits normally. */
static void
remove_dir(void)
{
	size_t i;

	for (i = 0; i < LEN(names); i++) {
		char *p = xasprintf("%s/%s", dir, names[i]);

		unlink(p);
		free(p);
	}
	rmdir(dir);
	free(dir);
}

static char *
path(const char *name)
{
	if (!dir) {
		char tmpl[4096];
		const char *tmp = getenv("TMPDIR");

		snprintf(tmpl, sizeof(tmpl), "%s/fuzz_merge.XXXXXX", tmp && *tmp ? tmp : "/tmp");
		check(mkdtemp(tmpl) != NULL, "mkdtemp");
		dir = xstrdup(tmpl);
		atexit(remove_dir);
	}
	return xasprintf("%s/%s", dir, name);
}

static void
put(const char *p, const void *text, size_t n)
{
	check(hd_write_file_atomic(p, text, n) == 0, "cannot write an input");
}

static int
xml_well_formed(const char *text, size_t n)
{
	XML_Parser p = XML_ParserCreate("UTF-8");
	int ok = XML_Parse(p, text, (int)n, 1) == XML_STATUS_OK;

	XML_ParserFree(p);
	return ok;
}

/* Merges ins into out; checks the answer and, on success, the output. */
static void
merge_and_check(const char *out, const char *const *ins, size_t n, int json)
{
	struct buf err = BUF_INIT;
	size_t len;
	char *text;
	int r;

	unlink(out);
	r = hd_merge(out, ins, n, &err);
	check(r == 0 || r == 1 || r == 4, "an exit status other than 0, 1 or 4");
	if (r) {
		check(err.data && err.len && !strchr(err.data, '\n'), "a failure without one line");
		check(access(out, F_OK) < 0, "a failed merge wrote its output");
		buf_clear(&err);
		return;
	}
	text = hd_read_file(out, &len);
	check(text != NULL, "a merge without output");
	if (json) {
		struct hd_jval v;

		check(hd_json_parse(&v, text, len, NULL) == 0, "merged JSON that is not JSON");
		hd_json_free(&v);
	} else {
		check(xml_well_formed(text, len), "merged XML that is not well-formed");
	}
	free(text);
	buf_clear(&err);
}

static void
one_kind(const uint8_t *data, size_t size, const char *other, int json)
{
	char *in = path(json ? "in.json" : "in.xml"), *o = path(json ? "o.json" : "o.xml");
	char *out = path(json ? "out.json" : "out.xml"), *again = path(json ? "again.json" : "again.xml");
	const char *ins[2] = { in, o }, *outs[1] = { out };

	put(in, data, size);
	put(o, other, strlen(other));
	merge_and_check(out, ins, 1, json);
	if (access(out, F_OK) == 0)
		merge_and_check(again, outs, 1, json);	/* what merge writes, merge reads */
	merge_and_check(out, ins, 2, json);
	free(in);
	free(o);
	free(out);
	free(again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one_kind(data, size, other_xml, 0);
	one_kind(data, size, other_json, 1);
	return 0;
}

/*
 * Unit tests of herd merge (src/merge.c). The shard reports are written by
 * herd's own writers (hd_json_write, hd_junit_write in both families), with
 * the shard metadata merge.h specifies.
 */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <herd.h>

#include "json_read.h"
#include "merge.h"
#include "report.h"
#include "report_json.h"
#include "shard.h"
#include "scratch.h"
#include "util.h"

/* The whole run: NITEMS items, every outcome represented. */
#define NITEMS 12

struct run {
	struct hd_ritem it[NITEMS];
	struct hd_attempt tries[2];
	char id[NITEMS][64], name[NITEMS][32];
	const char *ids[NITEMS];
	char hash[17];
};

static char try_message[] = "first try failed";

static void
make_run(struct run *r)
{
	static const enum hd_outcome oc[] = {
		HD_PASSED, HD_FAILED, HD_SKIPPED, HD_ERROR, HD_XFAILED, HD_CRASHED,
		HD_TIMEOUT, HD_XPASSED, HD_FLAKY, HD_NOTRUN, HD_PASSED, HD_PASSED,
	};
	size_t i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < NITEMS; i++) {
		struct hd_ritem *it = &r->it[i];

		/* One name needs escaping in XML, to check ids are read back right. */
		if (i == 3)
			snprintf(r->name[i], sizeof(r->name[i]), "p[a&b<c>\"]");
		else
			snprintf(r->name[i], sizeof(r->name[i]), "case%zu", i);
		it->file = i % 2 ? "t/b.c" : "t/a.c";
		it->suite = i < 6 ? "s" : "u";
		it->name = r->name[i];
		snprintf(r->id[i], sizeof(r->id[i]), "%s::%s::%s", it->file, it->suite, it->name);
		it->id = r->ids[i] = r->id[i];
		it->line = 10 + (int)i;
		it->outcome = oc[i];
		it->duration = 0.01 * (double)(i + 1);
		if (hd_outcome_fails(oc[i]) || oc[i] == HD_SKIPPED || oc[i] == HD_XFAILED)
			it->message = "why\nsecond line & <more>";
		it->output = i % 3 ? NULL : "out\n";
		it->outlen = it->output ? 4 : 0;
		it->worker = "gw0";
	}
	/* Earlier tries become flakyFailure and rerunFailure elements in JUnit:
	 * they must not count as failures of the merged run. */
	r->tries[0].outcome = HD_FAILED;
	r->tries[0].message = try_message;
	r->tries[1].outcome = HD_CRASHED;
	r->tries[1].message = try_message;
	r->it[8].attempts = &r->tries[0];
	r->it[8].nattempts = 1;
	r->it[1].attempts = &r->tries[0];
	r->it[1].nattempts = 2;
	hd_collection_hash(r->ids, NITEMS, r->hash);
}

/* Shard metadata; k == 0 for none. */
struct meta {
	unsigned k, n;
	size_t selected;
	const char *collection;
};

static char *
write_json(const char *path, const struct hd_ritem *it, size_t n, double elapsed,
	   const struct meta *m, size_t deselected)
{
	struct hd_counts c;
	char *meta = NULL;

	memset(&c, 0, sizeof(c));
	hd_count(&c, it, n);
	c.deselected = deselected;
	if (m && m->k)
		meta = xasprintf("{\"shard\": %u, \"shards\": %u, \"selected\": %zu, "
				 "\"collection\": \"%s\"}", m->k, m->n, m->selected, m->collection);
	REQUIRE_EQ(hd_json_write(path, it, n, elapsed, &c, meta), 0);
	free(meta);
	return xstrdup(path);
}

static char *
write_junit(const char *path, const struct hd_ritem *it, size_t n, double elapsed,
	    const struct meta *m, enum hd_junit_family family)
{
	char k[16], nn[16], sel[32];
	const char *props[8] = {
		"herd.shard", k, "herd.shards", nn, "herd.selected", sel, "herd.collection", NULL
	};

	struct hd_junit_opts o = { family, "herd", props, 0 };

	if (m && m->k) {
		snprintf(k, sizeof(k), "%u", m->k);
		snprintf(nn, sizeof(nn), "%u", m->n);
		snprintf(sel, sizeof(sel), "%zu", m->selected);
		props[7] = m->collection;
	}
	o.nprops = m && m->k ? 4 : 0;
	REQUIRE_EQ(hd_junit_write(path, it, n, elapsed, &o), 0);
	return xstrdup(path);
}

/* JUnit's xunit2 family (no file or line on <testcase>), herd's default. */
static char *
write_xml(const char *path, const struct hd_ritem *it, size_t n, double elapsed,
	  const struct meta *m, size_t deselected)
{
	(void)deselected;
	return write_junit(path, it, n, elapsed, m, HD_JUNIT_XUNIT2);
}

/* JUnit's xunit1 family: file and line on each <testcase>. */
static char *
write_xml1(const char *path, const struct hd_ritem *it, size_t n, double elapsed,
	   const struct meta *m, size_t deselected)
{
	(void)deselected;
	return write_junit(path, it, n, elapsed, m, HD_JUNIT_XUNIT1);
}

struct kind {
	const char *suffix;
	char *(*write)(const char *, const struct hd_ritem *, size_t, double,
		       const struct meta *, size_t);
};

static const struct kind kinds[] = {
	{ ".json", write_json },
	{ ".xml", write_xml },
	{ ".xml", write_xml1 },
};

/* Writes the items whose shard_of is k (0-based) as dir/NAME.suffix. */
static char *
write_shard(const struct kind *kd, const char *dir, const char *name, const struct run *r,
	    const unsigned *shard_of, unsigned k, double elapsed, const struct meta *m)
{
	struct hd_ritem sub[NITEMS];
	size_t i, n = 0;
	char *path = xasprintf("%s/%s%s", dir, name, kd->suffix), *ret;

	for (i = 0; i < NITEMS; i++)
		if (shard_of[i] == k)
			sub[n++] = r->it[i];
	/* Two items deselected by -k in the whole run; a shard also counts the
	 * other shards' items as deselected, as the controller does. */
	ret = kd->write(path, sub, n, elapsed, m, m && m->k ? NITEMS + 2 - n : 2);
	free(path);
	return ret;
}

/* The text of every item in a report: the test lines (JSON) or the
 * <testcase> blocks (JUnit), in file order. */
static char *
items_text(const char *path)
{
	char *text = hd_read_file(path, NULL), *p, *end;
	struct buf b = BUF_INIT;

	REQUIRE_NOT_NULL(text, "%s", path);
	for (p = text; *p; p = end) {
		end = strchr(p, '\n');
		end = end ? end + 1 : p + strlen(p);
		if (!strncmp(p, "    {\"id\"", 9)) {
			/* JSON: one item per line, comma or not at the end. */
			size_t n = (size_t)(end - p) - 1;

			if (n && p[n - 1] == ',')
				n--;
			buf_add(&b, p, n);
			buf_addc(&b, '\n');
		} else if (!strncmp(p, "    <testcase", 13)) {
			char *close = strstr(p, "    </testcase>\n");

			REQUIRE_NOT_NULL(close);
			end = close + 16;
			buf_add(&b, p, (size_t)(end - p));
		}
	}
	free(text);
	return buf_detach(&b, NULL);
}

static int
merge(const char *out, struct buf *err, size_t n, ...)
{
	const char *ins[8];
	va_list ap;
	size_t i;

	va_start(ap, n);
	for (i = 0; i < n; i++)
		ins[i] = va_arg(ap, const char *);
	va_end(ap);
	buf_reset(err);
	return hd_merge(out, ins, n, err);
}

TEST_P(merge, shards_make_the_whole_run, kinds)
{
	const struct kind *kd = herd_param();
	char *dir = scratch_dir("merge"), *out = xasprintf("%s/all%s", dir, kd->suffix), *s[3], *want, *got;
	char *out2 = xasprintf("%s/all2%s", dir, kd->suffix), *t1, *t2;
	static const double secs[NITEMS] = { 3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8 };
	unsigned shard_of[NITEMS], k;
	struct buf err = BUF_INIT, cat = BUF_INIT;
	struct run r;

	make_run(&r);
	hd_shard_split(secs, NITEMS, 3, shard_of);
	for (k = 0; k < 3; k++) {
		struct meta m = { k + 1, 3, NITEMS, r.hash };
		char name[32];

		snprintf(name, sizeof(name), "shard%u", k + 1);
		s[k] = write_shard(kd, dir, name, &r, shard_of, k, 1.0 + k, &m);
	}
	/* Given in any order, the shards come out in shard order. */
	REQUIRE_EQ(merge(out, &err, 3, s[2], s[0], s[1]), 0, "%s", err.data);
	CHECK_EQ(err.len, 0);
	for (k = 0; k < 3; k++) {
		char *t = items_text(s[k]);

		buf_adds(&cat, t);
		free(t);
	}
	got = items_text(out);
	CHECK_STR_EQ(got, cat.data, "the items are copied verbatim");
	free(got);
	/* The same inputs give the same bytes, whatever their order. */
	REQUIRE_EQ(merge(out2, &err, 3, s[0], s[1], s[2]), 0, "%s", err.data);
	t1 = hd_read_file(out, NULL);
	t2 = hd_read_file(out2, NULL);
	CHECK_STR_EQ(t1, t2);
	if (!strcmp(kd->suffix, ".json")) {
		struct hd_jval v;
		struct hd_counts c;
		const struct hd_jval *sum;
		int o;

		REQUIRE_EQ(hd_json_parse(&v, t1, strlen(t1), NULL), 0, "%s", t1);
		memset(&c, 0, sizeof(c));
		hd_count(&c, r.it, NITEMS);
		sum = hd_json_get(&v, "summary");
		REQUIRE_NOT_NULL(sum);
		for (o = HD_PASSED; o < HD_NOUTCOMES; o++)
			CHECK_NEAR(hd_json_get(sum, hd_outcome_name((enum hd_outcome)o))->num,
				   (double)c.n[o], 0, "%s", hd_outcome_name((enum hd_outcome)o));
		CHECK_NEAR(hd_json_get(sum, "total")->num, NITEMS, 0);
		/* The other shards' items are not deselected in the whole run. */
		CHECK_NEAR(hd_json_get(sum, "deselected")->num, 2, 0);
		/* Shards run side by side: the longest one is the run's duration. */
		CHECK_NEAR(hd_json_get(&v, "duration")->num, 3.0, 1e-9);
		CHECK_NULL(hd_json_get(&v, "meta"));
		CHECK_EQ(hd_json_get(&v, "tests")->n, NITEMS);
		hd_json_free(&v);
	} else {
		want = xasprintf("<testsuites name=\"herd\" tests=\"%d\" failures=\"3\" errors=\"1\" "
				 "time=\"3.000\">", NITEMS);
		CHECK(strstr(t1, want) != NULL, "%s", t1);
		free(want);
		want = xasprintf("<testsuite name=\"herd\" tests=\"%d\" failures=\"3\" errors=\"1\" "
				 "skipped=\"3\" time=\"3.000\" timestamp=", NITEMS);
		CHECK(strstr(t1, want) != NULL, "%s", t1);
		free(want);
		CHECK(!strstr(t1, "<propert"), "no shard metadata left");
		CHECK(strstr(t1, "<flakyFailure") && strstr(t1, "<rerunFailure"), "%s", t1);
		want = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<testsuites ";
		CHECK(!strncmp(t1, want, strlen(want)));
		CHECK(strstr(t1, "  </testsuite>\n</testsuites>\n") != NULL);
	}
	free(t1);
	free(t2);
	for (k = 0; k < 3; k++)
		free(s[k]);
	free(out);
	free(out2);
	buf_clear(&err);
	buf_clear(&cat);
	scratch_remove(dir);
}

TEST_P(merge, without_metadata_only_duplicates_matter, kinds)
{
	const struct kind *kd = herd_param();
	char *dir = scratch_dir("merge"), *out = xasprintf("%s/all%s", dir, kd->suffix), *a, *b, *text;
	unsigned shard_of[NITEMS];
	struct buf err = BUF_INIT;
	struct run r;
	size_t i;

	make_run(&r);
	for (i = 0; i < NITEMS; i++)
		shard_of[i] = i < 4 ? 0 : i < 7 ? 1 : 2;	/* the third part is absent */
	a = write_shard(kd, dir, "a", &r, shard_of, 0, 0.5, NULL);
	b = write_shard(kd, dir, "b", &r, shard_of, 1, 0.25, NULL);
	REQUIRE_EQ(merge(out, &err, 2, a, b), 0, "%s", err.data);
	text = hd_read_file(out, NULL);
	if (!strcmp(kd->suffix, ".json")) {
		/* Separate runs: their deselected counts add up. */
		CHECK(strstr(text, "\"deselected\": 4, \"total\": 7}") != NULL, "%s", text);
		CHECK(strstr(text, "\"duration\": 0.500000,") != NULL, "%s", text);
	} else {
		CHECK(strstr(text, "tests=\"7\" failures=\"3\" errors=\"1\" skipped=\"2\" "
			     "time=\"0.500\"") != NULL, "%s", text);
	}
	free(text);
	/* One input alone, and the output over an input, are fine too. */
	REQUIRE_EQ(merge(a, &err, 1, a), 0, "%s", err.data);
	free(a);
	free(b);
	free(out);
	buf_clear(&err);
	scratch_remove(dir);
}

TEST(merge, repeats_inside_one_input_are_its_own_business)
{
	char *dir = scratch_dir("merge"), *out = xasprintf("%s/all.json", dir), *a, *b, *pa, *pb;
	struct hd_ritem each[4];
	struct buf err = BUF_INIT;
	struct run r;

	/* --dist each runs every item on every worker: ids repeat in one report. */
	make_run(&r);
	each[0] = each[1] = r.it[0];
	each[2] = each[3] = r.it[1];
	pa = xasprintf("%s/a.json", dir);
	pb = xasprintf("%s/b.json", dir);
	a = write_json(pa, each, 4, 1, NULL, 0);
	b = write_json(pb, &r.it[2], 1, 1, NULL, 0);
	free(pa);
	free(pb);
	CHECK_EQ(merge(out, &err, 2, a, b), 0, "%s", err.data);
	free(a);
	free(b);
	free(out);
	buf_clear(&err);
	scratch_remove(dir);
}

/* Writes shards per a plan: for each input, its metadata and the items it
 * holds (a bit mask over the run's items); then merges and returns the
 * status with the message in err. */
struct plan {
	struct meta m;
	unsigned mask;
};

static int
run_plan(const struct kind *kd, const char *dir, const struct plan *p, size_t n,
	 char **paths, struct buf *err)
{
	const char *ins[8];
	char *out = xasprintf("%s/out%s", dir, kd->suffix);
	unsigned shard_of[NITEMS];
	struct run r;
	size_t i, j;
	int rc;
	struct stat st;

	make_run(&r);
	for (i = 0; i < n; i++) {
		struct meta m = p[i].m;
		char name[32];

		if (!m.collection)
			m.collection = r.hash;
		for (j = 0; j < NITEMS; j++)
			shard_of[j] = p[i].mask >> j & 1 ? 0 : 1;
		snprintf(name, sizeof(name), "in%zu", i + 1);
		paths[i] = write_shard(kd, dir, name, &r, shard_of, 0, 1, &m);
		ins[i] = paths[i];
	}
	buf_reset(err);
	rc = hd_merge(out, ins, n, err);
	/* A failed merge writes nothing. */
	if (rc)
		CHECK(stat(out, &st) < 0 && errno == ENOENT, "%s exists", out);
	free(out);
	return rc;
}

/* Masks: ALL the run's items; LOW/MID/HIGH three disjoint thirds. */
#define ALL 0xfffu
#define LOW 0x00fu
#define MID 0x0f0u
#define HIGH 0xf00u

#define FAILS(kd, plan, status, ...) do { \
	char *dir_ = scratch_dir("merge"), *paths_[8] = { NULL }, *want_; \
	struct buf err_ = BUF_INIT; \
	size_t i_; \
	CHECK_EQ(run_plan(kd, dir_, plan, LEN(plan), paths_, &err_), status); \
	want_ = xasprintf(__VA_ARGS__); \
	CHECK_STR_EQ(err_.data ? err_.data : "", want_); \
	free(want_); \
	for (i_ = 0; i_ < LEN(plan); i_++) \
		free(paths_[i_]); \
	buf_clear(&err_); \
	scratch_remove(dir_); \
} while (0)

/* dir_ and paths_ are the macro's: messages name the inputs. */
#define IN(i) paths_[(i) - 1]

TEST_P(merge, overlap_without_metadata, kinds)
{
	const struct kind *kd = herd_param();
	const struct plan p[] = { { { 0, 0, 0, NULL }, LOW | MID }, { { 0, 0, 0, NULL }, MID | HIGH } };

	/* The smallest shared id is named: t/a.c::s::case4 sorts first. xunit2
	 * has no file attribute: its ids are classname::name. */
	FAILS(kd, p, 1, "shards overlap: %s is in %s and %s",
	      kd->write == write_xml ? "t.a.s::case4" : "t/a.c::s::case4", IN(1), IN(2));
}

TEST_P(merge, overlap_with_metadata, kinds)
{
	const struct kind *kd = herd_param();
	const struct plan p[] = {
		{ { 1, 2, NITEMS, NULL }, LOW | 0x8 },
		{ { 2, 2, NITEMS, NULL }, 0x8 | MID | HIGH },
	};

	/* Item 3 is the one whose name needs XML escaping: read back as it was. */
	FAILS(kd, p, 1, "shards overlap: %s is in %s and %s",
	      kd->write == write_xml ? "t.b.s::p[a&b<c>\"]" : "t/b.c::s::p[a&b<c>\"]", IN(1), IN(2));
}

TEST_P(merge, shards_of_different_runs, kinds)
{
	const struct kind *kd = herd_param();
	const struct plan shards[] = {
		{ { 1, 3, NITEMS, NULL }, LOW }, { { 2, 2, NITEMS, NULL }, MID },
	};
	const struct plan selected[] = {
		{ { 1, 2, NITEMS, NULL }, LOW }, { { 2, 2, NITEMS + 1, NULL }, MID },
	};
	const struct plan collection[] = {
		{ { 1, 2, NITEMS, NULL }, LOW | MID }, { { 2, 2, NITEMS, "0123456789abcdef" }, HIGH },
	};

	FAILS(kd, shards, 1, "%s and %s are shards of different runs: 3 shards vs 2",
	      IN(1), IN(2));
	FAILS(kd, selected, 1, "%s and %s are shards of different runs: 12 selected ids vs 13",
	      IN(1), IN(2));
	{
		char h[17];
		struct run r;

		make_run(&r);
		memcpy(h, r.hash, sizeof(h));
		FAILS(kd, collection, 1, "%s and %s are shards of different runs: "
		      "collection %s vs 0123456789abcdef", IN(1), IN(2), h);
	}
}

TEST_P(merge, shard_given_twice, kinds)
{
	const struct kind *kd = herd_param();
	const struct plan p[] = {
		{ { 2, 3, NITEMS, NULL }, MID }, { { 1, 3, NITEMS, NULL }, LOW },
		{ { 2, 3, NITEMS, NULL }, HIGH },
	};

	FAILS(kd, p, 1, "shard 2/3 is given twice: %s and %s", IN(1), IN(3));
}

TEST_P(merge, shard_missing, kinds)
{
	const struct kind *kd = herd_param();
	const struct plan one[] = {
		{ { 1, 3, NITEMS, NULL }, LOW }, { { 2, 3, NITEMS, NULL }, MID },
	};
	const struct plan several[] = {
		{ { 3, 9, NITEMS, NULL }, LOW }, { { 1, 9, NITEMS, NULL }, MID },
	};

	FAILS(kd, one, 1, "shard 3/3 is missing");
	FAILS(kd, several, 1, "shards 2/9, 4/9, 5/9, 6/9, 7/9 and 2 more are missing");
}

TEST_P(merge, ids_missing, kinds)
{
	const struct kind *kd = herd_param();
	const struct plan missing[] = {
		{ { 1, 2, NITEMS, NULL }, LOW }, { { 2, 2, NITEMS, NULL }, MID | 0x100 },
	};
	const struct plan extra[] = {
		{ { 1, 2, 10, NULL }, LOW }, { { 2, 2, 10, NULL }, MID | HIGH },
	};

	FAILS(kd, missing, 1, "3 ids missing: the shards hold 9 of the 12 selected");
	FAILS(kd, extra, 1, "the shards hold 12 ids, more than the 10 selected");
}

TEST_P(merge, metadata_in_some_inputs_only, kinds)
{
	const struct kind *kd = herd_param();
	const struct plan p[] = {
		{ { 0, 0, 0, NULL }, LOW }, { { 2, 2, NITEMS, NULL }, MID | HIGH },
	};

	FAILS(kd, p, 1, "%s has shard metadata and %s has none", IN(2), IN(1));
}

TEST_P(merge, bad_metadata, kinds)
{
	const struct kind *kd = herd_param();
	const struct plan past[] = { { { 3, 2, NITEMS, NULL }, ALL } };
	const struct plan empty[] = { { { 1, 1, NITEMS, "" }, ALL } };

	/* Shard 0 is among the hand-made inputs of not_a_herd_report. */
	FAILS(kd, past, 1, "%s: not a herd %s report: bad shard metadata: shard must be 1 to 2",
	      IN(1), !strcmp(kd->suffix, ".json") ? "JSON" : "JUnit");
	FAILS(kd, empty, 1, "%s: not a herd %s report: bad shard metadata: no collection hash",
	      IN(1), !strcmp(kd->suffix, ".json") ? "JSON" : "JUnit");
}

/* Writes text to dir/name and returns the path. */
static char *
put(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);

	REQUIRE_EQ(hd_write_file_atomic(path, text, strlen(text)), 0);
	return path;
}

struct bad_input {
	const char *name, *text, *reason;
};

static const struct bad_input bad_inputs[] = {
	{ "a.json", "[1, 2]", "not a herd JSON report: no \"tests\" array" },
	{ "a.json", "{\"tests\": [{\"id\": \"x\"}]}", "not a herd JSON report: at byte 11: "
	  "an item without an id or a valid outcome" },
	{ "a.json", "{\"tests\": [{\"id\": \"x\", \"outcome\": \"great\"}]}",
	  "not a herd JSON report: at byte 11: an item without an id or a valid outcome" },
	{ "a.json", "{\"tests\": [], \"meta\": {\"shard\": 0, \"shards\": 2, \"selected\": 0, "
	  "\"collection\": \"x\"}}", "not a herd JSON report: bad shard metadata: "
	  "shard must be 1 to 2" },
	{ "a.json", "{\"tests\": [], \"meta\": {\"shard\": 1.5, \"shards\": 2}}",
	  "not a herd JSON report: bad shard metadata: shard, shards, selected and collection "
	  "must be whole numbers and a string" },
	{ "a.xml", "<html></html>", "not a herd JUnit report: no <testsuite> element" },
	{ "a.xml", "<testsuites><testcase name=\"a\"/></testsuites>",
	  "not a herd JUnit report: no <testsuite> element" },
	{ "a.xml", "<testsuite>\n<properties><property name=\"herd.shard\" value=\"x\"/>"
	  "</properties>\n</testsuite>\n", "not a herd JUnit report: bad shard metadata: "
	  "herd.shard, herd.shards, herd.selected and herd.collection must all be there, "
	  "the first three numbers" },
};

TEST_P(merge, not_a_herd_report, bad_inputs)
{
	const struct bad_input *k = herd_param();
	char *dir = scratch_dir("merge"), *in = put(dir, k->name, k->text), *want;
	char *out = xasprintf("%s/out%s", dir, strchr(k->name, '.'));
	struct buf err = BUF_INIT;

	CHECK_EQ(merge(out, &err, 1, in), 1);
	want = xasprintf("%s: %s", in, k->reason);
	CHECK_STR_EQ(err.data, want);
	free(want);
	free(in);
	free(out);
	buf_clear(&err);
	scratch_remove(dir);
}

/* Input that is not well-formed: a usage error naming the file, line and
 * column, and no output. */
static const struct bad_input malformed[] = {
	{ "a.json", "{\"tests\": [", "1:12: invalid JSON: "
	  "unexpected end of input, expected a value" },
	{ "a.json", "\x7f" "ELF\x02", "1:1: invalid JSON: unexpected byte 0x7f, expected a value" },
	{ "a.json", "{\"tests\": [\n  {\"id\": \"a\", \"outcome\": \"passed\"},\n  ]}",
	  "3:3: invalid JSON: unexpected ']', expected a value" },
	/* The report of bug 10: exit 0 and an output xmllint rejected. */
	{ "a.xml", "<testsuites><testsuite name=\"x\">\n"
	  "<testcase foo=\"<testcaseamp; name=\"a\"></testcase>\n</testsuite></testsuites>\n",
	  "2:16: invalid XML: not well-formed (invalid token)" },
	{ "a.xml", "<testsuites><testsuite name=\"x\">\n    <testcase name=\"a\"",
	  "2:5: invalid XML: unclosed token" },
	{ "a.xml", "<testsuite name=\"x\">\n    <testcase name=\"a\">\n",
	  "3:1: invalid XML: no element found" },
	{ "a.xml", "<testsuite>\n<testcase name=\"a\"></testsuite>\n",
	  "2:22: invalid XML: mismatched tag" },
	{ "a.xml", "<testsuite>\n<testcase name=\"a\">&nbsp;</testcase></testsuite>",
	  "2:20: invalid XML: undefined entity" },
	{ "a.xml", "<testsuite><testcase name=\"a\">\x01</testcase></testsuite>",
	  "1:31: invalid XML: not well-formed (invalid token)" },
	{ "a.xml", "<testsuite><testcase name=\"caf\xe9\"/></testsuite>",
	  "1:31: invalid XML: not well-formed (invalid token)" },
	{ "a.xml", "", "1:1: invalid XML: no element found" },
	/* Entities would be undefined in the output, and may expand without end. */
	{ "a.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE t [<!ENTITY a \"aaaa\">"
	  "<!ENTITY b \"&a;&a;&a;&a;\">]>\n<testsuite><testcase name=\"&b;\"/></testsuite>",
	  "2:13: a DOCTYPE declaration, which JUnit reports do not have" },
	/* A prefix the copied testcase would leave behind. */
	{ "a.xml", "<testsuites xmlns:h=\"urn:h\"><testsuite><testcase h:x=\"1\"/>"
	  "</testsuite></testsuites>", "1:1: a namespace prefix declared outside <testcase>" },
};

TEST_P(merge, malformed_input, malformed)
{
	const struct bad_input *k = herd_param();
	char *dir = scratch_dir("merge"), *in = put(dir, k->name, k->text), *want;
	char *out = xasprintf("%s/out%s", dir, strchr(k->name, '.'));
	struct buf err = BUF_INIT;

	CHECK_EQ(merge(out, &err, 1, in), 4);
	want = xasprintf("%s:%s", in, k->reason);
	CHECK_STR_EQ(err.data, want);
	CHECK_EQ(access(out, F_OK), -1, "no output written");
	free(want);
	free(in);
	free(out);
	buf_clear(&err);
	scratch_remove(dir);
}

/* Past 256 nested elements, or 200 nested JSON values: an error, not a
 * stack or memory exhausted. */
TEST(merge, nesting_is_bounded)
{
	char *dir = scratch_dir("merge"), *x, *j, *out;
	struct buf t = BUF_INIT, err = BUF_INIT;
	size_t i;

	buf_adds(&t, "<testsuite><testcase>");
	for (i = 0; i < 100000; i++)
		buf_adds(&t, "<a>");
	x = put(dir, "deep.xml", t.data);
	out = xasprintf("%s/out.xml", dir);
	CHECK_EQ(merge(out, &err, 1, x), 4);
	CHECK(strstr(err.data, "deep.xml:1:") && strstr(err.data, "deeper than 256 levels"),
	      "%s", err.data);
	free(out);
	buf_reset(&t);
	for (i = 0; i < 100000; i++)
		buf_adds(&t, "{\"tests\":");
	j = put(dir, "deep.json", t.data);
	out = xasprintf("%s/out.json", dir);
	CHECK_EQ(merge(out, &err, 1, j), 4);
	CHECK(strstr(err.data, "deep.json:1:") && strstr(err.data, "nested deeper than 200"),
	      "%s", err.data);
	free(out);
	free(x);
	free(j);
	buf_clear(&t);
	buf_clear(&err);
	scratch_remove(dir);
}

/* Well-formed XML that a textual reader got wrong: '>' in attribute values,
 * testcases side by side on one line, markup-like text in CDATA and
 * comments, character references. The output holds exactly the testcases,
 * byte for byte, and reads back. */
TEST(merge, reads_any_well_formed_junit)
{
	static const char in_text[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<!-- <testsuite name=\"decoy\"> -->\n"
		"<testsuites>\n"
		"  <testsuite name=\"s&gt;1\" time=\"2.5\">\n"
		"    <testcase classname=\"t.a.s\" file=\"t/a.c\" name=\"x&gt;y\" time=\"1\">"
		"<failure message=\"a > b\"><![CDATA[<testcase name=\"fake\"> </testcase>]]>"
		"</failure></testcase>\n"
		"    <testcase classname=\"t.a.s\" file=\"t/a.c\" name=\"p&#91;1]\"/>"
		"<testcase classname=\"t.a.s\" file=\"t/a.c\" name=\"q\"><skipped/></testcase>\n"
		"    <testcase classname=\"t.a.s\" file=\"t/a.c\" name=\"r\">\n"
		"      <flakyFailure message=\"x\"/><!-- <error/> -->\n"
		"    </testcase>   \n"
		"  </testsuite>\n"
		"</testsuites>\n";
	char *dir = scratch_dir("merge"), *in = put(dir, "a.xml", in_text);
	char *out = xasprintf("%s/out.xml", dir), *out2 = xasprintf("%s/out2.xml", dir), *got;
	struct buf err = BUF_INIT;

	REQUIRE_EQ(merge(out, &err, 1, in), 0, "%s", err.data);
	got = hd_read_file(out, NULL);
	REQUIRE_NOT_NULL(got);
	CHECK(strstr(got, "<testsuite name=\"s&gt;1\" tests=\"4\" failures=\"1\" errors=\"0\" "
		      "skipped=\"1\" time=\"2.500\">\n") != NULL, "%s", got);
	CHECK(strstr(got, "    <testcase classname=\"t.a.s\" file=\"t/a.c\" name=\"x&gt;y\" "
		      "time=\"1\"><failure message=\"a > b\"><![CDATA[<testcase name=\"fake\"> "
		      "</testcase>]]></failure></testcase>\n") != NULL, "%s", got);
	CHECK(strstr(got, "    <testcase classname=\"t.a.s\" file=\"t/a.c\" name=\"p&#91;1]\"/>\n"
		      "<testcase classname=\"t.a.s\" file=\"t/a.c\" name=\"q\"><skipped/>"
		      "</testcase>\n") != NULL, "%s", got);
	CHECK(strstr(got, "    </testcase>   \n  </testsuite>\n</testsuites>\n") != NULL, "%s", got);
	CHECK(strstr(got, "decoy") == NULL, "%s", got);
	/* The output is itself a report merge reads, with the same ids. */
	REQUIRE_EQ(merge(out2, &err, 1, out), 0, "%s", err.data);
	/* Its ids: overlapping with the input's, every one of them. */
	CHECK_EQ(merge(out2, &err, 2, in, out), 1);
	CHECK(strstr(err.data, "shards overlap: t/a.c::s::p[1] is in") != NULL, "%s", err.data);
	free(got);
	free(in);
	free(out);
	free(out2);
	buf_clear(&err);
	scratch_remove(dir);
}

/* A pytest item's classname is pytest's (the module dotted without ".py",
 * then its classes), a task's the file alone; merge reads each back to the
 * id it was written from. */
TEST(merge, pytest_and_task_classnames)
{
	struct hd_ritem it[3];
	char *dir = scratch_dir("merge"), *got;
	char *p1 = xasprintf("%s/one.xml", dir), *p2 = xasprintf("%s/two.xml", dir);
	char *p3 = xasprintf("%s/three.xml", dir), *out = xasprintf("%s/out.xml", dir);
	char *one, *two, *three;
	struct buf err = BUF_INIT;
	size_t i;

	memset(it, 0, sizeof(it));
	it[0].id = "sub/test_c.py::TestA::TestB::test_x", it[0].file = "sub/test_c.py";
	it[0].suite = "TestA::TestB", it[0].name = "test_x";
	it[1].id = "sub/test_c.py::test_top", it[1].file = "sub/test_c.py";
	it[1].suite = "", it[1].name = "test_top";
	it[2].id = "tasks.c::generate", it[2].file = "tasks.c", it[2].suite = "";
	it[2].name = "generate";
	for (i = 0; i < 3; i++)
		it[i].outcome = HD_PASSED;
	one = write_junit(p1, it, 1, 1, NULL, HD_JUNIT_XUNIT1);
	two = write_junit(p2, it, 3, 1, NULL, HD_JUNIT_XUNIT1);
	three = write_junit(p3, it + 1, 2, 1, NULL, HD_JUNIT_XUNIT1);
	got = hd_read_file(two, NULL);
	REQUIRE_NOT_NULL(got);
	CHECK(strstr(got, "classname=\"sub.test_c.TestA.TestB\" name=\"test_x\"") != NULL, "%s", got);
	CHECK(strstr(got, "classname=\"sub.test_c\" name=\"test_top\"") != NULL, "%s", got);
	CHECK(strstr(got, "classname=\"tasks\" name=\"generate\"") != NULL, "%s", got);
	CHECK_EQ(merge(out, &err, 2, one, two), 1);
	CHECK(strstr(err.data, "shards overlap: sub/test_c.py::TestA::TestB::test_x is in") != NULL,
	      "%s", err.data);
	CHECK_EQ(merge(out, &err, 2, three, two), 1);
	CHECK(strstr(err.data, "shards overlap: sub/test_c.py::test_top is in") != NULL,
	      "%s", err.data);
	free(got);
	free(one), free(two), free(three);
	free(p1), free(p2), free(p3), free(out);
	buf_clear(&err);
	scratch_remove(dir);
}

TEST(merge, usage_errors)
{
	char *dir = scratch_dir("merge"), *j = put(dir, "a.json", "{\"tests\": []}");
	char *x = put(dir, "a.xml", "<testsuite>\n</testsuite>\n"), *want;
	struct buf err = BUF_INIT;

	CHECK_EQ(merge("out.txt", &err, 1, j), 4);
	CHECK_STR_EQ(err.data, "out.txt: the output must end in .xml (JUnit) or .json");
	CHECK_EQ(merge("out.json", &err, 2, j, x), 4);
	want = xasprintf("%s: not a .json report like out.json", x);
	CHECK_STR_EQ(err.data, want);
	free(want);
	CHECK_EQ(merge("out.xml", &err, 1, j), 4);
	CHECK_EQ(merge("out.json", &err, 1, "/nonexistent/a.json"), 4);
	CHECK_STR_EQ(err.data, "cannot read /nonexistent/a.json: No such file or directory");
	CHECK_EQ(merge("out.json", &err, 0), 4);
	CHECK_STR_EQ(err.data, "no input reports");
	CHECK_EQ(merge(".json", &err, 1, j), 4, "a suffix alone is no file name");
	/* The output cannot be written: the merge fails, no usage error. */
	CHECK_EQ(merge("/nonexistent/out.json", &err, 1, j), 1);
	CHECK_STR_EQ(err.data, "cannot write /nonexistent/out.json: No such file or directory");
	CHECK_EQ(hd_merge("x.json", NULL, 0, NULL), 4, "err may be NULL");
	free(j);
	free(x);
	buf_clear(&err);
	scratch_remove(dir);
}

TEST(merge, command_line)
{
	char *dir = scratch_dir("merge"), *j = put(dir, "a.json", "{\"tests\": []}");
	char *out = xasprintf("%s/out.json", dir), *text;
	char *ok[] = { "merge", out, j, NULL };
	char *dashes[] = { "merge", "--", out, j, NULL };
	char *few[] = { "merge", out, NULL };
	char *none[] = { "merge", NULL };
	char *unknown[] = { "merge", "--frobnicate", out, j, NULL };
	char *bad[] = { "merge", out, "/nonexistent/b.json", NULL };

	/* Errors go to stderr; only the status is checked here. */
	CHECK_EQ(hd_merge_main(3, ok), 0);
	text = hd_read_file(out, NULL);
	REQUIRE_NOT_NULL(text);
	CHECK(strstr(text, "\"tests\": []\n}\n") != NULL, "%s", text);
	CHECK(strstr(text, "\"total\": 0}") != NULL, "%s", text);
	CHECK(strstr(text, "\"duration\": null,") != NULL, "%s", text);
	free(text);
	CHECK_EQ(hd_merge_main(4, dashes), 0);
	CHECK_EQ(hd_merge_main(2, few), 4);
	CHECK_EQ(hd_merge_main(1, none), 4);
	CHECK_EQ(hd_merge_main(4, unknown), 4);
	CHECK_EQ(hd_merge_main(3, bad), 4);
	free(j);
	free(out);
	scratch_remove(dir);
}

TEST(merge, help)
{
	char *help[] = { "merge", "--help", NULL };

	CHECK_EQ(hd_merge_main(2, help), 0);
}

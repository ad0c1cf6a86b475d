/* Unit tests of the .herd_cache folder and .test_durations (src/cache.c). */
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <herd.h>

#include "cache.h"
#include "durations.h"
#include "scratch.h"
#include "util.h"

static void
put(const char *dir, const char *name, const char *text, size_t len)
{
	char *path = xasprintf("%s/%s", dir, name);

	REQUIRE_EQ(hd_write_file_atomic(path, text, len), 0, "%s", path);
	free(path);
}

/* The file's text, or "(missing)". */
static char *
get(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name), *text = hd_read_file(path, NULL);

	free(path);
	return text ? text : xstrdup("(missing)");
}

static int
exists(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	struct stat st;
	int r = lstat(path, &st) == 0;

	free(path);
	return r;
}

#define FILE_EQ(dir, name, want) do { \
	char *got_ = get(dir, name); \
	CHECK_STR_EQ(got_, want, "%s", name); \
	free(got_); \
} while (0)

TEST(cache, missing_is_empty_and_quiet)
{
	char *tmp = scratch_dir("cache"), *dir = xasprintf("%s/nope/.herd_cache", tmp);
	struct buf w = BUF_INIT;
	struct hd_cache c;

	CHECK_EQ(hd_cache_load(&c, dir, &w), 0);
	CHECK_EQ(w.len, 0, "%s", w.data);
	CHECK_EQ(hd_cache_nfailed(&c), 0);
	CHECK_NEAR(hd_cache_duration(&c, "a.c::s::t"), -1, 0);
	CHECK_EQ(hd_cache_failed(&c, "a.c::s::t"), 0);
	hd_cache_free(&c);
	/* A folder without the files is just as empty. */
	free(dir);
	dir = xasprintf("%s/v1", tmp);
	REQUIRE_EQ(mkdir(dir, 0777), 0);
	CHECK_EQ(hd_cache_load(&c, tmp, &w), 0);
	CHECK_EQ(w.len, 0, "%s", w.data);
	CHECK_EQ(c.n, 0);
	hd_cache_free(&c);
	free(dir);
	scratch_remove(tmp);
}

TEST(cache, record_semantics)
{
	struct hd_cache c;

	hd_cache_init(&c, "x");
	hd_cache_record(&c, "a", 1, 0.5);
	hd_cache_record(&c, "b", 0, 2.0);
	hd_cache_record(&c, "c", 1, -1);
	CHECK_EQ(hd_cache_nfailed(&c), 2);
	CHECK_NEAR(hd_cache_duration(&c, "a"), 0.5, 0);
	CHECK_NEAR(hd_cache_duration(&c, "c"), -1, 0, "failed without a duration");
	/* A negative duration leaves the old one; passing clears the mark. */
	hd_cache_record(&c, "a", 0, -1);
	CHECK_NEAR(hd_cache_duration(&c, "a"), 0.5, 0);
	CHECK_EQ(hd_cache_failed(&c, "a"), 0);
	CHECK_EQ(hd_cache_nfailed(&c), 1);
	hd_cache_record(&c, "a", 1, 0.75);
	hd_cache_record(&c, "a", 1, 0.25);
	CHECK_EQ(hd_cache_nfailed(&c), 2, "marked twice counts once");
	CHECK_NEAR(hd_cache_duration(&c, "a"), 0.25, 0);
	/* Clearing what was never there adds nothing; NaN is no duration. */
	hd_cache_record(&c, "ghost", 0, -1);
	CHECK_EQ(c.n, 3);
	hd_cache_record(&c, "b", 0, NAN);
	CHECK_NEAR(hd_cache_duration(&c, "b"), 2.0, 0);
	CHECK_EQ(hd_cache_failed(&c, "zzz"), 0);
	hd_cache_free(&c);
}

TEST(cache, round_trip_and_layout)
{
	/* Parents that do not exist yet are made too (--cache-dir a/b/c). */
	char *tmp = scratch_dir("cache"), *dir = xasprintf("%s/deep/er/.herd_cache", tmp), *tag;
	struct buf w = BUF_INIT, err = BUF_INIT;
	struct hd_cache c, d;

	hd_cache_init(&c, dir);
	hd_cache_record(&c, "t/a.c::s::one", 0, 1.25);
	hd_cache_record(&c, "t/a.c::s::two[\xc3\xa9 x]", 1, 0.000125);
	hd_cache_record(&c, "t/b.c::s::three", 1, -1);
	hd_cache_record(&c, "t/b.c::s::four", 0, 0);
	/* Ids that could not be read back are not written. */
	hd_cache_record(&c, "bad\nid", 1, 1);
	hd_cache_record(&c, "", 1, 1);
	REQUIRE_EQ(hd_cache_save(&c, &err), 0, "%s", err.data);
	FILE_EQ(dir, "v1/lastfailed", "t/a.c::s::two[\xc3\xa9 x]\nt/b.c::s::three\n");
	FILE_EQ(dir, "v1/durations", "1.250000\tt/a.c::s::one\n"
		"0.000125\tt/a.c::s::two[\xc3\xa9 x]\n0.000000\tt/b.c::s::four\n");
	tag = get(dir, "CACHEDIR.TAG");
	CHECK(!strncmp(tag, "Signature: 8a477f597d28d172789f06886806bc55\n", 44), "%s", tag);
	free(tag);
	CHECK(exists(dir, "README.md"));
	FILE_EQ(dir, ".gitignore", "# Created by herd automatically.\n*\n");

	CHECK_EQ(hd_cache_load(&d, dir, &w), 0);
	CHECK_EQ(w.len, 0, "%s", w.data);
	CHECK_EQ(hd_cache_nfailed(&d), 2);
	CHECK(hd_cache_failed(&d, "t/b.c::s::three"));
	CHECK(!hd_cache_failed(&d, "t/a.c::s::one"));
	CHECK_NEAR(hd_cache_duration(&d, "t/a.c::s::one"), 1.25, 1e-6);
	CHECK_NEAR(hd_cache_duration(&d, "t/a.c::s::two[\xc3\xa9 x]"), 0.000125, 1e-6);
	CHECK_NEAR(hd_cache_duration(&d, "t/b.c::s::four"), 0, 0);
	CHECK_NEAR(hd_cache_duration(&d, "t/b.c::s::three"), -1, 0);
	CHECK_STR_EQ(d.dir, dir);
	/* Saving what was loaded writes the same bytes. */
	REQUIRE_EQ(hd_cache_save(&d, &err), 0, "%s", err.data);
	FILE_EQ(dir, "v1/lastfailed", "t/a.c::s::two[\xc3\xa9 x]\nt/b.c::s::three\n");
	hd_cache_free(&c);
	hd_cache_free(&d);
	free(dir);
	scratch_remove(tmp);
}

/* A corrupt file: its reason, and the other file still loads. */
struct corrupt {
	const char *file;	/* under v1/ */
	const char *text;
	size_t len;
	const char *reason;
};

#define C(file, text, reason) { file, text, sizeof(text) - 1, reason }
static const struct corrupt corrupt_cases[] = {
	C("durations", "1.5\ta\nxyz\tb\n", "line 2: bad number of seconds"),
	C("durations", "1.5 a\n", "line 1: no tab between seconds and id"),
	C("durations", "1.5\ta\n2.0\tb", "truncated: line 2 has no newline"),
	C("durations", "-1\ta\n", "line 1: bad number of seconds"),
	C("durations", "nan\ta\n", "line 1: bad number of seconds"),
	C("durations", "1e999\ta\n", "line 1: bad number of seconds"),
	C("durations", "0x10\ta\n", "line 1: bad number of seconds"),
	C("durations", "1.5.5\ta\n", "line 1: bad number of seconds"),
	C("durations", "\ta\n", "line 1: bad number of seconds"),
	C("durations", "1\0\ta\n", "line 1: bad number of seconds"),
	C("durations", "1.5\t\n", "line 1: empty id"),
	C("durations", "1\ta\x01" "b\n", "line 1: control character 0x01"),
	C("durations", "\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0",
	  "truncated: line 1 has no newline"),
	C("durations", "\x7f" "ELF\x02\x01\n", "line 1: no tab between seconds and id"),
	C("lastfailed", "a\n\xff\xfe\n", "line 2: binary data (invalid UTF-8)"),
	C("lastfailed", "a\0b\n", "line 1: binary data (a NUL byte)"),
	C("lastfailed", "a\r\n", "line 1: control character 0x0d"),
	C("lastfailed", "a\n\nb\n", "line 2: empty id"),
	C("lastfailed", "a\nb", "truncated: line 2 has no newline"),
	C("lastfailed", "x\xc0\xaf\n", "line 1: binary data (invalid UTF-8)"),
};

TEST_P(cache, corrupt_file_is_a_warning, corrupt_cases)
{
	const struct corrupt *k = herd_param();
	const char *other = !strcmp(k->file, "durations") ? "lastfailed" : "durations";
	const char *good = !strcmp(k->file, "durations") ? "ok\n" : "2.5\tok\n";
	char *tmp = scratch_dir("cache"), *path, *want, *bad, *v1;
	struct buf w = BUF_INIT;
	struct hd_cache c;

	bad = xasprintf("v1/%s", k->file);
	path = xasprintf("v1/%s", other);
	v1 = xasprintf("%s/v1", tmp);
	REQUIRE_EQ(mkdir(v1, 0777), 0);
	free(v1);
	put(tmp, bad, k->text, k->len);
	put(tmp, path, good, strlen(good));
	CHECK_EQ(hd_cache_load(&c, tmp, &w), 0);
	want = xasprintf("herd: warning: ignoring corrupt cache file %s/%s: %s\n", tmp, bad,
			 k->reason);
	CHECK_STR_EQ(w.data ? w.data : "", want);
	/* The bad file counts as empty, even the good lines before the damage. */
	CHECK_NEAR(hd_cache_duration(&c, "a"), -1, 0);
	CHECK_EQ(hd_cache_failed(&c, "a"), 0);
	/* The other file is read as usual. */
	if (!strcmp(other, "durations"))
		CHECK_NEAR(hd_cache_duration(&c, "ok"), 2.5, 0);
	else
		CHECK(hd_cache_failed(&c, "ok"));
	CHECK_EQ(c.n, 1);
	hd_cache_free(&c);
	free(want);
	free(bad);
	free(path);
	buf_clear(&w);
	scratch_remove(tmp);
}

TEST(cache, unreadable_files_are_warnings)
{
	char *tmp = scratch_dir("cache"), *p;
	struct buf w = BUF_INIT, err = BUF_INIT;
	struct hd_cache c;
	char *want;

	/* A folder where the durations file should be. */
	p = xasprintf("%s/v1", tmp);
	REQUIRE_EQ(mkdir(p, 0777), 0);
	free(p);
	p = xasprintf("%s/v1/durations", tmp);
	REQUIRE_EQ(mkdir(p, 0777), 0);
	CHECK_EQ(hd_cache_load(&c, tmp, &w), 0);
	want = xasprintf("herd: warning: ignoring corrupt cache file %s: %s\n", p, strerror(EISDIR));
	CHECK_STR_EQ(w.data ? w.data : "", want);
	/* Saving over it fails with a reason, and does not crash either. */
	CHECK_EQ(hd_cache_save(&c, &err), -1);
	CHECK(err.len > 0 && strstr(err.data, "cannot write ") == err.data, "%s", err.data);
	hd_cache_free(&c);
	free(want);
	free(p);
	/* v1 a plain file: one warning per file, with the system's reason. */
	buf_reset(&w);
	p = xasprintf("%s/v1", tmp);
	scratch_remove(xstrdup(p));
	put(tmp, "v1", "junk", 4);
	CHECK_EQ(hd_cache_load(&c, tmp, &w), 0);
	want = xasprintf("herd: warning: ignoring corrupt cache file %s/lastfailed: %s\n"
			 "herd: warning: ignoring corrupt cache file %s/durations: %s\n",
			 p, strerror(ENOTDIR), p, strerror(ENOTDIR));
	CHECK_STR_EQ(w.data ? w.data : "", want);
	buf_reset(&err);
	CHECK_EQ(hd_cache_save(&c, &err), -1);
	hd_cache_free(&c);
	free(want);
	free(p);
	buf_clear(&w);
	buf_clear(&err);
	scratch_remove(tmp);
}

TEST(cache, save_reports_why)
{
	char *tmp = scratch_dir("cache"), *want;
	struct buf err = BUF_INIT;
	struct hd_cache c;

	put(tmp, "file", "x", 1);
	want = xasprintf("%s/file/cache", tmp);
	hd_cache_init(&c, want);
	free(want);
	CHECK_EQ(hd_cache_save(&c, &err), -1);
	want = xasprintf("cannot create %s/file/cache: %s", tmp, strerror(ENOTDIR));
	CHECK_STR_EQ(err.data, want);
	CHECK_EQ(hd_cache_save(&c, NULL), -1, "err may be NULL");
	free(want);
	hd_cache_free(&c);
	buf_clear(&err);
	scratch_remove(tmp);
}

TEST(cache, clear_removes_only_herds_files)
{
	char *tmp = scratch_dir("cache"), *dir = xasprintf("%s/c", tmp), *mine;
	struct buf err = BUF_INIT;
	struct hd_cache c;

	hd_cache_init(&c, dir);
	hd_cache_record(&c, "a", 1, 1);
	REQUIRE_EQ(hd_cache_save(&c, &err), 0, "%s", err.data);
	/* Something of the user's in the folder stays, and so does the folder. */
	put(dir, "mine.txt", "keep", 4);
	CHECK_EQ(hd_cache_clear(dir, &err), 0, "%s", err.data);
	CHECK(!exists(dir, "v1/lastfailed"));
	CHECK(!exists(dir, "v1/durations"));
	CHECK(!exists(dir, "v1"));
	CHECK(!exists(dir, "CACHEDIR.TAG"));
	CHECK(!exists(dir, "README.md"));
	CHECK(!exists(dir, ".gitignore"));
	FILE_EQ(dir, "mine.txt", "keep");
	/* Saved again, then cleared whole: the folder goes too. */
	REQUIRE_EQ(hd_cache_save(&c, &err), 0, "%s", err.data);
	mine = xasprintf("%s/mine.txt", dir);
	REQUIRE_EQ(unlink(mine), 0);
	free(mine);
	CHECK_EQ(hd_cache_clear(dir, &err), 0, "%s", err.data);
	CHECK(!exists(tmp, "c"));
	/* Clearing nothing is fine. */
	CHECK_EQ(hd_cache_clear(dir, &err), 0, "%s", err.data);
	CHECK_EQ(err.len, 0);
	hd_cache_free(&c);
	free(dir);
	scratch_remove(tmp);
}

TEST(cache, show)
{
	struct hd_cache c;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	hd_cache_init(&c, ".herd_cache");
	hd_cache_record(&c, "b", 1, 0.5);
	hd_cache_record(&c, "a", 0, 2);
	hd_cache_record(&c, "c", 0, 0.5);
	hd_cache_record(&c, "d", 1, -1);
	f = open_memstream(&text, &len);
	REQUIRE_NOT_NULL(f);
	hd_cache_show(f, &c);
	fclose(f);
	CHECK_STR_EQ(text,
		"cachedir: .herd_cache\n"
		"lastfailed: 2 ids\n"
		"  b\n"
		"  d\n"
		"durations: 3 ids, longest first\n"
		"    2.000000s  a\n"
		"    0.500000s  b\n"
		"    0.500000s  c\n");
	free(text);
	hd_cache_free(&c);
}

TEST(cache, hundred_thousand_ids)
{
	char *tmp = scratch_dir("cache"), id[64];
	struct buf err = BUF_INIT, w = BUF_INIT;
	struct hd_cache c, d;
	size_t i, n = 100000, bad = 0;

	hd_cache_init(&c, tmp);
	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "tests/t%zu.c::suite::case_%zu", i % 97, i);
		hd_cache_record(&c, id, i % 10 == 0, (double)i / 1000);
	}
	CHECK_EQ(c.n, n);
	CHECK_EQ(hd_cache_nfailed(&c), n / 10);
	REQUIRE_EQ(hd_cache_save(&c, &err), 0, "%s", err.data);
	CHECK_EQ(hd_cache_load(&d, tmp, &w), 0);
	CHECK_EQ(w.len, 0);
	CHECK_EQ(d.n, n);
	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "tests/t%zu.c::suite::case_%zu", i % 97, i);
		bad += fabs(hd_cache_duration(&d, id) - (double)i / 1000) > 1e-6;
		bad += hd_cache_failed(&d, id) != (i % 10 == 0);
	}
	CHECK_EQ(bad, 0);
	CHECK_NEAR(hd_cache_duration(&d, "tests/t0.c::suite::case_100000"), -1, 0);
	hd_cache_free(&c);
	hd_cache_free(&d);
	scratch_remove(tmp);
}

TEST(durations, import)
{
	static const char json[] =
		"{\n"
		"    \"t/a.c::s::x\": 1.5,\n"
		"    \"t/a.c::s::y[caf\\u00e9]\": 2e-3,\n"
		"    \"t/a.c::s::\\ud83d\\udc11\": 0,\n"
		"    \"t/a.c::s::z\": 7\n"
		"}\n";
	char *tmp = scratch_dir("cache"), *path = xasprintf("%s/.test_durations", tmp);
	struct buf err = BUF_INIT;
	struct hd_cache c;

	put(tmp, ".test_durations", json, sizeof(json) - 1);
	hd_cache_init(&c, tmp);
	hd_cache_record(&c, "t/a.c::s::x", 1, 9);
	hd_cache_record(&c, "other", 0, 3);
	REQUIRE_EQ(hd_durations_import(&c, path, &err), 0, "%s", err.data);
	CHECK_NEAR(hd_cache_duration(&c, "t/a.c::s::x"), 1.5, 0);
	CHECK(hd_cache_failed(&c, "t/a.c::s::x"), "the failed mark stays");
	CHECK_NEAR(hd_cache_duration(&c, "t/a.c::s::y[caf\xc3\xa9]"), 0.002, 0);
	CHECK_NEAR(hd_cache_duration(&c, "t/a.c::s::\xf0\x9f\x90\x91"), 0, 0);
	CHECK_NEAR(hd_cache_duration(&c, "t/a.c::s::z"), 7, 0);
	CHECK_NEAR(hd_cache_duration(&c, "other"), 3, 0, "ids not in the file stay");
	hd_cache_free(&c);
	free(path);
	scratch_remove(tmp);
}

struct bad_import {
	const char *text;
	const char *reason;	/* after "PATH: " */
};

static const struct bad_import bad_imports[] = {
	{ "[1, 2]", "at byte 0: expected an object of id: seconds, found an array" },
	{ "  \"x\"", "at byte 2: expected an object of id: seconds, found a string" },
	{ "{\"a\": 1, \"b\": \"2\"}", "at byte 14: expected a number of seconds, found a string" },
	{ "{\"a\": {}}", "at byte 6: expected a number of seconds, found an object" },
	{ "{\"a\": null}", "at byte 6: expected a number of seconds, found a null" },
	{ "{\"a\": -0.5}", "at byte 6: negative duration" },
	{ "{\"a\\u0000b\": 1}", "at byte 1: an id holds a NUL character" },
	{ "{\"a\": 1,}", "at byte 8: unexpected '}', expected a string key in an object" },
	{ "{\"a\": 1", "at byte 7: unexpected end of input, expected ',' or '}' in an object" },
	{ "{\"a\": NaN}", "at byte 6: unexpected 'N', expected a value" },
	{ "{\"\\ud800\": 1}", "at byte 2: high surrogate \\ud800 without a low one" },
	{ "", "at byte 0: unexpected end of input, expected a value" },
	{ "\x7f" "ELF", "at byte 0: unexpected byte 0x7f, expected a value" },
};

TEST_P(durations, import_rejects, bad_imports)
{
	const struct bad_import *k = herd_param();
	char *tmp = scratch_dir("cache"), *path = xasprintf("%s/d.json", tmp), *want;
	struct buf err = BUF_INIT;
	struct hd_cache c;

	put(tmp, "d.json", k->text, strlen(k->text));
	hd_cache_init(&c, tmp);
	hd_cache_record(&c, "a", 0, 4);
	CHECK_EQ(hd_durations_import(&c, path, &err), -1);
	want = xasprintf("%s: %s", path, k->reason);
	CHECK_STR_EQ(err.data ? err.data : "", want);
	/* Nothing changed, not even the entries before the bad one. */
	CHECK_NEAR(hd_cache_duration(&c, "a"), 4, 0);
	CHECK_EQ(c.n, 1);
	hd_cache_free(&c);
	free(want);
	free(path);
	buf_clear(&err);
	scratch_remove(tmp);
}

TEST(durations, import_missing_file)
{
	struct buf err = BUF_INIT;
	struct hd_cache c;

	hd_cache_init(&c, "x");
	CHECK_EQ(hd_durations_import(&c, "/nonexistent/.test_durations", &err), -1);
	CHECK_STR_EQ(err.data, "cannot read /nonexistent/.test_durations: No such file or directory");
	hd_cache_free(&c);
	buf_clear(&err);
}

TEST(durations, export_sorted_and_pretty)
{
	char *tmp = scratch_dir("cache"), *path = xasprintf("%s/.test_durations", tmp);
	struct buf err = BUF_INIT;
	struct hd_cache c, d;

	hd_cache_init(&c, tmp);
	REQUIRE_EQ(hd_durations_export(&c, path, &err), 0, "%s", err.data);
	FILE_EQ(tmp, ".test_durations", "{}\n");
	hd_cache_record(&c, "t/b.c::s::x", 0, 0.1);
	hd_cache_record(&c, "t/a.c::s::\"q\"", 1, 2);
	hd_cache_record(&c, "t/a.c::s::tiny", 0, 1e-7);
	hd_cache_record(&c, "t/a.c::s::no_duration", 1, -1);
	hd_cache_record(&c, "t/a.c::s::third", 0, 1.0 / 3);
	REQUIRE_EQ(hd_durations_export(&c, path, &err), 0, "%s", err.data);
	FILE_EQ(tmp, ".test_durations",
		"{\n"
		"    \"t/a.c::s::\\\"q\\\"\": 2.0,\n"
		"    \"t/a.c::s::third\": 0.3333333333333333,\n"
		"    \"t/a.c::s::tiny\": 1e-07,\n"
		"    \"t/b.c::s::x\": 0.1\n"
		"}\n");
	/* Exported and imported back: the same numbers, exactly. */
	hd_cache_init(&d, tmp);
	REQUIRE_EQ(hd_durations_import(&d, path, &err), 0, "%s", err.data);
	CHECK_EQ(d.n, 4);
	CHECK(hd_cache_duration(&d, "t/a.c::s::third") == 1.0 / 3);
	CHECK(hd_cache_duration(&d, "t/a.c::s::tiny") == 1e-7);
	CHECK(hd_cache_duration(&d, "t/b.c::s::x") == 0.1);
	CHECK(hd_cache_duration(&d, "t/a.c::s::\"q\"") == 2);
	hd_cache_free(&c);
	hd_cache_free(&d);
	free(path);
	scratch_remove(tmp);
}

/* Two runs that loaded the cache before either saved: each save adds its
 * changes to what the other wrote, in place of overwriting it. */
TEST(cache, saves_merge_with_the_files)
{
	char *dir = scratch_dir("cache");
	struct buf err = BUF_INIT;
	struct hd_cache a, b, c;

	hd_cache_init(&a, dir);
	hd_cache_record(&a, "x::old", 1, 3);
	REQUIRE_EQ(hd_cache_save(&a, &err), 0, "%s", err.data);
	hd_cache_free(&a);

	hd_cache_load(&a, dir, NULL);
	hd_cache_load(&b, dir, NULL);
	hd_cache_record(&a, "x::a", 1, 1);
	hd_cache_record(&b, "x::b", 1, 2);
	hd_cache_record(&b, "x::old", 0, 4);	/* b fixed it: a must not bring it back */
	REQUIRE_EQ(hd_cache_save(&b, &err), 0, "%s", err.data);
	REQUIRE_EQ(hd_cache_save(&a, &err), 0, "%s", err.data);
	FILE_EQ(dir, "v1/lastfailed", "x::b\nx::a\n");
	FILE_EQ(dir, "v1/durations", "2.000000\tx::b\n4.000000\tx::old\n1.000000\tx::a\n");

	hd_cache_load(&c, dir, NULL);
	CHECK_EQ(hd_cache_nfailed(&c), 2);
	hd_cache_free(&a);
	hd_cache_free(&b);
	hd_cache_free(&c);
	buf_clear(&err);
	scratch_remove(dir);
}

/* --shard: a round of N shards splits by the durations its first shard saw. */
TEST(cache, split_rounds)
{
	char *dir = scratch_dir("cache");
	const char *ids[] = { "x::a", "x::b" };
	struct buf err = BUF_INIT;
	struct hd_cache c;
	double secs[2];

	hd_cache_init(&c, dir);
	hd_cache_record(&c, "x::a", 0, 5);
	/* Looking only (--collect-only) does not start a round. */
	REQUIRE_EQ(hd_split_durations(&c, "h1", 1, 2, ids, 2, secs, 0, &err), 0, "%s", err.data);
	CHECK_NEAR(secs[0], 5, 0);
	CHECK_NEAR(secs[1], -1, 0);
	CHECK(!exists(dir, "v1/split"));

	REQUIRE_EQ(hd_split_durations(&c, "h1", 1, 2, ids, 2, secs, 1, &err), 0, "%s", err.data);
	CHECK_NEAR(secs[0], 5, 0);
	FILE_EQ(dir, "v1/split", "herd-split 1 h1 2\ndone 10\n5.000000\tx::a\n");
	/* Shard 1 learnt new durations: shard 2 still splits as shard 1 did. */
	hd_cache_record(&c, "x::a", 0, 1);
	hd_cache_record(&c, "x::b", 0, 7);
	REQUIRE_EQ(hd_split_durations(&c, "h1", 2, 2, ids, 2, secs, 1, &err), 0, "%s", err.data);
	CHECK_NEAR(secs[0], 5, 0);
	CHECK_NEAR(secs[1], -1, 0);
	FILE_EQ(dir, "v1/split", "herd-split 1 h1 2\ndone 11\n5.000000\tx::a\n");
	/* Every shard ran: the next round takes what was learnt. */
	REQUIRE_EQ(hd_split_durations(&c, "h1", 2, 2, ids, 2, secs, 1, &err), 0, "%s", err.data);
	CHECK_NEAR(secs[0], 1, 0);
	CHECK_NEAR(secs[1], 7, 0);
	FILE_EQ(dir, "v1/split", "herd-split 1 h1 2\ndone 01\n1.000000\tx::a\n7.000000\tx::b\n");
	/* Another selection, or another N, starts its own round. */
	REQUIRE_EQ(hd_split_durations(&c, "h2", 1, 2, ids, 2, secs, 1, &err), 0, "%s", err.data);
	FILE_EQ(dir, "v1/split", "herd-split 1 h2 2\ndone 10\n1.000000\tx::a\n7.000000\tx::b\n");
	hd_cache_record(&c, "x::b", 0, 9);
	REQUIRE_EQ(hd_split_durations(&c, "h2", 1, 3, ids, 2, secs, 1, &err), 0, "%s", err.data);
	CHECK_NEAR(secs[1], 9, 0);
	/* A damaged file is a fresh round, not an error. */
	put(dir, "v1/split", "herd-split 1 h2 3\ndone 1x0\n", 26);
	REQUIRE_EQ(hd_split_durations(&c, "h2", 2, 3, ids, 2, secs, 1, &err), 0, "%s", err.data);
	FILE_EQ(dir, "v1/split", "herd-split 1 h2 3\ndone 010\n1.000000\tx::a\n9.000000\tx::b\n");
	hd_cache_free(&c);
	buf_clear(&err);
	scratch_remove(dir);
}

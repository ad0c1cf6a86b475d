/* Unit tests of the --tap report (src/report_tap.c): the exact lines for every
 * outcome, escaping, and prove's reading of the result. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <herd.h>

#include "report_tap.h"
#include "util.h"

static char *
tap(const struct hd_ritem *items, size_t n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	REQUIRE_NOT_NULL(f);
	hd_tap_write(f, items, n);
	REQUIRE_EQ(fclose(f), 0);
	return text;
}

#define ITEM(id, o, dur, msg) { id, "t.c", 1, "s", id, o, dur, msg, NULL, 0, NULL, 0, NULL, 0, 0, NULL }

static const struct hd_ritem every[] = {
	ITEM("t.c::s::pass", HD_PASSED, 0.001, NULL),
	ITEM("t.c::s::fail", HD_FAILED, 0.0125, "t.c:5: CHECK_EQ(a, b) failed\n  a = 1\n  b = 2\n"),
	ITEM("t.c::s::err", HD_ERROR, 0, "fixture db: setup failed"),
	ITEM("t.c::s::skip", HD_SKIPPED, 0, "no network"),
	ITEM("t.c::s::xfail", HD_XFAILED, 0, "issue 12"),
	ITEM("t.c::s::xpass", HD_XPASSED, 0, "issue 13"),
	ITEM("t.c::s::crash", HD_CRASHED, 0.5, "killed by SIGSEGV"),
	ITEM("t.c::s::hang", HD_TIMEOUT, 2, "timed out after 2s"),
	ITEM("t.c::s::flaky", HD_FLAKY, 0.25, "passed on rerun 1"),
	ITEM("t.c::s::notrun", HD_NOTRUN, 0, NULL),
	ITEM("t.c::s::unfinished", HD_NONE, 0, NULL),
};

TEST(tap, every_outcome)
{
	char *got = tap(every, LEN(every));

	CHECK_STR_EQ(got,
		"TAP version 13\n"
		"1..11\n"
		"ok 1 - t.c::s::pass\n"
		"not ok 2 - t.c::s::fail\n"
		"  ---\n"
		"  outcome: failed\n"
		"  message: |\n"
		"    t.c:5: CHECK_EQ(a, b) failed\n"
		"      a = 1\n"
		"      b = 2\n"
		"  duration_ms: 12.500\n"
		"  ...\n"
		"not ok 3 - t.c::s::err\n"
		"  ---\n"
		"  outcome: error\n"
		"  message: |\n"
		"    fixture db: setup failed\n"
		"  duration_ms: 0.000\n"
		"  ...\n"
		"ok 4 - t.c::s::skip # SKIP no network\n"
		"not ok 5 - t.c::s::xfail # TODO issue 12\n"
		"ok 6 - t.c::s::xpass # TODO issue 13\n"
		"not ok 7 - t.c::s::crash\n"
		"  ---\n"
		"  outcome: crashed\n"
		"  message: |\n"
		"    killed by SIGSEGV\n"
		"  duration_ms: 500.000\n"
		"  ...\n"
		"not ok 8 - t.c::s::hang\n"
		"  ---\n"
		"  outcome: timeout\n"
		"  message: |\n"
		"    timed out after 2s\n"
		"  duration_ms: 2000.000\n"
		"  ...\n"
		"ok 9 - t.c::s::flaky\n"
		"ok 10 - t.c::s::notrun # SKIP not run\n"
		"ok 11 - t.c::s::unfinished # SKIP not run\n");
	free(got);
}

TEST(tap, empty_plan_says_why)
{
	char *got = tap(NULL, 0);

	CHECK_STR_EQ(got, "TAP version 13\n1..0 # SKIP no tests selected\n");
	free(got);
}

TEST(tap, reasons_are_one_line)
{
	static const struct hd_ritem v[] = {
		ITEM("a", HD_SKIPPED, 0, "first\nsecond"),
		ITEM("b", HD_SKIPPED, 0, ""),
		ITEM("c", HD_XFAILED, 0, NULL),
	};
	char *got = tap(v, LEN(v));

	CHECK_STR_EQ(got, "TAP version 13\n1..3\n"
		     "ok 1 - a # SKIP first\n"
		     "ok 2 - b # SKIP\n"
		     "not ok 3 - c # TODO\n");
	free(got);
}

TEST(tap, description_escaped)
{
	/* A '#' in a name must not start a directive, nor a newline a line. */
	static const struct hd_ritem v[] = {
		ITEM("t.c::s::p[# TODO]", HD_FAILED, 0, NULL),
		ITEM("t.c::s::p[a\\b]", HD_PASSED, 0, NULL),
		ITEM("t.c::s::p[x\ny\x01\xff]", HD_PASSED, 0, NULL),
		ITEM("t.c::s::p[\xc3\xa9]", HD_PASSED, 0, NULL),
	};
	char *got = tap(v, LEN(v));

	CHECK_STR_EQ(got, "TAP version 13\n1..4\n"
		     "not ok 1 - t.c::s::p[\\# TODO]\n"
		     "  ---\n  outcome: failed\n  duration_ms: 0.000\n  ...\n"
		     "ok 2 - t.c::s::p[a\\\\b]\n"
		     "ok 3 - t.c::s::p[x\\x0ay\\x01\\xff]\n"
		     "ok 4 - t.c::s::p[\xc3\xa9]\n");
	free(got);
}

TEST(tap, yaml_message_bytes)
{
	/* Blank lines keep their indentation; tabs stay; the rest is \xNN. */
	static const struct hd_ritem v[] = {
		ITEM("a", HD_FAILED, 0.001, "one\n\n\ttwo \x1b[31m\xfe\n..."),
	};
	char *got = tap(v, LEN(v));

	CHECK_STR_EQ(got, "TAP version 13\n1..1\n"
		     "not ok 1 - a\n  ---\n  outcome: failed\n  message: |\n"
		     "    one\n"
		     "    \n"
		     "    \ttwo \\x1b[31m\\xfe\n"
		     "    ...\n"
		     "  duration_ms: 1.000\n  ...\n");
	free(got);
}

TEST(tap, indented_message_quoted)
{
	/* YAML cannot start a literal block with an indented line. */
	static const struct hd_ritem v[] = {
		ITEM("a", HD_CRASHED, 0, "\n  indented \"q\" \\\n\tx\x01\xff\xc3\xa9"),
	};
	char *got = tap(v, LEN(v));

	CHECK_STR_EQ(got, "TAP version 13\n1..1\n"
		     "not ok 1 - a\n  ---\n  outcome: crashed\n"
		     "  message: \"\\n  indented \\\"q\\\" \\\\\\n\\tx\\x01\xef\xbf\xbd\xc3\xa9\"\n"
		     "  duration_ms: 0.000\n  ...\n");
	free(got);
}

/*
 * Runs prove over the TAP for v and returns its exit status; 100 if prove
 * reported parse errors, 101 if its output lacks want.
 */
static int
prove(const struct hd_ritem *v, size_t n, const char *want)
{
	const char *t = getenv("TMPDIR");
	char *dir = xasprintf("%s/herd-tap-XXXXXX", t && *t ? t : "/tmp");
	char *path, *out, *cmd, *text;
	int rc;

	if (system("command -v prove >/dev/null 2>&1") != 0)
		herd_skip("prove not available");
	REQUIRE_NOT_NULL(mkdtemp(dir));
	path = xasprintf("%s/t.tap", dir);
	out = xasprintf("%s/out", dir);
	text = tap(v, n);
	REQUIRE_EQ(hd_write_file_atomic(path, text, strlen(text)), 0);
	cmd = xasprintf("prove -e cat '%s' >'%s' 2>&1; s=$?; "
			"grep -q 'Parse errors' '%s' && exit 100; "
			"grep -q '%s' '%s' || exit 101; exit $s",
			path, out, out, want, out);
	rc = system(cmd);
	if (rc != 0 && (text = hd_read_file(out, NULL)) != NULL) {
		fprintf(stderr, "%s", text);	/* shown with the failure */
		free(text);
	}
	unlink(out);
	unlink(path);
	rmdir(dir);
	free(cmd);
	free(out);
	free(path);
	free(dir);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

TEST(tap, prove_accepts_non_failures)
{
	static const struct hd_ritem v[] = {
		ITEM("p # not a directive", HD_PASSED, 0, NULL),
		ITEM("s", HD_SKIPPED, 0, "why"),
		ITEM("x", HD_XFAILED, 0, "bug"),
		ITEM("X", HD_XPASSED, 0, "bug"),
		ITEM("f", HD_FLAKY, 0, NULL),
		ITEM("n", HD_NOTRUN, 0, NULL),
	};

	CHECK_EQ(prove(v, LEN(v), "Result: PASS"), 0);
}

TEST(tap, prove_sees_failures)
{
	/* Were '#' not escaped, prove would take the failure for a TODO; the
	 * messages would break its YAML reader if indented or blank lines went
	 * wrong, or end the block early if "..." were not indented. */
	static const struct hd_ritem v[] = {
		ITEM("ok", HD_PASSED, 0, NULL),
		ITEM("f[# TODO]", HD_FAILED, 0, "  indented\nsecond\n\nfourth"),
		ITEM("c", HD_CRASHED, 0, "SIGSEGV\n\n---\n...\nok 9 - fake"),
	};

	CHECK_EQ(prove(v, LEN(v), "Failed tests:  2-3"), 1);
}

/*
 * fuzz_cache.c - a libFuzzer target for the cache's files (common/cache.c):
 * .herd_cache/v1/lastfailed and v1/durations, which any run, a user or a
 * crash halfway through a write may leave in any state.
 *
 * An input is both files: the bytes before the first NUL are lastfailed,
 * the rest durations. Loading never fails: a file that does not parse is
 * ignored whole with one warning. Every duration loaded is seconds >= 0, and
 * a save (which rewrites the files from what they hold, under the lock) and
 * a load give back the same failed marks and the same durations.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_cache: invariant violated: %s\n", what);
		abort();
	}
}

static char *dir_;

/* The scratch folder goes when the process does (libFuzzer exits through exit). */
static void
cleanup(void)
{
	char *a = xasprintf("%s/a", dir_);

	hd_cache_clear(a, NULL);
	rmdir(a);
	rmdir(dir_);
	free(a);
}

static char *
scratch(void)
{
	const char *tmp = getenv("TMPDIR");

	if (!dir_) {
		char *tpl = xasprintf("%s/herd-fuzz-cache-XXXXXX", tmp && *tmp ? tmp : "/tmp");

		check(mkdtemp(tpl) != NULL, "mkdtemp");
		dir_ = tpl;
		atexit(cleanup);
	}
	return dir_;
}

static void
put(const char *dir, const char *name, const void *p, size_t n)
{
	char *path = xasprintf("%s/%s", dir, name);

	check(hd_write_file_atomic(path, p, n) == 0, "writing an input file");
	free(path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *dir = scratch(), *a = xasprintf("%s/a", dir);
	char *v1 = xasprintf("%s/v1", a);
	const uint8_t *nul = memchr(data, 0, size);
	size_t nlf = nul ? (size_t)(nul - data) : size, i, n;
	struct buf warn = BUF_INIT, err = BUF_INIT;
	struct hd_cache c, d;
	const char **ids;

	hd_cache_clear(a, NULL);
	mkdir(a, 0700);
	mkdir(v1, 0700);
	put(a, "v1/lastfailed", data, nlf);
	put(a, "v1/durations", nul ? nul + 1 : data + size, nul ? size - nlf - 1 : 0);
	hd_cache_load(&c, a, &warn);
	/* Every known duration is a number of seconds >= 0. */
	ids = hd_cache_timed_ids(&c, &n);
	for (i = 0; i < n; i++) {
		double s = hd_cache_duration(&c, ids[i]);

		check(s >= 0 && isfinite(s), "a duration that is not seconds >= 0");
	}
	free(ids);
	/* Saving rewrites the files from what they hold: a reload sees the same. */
	check(hd_cache_save(&c, &err) == 0, "saving what was loaded");
	hd_cache_load(&d, a, NULL);
	check(hd_cache_nfailed(&d) == hd_cache_nfailed(&c), "failed marks lost or added by a round trip");
	ids = hd_cache_timed_ids(&c, &n);
	for (i = 0; i < n; i++)
		check(fabs(hd_cache_duration(&d, ids[i]) - hd_cache_duration(&c, ids[i])) < 1e-6,
		      "a duration changed by a round trip");
	free(ids);
	hd_cache_free(&c);
	hd_cache_free(&d);
	buf_clear(&warn);
	buf_clear(&err);
	free(v1);
	free(a);
	return 0;
}

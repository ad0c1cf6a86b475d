/*
 * fuzz_ini.c - a libFuzzer target for herd.ini and addopts (common/ini.c).
 *
 * An input is a herd.ini. It must parse, or fail with one line
 * "fuzz.ini:LINE: problem" quoting a bounded excerpt; never crash or take
 * more than linear time. A parsed file's entries must be what the dialect
 * promises (a section and a key, both short and trimmed, values trimmed);
 * each value is then split as addopts are, and the words must survive being
 * quoted and split again.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini.h"
#include "quote.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_ini: invariant violated: %s\n", what);
		abort();
	}
}

static int
blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static void
check_trimmed(const char *s, const char *what)
{
	size_t n = strlen(s);

	check(n == 0 || (!blank((unsigned char)s[0]) && !blank((unsigned char)s[n - 1])), what);
}

/* Quotes every word in single quotes, as a shell would read it back. */
static void
split_round_trip(const char *value)
{
	char **v, **w, err[128];
	size_t n, m, i;
	struct buf b = BUF_INIT;

	if (hd_split_args(value, &v, &n, err, sizeof(err)) < 0) {
		check(err[0] != '\0' && v == NULL && n == 0, "a split error without a message");
		return;
	}
	check(v[n] == NULL, "argv not NULL-terminated");
	for (i = 0; i < n; i++) {
		const char *p;

		buf_addc(&b, '\'');
		for (p = v[i]; *p; p++)
			if (*p == '\'')
				buf_adds(&b, "'\\''");
			else
				buf_addc(&b, *p);
		buf_adds(&b, "' ");
	}
	check(hd_split_args(b.data ? b.data : "", &w, &m, err, sizeof(err)) == 0,
	      "quoted words do not split");
	check(m == n, "quoted words split into another number of words");
	for (i = 0; i < n; i++)
		check(!strcmp(v[i], w[i]), "a quoted word came back different");
	hd_args_free(v);
	hd_args_free(w);
	buf_clear(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hd_ini_entry *e = NULL;
	char err[512];
	size_t n = 0, i;

	memset(err, 0, sizeof(err));
	if (hd_ini_parse((const char *)data, size, "fuzz.ini", &e, &n, err, sizeof(err)) < 0) {
		check(e == NULL && n == 0, "a failed parse returned entries");
		check(!strncmp(err, "fuzz.ini:", 9), "an error not naming the file");
		check(strlen(err) < 120 + HD_QUOTE_SIZE, "an error quoting too much");
		check(!strchr(err, '\n'), "an error of more than one line");
		return 0;
	}
	for (i = 0; i < n; i++) {
		check(e[i].section && e[i].key && e[i].value, "an entry with a NULL field");
		check(e[i].key[0] != '\0', "an empty key");
		check(strlen(e[i].key) <= HD_INI_MAX_NAME, "a key past the limit");
		check(strlen(e[i].section) <= HD_INI_MAX_NAME, "a section name past the limit");
		check_trimmed(e[i].key, "a key not trimmed");
		check_trimmed(e[i].section, "a section name not trimmed");
		check_trimmed(e[i].value, "a value not trimmed");
		check(e[i].line >= 1, "an entry without a line");
		check(hd_ini_get(e, n, e[i].section, e[i].key) != NULL, "hd_ini_get misses a key");
		if (i < 8)
			split_round_trip(e[i].value);
	}
	hd_ini_free(e, n);
	return 0;
}

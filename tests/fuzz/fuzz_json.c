/*
 * fuzz_json.c - a libFuzzer target for the JSON reader (src/json_read.c),
 * which reads herd's JSON reports in herd merge and pytest-split's
 * .test_durations into the cache.
 *
 * An input is a document. It must parse, or fail with "at byte N: reason"
 * where N lies within the input; never recurse past HD_JSON_MAX_DEPTH. A
 * parsed tree must keep its promises: every value's span [off, end) lies in
 * the input and inside its parent's, a member's key comes before its value,
 * strings are NUL-terminated at their length, and the text of every string
 * or number span parses alone to the same value.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_read.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_json: invariant violated: %s\n", what);
		abort();
	}
}

static void
walk(const struct hd_jval *v, const char *text, size_t lo, size_t hi, int depth)
{
	size_t i;

	check(depth <= HD_JSON_MAX_DEPTH + 1, "a tree deeper than the limit");
	check(lo <= v->off && v->off < v->end && v->end <= hi, "a span outside its parent");
	if (v->key) {
		check(v->keyoff >= lo && v->keyoff < v->off, "a key not before its value");
		check(v->key[v->keylen] == '\0', "a key not NUL-terminated");
	}
	if (v->type == HD_JSTRING || v->type == HD_JNUMBER) {
		struct hd_jval alone;

		check(hd_json_parse(&alone, text + v->off, v->end - v->off, NULL) == 0,
		      "a value's span does not parse alone");
		check(alone.type == v->type, "a value's span parses to another type");
		if (v->type == HD_JSTRING)
			check(alone.len == v->len && !memcmp(alone.str, v->str, v->len) &&
			      v->str[v->len] == '\0', "a string's span parses to another string");
		else
			check(alone.num == v->num, "a number's span parses to another number");
		hd_json_free(&alone);
	}
	for (i = 0; i < v->n; i++) {
		check(v->type == HD_JARRAY || v->type == HD_JOBJECT, "a scalar with children");
		check((v->type == HD_JOBJECT) == (v->v[i].key != NULL), "keys where none belong");
		walk(&v->v[i], text, v->off, v->end, depth + 1);
		if (i)
			check(v->v[i].off > v->v[i - 1].end, "members out of order");
	}
	/* A key with a NUL in it cannot be asked for by name. */
	if (v->type == HD_JOBJECT && v->n && strlen(v->v[v->n - 1].key) == v->v[v->n - 1].keylen)
		check(hd_json_get(v, v->v[v->n - 1].key) == &v->v[v->n - 1],
		      "hd_json_get misses the last member");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hd_jval v;
	struct buf err = BUF_INIT;
	size_t where = (size_t)-1;

	if (hd_json_parse(&v, (const char *)data, size, &err) < 0) {
		size_t at;

		check(err.data && sscanf(err.data, "at byte %zu: ", &at) == 1 && at <= size,
		      "an error not naming a byte of the input");
		check(!strchr(err.data, '\n'), "an error of more than one line");
		buf_reset(&err);
		check(hd_json_parse_at(&v, (const char *)data, size, &err, &where) < 0,
		      "hd_json_parse_at disagrees");
		check(where == at, "hd_json_parse_at names another byte");
		buf_clear(&err);
		return 0;
	}
	walk(&v, (const char *)data, 0, size, 0);
	hd_json_free(&v);
	check(hd_json_parse_at(&v, (const char *)data, size, NULL, &where) == 0,
	      "hd_json_parse_at disagrees");
	hd_json_free(&v);
	buf_clear(&err);
	return 0;
}

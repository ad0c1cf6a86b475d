/*
 * merge_input.h - herd merge's inputs, as src/merge.c, merge_json.c and
 * merge_junit.c share them: each input read into a list of items (the id,
 * the outcome and the item's exact text) with the facts of its header.
 */
#ifndef HERD_MERGE_INPUT_H
#define HERD_MERGE_INPUT_H

#include <stddef.h>

#include "report.h"
#include "util.h"

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

/* A new zeroed item at the end of in's. */
struct mtest *merge_add_test(struct input *in);
/* Checks in's shard metadata once its fields are read: 0, or -1 with why. */
int merge_check_meta(const struct input *in, struct buf *why);

/*
 * Read in->text (in->len bytes) into in. Return 0, -1 when the input is not
 * a herd report, -4 when it is not well-formed JSON or XML ("LINE:COLUMN:
 * reason" in why).
 */
int merge_read_json(struct input *in, struct buf *why);
int merge_read_junit(struct input *in, struct buf *why);
/* Append to b the report of the n inputs' items, in order, under a header
 * recomputed from theirs. */
void merge_write_json(struct buf *b, struct input *const *in, size_t n);
void merge_write_junit(struct buf *b, struct input *const *in, size_t n);

#endif

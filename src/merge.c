/*
 * merge.c - see merge.h.
 *
 * Both formats are handled the same way: each input is read into a list of
 * items (the id, the outcome and the item's exact text), the inputs are
 * checked against each other, and the output is the items' texts under a
 * recomputed header. Copying the items' text rather than rebuilding it keeps
 * every field a later herd version may add.
 *
 * JUnit is read with expat (src/merge_junit.c) and JSON with json_read.c
 * (src/merge_json.c): an input that is not well-formed is a usage error
 * naming its file and line, and the output is well-formed whatever the
 * inputs were. This file checks the inputs against each other and writes
 * the result.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "merge.h"
#include "merge_input.h"
#include "shard.h"
#include "util.h"

enum kind { K_JSON, K_JUNIT };

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

struct mtest *
merge_add_test(struct input *in)
{
	if (in->nt == in->capt) {
		in->capt = in->capt ? in->capt * 2 : 64;
		in->t = xreallocarray(in->t, in->capt, sizeof(*in->t));
	}
	memset(&in->t[in->nt], 0, sizeof(in->t[0]));
	return &in->t[in->nt++];
}

int
merge_check_meta(const struct input *in, struct buf *why)
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
		rc = (kind == K_JSON ? merge_read_json : merge_read_junit)(&v[i], &why);
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
		merge_write_json(&doc, order, n);
	else
		merge_write_junit(&doc, order, n);
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

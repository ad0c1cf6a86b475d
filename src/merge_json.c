/*
 * merge_json.c - herd merge's JSON side: a --json report read with
 * json_read.c into a struct input, and the merged report written.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <herd.h>

#include "json_read.h"
#include "merge_input.h"
#include "report_json.h"
#include "shard.h"

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
	return merge_check_meta(in, why);
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

int
merge_read_json(struct input *in, struct buf *why)
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
		t = merge_add_test(in);
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

void
merge_write_json(struct buf *b, struct input *const *in, size_t n)
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

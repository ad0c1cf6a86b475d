/* durations.c - see durations.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "durations.h"
#include "json_read.h"
#include "report_json.h"
#include "util.h"

/* The shortest %g form that reads back as d exactly, with a ".0" on whole
 * numbers as Python's float repr writes them. */
static void
number(struct buf *b, double d)
{
	char tmp[64];
	int prec;

	for (prec = 15; prec < 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
	buf_adds(b, tmp);
	if (!strpbrk(tmp, ".e"))
		buf_adds(b, ".0");
}

int
hd_durations_import(struct hd_cache *c, const char *path, struct buf *err)
{
	struct buf why = BUF_INIT;
	struct hd_jval root;
	char *text;
	size_t len, i;
	int r = -1;

	if (!(text = hd_read_file(path, &len))) {
		if (err)
			buf_printf(err, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	if (hd_json_parse(&root, text, len, &why) < 0) {
		if (err)
			buf_printf(err, "%s: %s", path, why.data);
		goto out;
	}
	if (root.type != HD_JOBJECT) {
		buf_printf(&why, "at byte %zu: expected an object of id: seconds, found %s %s",
			   root.off, root.type == HD_JARRAY ? "an" : "a", hd_json_type_name(root.type));
		goto bad;
	}
	/* Checked whole before anything changes, so a bad file leaves c alone. */
	for (i = 0; i < root.n; i++) {
		const struct hd_jval *m = &root.v[i];

		if (memchr(m->key, '\0', m->keylen)) {
			buf_printf(&why, "at byte %zu: an id holds a NUL character", m->keyoff);
			goto bad;
		}
		if (m->type != HD_JNUMBER) {
			buf_printf(&why, "at byte %zu: expected a number of seconds, found %s %s",
				   m->off, m->type == HD_JARRAY || m->type == HD_JOBJECT ?
				   "an" : "a", hd_json_type_name(m->type));
			goto bad;
		}
		if (m->num < 0) {
			buf_printf(&why, "at byte %zu: negative duration", m->off);
			goto bad;
		}
	}
	for (i = 0; i < root.n; i++)
		hd_cache_set_duration(c, root.v[i].key, root.v[i].num);
	r = 0;
	goto out;
bad:
	if (err)
		buf_printf(err, "%s: %s", path, why.data);
out:
	hd_json_free(&root);
	buf_clear(&why);
	free(text);
	return r;
}

int
hd_durations_export(const struct hd_cache *c, const char *path, struct buf *err)
{
	struct buf b = BUF_INIT;
	const char **ids;
	size_t i, n;
	int r;

	/* pytest-split writes json.dump(..., sort_keys=True, indent=4): so do we,
	 * so that a committed file diffs the same whichever tool wrote it. */
	ids = hd_cache_timed_ids(c, &n);
	buf_adds(&b, n ? "{\n" : "{}\n");
	for (i = 0; i < n; i++) {
		buf_adds(&b, "    ");
		hd_json_string(&b, ids[i], strlen(ids[i]));
		buf_adds(&b, ": ");
		number(&b, hd_cache_duration(c, ids[i]));
		buf_adds(&b, i + 1 < n ? ",\n" : "\n}\n");
	}
	free(ids);
	r = hd_write_file_atomic(path, b.data, b.len);
	if (r < 0 && err)
		buf_printf(err, "cannot write %s: %s", path, strerror(errno));
	buf_clear(&b);
	return r;
}

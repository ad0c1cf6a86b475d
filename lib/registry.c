/*
 * registry.c - tests and fixtures register themselves from constructors, in
 * whatever order the linker runs them; hd_collect() puts them in the one order
 * users see (file, then line) and gives every item its node id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const struct herd_test **tests;
static size_t ntests, captests;
static const struct herd_fixture **fixtures;
static size_t nfixtures, capfixtures;

void
herd_register(const struct herd_test *t)
{
	if (ntests == captests) {
		captests = captests ? captests * 2 : 64;
		tests = xreallocarray(tests, captests, sizeof(*tests));
	}
	tests[ntests++] = t;
}

void
herd_register_fixture(const struct herd_fixture *f)
{
	if (nfixtures == capfixtures) {
		capfixtures = capfixtures ? capfixtures * 2 : 16;
		fixtures = xreallocarray(fixtures, capfixtures, sizeof(*fixtures));
	}
	fixtures[nfixtures++] = f;
}

static const char *
strip_dot(const char *path)
{
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	return path;
}

static int
cmp_test(const void *pa, const void *pb)
{
	const struct herd_test *a = *(const struct herd_test *const *)pa;
	const struct herd_test *b = *(const struct herd_test *const *)pb;
	int c = strcmp(strip_dot(a->file), strip_dot(b->file));

	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	/* Two tests on one line (a macro that defines several): by name. */
	c = strcmp(a->suite, b->suite);
	return c ? c : strcmp(a->name, b->name);
}

/* Writes the [param] part: the author's formatter, else the index. */
static void
param_text(const struct herd_test *t, size_t i, struct buf *b)
{
	char tmp[256];
	size_t k;

	if (!t->param_id) {
		buf_printf(b, "[%zu]", i);
		return;
	}
	tmp[0] = '\0';
	t->param_id(tmp, sizeof(tmp), (const char *)t->params + i * t->param_size);
	tmp[sizeof(tmp) - 1] = '\0';
	/* An id must stay one word on one line: whitespace and brackets out. */
	for (k = 0; tmp[k]; k++)
		if ((unsigned char)tmp[k] <= ' ' || tmp[k] == ']' || tmp[k] == '[')
			tmp[k] = '_';
	buf_printf(b, "[%s]", tmp[0] ? tmp : "_");
}

void
hd_collect(struct hd_item **itemsp, size_t *np)
{
	static struct hd_item *items;
	static size_t n;
	struct buf b = BUF_INIT;
	size_t i, j, total = 0;

	if (items) {
		*itemsp = items, *np = n;
		return;
	}
	if (ntests)
		qsort(tests, ntests, sizeof(*tests), cmp_test);
	for (i = 0; i < ntests; i++)
		total += tests[i]->params ? tests[i]->param_count : 1;
	items = xcalloc(total, sizeof(*items));
	for (i = 0; i < ntests; i++) {
		const struct herd_test *t = tests[i];
		size_t count = t->params ? t->param_count : 1;

		for (j = 0; j < count; j++) {
			struct hd_item *it = &items[n];

			buf_reset(&b);
			buf_adds(&b, t->name);
			if (t->params)
				param_text(t, j, &b);
			it->t = t;
			it->param = j;
			it->file = strip_dot(t->file);
			it->name = xstrdup(b.data);
			it->id = xasprintf("%s::%s::%s", it->file, t->suite, it->name);
			it->index = n++;
		}
	}
	buf_clear(&b);
	*itemsp = items, *np = n;
}

const struct herd_fixture *
hd_fixture_find(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < nfixtures; i++)
		if (strlen(fixtures[i]->name) == len && !memcmp(fixtures[i]->name, name, len))
			return fixtures[i];
	return NULL;
}

size_t
hd_fixture_count(void)
{
	return nfixtures;
}

const struct herd_fixture *
hd_fixture_at(size_t i)
{
	return fixtures[i];
}

size_t
hd_fixture_index(const struct herd_fixture *f)
{
	size_t i;

	for (i = 0; i < nfixtures; i++)
		if (fixtures[i] == f)
			break;
	return i;
}


static const char *const strategy_names[] = {
	"free", "serial", "isolated_free", "isolated_serial"
};

int
hd_check_groups(struct hd_item *items, size_t n, char *err, size_t errlen)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		const struct herd_test *t = items[i].t;

		items[i].group = t->group && *t->group ? t->group : t->strategy ? items[i].id : NULL;
		items[i].strategy = HERD_FREE;
	}
	/* Groups are few and small next to the items: quadratic in group members only. */
	for (i = 0; i < n; i++) {
		const struct hd_item *decl = NULL;

		if (!items[i].group || items[i].strategy != HERD_FREE)
			continue;
		for (k = i; k < n; k++) {
			const struct herd_test *t = items[k].t;

			if (!items[k].group || strcmp(items[k].group, items[i].group) || !t->strategy)
				continue;
			if ((unsigned)t->strategy >= LEN(strategy_names)) {
				snprintf(err, errlen, "%s:%d: group '%s': unknown strategy %d",
					 items[k].file, t->line, items[k].group, (int)t->strategy);
				return -1;
			}
			if (decl && decl->t->strategy != t->strategy) {
				snprintf(err, errlen, "group '%s' is declared %s at %s:%d and %s at %s:%d",
					 items[i].group, strategy_names[decl->t->strategy],
					 decl->file, decl->t->line, strategy_names[t->strategy],
					 items[k].file, t->line);
				return -1;
			}
			decl = &items[k];
		}
		if (!decl)
			continue;
		for (k = i; k < n; k++)
			if (items[k].group && !strcmp(items[k].group, items[i].group))
				items[k].strategy = decl->t->strategy;
	}
	return 0;
}

int
hd_item_serial(const struct hd_item *it)
{
	return it->strategy == HERD_SERIAL || it->strategy == HERD_ISOLATED_SERIAL;
}

/*
 * registry.c - tests, tasks and fixtures register themselves from
 * constructors, in whatever order the linker runs them; hd_collect() puts
 * them in the one order users see (file, then line) and gives every item its
 * node id. A task is collected as a test of no suite, with its lists beside.
 * What the collection makes lives in lib/arena.c's shared mappings.
 */
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

static const struct herd_test **tests;
static size_t ntests, captests;
static const struct herd_fixture **fixtures;
static size_t nfixtures, capfixtures;
static const struct herd_suite **suites;
static size_t nsuites, capsuites;

static struct hd_item *collected;	/* the items, once made */
static size_t ncollected;

/*
 * A TASK as the runner sees it: a test of no suite (this very string marks
 * it), with its declaration beside, for what only a task has.
 */
struct task_test {
	struct herd_test t;
	const struct herd_task *task;
};

static const char task_suite[] = "";

static const struct herd_task *
task_of(const struct herd_test *t)
{
	return t->suite == task_suite ? ((const struct task_test *)(const void *)t)->task : NULL;
}

/* The first problem expand() found in a task's lists, for hd_check_groups. */
static struct buf task_err = BUF_INIT;

void
herd_register(const struct herd_test *t)
{
	/* A test registered later (a library a test opens) was never listed. */
	if (collected)
		return;
	if (ntests == captests) {
		captests = captests ? captests * 2 : 64;
		tests = xreallocarray(tests, captests, sizeof(*tests));
	}
	tests[ntests++] = t;
}

void
herd_register_task(const struct herd_task *k)
{
	struct task_test *tt;

	if (collected)
		return;
	tt = hd_arena_alloc(sizeof(*tt));
	tt->task = k;
	tt->t.suite = task_suite;
	tt->t.name = k->name;
	tt->t.file = k->file;
	tt->t.line = k->line;
	tt->t.fn = k->fn;
	tt->t.params = k->params;
	tt->t.param_size = k->param_size;
	tt->t.param_count = k->param_count;
	tt->t.timeout = k->timeout;
	tt->t.marks = k->marks;
	tt->t.skip = k->skip;
	tt->t.fixtures = k->fixtures;
	tt->t.group = k->group;
	tt->t.strategy = k->strategy;
	tt->t.resources = k->resources;
	tt->t.exclusive = k->exclusive;
	tt->t.reruns = k->reruns;
	tt->t.param_id = k->param_id;
	tt->t.after = k->after;
	herd_register(&tt->t);
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

void
herd_register_suite(const struct herd_suite *su)
{
	if (nsuites == capsuites) {
		capsuites = capsuites ? capsuites * 2 : 16;
		suites = xreallocarray(suites, capsuites, sizeof(*suites));
	}
	suites[nsuites++] = su;
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

/* Appends one element's id: the author's formatter, else the index. */
static void
param_text(void (*id)(char *, size_t, const void *), const void *elem, size_t i,
	   struct buf *b)
{
	char tmp[256];
	size_t k;

	if (!id) {
		buf_printf(b, "%zu", i);
		return;
	}
	tmp[0] = '\0';
	id(tmp, sizeof(tmp), elem);
	tmp[sizeof(tmp) - 1] = '\0';
	/* An id must stay one word on one line: whitespace and brackets out. */
	for (k = 0; tmp[k]; k++)
		if ((unsigned char)tmp[k] <= ' ' || tmp[k] == ']' || tmp[k] == '[')
			tmp[k] = '_';
	buf_adds(b, tmp[0] ? tmp : "_");
}

/* Words of a list: the next one from *p, its length in *len; NULL at the end. */
static const char *
next_word(const char **p, size_t *len)
{
	const char *w;

	*p += strspn(*p, " \t,");
	if (!**p)
		return NULL;
	w = *p;
	*len = strcspn(w, " \t,");
	*p += *len;
	return w;
}

/* Whether list holds a word whose key (all of it, or up to ':' with colon) is key's. */
static int
has_key(const char *list, const char *key, size_t klen, int colon)
{
	const char *p = list, *w;
	size_t len;

	while ((w = next_word(&p, &len))) {
		size_t wk = colon ? strcspn(w, ":") : len;

		if (wk > len)
			wk = len;
		if (wk == klen && !memcmp(w, key, klen))
			return 1;
	}
	return 0;
}

/*
 * The suite's words, less those the test names itself (by name, or for
 * resources by the part before ':'), then the test's: NULL when both are.
 */
static const char *
join_words(const char *suite, const char *test, int colon)
{
	struct buf b = BUF_INIT;
	const char *p = suite, *w;
	size_t len;

	if (!suite || !*suite)
		return test;
	while ((w = next_word(&p, &len))) {
		size_t wk = colon ? strcspn(w, ":") : len;

		if (wk > len)
			wk = len;
		if (test && has_key(test, w, wk, colon))
			continue;
		if (b.len)
			buf_addc(&b, ' ');
		buf_add(&b, w, len);
	}
	if (test && *test) {
		if (b.len)
			buf_addc(&b, ' ');
		buf_adds(&b, test);
	}
	w = hd_arena_strdup(b.data ? b.data : "");
	buf_clear(&b);
	return w;
}

static int
cmp_decl(const char *fa, int la, const char *fb, int lb)
{
	int c = strcmp(strip_dot(fa), strip_dot(fb));

	return c ? c : la != lb ? (la < lb ? -1 : 1) : 0;
}

static int
cmp_suite(const void *pa, const void *pb)
{
	const struct herd_suite *a = *(const struct herd_suite *const *)pa;
	const struct herd_suite *b = *(const struct herd_suite *const *)pb;
	int c = strcmp(a->name, b->name);

	return c ? c : cmp_decl(a->file, a->line, b->file, b->line);
}

/* The SUITE of that name (the first declared), or NULL. */
static const struct herd_suite *
suite_find(const char *name)
{
	size_t lo = 0, hi = nsuites;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(suites[mid]->name, name);

		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < nsuites && !strcmp(suites[lo]->name, name) ? suites[lo] : NULL;
}

/* The test as it runs: its SUITE's defaults under its own options. */
static const struct herd_test *
with_suite(const struct herd_test *t)
{
	const struct herd_suite *su = task_of(t) ? NULL : suite_find(t->suite);
	struct herd_test *m;

	if (!su)
		return t;
	m = hd_arena_alloc(sizeof(*m));
	*m = *t;
	m->fixtures = join_words(su->fixtures, t->fixtures, 0);
	m->marks = join_words(su->marks, t->marks, 0);
	m->resources = join_words(su->resources, t->resources, 1);
	if (!(m->timeout > 0))
		m->timeout = su->timeout;
	if (!m->group || !*m->group)
		m->group = su->group;
	if (!m->strategy)
		m->strategy = su->strategy;
	if (!m->skip)
		m->skip = su->skip;
	if (!m->xfail)
		m->xfail = su->xfail;
	return m;
}

static int
parametrized(const struct herd_fixture *f)
{
	return f && f->params && f->param_count > 0 && f->param_size > 0;
}

/* The parametrized fixtures a test uses, in the order of its .fixtures. */
static size_t
test_pfx(const struct herd_test *t, const struct herd_fixture **out, size_t max)
{
	const char *p = t->fixtures, *w;
	size_t n = 0, len, k;

	while (p && (w = next_word(&p, &len))) {
		const struct herd_fixture *f = hd_fixture_find(w, len);

		if (!parametrized(f) || n == max)
			continue;
		for (k = 0; k < n && out[k] != f; k++)
			;
		if (k == n)
			out[n++] = f;
	}
	return n;
}

static const void *
fixture_elem(const struct herd_fixture *f, size_t i)
{
	return (const char *)f->params + i * f->param_size;
}

/* The element of parametrized fixture f an item uses + 1, or 0. */
static size_t
item_wide(const struct hd_item *it, const struct herd_fixture *f)
{
	size_t k;

	for (k = 0; k < it->npfx; k++)
		if (it->pfx[k] == f)
			return it->pidx[k] + 1;
	return 0;
}

/* Parametrized fixtures of suite or worker scope, in declaration order. */
static const struct herd_fixture **wide_pfx;
static size_t nwide_pfx;

static int
cmp_fixture_decl(const void *pa, const void *pb)
{
	const struct herd_fixture *a = *(const struct herd_fixture *const *)pa;
	const struct herd_fixture *b = *(const struct herd_fixture *const *)pb;
	int c = cmp_decl(a->file, a->line, b->file, b->line);

	return c ? c : strcmp(a->name, b->name);
}

static int
cmp_wide(const struct hd_item *a, const struct hd_item *b, int scope)
{
	size_t k;

	for (k = 0; k < nwide_pfx; k++) {
		size_t x, y;

		if ((int)wide_pfx[k]->scope != scope)
			continue;
		x = item_wide(a, wide_pfx[k]);
		y = item_wide(b, wide_pfx[k]);
		if (x != y)
			return x < y ? -1 : 1;
	}
	return 0;
}

/*
 * With parametrized fixtures of wider scope, as pytest: a worker fixture's
 * elements outermost, then the file, a suite fixture's elements, and the
 * usual file-and-line order inside, so that each element is set up once.
 */
static int
cmp_item(const void *pa, const void *pb)
{
	const struct hd_item *a = pa, *b = pb;
	int c = cmp_wide(a, b, HERD_SCOPE_WORKER);

	if (!c)
		c = strcmp(a->file, b->file);
	if (!c)
		c = cmp_wide(a, b, HERD_SCOPE_SUITE);
	if (!c)
		c = cmp_test(&a->t, &b->t);
	return c ? c : a->index < b->index ? -1 : a->index > b->index;
}

/* "file::suite::name" ("file::name" without a suite), with *name pointing at its last part. */
static char *
arena_id(const char *file, const char *suite, const char *name, char **namep)
{
	size_t lf = strlen(file), ls = strlen(suite), ln = strlen(name);
	char *id = hd_arena_alloc(lf + ls + ln + 5), *p = id;

	memcpy(p, file, lf), p += lf;
	memcpy(p, "::", 2), p += 2;
	if (ls) {
		memcpy(p, suite, ls), p += ls;
		memcpy(p, "::", 2), p += 2;
	}
	*namep = p;
	memcpy(p, name, ln + 1);
	return id;
}

/* An arena copy of a task's list as the wire carries it, or NULL; a problem goes to task_err. */
static const char *
task_list(const struct hd_item *it, const char *what, const char *list, const char *id)
{
	struct buf out = BUF_INIT, why = BUF_INIT;
	const char *copy = NULL;

	if (hd_path_list(list, id, &out, &why) < 0) {
		if (!task_err.len)
			buf_printf(&task_err, "%s:%d: task '%s': %s: %s", it->file, it->t->line,
				   it->name, what, why.data);
	} else if (out.len) {
		copy = hd_arena_strdup(out.data);
	}
	buf_clear(&out);
	buf_clear(&why);
	return copy;
}

/* A task's lists, with its own element's id for {id}. */
static void
task_lists(struct hd_item *it)
{
	const struct herd_test *t = it->t;
	struct buf id = BUF_INIT;

	if (t->params)
		param_text(t->param_id, (const char *)t->params + it->param * t->param_size,
			   it->param, &id);
	it->depends_on = task_list(it, ".depends_on", it->task->depends_on, id.data);
	it->produces = task_list(it, ".produces", it->task->produces, id.data);
	buf_clear(&id);
}

/* Expands one test into its items at items[*n...]: own params, then fixtures'. */
static void
expand(const struct herd_test *t, struct hd_item *items, size_t *n)
{
	const struct herd_fixture *pf[32], **pfx = NULL;
	size_t npf = test_pfx(t, pf, LEN(pf)), own = t->params ? t->param_count : 1;
	size_t count = own, j, k;
	struct buf b = BUF_INIT, wide = BUF_INIT, wwide = BUF_INIT;

	for (k = 0; k < npf; k++)
		count *= pf[k]->param_count;
	if (npf) {
		pfx = hd_arena_calloc(npf, sizeof(*pfx));
		memcpy(pfx, pf, npf * sizeof(*pfx));
	}
	for (j = 0; j < count; j++) {
		struct hd_item *it = &items[*n];
		size_t rest = j, radix = count;

		buf_reset(&b);
		buf_reset(&wide);
		buf_reset(&wwide);
		buf_adds(&b, t->name);
		radix /= own;
		it->param = rest / radix;
		rest %= radix;
		if (t->params || npf)
			buf_addc(&b, '[');
		if (t->params)
			param_text(t->param_id, (const char *)t->params + it->param * t->param_size,
				   it->param, &b);
		it->npfx = npf;
		it->pfx = pfx;
		it->pidx = npf ? hd_arena_calloc(npf, sizeof(*it->pidx)) : NULL;
		for (k = 0; k < npf; k++) {
			const struct herd_fixture *f = pf[k];
			size_t mark;

			radix /= f->param_count;
			it->pidx[k] = rest / radix;
			rest %= radix;
			if (t->params || k)
				buf_addc(&b, '-');
			mark = b.len;
			param_text(f->param_id, fixture_elem(f, it->pidx[k]), it->pidx[k], &b);
			if (f->scope == HERD_SCOPE_SUITE || f->scope == HERD_SCOPE_WORKER) {
				struct buf *to = f->scope == HERD_SCOPE_SUITE ? &wide : &wwide;

				if (to->len)
					buf_addc(to, '-');
				buf_add(to, b.data + mark, b.len - mark);
			}
		}
		if (t->params || npf)
			buf_addc(&b, ']');
		it->t = t;
		it->file = strip_dot(t->file);
		it->id = arena_id(it->file, t->suite, b.data, &it->name);
		it->fxparam = wide.len ? hd_arena_strdup(wide.data) : NULL;
		it->wxparam = wwide.len ? hd_arena_strdup(wwide.data) : NULL;
		it->after = t->after && t->after[strspn(t->after, " \t\n")] ? t->after : NULL;
		if ((it->task = task_of(t)))
			task_lists(it);
		it->index = (*n)++;
	}
	buf_clear(&b);
	buf_clear(&wide);
	buf_clear(&wwide);
}

/* The registered tests, sorted, moved where fork() does not copy them. */
static void
sort_tests(void)
{
	const struct herd_test **sorted = hd_arena_calloc(ntests ? ntests : 1, sizeof(*sorted));
	size_t i;

	for (i = 0; i < ntests; i++)
		sorted[i] = with_suite(tests[i]);
	/* Constructors mostly register a file's tests in the order they are
	 * written: one look at each neighbour is then the whole sort. */
	for (i = 1; i < ntests && cmp_test(&sorted[i - 1], &sorted[i]) <= 0; i++)
		;
	if (i < ntests)
		qsort(sorted, ntests, sizeof(*sorted), cmp_test);
	free(tests);
	tests = sorted;
	captests = ntests;
}

void
hd_collect(struct hd_item **itemsp, size_t *np)
{
	const struct herd_fixture *pf[32];
	struct hd_item *items;
	size_t i, k, total = 0, n = 0;

	if (collected) {
		*itemsp = collected, *np = ncollected;
		return;
	}
	if (nsuites)
		qsort(suites, nsuites, sizeof(*suites), cmp_suite);
	sort_tests();
	for (i = 0; i < nfixtures; i++)
		if (parametrized(fixtures[i]) && (fixtures[i]->scope == HERD_SCOPE_SUITE ||
						  fixtures[i]->scope == HERD_SCOPE_WORKER)) {
			wide_pfx = xreallocarray(wide_pfx, nwide_pfx + 1, sizeof(*wide_pfx));
			wide_pfx[nwide_pfx++] = fixtures[i];
		}
	if (nwide_pfx)
		qsort(wide_pfx, nwide_pfx, sizeof(*wide_pfx), cmp_fixture_decl);
	for (i = 0; i < ntests; i++) {
		size_t count = tests[i]->params ? tests[i]->param_count : 1;
		size_t npf = test_pfx(tests[i], pf, LEN(pf));

		for (k = 0; k < npf; k++)
			count *= pf[k]->param_count;
		total += count;
	}
	items = hd_arena_calloc(total ? total : 1, sizeof(*items));
	for (i = 0; i < ntests; i++)
		expand(tests[i], items, &n);
	if (nwide_pfx && n) {
		qsort(items, n, sizeof(*items), cmp_item);
		for (i = 0; i < n; i++)
			items[i].index = i;
	}
	collected = items, ncollected = n;
	*itemsp = items, *np = n;
}

const void *
hd_item_fixture_param(const struct hd_item *it, const struct herd_fixture *f)
{
	size_t k = item_wide(it, f);

	return k ? fixture_elem(f, k - 1) : NULL;
}

size_t
hd_item_fixture_index(const struct hd_item *it, const struct herd_fixture *f)
{
	size_t k = item_wide(it, f);

	return k ? k - 1 : HD_NO_PARAM;
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

static int
same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static int
same_suite(const struct herd_suite *a, const struct herd_suite *b)
{
	return same_str(a->fixtures, b->fixtures) && same_str(a->marks, b->marks) &&
	       a->timeout == b->timeout && same_str(a->group, b->group) &&
	       a->strategy == b->strategy && same_str(a->resources, b->resources) &&
	       same_str(a->skip, b->skip) && same_str(a->xfail, b->xfail);
}

/* The program's own loaded segments: the first object dl_iterate_phdr names. */
struct segments {
	uintptr_t lo[16], hi[16];
	int n;
};

static int
program_segments(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct segments *s = arg;
	int i;

	(void)size;
	for (i = 0; i < info->dlpi_phnum && s->n < 16; i++)
		if (info->dlpi_phdr[i].p_type == PT_LOAD) {
			s->lo[s->n] = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
			s->hi[s->n] = s->lo[s->n] + info->dlpi_phdr[i].p_memsz;
			s->n++;
		}
	return 1;	/* the program alone */
}

static int
in_program(const struct segments *s, const void *p)
{
	int i;

	for (i = 0; i < s->n; i++)
		if ((uintptr_t)p >= s->lo[i] && (uintptr_t)p < s->hi[i])
			return 1;
	return 0;
}

int
hd_registry_outside(void)
{
	struct segments s = { { 0 }, { 0 }, 0 };
	size_t i;

	dl_iterate_phdr(program_segments, &s);
	for (i = 0; i < ntests; i++) {
		const struct herd_task *k = task_of(tests[i]);

		if (!in_program(&s, k ? (const void *)k : (const void *)tests[i]))
			return 1;
	}
	for (i = 0; i < nfixtures; i++)
		if (!in_program(&s, fixtures[i]))
			return 1;
	for (i = 0; i < nsuites; i++)
		if (!in_program(&s, suites[i]))
			return 1;
	return 0;
}

/* The first word of list that no FIXTURE defines, or NULL. */
static const char *
undefined_fixture(const char *list, size_t *len)
{
	const char *p = list, *w;

	while (p && (w = next_word(&p, len)))
		if (!hd_fixture_find(w, *len))
			return w;
	return NULL;
}

/* What no run could serve, found before anything runs. */
static int
check_decls(char *err, size_t errlen)
{
	const char *w;
	size_t i, len;

	if (hd_stale_decls) {
		snprintf(err, errlen, "%zu test%s, task%s or fixture%s compiled against an older "
			 "herd.h than this libherd's (HERD_ABI %d): recompile every object "
			 "of the binary", hd_stale_decls, hd_stale_decls == 1 ? "" : "s",
			 hd_stale_decls == 1 ? "" : "s", hd_stale_decls == 1 ? "" : "s", HERD_ABI);
		return -1;
	}
	if (task_err.len) {
		snprintf(err, errlen, "%s", task_err.data);
		return -1;
	}
	for (i = 0; i < nfixtures; i++) {
		const struct herd_fixture *f = fixtures[i];

		if (f->params && !parametrized(f)) {
			snprintf(err, errlen, "%s:%d: fixture '%s': .params takes "
				 "HERD_PARAMS(array), an array with at least one element",
				 strip_dot(f->file), f->line, f->name);
			return -1;
		}
		if (f->params && f->scope == HERD_SCOPE_GLOBAL) {
			snprintf(err, errlen, "%s:%d: fixture '%s': a global fixture cannot be "
				 "parametrized", strip_dot(f->file), f->line, f->name);
			return -1;
		}
	}
	for (i = 0; i < nsuites; i++) {
		const struct herd_suite *su = suites[i];

		if ((w = undefined_fixture(su->fixtures, &len))) {
			snprintf(err, errlen, "%s:%d: suite '%s': fixture '%.*s' is not defined",
				 strip_dot(su->file), su->line, su->name, (int)len, w);
			return -1;
		}
		if (i > 0 && !strcmp(suites[i - 1]->name, su->name) &&
		    !same_suite(suites[i - 1], su)) {
			snprintf(err, errlen, "suite '%s' is declared with different options "
				 "at %s:%d and %s:%d", su->name, strip_dot(suites[i - 1]->file),
				 suites[i - 1]->line, strip_dot(su->file), su->line);
			return -1;
		}
	}
	for (i = 0; i < ntests; i++) {
		const struct herd_test *t = tests[i];

		/* The suites' words passed above: what is left is the test's own. */
		if ((w = undefined_fixture(t->fixtures, &len))) {
			snprintf(err, errlen, "%s:%d: %s '%s%s%s': fixture '%.*s' is not defined",
				 strip_dot(t->file), t->line, task_of(t) ? "task" : "test",
				 t->suite, *t->suite ? "::" : "", t->name, (int)len, w);
			return -1;
		}
	}
	return 0;
}

int
hd_check_groups(struct hd_item *items, size_t n, char *err, size_t errlen)
{
	size_t i, k;

	if (check_decls(err, errlen) < 0)
		return -1;

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

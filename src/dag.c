/*
 * dag.c - the task graph (src/dag.h).
 */
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "dag.h"

static int
is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n';
}

/* The next word at *p, *len bytes, and *p past it; NULL at the end (by
 * hand: strspn and strcspn cost more than the words, which are short). */
static const char *
next_word(const char **p, size_t *len)
{
	const char *s = *p, *e;

	while (is_blank(*s))
		s++;
	for (e = s; *e && !is_blank(*e); e++)
		;
	*p = e;
	*len = (size_t)(e - s);
	return e > s ? s : NULL;
}

/*
 * The words of a space-separated list, *n of them: one malloc()ed block,
 * the pointers then the strings (a malloc a path was a tenth of making the
 * graph of 10,000 tasks).
 */
static char **
words(const char *s, size_t *n)
{
	const char *p = s ? s : "", *w;
	size_t k = 0, bytes = 0, len;
	char **v, *at;

	while (next_word(&p, &len))
		k++, bytes += len + 1;
	*n = k;
	if (!k)
		return NULL;
	v = xmalloc(k * sizeof(*v) + bytes);
	at = (char *)(v + k);
	for (p = s, k = 0; (w = next_word(&p, &len)); at += len + 1) {
		v[k++] = memcpy(at, w, len);
		at[len] = '\0';
	}
	return v;
}

/* path as dag_path makes it, in place (it never grows); -1 when it leaves
 * the root or is empty. */
static int
normalise(char *path)
{
	const char *p = path;
	size_t len = 0;

	if (*p == '/')
		return -1;	/* absolute: the caller made it relative if it could */
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.')) {
			/* "" or ".": nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (!len)
				return -1;	/* above the root */
			while (len && path[len - 1] != '/')
				len--;
			if (len)
				len--;	/* the '/' before it */
		} else {
			if (len)
				path[len++] = '/';
			memmove(path + len, p, n);
			len += n;
		}
		p += n;
		if (*p == '/')
			p++;
	}
	path[len] = '\0';
	return len ? 0 : -1;
}

char *
dag_path(const char *path)
{
	char *out = xstrdup(path);

	if (normalise(out) < 0) {
		free(out);
		return NULL;
	}
	return out;
}

static void
add_edge(struct dag *d, size_t from, size_t to)
{
	struct dag_task *a = &d->t[from], *b = &d->t[to];
	size_t i;

	for (i = 0; i < b->nup; i++)
		if (b->up[i] == from)
			return;
	/* Grown by doubling: at 0, 1, 2, 4 ... they are full. */
	if (!(b->nup & (b->nup - 1)))
		b->up = xreallocarray(b->up, b->nup ? 2 * b->nup : 1, sizeof(*b->up));
	b->up[b->nup++] = from;
	if (!(a->ndown & (a->ndown - 1)))
		a->down = xreallocarray(a->down, a->ndown ? 2 * a->ndown : 1, sizeof(*a->down));
	a->down[a->ndown++] = to;
}

/* The slot of path among the products: its own, or the empty one for it. */
static struct dag_product *
product_slot(const struct dag *d, const char *path)
{
	size_t i = (size_t)XXH3_64bits(path, strlen(path)) & (d->pcap - 1);

	while (d->products[i].path && strcmp(d->products[i].path, path))
		i = (i + 1) & (d->pcap - 1);
	return &d->products[i];
}

/* The producer of path, or (size_t)-1. */
static size_t
producer_of(const struct dag *d, const char *path)
{
	const struct dag_product *p = product_slot(d, path);

	return p->path ? p->task : (size_t)-1;
}

/* Whether path is as dag_path would make it: relative, no empty, "." or
 * ".." part (most are: dag_path's copy is then saved). */
static int
is_normal(const char *path)
{
	const char *p = path;

	if (*p == '/')
		return 0;
	for (;;) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (p[0] == '.' && (n == 1 || (n == 2 && p[1] == '.'))))
			return 0;
		p += n;
		if (!*p++)
			return 1;
	}
}

/* Normalised paths of a list; an error for each one outside the root
 * (left as written). */
static char **
paths(const char *list, size_t *n, const char *task, const char *what, struct buf *err)
{
	char **v = words(list, n);
	size_t i;

	for (i = 0; i < *n; i++) {
		char *p;

		if (is_normal(v[i]))
			continue;
		p = dag_path(v[i]);
		if (p)
			strcpy(v[i], p);	/* never longer */
		else
			buf_printf(err, "%s: %s '%s' is outside the project root\n", task, what, v[i]);
		free(p);
	}
	return v;
}

/* Every product with the task making it, in a table at most half full; a
 * product of two tasks is an error, said with the first task to make it. */
static void
map_products(struct dag *d, struct buf *err)
{
	size_t n = 0, i, j;

	for (i = 0; i < d->n; i++)
		n += d->t[i].nprods;
	for (d->pcap = 16; d->pcap < 2 * n; d->pcap *= 2)
		;
	d->products = xcalloc(d->pcap, sizeof(*d->products));
	for (i = 0; i < d->n; i++)
		for (j = 0; j < d->t[i].nprods; j++) {
			struct dag_product *p = product_slot(d, d->t[i].prods[j]);

			if (!p->path) {
				p->path = d->t[i].prods[j];
				p->task = i;
			} else if (p->task != i) {
				buf_printf(err, "%s: produced by two tasks, %s and %s\n", p->path,
					   d->t[p->task].in->id, d->t[i].in->id);
			}
		}
}

size_t
dag_find(const struct dag *d, const char *id)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->t[i].in->id, id))
			return i;
	return (size_t)-1;
}

/* The tail of an id after its last "::": name, or name[param]. */
static const char *
id_tail(const char *id)
{
	const char *p, *tail = id;

	for (p = id; (p = strstr(p, "::")); p += 2)
		tail = p + 2;
	return tail;
}

int
dag_names(const struct dag_task *t, const char *ref)
{
	return !strcmp(t->in->id, ref) || (t->in->name && !strcmp(t->in->name, ref)) ||
	       !strcmp(id_tail(t->in->id), ref);
}

/* .after names tasks by id, name[param], or name: every task of that name. */
static void
resolve_after(struct dag *d, size_t i, struct buf *err)
{
	size_t n, k, j, hits;
	char **v = words(d->t[i].in->after, &n);

	for (k = 0; k < n; k++) {
		for (hits = 0, j = 0; j < d->n; j++) {
			if (!dag_names(&d->t[j], v[k]))
				continue;
			hits++;
			if (j == i)
				buf_printf(err, "%s: .after names the task itself\n", d->t[i].in->id);
			else
				add_edge(d, j, i);
		}
		if (!hits)
			buf_printf(err, "%s: .after names '%s', which is no task\n", d->t[i].in->id, v[k]);
	}
	free(v);
}

static void
link_deps(struct dag *d, size_t i, int (*exists)(const char *, void *), void *cookie,
	  struct buf *err)
{
	struct dag_task *t = &d->t[i];
	size_t k, p;

	for (k = 0; k < t->ndeps; k++) {
		p = producer_of(d, t->deps[k]);
		if (p == i)
			buf_printf(err, "%s: depends on %s, which it produces itself\n", t->in->id,
				   t->deps[k]);
		else if (p != (size_t)-1)
			add_edge(d, p, i);
		else if (exists && !exists(t->deps[k], cookie))
			buf_printf(err, "%s: no task produces it and it does not exist; needed by %s\n",
				   t->deps[k], t->in->id);
	}
}

/* A cycle, if there is one, printed "a -> b -> a". Iterative DFS. */
static int
find_cycle(const struct dag *d, struct buf *err)
{
	unsigned char *color = xcalloc(d->n + 1, 1);	/* 0 new, 1 on the path, 2 done */
	size_t *stack = xcalloc(d->n + 1, sizeof(*stack)), *next = xcalloc(d->n + 1, sizeof(*next));
	size_t s, depth, i, k;
	int found = 0;

	for (s = 0; s < d->n && !found; s++) {
		if (color[s])
			continue;
		depth = 0;
		stack[depth++] = s;
		color[s] = 1;
		next[s] = 0;
		while (depth && !found) {
			size_t v = stack[depth - 1];

			if (next[v] == d->t[v].ndown) {
				color[v] = 2;
				depth--;
				continue;
			}
			i = d->t[v].down[next[v]++];
			if (color[i] == 1) {
				buf_adds(err, "the tasks form a cycle: ");
				for (k = 0; k < depth && stack[k] != i; k++)
					;
				for (; k < depth; k++)
					buf_printf(err, "%s -> ", d->t[stack[k]].in->id);
				buf_printf(err, "%s\n", d->t[i].in->id);
				found = 1;
			} else if (!color[i]) {
				color[i] = 1;
				next[i] = 0;
				stack[depth++] = i;
			}
		}
	}
	free(color);
	free(stack);
	free(next);
	return found;
}

void
dag_critical_paths(struct dag *d)
{
	size_t *order = xcalloc(d->n + 1, sizeof(*order)), i, k, known = 0;
	double sum = 0, guess;

	for (i = 0; i < d->n; i++)
		if (d->t[i].in->est >= 0)
			sum += d->t[i].in->est, known++;
	guess = known ? sum / (double)known : 1;
	dag_topo(d, order);
	for (i = d->n; i-- > 0;) {
		struct dag_task *t = &d->t[order[i]];
		double longest = 0;

		for (k = 0; k < t->ndown; k++)
			if (d->t[t->down[k]].path > longest)
				longest = d->t[t->down[k]].path;
		t->path = (t->in->est >= 0 ? t->in->est : guess) + longest;
	}
	free(order);
}

int
dag_build(struct dag *d, const struct dag_in *in, size_t n,
	  int (*exists)(const char *path, void *cookie), void *cookie, struct buf *err)
{
	size_t i, before = err->len;

	memset(d, 0, sizeof(*d));
	d->t = xcalloc(n + 1, sizeof(*d->t));
	d->n = n;
	for (i = 0; i < n; i++) {
		d->t[i].in = &in[i];
		d->t[i].deps = paths(in[i].depends_on, &d->t[i].ndeps, in[i].id, "dependency", err);
		d->t[i].prods = paths(in[i].produces, &d->t[i].nprods, in[i].id, "product", err);
	}
	map_products(d, err);
	for (i = 0; i < n; i++)
		link_deps(d, i, exists, cookie, err);
	for (i = 0; i < n; i++)
		if (in[i].after && *in[i].after)
			resolve_after(d, i, err);
	return err->len > before || find_cycle(d, err) ? -1 : 0;
}

void
dag_free(struct dag *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		struct dag_task *t = &d->t[i];

		free(t->deps);
		free(t->prods);
		free(t->up);
		free(t->down);
	}
	free(d->t);
	free(d->products);
	memset(d, 0, sizeof(*d));
}

void
dag_select(struct dag *d, const int *sel)
{
	size_t *stack = xcalloc(d->n + 1, sizeof(*stack)), depth = 0, i, k;

	for (i = 0; i < d->n; i++)
		d->t[i].selected = 0;
	for (i = 0; i < d->n; i++) {
		if (!sel[i] || d->t[i].selected)
			continue;
		d->t[i].selected = 1;
		stack[depth++] = i;
		while (depth) {
			struct dag_task *t = &d->t[stack[--depth]];

			for (k = 0; k < t->nup; k++)
				if (!d->t[t->up[k]].selected) {
					d->t[t->up[k]].selected = 1;
					stack[depth++] = t->up[k];
				}
		}
	}
	free(stack);
}

/* A max-heap of ready tasks by path, ties by index (collection order). */
struct heap {
	size_t *v, n;
	const struct dag *d;
};

static int
before(const struct heap *h, size_t a, size_t b)
{
	double pa = h->d->t[a].path, pb = h->d->t[b].path;

	return pa > pb || (pa == pb && a < b);
}

static void
heap_push(struct heap *h, size_t x)
{
	size_t i = h->n++;

	h->v[i] = x;
	while (i && before(h, h->v[i], h->v[(i - 1) / 2])) {
		size_t p = (i - 1) / 2, t = h->v[p];

		h->v[p] = h->v[i];
		h->v[i] = t;
		i = p;
	}
}

static size_t
heap_pop(struct heap *h)
{
	size_t top = h->v[0], i = 0;

	h->v[0] = h->v[--h->n];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i, t;

		if (l < h->n && before(h, h->v[l], h->v[m]))
			m = l;
		if (r < h->n && before(h, h->v[r], h->v[m]))
			m = r;
		if (m == i)
			break;
		t = h->v[m];
		h->v[m] = h->v[i];
		h->v[i] = t;
		i = m;
	}
	return top;
}

void
dag_topo(const struct dag *d, size_t *out)
{
	size_t *indeg = xcalloc(d->n + 1, sizeof(*indeg)), i, k, m = 0;
	struct heap h = { xcalloc(d->n + 1, sizeof(size_t)), 0, d };

	for (i = 0; i < d->n; i++)
		indeg[i] = d->t[i].nup;
	for (i = 0; i < d->n; i++)
		if (!indeg[i])
			heap_push(&h, i);
	while (h.n) {
		size_t x = heap_pop(&h);

		out[m++] = x;
		for (k = 0; k < d->t[x].ndown; k++)
			if (!--indeg[d->t[x].down[k]])
				heap_push(&h, d->t[x].down[k]);
	}
	free(indeg);
	free(h.v);
}

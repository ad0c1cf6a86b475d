/*
 * select.c - the run's selection: -k and -m, then what the selected items
 * must satisfy before they run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ctl.h"
#include "expr.h"
#include "quote.h"
#include "select.h"

static size_t
id_hash(const char *s)
{
	return (size_t)hd_fnv1a(HD_FNV_BASIS, s, strlen(s));
}

int
select_check_ids(const struct ctl *c)
{
	const struct citem **slot;
	char q[HD_QUOTE_SIZE];
	size_t n = 0, nslot = 2, i, j, h;
	int r = 0;

	for (i = 0; i < c->nbins; i++)
		n += c->bins[i].n;
	while (nslot < 2 * n)
		nslot *= 2;
	slot = xcalloc(nslot, sizeof(*slot));
	for (i = 0; i < c->nbins && !r; i++)
		for (j = 0; j < c->bins[i].n; j++) {
			const struct citem *it = &c->bins[i].items[j];

			if (!it->selected)
				continue;
			for (h = id_hash(it->id) & (nslot - 1); slot[h]; h = (h + 1) & (nslot - 1))
				if (!strcmp(slot[h]->id, it->id))
					break;
			if (!slot[h]) {
				slot[h] = it;
				continue;
			}
			if (slot[h]->bin == it->bin)
				fprintf(stderr, "herd: %s: two items have the node id '%s'\n",
					it->bin->path, hd_quote_str(q, it->id));
			else
				fprintf(stderr, "herd: %s and %s both have the node id '%s'\n",
					slot[h]->bin->path, it->bin->path, hd_quote_str(q, it->id));
			r = -1;
			break;
		}
	free(slot);
	return r;
}


void
select_items(struct ctl *c, int tasks, size_t *collected)
{
	struct hd_expr *k = hd_opt_expr("-k", c->kexpr), *m = hd_opt_expr("-m", c->mexpr);
	size_t i, j;

	*collected = 0;
	for (i = 0; i < c->nbins; i++) {
		struct binary *b = &c->bins[i];

		for (j = 0; j < b->n; j++) {
			struct citem *it = &b->items[j];

			/* A verb takes the tasks; a test run the tests (docs/tasks.md). */
			if (it->decl->task != tasks) {
				it->selected = 0;
				continue;
			}
			(*collected)++;
			it->selected = (!k || hd_expr_eval(k, hd_match_id, it->id)) &&
				       (!m || hd_expr_eval(m, hd_match_words, (void *)it->decl->marks));
			c->nselected += it->selected;
		}
	}
	hd_expr_free(k);
	hd_expr_free(m);
}

void
select_expand_each(struct ctl *c)
{
	size_t i, j;
	int s;

	for (i = 0; i < c->nbins; i++) {
		struct binary *b = &c->bins[i];
		size_t n = b->n;

		b->items = xreallocarray(b->items, n * (size_t)c->nslots, sizeof(*b->items));
		for (j = 0; j < n; j++)
			b->items[j].pin = 0;
		for (s = 1; s < c->nslots; s++)
			for (j = 0; j < n; j++) {
				b->items[(size_t)s * n + j] = b->items[j];
				b->items[(size_t)s * n + j].pin = s;
			}
		for (j = n; j < n * (size_t)c->nslots; j++)
			c->nselected += b->items[j].selected;
		b->ntotal = n * (size_t)c->nslots;
	}
}


int
select_check_demands(struct ctl *c)
{
	size_t i, j, k;

	for (i = 0; i < c->nbins; i++)
		for (j = 0; j < c->bins[i].n; j++) {
			const struct citem *it = &c->bins[i].items[j];

			for (k = 0; it->selected && k < it->decl->nneed; k++) {
				const struct resource *r = &c->res[it->decl->need[k].res];

				if (it->decl->need[k].n > r->cap) {
					fprintf(stderr, "herd: %s needs %ld of resource '%s', whose capacity "
						"is %ld (see --resource %s=N)\n", it->id, it->decl->need[k].n,
						r->name, r->cap, r->name);
					return -1;
				}
			}
		}
	return 0;
}

void
select_count_gfix_users(struct ctl *c)
{
	size_t i, j, k;

	for (i = 0; i < c->nbins; i++)
		for (j = 0; j < c->bins[i].ntotal; j++) {
			const struct citem *it = &c->bins[i].items[j];

			for (k = 0; it->selected && it->decl->fixtures && k < c->ngfix; k++)
				if (hd_match_words(c->gfix[k].name, strlen(c->gfix[k].name),
						   (void *)it->decl->fixtures))
					c->gfix[k].users++;
		}
}

/*
 * priority - a scheduler of its own (the seed's PriorityScheduler): items
 * whose id contains "priority" or "critical" are sent first, then the
 * others, each group in the order collection_modifyitems left it; one item
 * at a time, to whichever worker asks first. Shows: make_scheduler (a
 * firstresult hook), the struct herd_scheduler a scheduler fills in, and
 * the rule a scheduler keeps: a worker only gets items of its own binary,
 * and an item given back is sent again.
 *
 *	herd -p build/plugins/priority.so -n 4 build/tests
 *
 * It replaces --dist: groups, resources and scopes are the built-in
 * scheduler's business and are not honoured here.
 */
#include <stdlib.h>
#include <string.h>

#include <herd_plugin.h>

struct prio {
	herd_item **items;	/* priority items first */
	char *sent;		/* items[i] is out (or done) */
	size_t n;
	size_t first;		/* no unsent item before this index */
};

static int
urgent(const herd_item *it)
{
	const char *id = herd_item_id(it);

	return strstr(id, "priority") || strstr(id, "critical");
}

static void *
create(herd_session *s, herd_item *const *items, size_t n)
{
	struct prio *p = calloc(1, sizeof(*p));
	size_t i, k = 0;
	int pass;

	(void)s;
	if (!p || !(p->items = calloc(n + 1, sizeof(*p->items))) || !(p->sent = calloc(n + 1, 1))) {
		if (p)
			free(p->items);
		free(p);
		return NULL;	/* herd ends the run: exit 3 */
	}
	/* A stable partition: the urgent ones, then the rest. */
	for (pass = 1; pass >= 0; pass--)
		for (i = 0; i < n; i++)
			if (!!urgent(items[i]) == pass)
				p->items[k++] = items[i];
	p->n = n;
	return p;
}

static size_t
next(void *self, herd_node *node, herd_item **out, size_t max)
{
	struct prio *p = self;
	const char *bin = herd_node_binary(node);
	size_t i;

	if (!max || !bin)
		return 0;
	while (p->first < p->n && p->sent[p->first])
		p->first++;
	for (i = p->first; i < p->n; i++) {
		if (p->sent[i] || strcmp(herd_item_binary(p->items[i]), bin))
			continue;
		p->sent[i] = 1;
		out[0] = p->items[i];
		return 1;
	}
	return 0;
}

/* Back in its old place: unsent again. */
static void
give_back(void *self, herd_node *from, herd_item *const *items, size_t n)
{
	struct prio *p = self;
	size_t i, k;

	(void)from;	/* wherever it was: it goes back to its place in the order */
	for (k = 0; k < n; k++)
		for (i = 0; i < p->n; i++)
			if (p->items[i] == items[k]) {
				p->sent[i] = 0;
				if (i < p->first)
					p->first = i;
				break;
			}
}

static size_t
pending(void *self, const char *binary, int slot)
{
	struct prio *p = self;
	size_t i, left = 0;

	(void)slot;
	for (i = p->first; i < p->n; i++)
		left += !p->sent[i] && !strcmp(herd_item_binary(p->items[i]), binary);
	return left;
}

static void
destroy(void *self)
{
	struct prio *p = self;

	free(p->items);
	free(p->sent);
	free(p);
}

static const struct herd_scheduler prio_scheduler = {
	.name = "priority",
	.create = create,
	.next = next,
	.give_back = give_back,
	.pending = pending,
	.destroy = destroy,
};

static int
make_scheduler(herd_session *s, const struct herd_scheduler **out)
{
	(void)s;
	*out = &prio_scheduler;
	return 1;
}

HERD_PLUGIN("priority", .make_scheduler = make_scheduler);

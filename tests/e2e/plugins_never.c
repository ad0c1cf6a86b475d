/*
 * plugins_never.c - a scheduler that never schedules anything, for
 * tests/e2e/plugins.sh: herd must end the run with a clear error and exit 3,
 * not wait for it forever.
 */
#include <herd_plugin.h>

static int self_;	/* create's answer must not be NULL */

static void *
create(herd_session *s, herd_item *const *items, size_t n)
{
	(void)s;
	(void)items;
	self_ = (int)n;
	return &self_;
}

static size_t
next(void *self, herd_node *node, herd_item **out, size_t max)
{
	(void)self;
	(void)node;
	(void)out;
	(void)max;
	return 0;
}

static void
give_back(void *self, herd_node *from, herd_item *const *items, size_t n)
{
	(void)self;
	(void)from;
	(void)items;
	(void)n;
}

/* Items are left, it says, but next() never gives them. */
static size_t
pending(void *self, const char *binary, int slot)
{
	(void)binary;
	(void)slot;
	return (size_t)*(int *)self;
}

static const struct herd_scheduler never = {
	.name = "never", .create = create, .next = next, .give_back = give_back,
	.pending = pending,
};

static int
make_scheduler(herd_session *s, const struct herd_scheduler **out)
{
	(void)s;
	*out = &never;
	return 1;
}

HERD_PLUGIN("never", .make_scheduler = make_scheduler);

/*
 * Unit tests of the built-in scheduler (src/sched.c, src/sched_build.c) and
 * of the loop's checks on any scheduler (src/sched_api.c), with no process:
 * items, binaries and slots are plain data, as the scheduler sees them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <herd.h>

#include "loop.h"
#include "scheduler.h"

#define MAXI 64

struct world {
	struct binary bins[2];
	struct resource res[2];
	struct sched_opts o;
	struct sched *s;
	struct citem *out[MAXI];
	struct cdecl decls[2][MAXI];	/* each item's own, for a test to change */
};

/* An item's declaration, which the controller shares and never writes: here each is its own. */
#define DECL(it) ((struct cdecl *)(it)->decl)

/* Binary k of w with n items f<i%files>.c::s<i%suites>::t<i>, all selected. */
static struct binary *
bin_init(struct world *w, int k, size_t n, int files, int suites)
{
	static char names[2][MAXI][32];
	static const char *const fnames[] = { "a.c", "b.c", "c.c" };
	static const char *const snames[] = { "s0", "s1", "s2" };
	struct binary *b = &w->bins[k];
	size_t i;

	b->path = k ? "bin1" : "bin0";
	b->items = calloc(n, sizeof(*b->items));
	b->n = b->ntotal = n;
	b->collected = 1;
	for (i = 0; i < n; i++) {
		struct citem *it = &b->items[i];

		snprintf(names[k][i], sizeof(names[k][i]), "%s::%s::t%zu", fnames[i % (size_t)files],
			 snames[i % (size_t)suites], i);
		it->bin = b;
		it->idx = i;
		it->id = names[k][i];
		it->decl = &w->decls[k][i];
		w->decls[k][i].file = fnames[i % (size_t)files];
		w->decls[k][i].suite = snames[i % (size_t)suites];
		it->selected = 1;
		it->pin = -1;
	}
	return b;
}

static void
world_init(struct world *w, enum dist d, int nslots)
{
	memset(w, 0, sizeof(*w));
	w->o.dist = d;
	w->o.nslots = nslots;
	w->res[0].name = "pg";
	w->res[0].cap = 1;
	w->o.res = w->res;
	w->o.nres = 1;
}

static void
world_start(struct world *w, size_t nbins)
{
	w->s = sched_new(&w->o, w->bins, nbins);
}

static void
world_free(struct world *w)
{
	size_t i;

	sched_free(w->s);
	for (i = 0; i < 2; i++)
		free(w->bins[i].items);
}

/* What slot gets now, as "0 1 2" (indexes), or "" for nothing. */
static const char *
deal(struct world *w, int slot, int bin)
{
	static char buf[512];
	size_t n = sched_next(w->s, slot, &w->bins[bin], w->out, MAXI), i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%u", i ? " " : "",
					w->out[i]->idx);
	return buf;
}

/* Slot ran item i of binary bin. */
static void
done(struct world *w, int slot, int bin, size_t i)
{
	sched_item_done(w->s, slot, &w->bins[bin].items[i]);
}

TEST(sched, load_deals_in_batches_in_order)
{
	struct world w;

	world_init(&w, DIST_LOAD, 2);
	bin_init(&w, 0, 8, 1, 1);
	world_start(&w, 1);
	/* 8 items over 2 workers: batches of 2 hide the round trip. */
	CHECK_STR_EQ(deal(&w, 0, 0), "0 1");
	CHECK_STR_EQ(deal(&w, 1, 0), "2 3");
	/* Full: nothing more until an item is done. */
	CHECK_STR_EQ(deal(&w, 0, 0), "");
	done(&w, 0, 0, 0);
	CHECK_STR_EQ(deal(&w, 0, 0), "4");
	world_free(&w);
}

TEST(sched, a_binary_timed_shorter_than_a_start_goes_whole)
{
	struct world w;

	world_init(&w, DIST_LOAD, 2);
	bin_init(&w, 0, 8, 1, 1);
	bin_init(&w, 1, 8, 1, 1);
	world_start(&w, 2);
	/* Its worker listed it in 5 ms; another binary's 8 items took 1 ms in
	 * all: a second worker of it would cost more than its share of the work. */
	w.bins[0].startup = 0.005;
	w.bins[0].workers = 1;
	w.bins[1].ran = 8;
	w.bins[1].ran_secs = 0.001;
	CHECK_STR_EQ(deal(&w, 0, 0), "0 1 2 3 4 5 6 7");
	/* Timed long enough to split, it is dealt in batches again. */
	w.bins[1].ran_secs = 1.0;
	CHECK_STR_EQ(deal(&w, 1, 1), "0 1");
	world_free(&w);
}

TEST(sched, load_few_items_one_at_a_time)
{
	struct world w;

	world_init(&w, DIST_LOAD, 2);
	bin_init(&w, 0, 3, 1, 1);
	world_start(&w, 1);
	CHECK_STR_EQ(deal(&w, 0, 0), "0");
	CHECK_STR_EQ(deal(&w, 1, 0), "1");
	CHECK_EQ(sched_pending(w.s, &w.bins[0], 0), 1);
	world_free(&w);
}

/* Puts binary k's items, in order, in modules of the sizes given (0 ends the list). */
static void
modules(struct world *w, int k, const size_t *sizes)
{
	static const char *const mnames[] = { "m0.py", "m1.py", "m2.py", "m3.py", "m4.py", "m5.py" };
	size_t i = 0, m, j;

	for (m = 0; sizes[m]; m++)
		for (j = 0; j < sizes[m]; j++)
			w->decls[k][i++].file = mnames[m];
}

TEST(sched, load_extends_a_batch_to_its_module_end)
{
	struct world w;

	world_init(&w, DIST_LOAD, 2);
	bin_init(&w, 0, 48, 1, 1);
	modules(&w, 0, (const size_t[]){ 8, 8, 8, 8, 8, 8, 0 });
	world_start(&w, 1);
	/* Depth 6 (48 / 8), extended by the module's 2 others: the worker's
	 * share of what is left is 24. */
	CHECK_STR_EQ(deal(&w, 0, 0), "0 1 2 3 4 5 6 7");
	CHECK_STR_EQ(deal(&w, 1, 0), "8 9 10 11 12 13 14 15");
	world_free(&w);
}

TEST(sched, load_cuts_a_batch_back_to_a_module_another_worker_can_take_whole)
{
	struct world w;

	world_init(&w, DIST_LOAD, 2);
	bin_init(&w, 0, 44, 1, 1);
	modules(&w, 0, (const size_t[]){ 4, 20, 20, 0 });
	world_start(&w, 1);
	/* Depth 5: m0 and one item of m1, whose 19 others would make 24, more
	 * than the share of 22: m1 is left whole ... */
	CHECK_STR_EQ(deal(&w, 0, 0), "0 1 2 3");
	/* ... to the next worker, within its share. */
	CHECK_STR_EQ(deal(&w, 1, 0), "4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23");
	world_free(&w);
}

TEST(sched, a_steal_takes_whole_modules_when_near_half)
{
	struct world w;
	struct binary *b;
	size_t i;
	int victim = -1;

	world_init(&w, DIST_WORKSTEAL, 2);
	b = bin_init(&w, 0, 10, 1, 1);
	modules(&w, 0, (const size_t[]){ 1, 3, 2, 4, 0 });
	world_start(&w, 1);
	/* Half of the 10, cut back to the end of m1: m2 fits a share whole. */
	CHECK_STR_EQ(deal(&w, 0, 0), "0 1 2 3");
	CHECK_STR_EQ(deal(&w, 1, 0), "4 5 6");
	for (i = 4; i < 10; i++) {
		if (i > 6)
			deal(&w, 1, 0);
		done(&w, 1, 0, i);
	}
	/* Slot 0 runs 0 (m0); its unstarted tail is m1's 1 2 3: all of it,
	 * rather than half (2), which would set m1 up on both workers. */
	CHECK_EQ(sched_steal(w.s, 1, b, &victim), 3);
	CHECK_EQ(victim, 0);
	world_free(&w);
}

TEST(sched, load_keeps_each_module_on_one_worker_when_it_costs_no_balance)
{
	struct world w;
	struct citem *q[2][MAXI];
	size_t len[2] = { 0, 0 }, n, i, sum = 0;
	unsigned ran[6] = { 0 };
	int slot, busy = 1;

	world_init(&w, DIST_LOAD, 2);
	bin_init(&w, 0, 48, 1, 1);
	modules(&w, 0, (const size_t[]){ 8, 8, 8, 8, 8, 8, 0 });
	world_start(&w, 1);
	/* Both workers are topped up, then each runs one item, in turns. */
	while (busy) {
		busy = 0;
		for (slot = 0; slot < 2; slot++) {
			n = sched_next(w.s, slot, &w.bins[0], q[slot] + len[slot], MAXI - len[slot]);
			len[slot] += n;
		}
		for (slot = 0; slot < 2; slot++) {
			if (!len[slot])
				continue;
			ran[q[slot][0]->decl->file[1] - '0'] |= 1u << slot;
			sched_item_done(w.s, slot, q[slot][0]);
			memmove(q[slot], q[slot] + 1, --len[slot] * sizeof(*q[slot]));
			busy = 1;
		}
	}
	for (i = 0; i < 6; i++)
		sum += (ran[i] & 1) + (ran[i] >> 1);
	/* Without the cut at module ends: 12, every module on both workers. */
	CHECK_EQ(sum, 6);
	world_free(&w);
}

TEST(sched, loadscope_keeps_a_suite_on_one_worker_largest_first)
{
	struct world w;

	world_init(&w, DIST_LOADSCOPE, 2);
	/* Suites s0 (items 0 2 4) and s1 (1 3): s0, the larger, goes first and whole. */
	bin_init(&w, 0, 5, 1, 2);
	world_start(&w, 1);
	CHECK_STR_EQ(deal(&w, 0, 0), "0 2 4");
	CHECK_STR_EQ(deal(&w, 1, 0), "1 3");
	CHECK_EQ(sched_pending(w.s, &w.bins[0], 0), 0);
	world_free(&w);
}

TEST(sched, loadfile_keeps_a_file_on_one_worker)
{
	struct world w;

	world_init(&w, DIST_LOADFILE, 2);
	/* Files a.c (0 3), b.c (1 4), c.c (2 5); suites differ within a file. */
	bin_init(&w, 0, 6, 3, 2);
	world_start(&w, 1);
	CHECK_STR_EQ(deal(&w, 0, 0), "0 3");
	CHECK_STR_EQ(deal(&w, 1, 0), "1 4");
	world_free(&w);
}

TEST(sched, loadgroup_keeps_a_group_together)
{
	struct world w;
	struct binary *b;

	world_init(&w, DIST_LOADGROUP, 2);
	b = bin_init(&w, 0, 5, 1, 1);
	DECL(&b->items[1])->group = DECL(&b->items[3])->group = "g";
	world_start(&w, 1);
	CHECK_STR_EQ(deal(&w, 0, 0), "1 3");
	/* The others are units of one: two at a time in the scoped modes. */
	CHECK_STR_EQ(deal(&w, 1, 0), "0 2");
	world_free(&w);
}

TEST(sched, each_pins_every_copy_to_its_slot)
{
	struct world w;
	struct binary *b;
	size_t i;

	world_init(&w, DIST_EACH, 2);
	/* Two items, one copy per slot: copies 0 1 for slot 0, 2 3 for slot 1. */
	b = bin_init(&w, 0, 4, 1, 1);
	for (i = 0; i < 4; i++)
		b->items[i].pin = (int)(i / 2);
	world_start(&w, 1);
	CHECK_STR_EQ(deal(&w, 1, 0), "2 3");
	CHECK_EQ(sched_pending(w.s, b, 1), 0);
	CHECK_EQ(sched_pending(w.s, b, 0), 2);
	CHECK_STR_EQ(deal(&w, 0, 0), "0 1");
	/* No stealing across pins. */
	{
		int victim = -1;

		CHECK_EQ(sched_steal(w.s, 1, b, &victim), 0);
	}
	world_free(&w);
}

TEST(sched, worksteal_first_batch_is_an_even_share_then_steals_half_the_tail)
{
	struct world w;
	struct binary *b;
	size_t i;
	int victim = -1;

	world_init(&w, DIST_WORKSTEAL, 2);
	b = bin_init(&w, 0, 10, 1, 1);
	world_start(&w, 1);
	CHECK_STR_EQ(deal(&w, 0, 0), "0 1 2 3 4");
	CHECK_STR_EQ(deal(&w, 1, 0), "5 6 7");	/* the share of what is left */
	for (i = 5; i < 8; i++)
		done(&w, 1, 0, i);
	/* The pool is not empty: no steal yet. */
	CHECK_EQ(sched_steal(w.s, 1, b, &victim), 0);
	CHECK_STR_EQ(deal(&w, 1, 0), "8");
	done(&w, 1, 0, 8);
	CHECK_STR_EQ(deal(&w, 1, 0), "9");
	done(&w, 1, 0, 9);
	CHECK_EQ(sched_pending(w.s, b, 1), 4);	/* 1 2 3 4 may be stolen; 0 runs */
	/* Slot 1 is dry: half of slot 0's unstarted tail, from its end. */
	CHECK_EQ(sched_steal(w.s, 1, b, &victim), 2);
	CHECK_EQ(victim, 0);
	/* One steal at a time. */
	CHECK_EQ(sched_steal(w.s, 1, b, &victim), 0);
	/* The victim released 3 and 4: they go to the thief, not the pool. */
	sched_give_back(w.s, 0, (struct citem *[]){ &b->items[3], &b->items[4] }, 2);
	CHECK_EQ(sched_pending(w.s, b, 1), 4);	/* its stash 3 4, and slot 0's tail 1 2 */
	CHECK_STR_EQ(deal(&w, 1, 0), "3 4");
	world_free(&w);
}

TEST(sched, a_dead_thief_leaves_the_stolen_items_to_the_pool)
{
	struct world w;
	struct binary *b;
	size_t i;
	int victim = -1;

	world_init(&w, DIST_WORKSTEAL, 2);
	b = bin_init(&w, 0, 10, 1, 1);
	world_start(&w, 1);
	deal(&w, 0, 0);
	deal(&w, 1, 0);
	for (i = 5; i < 8; i++)
		done(&w, 1, 0, i);
	for (i = 8; i < 10; i++) {
		deal(&w, 1, 0);
		done(&w, 1, 0, i);
	}
	CHECK_EQ(sched_steal(w.s, 1, b, &victim), 2);
	sched_node_down(w.s, 1);
	/* Until slot 0 has answered that release, no steal asks it again
	 * (herd would refuse to send it a second one, and end the run). */
	CHECK_EQ(sched_steal(w.s, 1, b, &victim), 0);
	sched_give_back(w.s, 0, (struct citem *[]){ &b->items[3], &b->items[4] }, 2);
	/* Back in the pool, in order: whoever comes next gets them (worksteal's
	 * first batch for a fresh worker: half of the two). */
	CHECK_EQ(sched_pending(w.s, b, 1), 2 + 2);	/* and slot 0's tail 1 2 */
	CHECK_STR_EQ(deal(&w, 1, 0), "3");
	done(&w, 1, 0, 3);
	CHECK_STR_EQ(deal(&w, 1, 0), "4");
	world_free(&w);
}

TEST(sched, a_crash_gives_back_what_was_not_started)
{
	struct world w;
	struct binary *b;

	world_init(&w, DIST_LOAD, 2);
	b = bin_init(&w, 0, 8, 1, 1);
	world_start(&w, 1);
	CHECK_STR_EQ(deal(&w, 0, 0), "0 1");
	/* Item 0 crashed its worker: it is done; 1 was not started. */
	done(&w, 0, 0, 0);
	sched_give_back(w.s, 0, (struct citem *[]){ &b->items[1] }, 1);
	sched_node_down(w.s, 0);
	CHECK_STR_EQ(deal(&w, 1, 0), "1 2");
	/* A rerun (no slot) goes to the front too. */
	sched_give_back(w.s, -1, (struct citem *[]){ &b->items[0] }, 1);
	CHECK_STR_EQ(deal(&w, 0, 0), "0 3");
	world_free(&w);
}

TEST(sched, serial_group_goes_whole_to_one_worker_and_is_never_stolen)
{
	struct world w;
	struct binary *b;
	int victim = -1;

	world_init(&w, DIST_LOAD, 2);
	b = bin_init(&w, 0, 5, 1, 1);
	DECL(&b->items[0])->group = DECL(&b->items[2])->group = DECL(&b->items[4])->group = "db";
	DECL(&b->items[0])->strategy = DECL(&b->items[2])->strategy = DECL(&b->items[4])->strategy = HERD_SERIAL;
	world_start(&w, 1);
	CHECK_STR_EQ(deal(&w, 0, 0), "0 2 4");
	CHECK_STR_EQ(deal(&w, 1, 0), "1");
	done(&w, 1, 0, 1);
	CHECK_STR_EQ(deal(&w, 1, 0), "3");
	done(&w, 1, 0, 3);
	CHECK_EQ(sched_steal(w.s, 1, b, &victim), 0);
	/* Its worker died after 0: the rest comes back as one unit. */
	done(&w, 0, 0, 0);
	sched_give_back(w.s, 0, (struct citem *[]){ &b->items[2], &b->items[4] }, 2);
	sched_node_down(w.s, 0);
	CHECK_STR_EQ(deal(&w, 1, 0), "2 4");
	world_free(&w);
}

TEST(sched, isolated_serial_runs_first_with_nothing_beside_it)
{
	struct world w;
	struct binary *b;

	world_init(&w, DIST_LOAD, 2);
	b = bin_init(&w, 0, 4, 1, 1);
	DECL(&b->items[2])->group = DECL(&b->items[3])->group = "iso";
	DECL(&b->items[2])->strategy = DECL(&b->items[3])->strategy = HERD_ISOLATED_SERIAL;
	world_start(&w, 1);
	CHECK_STR_EQ(deal(&w, 0, 0), "2 3");
	CHECK_STR_EQ(deal(&w, 1, 0), "");
	done(&w, 0, 0, 2);
	CHECK_STR_EQ(deal(&w, 1, 0), "");
	done(&w, 0, 0, 3);
	CHECK_STR_EQ(deal(&w, 1, 0), "0");
	world_free(&w);
}

TEST(sched, isolated_free_spreads_its_items_but_only_among_themselves)
{
	struct world w;
	struct binary *b;

	world_init(&w, DIST_LOAD, 2);
	b = bin_init(&w, 0, 4, 1, 1);
	DECL(&b->items[1])->group = DECL(&b->items[3])->group = "isof";
	DECL(&b->items[1])->strategy = DECL(&b->items[3])->strategy = HERD_ISOLATED_FREE;
	world_start(&w, 1);
	CHECK_STR_EQ(deal(&w, 0, 0), "1");
	CHECK_STR_EQ(deal(&w, 1, 0), "3");
	CHECK_STR_EQ(deal(&w, 0, 0), "");
	done(&w, 0, 0, 1);
	CHECK_STR_EQ(deal(&w, 0, 0), "");	/* 3 still runs */
	done(&w, 1, 0, 3);
	CHECK_STR_EQ(deal(&w, 0, 0), "0");
	world_free(&w);
}

TEST(sched, resources_wait_for_tokens_and_block_later_demands)
{
	struct world w;
	struct binary *b;
	struct demand pg = { 0, 1 };

	world_init(&w, DIST_LOAD, 3);
	b = bin_init(&w, 0, 4, 1, 1);
	DECL(&b->items[0])->need = DECL(&b->items[1])->need = &pg;
	DECL(&b->items[0])->nneed = DECL(&b->items[1])->nneed = 1;
	world_start(&w, 1);
	/* 0 takes pg's one token and goes alone; 1 waits for it; 2 and 3 pass. */
	CHECK_STR_EQ(deal(&w, 0, 0), "0");
	CHECK_EQ(w.res[0].used, 1);
	CHECK_STR_EQ(deal(&w, 1, 0), "2");
	done(&w, 0, 0, 0);
	CHECK_EQ(w.res[0].used, 0);
	CHECK_STR_EQ(deal(&w, 2, 0), "1");
	/* A worker that dies gives its tokens back. */
	sched_give_back(w.s, 2, (struct citem *[]){ &b->items[1] }, 1);
	sched_node_down(w.s, 2);
	CHECK_EQ(w.res[0].used, 0);
	world_free(&w);
}

TEST(sched, an_exclusive_item_waits_for_an_idle_run_and_runs_alone)
{
	struct world w;
	struct binary *b;

	world_init(&w, DIST_LOAD, 2);
	b = bin_init(&w, 0, 3, 1, 1);
	DECL(&b->items[1])->exclusive = 1;
	world_start(&w, 1);
	CHECK_STR_EQ(deal(&w, 0, 0), "0");
	CHECK_STR_EQ(deal(&w, 1, 0), "");	/* nothing jumps it, and 0 runs */
	done(&w, 0, 0, 0);
	CHECK_STR_EQ(deal(&w, 1, 0), "1");
	CHECK_STR_EQ(deal(&w, 0, 0), "");
	done(&w, 1, 0, 1);
	CHECK_STR_EQ(deal(&w, 0, 0), "2");
	world_free(&w);
}

TEST(sched, longest_first_one_long_item_at_a_time)
{
	struct world w;
	struct binary *b;
	static const double est[] = { 1, 5, 3, 4, 2, 6 };
	size_t i;

	world_init(&w, DIST_LOAD, 2);
	w.o.order_by_time = 1;
	b = bin_init(&w, 0, 6, 1, 1);
	for (i = 0; i < 6; i++)
		b->items[i].est = est[i];
	world_start(&w, 1);
	/* LPT: 6 5 4 3 2 1 seconds, one long item a batch, alternating workers. */
	CHECK_STR_EQ(deal(&w, 0, 0), "5");
	CHECK_STR_EQ(deal(&w, 1, 0), "1");
	done(&w, 1, 0, 1);
	CHECK_STR_EQ(deal(&w, 1, 0), "3");
	done(&w, 0, 0, 5);
	CHECK_STR_EQ(deal(&w, 0, 0), "2");
	world_free(&w);
}

/* The order of binary bin's pool, as "0 1 2" (indexes). */
static const char *
pool_order(struct world *w, int bin)
{
	static char buf[512];
	const struct pool *p = sched_pool(w->s, &w->bins[bin]);
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < p->len; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%u", i ? " " : "",
					unit_v(&p->u[p->head + i])[0]->idx);
	return buf;
}

TEST(sched, longest_first_by_module_then_suite_then_item)
{
	struct world w;
	struct binary *b;
	/* m0: 1.9 s in all, m1: 1.1 s, m2: 2.1 s; a worker's share 5.1 s. */
	static const double est[] = { 0.2, 0.2, 1.5, 0.5, 0.6, 1, 1, 0.1 };
	static const double suites[] = { 0.3, 0.3, 0.3, 0.1, 0.4, 0.45 };
	size_t i;

	world_init(&w, DIST_LOAD, 1);
	w.o.order_by_time = 1;
	b = bin_init(&w, 0, 8, 1, 1);
	modules(&w, 0, (const size_t[]){ 3, 2, 3, 0 });
	for (i = 0; i < 8; i++)
		b->items[i].est = est[i];
	world_start(&w, 1);
	/* Item 2 is long (over a quarter of the share): first, alone. Then m2,
	 * m1, and what is left of m0. Item by item it would be 2 5 6 4 3 0 1 7:
	 * m2 and m0 set up twice. */
	CHECK_STR_EQ(pool_order(&w, 0), "2 5 6 7 4 3 0 1");
	world_free(&w);

	/* In one file, suites (classes) the same way: s1 (0.95 s) before s0 (0.9 s). */
	world_init(&w, DIST_LOAD, 1);
	w.o.order_by_time = 1;
	b = bin_init(&w, 0, 6, 1, 1);
	for (i = 0; i < 6; i++) {
		b->items[i].est = suites[i];
		w.decls[0][i].suite = i < 3 ? "s0" : "s1";
	}
	world_start(&w, 1);
	CHECK_STR_EQ(pool_order(&w, 0), "5 4 3 0 1 2");
	world_free(&w);

	/* --ff still puts a failed item before every scope. */
	world_init(&w, DIST_LOAD, 1);
	w.o.order_by_time = 1;
	w.o.ff = 1;
	b = bin_init(&w, 0, 8, 1, 1);
	modules(&w, 0, (const size_t[]){ 3, 2, 3, 0 });
	for (i = 0; i < 8; i++)
		b->items[i].est = est[i];
	b->items[3].lastfailed = 1;
	world_start(&w, 1);
	CHECK_STR_EQ(pool_order(&w, 0), "3 2 5 6 7 4 0 1");
	world_free(&w);
}

TEST(sched, failed_first_and_bisect_order)
{
	struct world w;
	struct binary *b;
	struct citem *order[2];

	world_init(&w, DIST_LOAD, 1);
	w.o.ff = 1;
	b = bin_init(&w, 0, 4, 1, 1);
	b->items[2].lastfailed = 1;
	world_start(&w, 1);
	CHECK_STR_EQ(deal(&w, 0, 0), "2 0");
	world_free(&w);

	world_init(&w, DIST_LOAD, 1);
	b = bin_init(&w, 0, 4, 1, 1);
	order[0] = &b->items[3];
	order[1] = &b->items[1];
	w.o.order = order;
	w.o.norder = 2;
	world_start(&w, 1);
	CHECK_STR_EQ(deal(&w, 0, 0), "3 1");
	world_free(&w);
}

TEST(sched, an_empty_slot_starts_the_binary_with_most_work)
{
	struct world w;

	world_init(&w, DIST_LOAD, 2);
	bin_init(&w, 0, 4, 1, 1);
	bin_init(&w, 1, 12, 1, 1);
	world_start(&w, 2);
	CHECK(sched_pick_binary(w.s, 0) == &w.bins[1]);
	/* A worker of bin0 parked for slot 0 weighs four times. */
	w.bins[0].parked = 1;
	CHECK(sched_pick_binary(w.s, 0) == &w.bins[0]);
	CHECK(sched_pick_binary(w.s, 1) == &w.bins[1]);
	world_free(&w);
}

TEST(sched, before_any_timing_a_second_worker_waits_for_a_long_item)
{
	struct world w;
	struct citem *head;

	world_init(&w, DIST_LOAD, 2);
	bin_init(&w, 0, 40, 1, 1);
	world_start(&w, 1);
	w.bins[0].startup = 0.5;
	w.bins[0].workers = 1;
	CHECK_STR_EQ(deal(&w, 0, 0), "0 1 2 3 4");
	head = &w.bins[0].items[0];
	/* Its worker has just started its first item: quick ones would not
	 * repay a second start, and nothing is timed yet. */
	head->started = hd_now();
	CHECK(sched_pick_binary(w.s, 1) == NULL);
	/* That item has run for longer than the binary took to start. */
	head->started = hd_now() - 1.0;
	CHECK(sched_pick_binary(w.s, 1) == &w.bins[0]);
	/* Once items are timed, their times decide: 35 of 1 ms each are less
	 * than a start of 0.5 s. */
	head->started = hd_now();
	w.bins[0].ran = 5;
	w.bins[0].ran_secs = 0.005;
	CHECK(sched_pick_binary(w.s, 1) == NULL);
	world_free(&w);
}

TEST(sched, a_binary_no_worker_runs_is_started_at_once)
{
	struct world w;

	world_init(&w, DIST_LOAD, 2);
	bin_init(&w, 0, 2, 1, 1);
	world_start(&w, 1);
	/* Listed by slot 0, whose worker waits there, parked: nothing runs it. */
	w.bins[0].startup = 0.5;
	w.bins[0].parked = 1;
	CHECK(sched_pick_binary(w.s, 1) == &w.bins[0]);
	world_free(&w);
}

/* ---- the loop's checks on any scheduler (sched_api.c) ---- */

static size_t
idle_next(void *self, herd_node *n, herd_item **out, size_t max)
{
	(void)self, (void)n, (void)out, (void)max;
	return 0;
}

static struct citem *wrong_item;

static size_t
wrong_next(void *self, herd_node *n, herd_item **out, size_t max)
{
	(void)self, (void)n, (void)max;
	out[0] = (herd_item *)(void *)wrong_item;
	return 1;
}

static void
nop_give_back(void *self, herd_node *from, herd_item *const *v, size_t n)
{
	(void)self, (void)from, (void)v, (void)n;
}

static size_t
some_pending(void *self, const char *binary, int slot)
{
	(void)self, (void)binary, (void)slot;
	return 1;
}

static const struct herd_scheduler lazy = {
	.name = "lazy", .next = idle_next, .give_back = nop_give_back, .pending = some_pending,
};
static const struct herd_scheduler wrong = {
	.name = "wrong", .next = wrong_next, .give_back = nop_give_back, .pending = some_pending,
};

static void
ctl_fake(struct ctl *c, struct world *w, const struct herd_scheduler *s)
{
	int i;

	memset(c, 0, sizeof(*c));
	c->nslots = 2;
	c->w = calloc(2, sizeof(*c->w));
	for (i = 0; i < 2; i++) {
		c->w[i].slot = i;
		c->w[i].state = W_IDLE;
		c->w[i].bin = &w->bins[0];
		snprintf(c->w[i].name, sizeof(c->w[i].name), "gw%d", i);
	}
	c->bins = w->bins;
	c->nbins = 2;
	c->sched = s;
	c->unsent = 3;
	c->batch_cap = 4;
	c->batch = calloc(4, sizeof(*c->batch));
}

static void
ctl_unfake(struct ctl *c)
{
	int i;

	for (i = 0; i < 2; i++) {
		free(c->w[i].q);
		buf_clear(&c->w[i].wbuf);
	}
	free(c->w);
	free(c->batch);
}

TEST(sched_api, a_scheduler_that_sends_nothing_to_idle_workers_ends_the_run)
{
	struct world w;
	struct ctl c;

	world_init(&w, DIST_LOAD, 2);
	bin_init(&w, 0, 3, 1, 1);
	ctl_fake(&c, &w, &lazy);
	CHECK_EQ(ctl_sched_next(&c, &c.w[0]), 0);
	/* A worker still listing: it may yet be sent something. */
	c.w[1].state = W_COLLECTING;
	ctl_sched_check_stuck(&c);
	CHECK_EQ(c.aborted, 0);
	c.w[1].state = W_IDLE;
	ctl_sched_check_stuck(&c);
	CHECK_EQ(c.aborted, 1);
	ctl_unfake(&c);
	world_free(&w);
}

TEST(sched_api, an_answer_of_another_binary_or_twice_is_refused)
{
	struct world w;
	struct ctl c;

	world_init(&w, DIST_LOAD, 2);
	bin_init(&w, 0, 3, 1, 1);
	bin_init(&w, 1, 3, 1, 1);
	ctl_fake(&c, &w, &wrong);
	wrong_item = &w.bins[1].items[0];
	CHECK_EQ(ctl_sched_next(&c, &c.w[0]), 0);
	CHECK_EQ(c.aborted, 1);
	CHECK_EQ(c.w[0].qlen, 0);
	c.aborted = 0;
	wrong_item = &w.bins[0].items[0];
	CHECK_EQ(ctl_sched_next(&c, &c.w[0]), 1);
	CHECK_EQ(c.w[0].qlen, 1);
	CHECK_EQ(c.aborted, 0);
	CHECK_EQ(ctl_sched_next(&c, &c.w[1]), 0);	/* sent already */
	CHECK_EQ(c.aborted, 1);
	ctl_unfake(&c);
	world_free(&w);
}

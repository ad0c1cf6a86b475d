/*
 * loop.c - the controller's event loop, and the rounds of a run.
 *
 * One ppoll() waits on every worker's socket and output pipes with SIGCHLD,
 * SIGINT and SIGTERM unblocked only inside it, so a signal cannot slip in
 * between a check and the sleep. Each round then hands out work: the
 * scheduler says what (sched_api.c), the loop sends it.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loop.h"

static volatile sig_atomic_t got_chld, got_int, got_dump;
static sigset_t loop_mask;	/* blocked outside ppoll */

/*
 * SIGINT, SIGTERM, SIGHUP (the terminal went away) and SIGQUIT stop the run
 * alike; SIGQUIT and SIGUSR1 also print what every worker is doing, and
 * SIGUSR1 only that: its default action would kill the controller and
 * orphan its workers.
 */
static void
on_signal(int sig)
{
	if (sig == SIGCHLD)
		got_chld = 1;
	else if (sig == SIGUSR1)
		got_dump = 1;
	else
		got_int = sig;
	if (sig == SIGQUIT)
		got_dump = 1;
}

void
signals_init(void)
{
	static const int sigs[] = { SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 };
	static int done;
	struct sigaction sa;
	size_t i;

	if (done++)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_NOCLDSTOP;
	sigemptyset(&loop_mask);
	for (i = 0; i < LEN(sigs); i++) {
		sigaction(sigs[i], &sa, NULL);
		sigaddset(&loop_mask, sigs[i]);
	}
	signal(SIGPIPE, SIG_IGN);
	sigprocmask(SIG_BLOCK, &loop_mask, NULL);
}

double
item_timeout(const struct ctl *c, const struct citem *it)
{
	return it->decl->timeout > 0 ? it->decl->timeout : c->timeout;
}

static void
interrupt(struct ctl *c, int sig)
{
	int i;

	if (c->interrupted) {
		for (i = 0; i < c->nslots; i++)
			worker_kill(&c->w[i]);
		return;
	}
	c->interrupted = sig;
	c->stopping = 1;
	for (i = 0; i < c->nslots; i++) {
		struct worker *w = &c->w[i];

		if (worker_alive(w)) {
			worker_signal(w, SIGTERM);
			w->deadline = hd_now() + c->grace + 1;
		}
	}
}

/*
 * How long after an item's limit the controller kills its worker. In fork
 * mode the worker enforces the limit: this only backs it up. In none mode
 * the controller enforces it, a second late: at the limit the worker itself
 * fails a hanging fixture of suite or worker scope, which then makes the
 * rest of its suite errors at once instead of each waiting out a limit.
 */
static double
backstop(const struct ctl *c)
{
	return c->isolation_none ? 1.0 : c->grace + 30;
}

/* Deadlines: collection, a hung item, a worker slow to stop. */
static void
check_deadlines(struct ctl *c, double now)
{
	int i;

	for (i = 0; i < c->nslots; i++) {
		struct worker *w = &c->w[i];
		struct citem *it = worker_head(w);
		double t;

		if (!worker_alive(w))
			continue;
		if (w->deadline > 0 && now >= w->deadline) {
			w->timed_out = worker_listing(w);
			worker_kill(w);
			continue;
		}
		if (w->state != W_RUNNING || !it || c->interrupted)
			continue;
		t = item_timeout(c, it);
		if (t <= 0)
			continue;
		if (now >= w->started + t + backstop(c)) {
			w->timed_out = 1;
			worker_kill(w);
		}
	}
}

/*
 * A free slot may be waiting for the run's first timing: until then the
 * scheduler gives a binary another worker only once one of its workers has
 * been on an item for as long as the binary took to start (sched.c,
 * ran_a_start). When that will be, if it is still to come; 0: no such wait.
 */
static double
spare_slot_due(const struct ctl *c, double now)
{
	double next = 0, t;
	size_t k;
	int i, spare = 0;

	for (k = 0; k < c->nbins; k++)
		if (c->bins[k].ran)
			return 0;
	for (i = 0; i < c->nslots; i++)
		spare |= !worker_alive(&c->w[i]) && !slot_down(c, i);
	for (i = 0; i < c->nslots && spare; i++) {
		const struct worker *w = &c->w[i];

		if (w->state != W_RUNNING || !worker_head(w))
			continue;
		t = w->started + w->bin->startup;
		if (t > now && (!next || t < next))
			next = t;
	}
	return next;
}

static double
next_deadline(struct ctl *c)
{
	double next = 0, t;
	size_t k;
	int i;

	for (k = 0; k < c->ndelayed; k++)
		if (!next || c->delayed[k]->res->not_before < next)
			next = c->delayed[k]->res->not_before;
	if ((t = hosts_deadline(c)) > 0 && (!next || t < next))
		next = t;
	if ((t = spare_slot_due(c, hd_now())) > 0 && (!next || t < next))
		next = t;
	if (c->cpu_recheck > 0 && (!next || c->cpu_recheck < next))
		next = c->cpu_recheck;

	for (i = 0; i < c->nslots; i++) {
		struct worker *w = &c->w[i];
		struct citem *it = worker_head(w);
		double d = w->deadline;

		if (!worker_alive(w))
			continue;
		if (w->state == W_RUNNING && it && (t = item_timeout(c, it)) > 0) {
			t = w->started + t + backstop(c);
			if (!d || t < d)
				d = t;
		}
		if (d && (!next || d < next))
			next = d;
	}
	return next;
}

/* One round: wait for something, then handle all of it. */
void
poll_once(struct ctl *c)
{
	struct pollfd *pfd = xcalloc((size_t)c->nslots * 3 + c->nhosts * 3, sizeof(*pfd));
	struct worker **who = xcalloc((size_t)c->nslots * 3, sizeof(*who));
	sigset_t none;
	struct timespec ts, *tsp = NULL;
	double next = next_deadline(c), now;
	nfds_t n = 0, k, nh;
	int i;

	/* Wake for the live status too. */
	if (c->term.live && (!next || next > hd_now() + 0.5))
		next = hd_now() + 0.5;

	for (i = 0; i < c->nslots; i++) {
		struct worker *w = &c->w[i];

		if (!worker_alive(w))
			continue;
		flush_writes(w);
		if (w->sock >= 0 && !worker_waiting(w)) {
			pfd[n].fd = w->sock;
			pfd[n].events = POLLIN | (w->wbuf.len ? POLLOUT : 0);
			who[n++] = w;
		}
		if (w->outfd >= 0) {
			pfd[n].fd = w->outfd;
			pfd[n].events = POLLIN;
			who[n++] = w;
		}
		if (w->errfd >= 0) {
			pfd[n].fd = w->errfd;
			pfd[n].events = POLLIN;
			who[n++] = w;
		}
	}
	/* After the workers: what they were just sent is in the hosts' frames. */
	nh = hosts_pollfds(c, pfd + n);
	if (next > 0) {
		double left = next - hd_now();

		if (left < 0)
			left = 0;
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
		tsp = &ts;
	}
	sigemptyset(&none);
	if (!got_chld && !got_int && !got_dump && ppoll(pfd, n + nh, tsp, &none) < 0 &&
	    errno != EINTR)
		hd_fatal(3, "poll:");
	hosts_handle(c, pfd + n, nh);
	for (k = 0; k < n; k++) {
		struct worker *w = who[k];

		if (!pfd[k].revents)
			continue;
		if (pfd[k].fd == w->sock && w->sock >= 0) {
			if (pfd[k].revents & POLLOUT)
				flush_writes(w);
			if (pfd[k].revents & (POLLIN | POLLHUP | POLLERR))
				read_sock(c, w);
		} else if (pfd[k].fd == w->outfd && w->outfd >= 0) {
			read_output(c, w, &w->outfd, &w->outline, c->capture ? stderr : stdout);
		} else if (pfd[k].fd == w->errfd && w->errfd >= 0) {
			read_output(c, w, &w->errfd, &w->errline, stderr);
		}
	}
	free(pfd);
	free(who);
	if (got_dump) {
		got_dump = 0;
		dump_state(c);
	}
	if (got_int) {
		int sig = got_int;

		got_int = 0;
		interrupt(c, sig);
	}
	if (got_chld) {
		got_chld = 0;
		ctl_reap(c);
	}
	now = hd_now();
	hosts_tick(c, now);
	check_deadlines(c, now);
	wake_delayed(c, now);
	show_status(c, now);
}

int
live_workers(const struct ctl *c)
{
	int i, n = 0;

	for (i = 0; i < c->nslots; i++)
		n += worker_alive(&c->w[i]);
	return n;
}

static void
stop_all(struct ctl *c)
{
	int i;

	gfix_teardown_all(c);
	for (i = 0; i < c->nslots; i++) {
		struct worker *w = &c->w[i];

		if (worker_alive(w) && w->state != W_STOPPING) {
			/* It drops what it has not started and says bye after its item. */
			worker_stop(w);
		}
	}
}

/* The next binary nobody lists yet; NULL when each is listed or being listed. */
static struct binary *
next_to_list(struct ctl *c)
{
	size_t i;

	for (i = 0; i < c->nbins; i++)
		if (!c->bins[i].collected && !c->bins[i].collecting)
			return &c->bins[i];
	return NULL;
}

/* Every slot's host is lost: nothing can run. */
static int
all_down(const struct ctl *c)
{
	int i;

	for (i = 0; i < c->nslots; i++)
		if (!slot_down(c, i))
			return 0;
	return 1;
}

/* The local worker listing an eager binary that has said hello; NULL if none. */
static const struct worker *
eager_lister(const struct ctl *c)
{
	int i;

	for (i = 0; i < c->nslots; i++) {
		const struct worker *w = &c->w[i];

		if (w->state == W_COLLECTING && w->bin->eager && !w->bin->collected && !w->host)
			return w;
	}
	return NULL;
}

/*
 * Free local slots start the workers of an eager binary (herd --pytest)
 * while its lister lists it, as many as it asks for: their start-up overlaps
 * the collection (pytest's launchers are ready for the lister's fork server
 * when it comes up), and they are read once the list is in. Not before the
 * lister's hello: by then it is listening for them. Once: one that dies
 * waiting is started again the usual way, after the list.
 */
static void
start_waiting(struct ctl *c)
{
	const struct worker *lister;
	int i;

	if (c->collect_only || !(lister = eager_lister(c)))
		return;
	for (i = 0; i < c->nslots && lister->bin->eager > 0; i++)
		if (!worker_alive(&c->w[i]) && !slot_down(c, i) && !slot_host(c, i)) {
			worker_start_waiting(c, &c->w[i], lister);
			lister->bin->eager--;
		}
	lister->bin->eager = 0;
}

int
ctl_collect(struct ctl *c)
{
	struct binary *b;
	size_t done;
	int i;

	signals_init();
	for (;;) {
		for (i = 0; i < c->nslots && (b = next_to_list(c)); i++) {
			struct worker *w = &c->w[i];

			/* A slot whose binary is listed moves on to the next one. */
			if (w->state == W_IDLE && !park(c, w))
				worker_stop(w);
			if (!worker_alive(w) && !slot_down(c, i)) {
				b->collecting = 1;
				worker_start(c, w, b, 1);
			}
		}
		start_waiting(c);
		for (done = 0; done < c->nbins && c->bins[done].collected; done++)
			;
		if (done == c->nbins || c->aborted || c->interrupted)
			break;
		if (all_down(c)) {
			fprintf(stderr, "herd: no workers left: every host was lost\n");
			c->aborted = 1;
			break;
		}
		poll_once(c);
	}
	/* The last collectors stay: the run takes them over as workers. */
	if (c->aborted || c->interrupted)
		ctl_kill_all(c);
	return c->aborted ? (c->usage ? HD_EXIT_USAGE : HD_EXIT_INTERNAL) :
	       c->interrupted ? HD_EXIT_INTERRUPTED : HD_EXIT_OK;
}

void
ctl_kill_all(struct ctl *c)
{
	int i;

	while (live_workers(c)) {
		for (i = 0; i < c->nslots; i++)
			worker_kill(&c->w[i]);
		poll_once(c);
	}
	park_kill_all(c);
}

void
ctl_stop_all(struct ctl *c)
{
	int i;

	for (i = 0; i < c->nslots; i++)
		worker_stop(&c->w[i]);
	while (live_workers(c))
		poll_once(c);
	park_stop_all(c);
}

/*
 * Nothing left for w here: the scheduler has no more for its binary, no
 * release is on its way back to a worker of it, no teardown needs it.
 */
static int
done_here(struct ctl *c, struct worker *w, int due)
{
	int i;

	if (w->qlen || w->releasing || due || ctl_sched_pending(c, w->bin, w->slot))
		return 0;
	for (i = 0; i < c->nslots; i++)
		if (c->w[i].releasing && c->w[i].bin == w->bin)
			return 0;
	return 1;
}

/* One slot's turn in a round: its worker is fed, stopped, or started; 1 if it was sent items. */
static int
tend(struct ctl *c, struct worker *w, int due)
{
	struct binary *b;
	size_t sent = 0;

	if (w->state == W_STOPPING)
		return 0;
	if (!worker_alive(w) && !slot_down(c, w->slot))
		take_parked(c, w->slot);
	if (w->state == W_IDLE && w->collect_only) {
		if (ctl_sched_pending(c, w->bin, w->slot))
			promote(c, w);
		else
			worker_stop(w);
	}
	if (worker_usable(w)) {
		/* The isolation check: one item, in a worker that has run nothing. */
		if (!c->alone || !w->fed)
			sent = ctl_sched_next(c, w);
		if (!w->qlen && !c->alone)
			ctl_sched_steal(c, w);
		if (!w->qlen && c->alone && w->fed)
			worker_stop(w);	/* it ran its one item alone: the next needs a fresh process */
		else if (done_here(c, w, due))
			worker_stop(w);	/* free the slot for another binary */
		else if (!w->qlen && w->state == W_RUNNING)
			w->state = W_IDLE;
		return sent > 0;
	}
	if (!worker_alive(w) && !slot_down(c, w->slot) && (b = ctl_sched_pick_binary(c, w->slot)) &&
	    (!b->cpu_gated || slot_host(c, w->slot) || cpu_to_spare(c, &c->cpu_recheck)))
		worker_start(c, w, b, 0);
	return 0;
}

/* Hands out the scheduler's items until everything is done or the run stops. */
static void
run_loop(struct ctl *c)
{
	int i;

	for (;;) {
		int busy = 0, sent = 0, due = gfix_pending(c), was_stopping = c->stopping;

		c->cpu_recheck = 0;
		if (c->stopping)
			stop_all(c);
		for (i = 0; i < c->nslots && !c->stopping && !c->aborted; i++)
			sent |= tend(c, &c->w[i], due);
		/* A hook that failed above (testnodeready, ...) stopped the run: the
		 * workers are told before the loop sleeps, or it would wait forever. */
		if (c->stopping && !was_stopping)
			continue;
		if (!due && !sent)
			ctl_sched_check_stuck(c);
		for (i = 0; i < c->nslots; i++)
			busy |= worker_alive(&c->w[i]);
		if (!busy && (!c->ndelayed || c->stopping) && !due)
			break;
		if (c->aborted)
			for (i = 0; i < c->nslots; i++)
				worker_kill(&c->w[i]);
		poll_once(c);
	}
}

void
ctl_run(struct ctl *c)
{
	int i;

	signals_init();
	if (ctl_sched_begin(c) < 0) {
		c->aborted = 1;
		while (live_workers(c)) {
			for (i = 0; i < c->nslots; i++)
				worker_kill(&c->w[i]);
			poll_once(c);
		}
		park_kill_all(c);
		return;
	}
	run_loop(c);
	run_checks(c, run_loop);
	ctl_sched_end(c);
	if (c->stopping || c->aborted || c->interrupted)
		park_kill_all(c);
	else
		park_stop_all(c);
}

/*
 * death.c - a worker died: the results it wrote or held back before, its
 * last output, the item it was running (crashed, timed out, or killed for
 * garbage), and what it held: items, tokens, locks, a fixture's setup.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "loop.h"
#include "plugin.h"

#define CAPTURE_TAIL 8192	/* bytes of a crashed worker's output shown */

static void
capture_tail(struct worker *w, struct buf *out)
{
	struct stat st;
	off_t from;
	ssize_t n;

	if (w->capfd < 0 || fstat(w->capfd, &st) < 0 || st.st_size <= 0)
		return;
	from = st.st_size > CAPTURE_TAIL ? st.st_size - CAPTURE_TAIL : 0;
	buf_grow(out, CAPTURE_TAIL);
	n = pread(w->capfd, out->data + out->len, (size_t)(st.st_size - from), from);
	if (n > 0)
		out->len += (size_t)n;
	out->data[out->len] = '\0';
}

/*
 * Whether the capture file holds its output. A libherd worker running forked
 * items says whose output it holds (docs/protocol.md, Batched results): an
 * item handed ahead writes to a file of the worker's own, while ours may
 * still hold the output of the item before it.
 */
static int
capture_is(const struct worker *w, const struct citem *it)
{
	uint64_t owner = 0;

	if (w->resfd <= 2 || pread(w->resfd, &owner, sizeof(owner), 16) != (ssize_t)sizeof(owner))
		return 1;
	return owner == 0 || owner == (uint64_t)it->idx + 1;
}

static void
describe_status(int status, struct buf *b)
{
	char tmp[32];

	if (WIFSIGNALED(status))
		buf_printf(b, "killed by %s (%s)", hd_signame(WTERMSIG(status), tmp, sizeof(tmp)),
			   strsignal(WTERMSIG(status)));
	else
		buf_printf(b, "exited with status %d", WEXITSTATUS(status));
}

/* It died before its list was over: the run cannot go on without it. */
static void
died_listing(struct ctl *c, struct worker *w, struct buf *msg)
{
	if (c->aborted || c->interrupted)
		return;
	buf_printf(msg, "%s: ", w->bin->path);
	if (w->why_remote) {
		buf_adds(msg, w->why_remote);
		if (w->host_lost) {
			/* Another worker lists it: the run goes on without the host. */
			if (!w->bin->collected)
				w->bin->collecting = 0;
			return;
		}
	} else if (w->garbage) {
		buf_printf(msg, "spoke garbage while listing its tests: %s", w->garbage);
	} else if (w->timed_out) {
		buf_printf(msg, "did not list its tests within %gs", c->collect_timeout);
	} else {
		describe_status(w->status, msg);
		buf_adds(msg, w->state == W_HELLO ?
			 " before speaking the herd protocol" : " while listing its tests");
		/* The binary said why (a bad declaration) on stderr: usage. */
		c->usage = WIFEXITED(w->status) && WEXITSTATUS(w->status) == HD_EXIT_USAGE;
	}
	hd_warn("%s", msg->data);
	c->aborted = 1;
}

/* Counts a crash; too many stop the run (--max-worker-restart). */
static void
count_restart(struct ctl *c, struct worker *w)
{
	if (w->timed_out || c->alone || w->host_lost)
		return;
	c->restarts++;
	if (c->max_restart >= 0 && c->restarts > (size_t)c->max_restart && !c->stopping) {
		c->stopping = 1;
		c->stop_reason = xasprintf("maximum crashed workers reached: %d", c->max_restart);
	} else {
		if (!c->quiet && !c->tap)
			fprintf(stderr, "\nreplacing crashed worker %s\n", w->name);
		if (PLUG_WANTS(HERD_HOOK_EVENT))
			plug_event(c, HERD_EV_RESTART, w->name, NULL, NULL);
	}
}

/*
 * A plugin's handlecrashitem may put a crashed item back: the try is then
 * reported as a rerun and the scheduler gets it again. 1 if it did.
 */
static int
crash_rerun(struct ctl *c, struct worker *w, struct citem *it, const struct buf *msg,
	    const struct buf *out)
{
	double d = hd_now() - w->started;

	if (it->checking || c->stopping || !PLUG_WANTS(HERD_HOOK_HANDLECRASHITEM) ||
	    !plug_handlecrashitem(c, it, w, msg->data, d))
		return 0;
	/* A try like a --reruns one: the reports keep it among the item's attempts. */
	keep_try(c, it, HD_CRASHED, d, msg->data, msg->len, out->data, out->len, w);
	ctl_sched_give_back(c, NULL, &it, 1);
	return 1;
}

/* It died running it: a crash, a timeout, or garbage, said in msg, with its output's tail. */
static void
died_running(struct ctl *c, struct worker *w, struct citem *it, struct buf *msg)
{
	struct buf out = BUF_INIT;
	enum hd_outcome o = HD_CRASHED;
	struct gfix *g;
	char *held;

	if (w->timed_out) {
		o = HD_TIMEOUT;
		buf_printf(msg, "timed out after %gs (worker %s was killed)\n",
			   item_timeout(c, it), w->name);
	} else if (w->garbage) {
		buf_printf(msg, "worker '%s' spoke garbage while running '%s': %s\n",
			   w->name, it->id, w->garbage);
	} else {
		buf_printf(msg, "worker '%s' crashed while running '%s': ", w->name, it->id);
		if (w->why_remote)
			buf_adds(msg, w->why_remote);
		else
			describe_status(w->status, msg);
		buf_addc(msg, '\n');
	}
	if (capture_is(w, it))
		capture_tail(w, &out);
	worker_pop(w);
	if ((g = gfix_owned(c, w))) {
		/* It died setting up a global fixture: that is the fixture's failure. */
		o = HD_ERROR;
		g->state = G_FAILED;
		g->reason = xasprintf("global fixture '%s' setup crashed (in %s): %s%.*s",
				      g->name, w->name, msg->data, (int)out.len, out.data ? out.data : "");
		gfix_settled(c, g);
		buf_reset(msg);
		buf_adds(msg, g->reason);
	}
	held = after_item(c, w, it);
	if (held)
		buf_adds(msg, held);
	free(held);
	if (PLUG_WANTS(HERD_HOOK_EVENT))
		plug_event(c, HERD_EV_CRASH, w->name, it->id, msg->data);
	if (o != HD_CRASHED || !crash_rerun(c, w, it, msg, &out))
		finish_item(c, it, o, hd_now() - w->started, msg->data, msg->len, out.data,
			    out.len, w);
	count_restart(c, w);
	buf_clear(&out);
}

/* testnodedown: error is why it went, NULL when it left as asked. */
static void
node_down(struct ctl *c, struct worker *w, const char *error)
{
	struct buf why = BUF_INIT;

	if (!error && !w->said_bye && !(WIFEXITED(w->status) && WEXITSTATUS(w->status) == 0)) {
		describe_status(w->status, &why);
		error = why.data;
	}
	plug_testnodedown(c, w, error);
	buf_clear(&why);
}

void
worker_died(struct ctl *c, struct worker *w)
{
	struct buf msg = BUF_INIT;
	struct citem *it;
	struct gfix *g;

	if (worker_waiting(w)) {
		/* Nothing read, nothing held: the slot starts a worker again, as usual. */
		worker_close(w);
		return;
	}
	w->dying = 1;	/* nothing more is sent to it */
	if (w->sock >= 0)
		read_sock(c, w);	/* results it wrote before dying */
	read_held(c, w);	/* ... and those it held back */
	if (w->outfd >= 0)
		read_output(c, w, &w->outfd, &w->outline, c->capture ? stderr : stdout);
	if (w->errfd >= 0)
		read_output(c, w, &w->errfd, &w->errline, stderr);
	it = worker_head(w);
	if (worker_listing(w)) {
		died_listing(c, w, &msg);
	} else {
		/* Gone: nothing more is sent to it (a global fixture's teardown that its
		 * last item makes due goes to another worker, or waits for a new one). */
		w->state = W_STOPPING;
		if (it && !c->interrupted && !c->aborted && !w->said_bye)
			died_running(c, w, it, &msg);
	}
	/* What it had not started goes back to the scheduler; its tokens are free. */
	ctl_sched_give_back(c, w, w->q + w->qhead, w->qlen);
	w->qlen = w->qhead = 0;
	ctl_sched_node_down(c, w);
	/* The locks it held are free; a setup it never finished failed. */
	hd_sync_release_all(c->sync, w->slot, NULL, grant, c);
	if ((g = gfix_owned(c, w))) {
		g->state = G_FAILED;
		g->reason = xasprintf("global fixture '%s' setup did not finish: %s died\n",
				      g->name, w->name);
		gfix_settled(c, g);
	}
	if (PLUG_WANTS(HERD_HOOK_TESTNODEDOWN))
		node_down(c, w, msg.len ? msg.data : NULL);
	buf_clear(&msg);
	worker_close(w);
}

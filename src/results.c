/*
 * results.c - what one try of an item came to: its report, a rerun
 * (--reruns, after --reruns-delay), and the isolation check, which runs a
 * failure of none isolation again alone to tell an order-dependent one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "build.h"
#include "loop.h"
#include "plugin.h"

#define HIST_SHOWN 50	/* earlier tests a report names at most */

/*
 * A try after which the item runs again: reported to plugins as a rerun
 * (before it joins the attempts: a report's reruns count the tries before
 * it), then kept among the item's attempts for the reports.
 */
void
keep_try(struct ctl *c, struct citem *it, enum hd_outcome o, double duration,
	 const char *msg, size_t msglen, const char *out, size_t outlen, const struct worker *w)
{
	struct cresult *r;
	struct hd_attempt *a;

	if (PLUG_WANTS(HERD_HOOK_RUNTEST_LOGREPORT))
		plug_runtest_logreport(c, it, o, duration, msg, msglen, out, outlen, w, 1);
	r = citem_res(it);
	r->attempts = xreallocarray(r->attempts, (size_t)it->tries + 1, sizeof(*r->attempts));
	a = &r->attempts[it->tries++];
	a->outcome = o;
	a->duration = duration;
	a->message = xstrndup(msg ? msg : "", msglen);
	a->output = outlen ? xstrndup(out, outlen) : NULL;
	a->outlen = outlen;
	it->queued = 0;
}

/*
 * A failed try with tries left is kept as an attempt and the item goes back
 * to the pool (after --reruns-delay); returns 1 then.
 */
static int
rerun(struct ctl *c, struct citem *it, enum hd_outcome o, double duration,
      const char *msg, size_t msglen, const char *out, size_t outlen, const struct worker *w)
{
	int allowed = it->decl->reruns >= 0 ? it->decl->reruns : c->reruns;

	if ((o != HD_FAILED && o != HD_CRASHED && o != HD_TIMEOUT) || it->tries >= allowed ||
	    c->stopping || it->decl->xfail)
		return 0;
	keep_try(c, it, o, duration, msg, msglen, out, outlen, w);
	if (c->reruns_delay > 0) {
		citem_res(it)->not_before = hd_now() + c->reruns_delay;
		c->delayed = xreallocarray(c->delayed, c->ndelayed + 1, sizeof(*c->delayed));
		c->delayed[c->ndelayed++] = it;
	} else {
		ctl_sched_give_back(c, NULL, &it, 1);
	}
	return 1;
}

void
wake_delayed(struct ctl *c, double now)
{
	size_t i = 0;

	while (i < c->ndelayed) {
		struct citem *it = c->delayed[i];

		if (it->res->not_before > now) {
			i++;
			continue;
		}
		c->delayed[i] = c->delayed[--c->ndelayed];
		ctl_sched_give_back(c, NULL, &it, 1);
	}
}

/*
 * In none isolation, it ran in w's process: it joins that process's history.
 * A failure (outcome o) remembers how much of it came first, for the
 * isolation check and --bisect; a pass needs no side record for that.
 */
static void
note_history(struct ctl *c, struct citem *it, enum hd_outcome o, struct worker *w)
{
	struct hist *h;

	if (!c->isolation_none || !w || !worker_alive(w))
		return;
	if (!w->hist || w->hist->pid != w->pid) {
		h = xcalloc(1, sizeof(*h));
		h->pid = w->pid;
		snprintf(h->worker, sizeof(h->worker), "%s", w->name);
		c->hists = xreallocarray(c->hists, c->nhists + 1, sizeof(*c->hists));
		c->hists[c->nhists++] = h;
		w->hist = h;
	}
	h = w->hist;
	if (hd_outcome_fails(o) || it->res) {
		citem_res(it)->hist = h;
		it->res->nbefore = h->n;
	}
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 64;
		h->v = xreallocarray(h->v, h->cap, sizeof(*h->v));
	}
	h->v[h->n++] = it;
}

/* Whether it uses a global fixture: set up once per run, it cannot be
 * rerun alone once torn down, so such an item is not checked. */
static int
uses_gfix(const struct ctl *c, const struct citem *it)
{
	size_t i;

	for (i = 0; it->decl->fixtures && i < c->ngfix; i++)
		if (hd_match_words(c->gfix[i].name, strlen(c->gfix[i].name), (void *)it->decl->fixtures))
			return 1;
	return 0;
}

/*
 * A final failure, error or crash in none isolation, after other tests ran
 * in its process, is rerun alone in a fresh one once the run is over. A
 * timeout is not: rerunning a hang costs its limit again. Nor is an error
 * of a fixture that timed out (libherd says "fixture 'f' setup timed out
 * after 1s"): every test of its suite has that error. Nor is a member of a
 * serial group, which depends on the members before it by design.
 */
static void
want_check(struct ctl *c, struct citem *it, enum hd_outcome o)
{
	const char *m = citem_message(it);

	if (!c->isolation_none || c->no_iso_check || !it->res || !it->res->hist ||
	    !it->res->nbefore || it->decl->xfail ||
	    (o != HD_FAILED && o != HD_ERROR && o != HD_CRASHED) || uses_gfix(c, it) ||
	    (o == HD_ERROR && m && strstr(m, " timed out after ")) ||
	    (it->decl->group && (it->decl->strategy == HERD_SERIAL || it->decl->strategy == HERD_ISOLATED_SERIAL)))
		return;
	c->checks = xreallocarray(c->checks, c->nchecks + 1, sizeof(*c->checks));
	c->checks[c->nchecks++] = it;
}

/*
 * The item passed alone: its outcome stays (the run's counts stay true) and
 * its message says so first, then names what ran before it in that process.
 */
static void
order_dependent(struct citem *it)
{
	struct cresult *r = it->res;	/* a failure that joined a history has one */
	const struct hist *h = r->hist;
	struct buf m = BUF_INIT;
	size_t k, from = r->nbefore > HIST_SHOWN ? r->nbefore - HIST_SHOWN : 0;

	it->order_dep = 1;
	buf_printf(&m, "order-dependent: passes alone\n"
		   "It failed in worker %s after %zu test%s ran there, and passes alone in a "
		   "fresh process.\nTests that ran before it in that process, oldest first:\n",
		   h->worker, r->nbefore, r->nbefore == 1 ? "" : "s");
	if (from)
		buf_printf(&m, "  (%zu earlier not shown)\n", from);
	for (k = from; k < r->nbefore; k++)
		buf_printf(&m, "  %s\n", h->v[k]->id);
	buf_printf(&m, "Find what makes it fail: herd --bisect %s\n"
		   "The failure in the run:\n%s", it->id, r->message ? r->message : "");
	free(r->message);
	r->message = xstrdup(m.data);
	buf_clear(&m);
}

/* The result of a rerun alone: only a pass changes the report. */
static void
check_done(struct citem *it, enum hd_outcome o)
{
	it->checking = 0;
	it->queued = 0;
	if (o == HD_PASSED)
		order_dependent(it);
}

/* Its last try's message and output, in its side record: most items have neither. */
static void
keep_result(struct citem *it, const char *msg, size_t msglen, const char *out, size_t outlen)
{
	struct cresult *r = it->res;

	if (!r && !msglen && !outlen)
		return;
	r = citem_res(it);
	free(r->message);
	free(r->output);
	r->message = msglen ? xstrndup(msg, msglen) : NULL;
	r->output = outlen ? xstrndup(out, outlen) : NULL;
	r->outlen = outlen;
}

void
finish_item(struct ctl *c, struct citem *it, enum hd_outcome o, double duration,
	    const char *msg, size_t msglen, const char *out, size_t outlen,
	    struct worker *w)
{
	if (it->checking) {
		check_done(it, o);
		return;
	}
	note_history(c, it, o, w);
	if (rerun(c, it, o, duration, msg, msglen, out, outlen, w))
		return;
	/* Final: one user fewer for its global fixtures (a rerun still needs them). */
	gfix_item_done(c, it, w);
	if (c->build && w && it->decl->task)
		build_task_done(c, it, &o, duration, &msg, &msglen);
	if (o == HD_PASSED && it->tries)
		o = HD_FLAKY;

	it->outcome = o;
	it->duration = duration;
	if (duration > 0)
		it->bin->ran++, it->bin->ran_secs += duration;
	it->queued = 0;
	keep_result(it, msg, msglen, out, outlen);
	it->worker = w ? w->name : NULL;
	c->ndone++;
	if (hd_outcome_fails(o))
		c->failures++;
	want_check(c, it, o);
	/* The terminal's progress is a plugin's too (main.c's "terminal"). */
	if (PLUG_WANTS(HERD_HOOK_RUNTEST_LOGREPORT))
		plug_runtest_logreport(c, it, o, duration, msg, msglen, out, outlen, w, 0);
	if (c->maxfail && c->failures >= (size_t)c->maxfail && !c->stopping) {
		c->stopping = 1;
		c->stop_reason = xasprintf("stopping after %zu failure%s", c->failures,
					   c->failures == 1 ? "" : "s");
	}
}

char *
after_item(struct ctl *c, struct worker *w, struct citem *it)
{
	struct buf held = BUF_INIT;
	char *note = NULL;

	ctl_sched_item_done(c, w, it);
	if (hd_sync_waiting(c->sync, w->slot))
		reply(w, HD_MSG_FAIL, "the test ended while waiting for a lock", NULL, 0);
	hd_sync_release_all(c->sync, w->slot, &held, grant, c);
	if (held.len) {
		held.data[held.len - 1] = '\0';
		note = xasprintf("the test ended holding lock(s), now released: %s\n", held.data);
	}
	buf_clear(&held);
	return note;
}

/*
 * The run stopped at -x or --maxfail (not at too many crashes, nor at a
 * plugin's word): its failures are still checked, so that a stop caused by
 * an order-dependent failure says so.
 */
static int
stopped_at_maxfail(const struct ctl *c)
{
	return c->maxfail && c->failures >= (size_t)c->maxfail &&
	       !(c->max_restart >= 0 && c->restarts > (size_t)c->max_restart);
}

/*
 * After a stop the run's scheduler still holds the items the stop left
 * unrun: a scheduler of the checks alone replaces it (ctl_run ends it).
 */
static int
sched_checks_only(struct ctl *c)
{
	int r;

	ctl_sched_end(c);
	c->order = c->checks;
	c->norder = c->nchecks;
	r = ctl_sched_begin(c);
	c->order = NULL;
	c->norder = 0;
	return r;
}

/*
 * The isolation check: each failure of none isolation that had other tests
 * before it in its process runs again alone, in a fresh worker of its own,
 * after the run. Its result changes nothing but the note on the failure.
 */
void
run_checks(struct ctl *c, void (*run)(struct ctl *))
{
	int stopped = c->stopping;
	size_t k;

	if (!c->nchecks || c->interrupted || c->aborted || (stopped && !stopped_at_maxfail(c)))
		return;
	for (k = 0; k < c->nchecks; k++)
		c->checks[k]->checking = 1;
	if (stopped && sched_checks_only(c) < 0) {
		c->aborted = 1;
		return;
	}
	c->alone = 1;
	c->stopping = 0;	/* no new work but the checks: the only items it holds */
	for (k = c->nchecks; !stopped && k-- > 0;)
		ctl_sched_give_back(c, NULL, &c->checks[k], 1);
	run(c);
	c->stopping |= stopped;
	c->alone = 0;
	for (k = 0; k < c->nchecks; k++)
		c->checks[k]->checking = 0;
	c->nchecks = 0;
}

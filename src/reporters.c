/*
 * reporters.c - the end of a run: the terminal's summary, then the built-in
 * reporters (terminal, junitxml, json, tap) and every plugin's sessionfinish.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "plugin.h"
#include "pytest.h"
#include "report_json.h"
#include "report_tap.h"
#include "reporters.h"

/* The report of one selected item. */
static void
ritem(const struct ctl *c, struct citem *it, struct hd_ritem *ri)
{
	ri->id = it->id;
	ri->file = it->decl->file;
	ri->line = it->decl->line;
	ri->suite = it->decl->suite;
	ri->name = it->name;
	ri->outcome = it->outcome == HD_NONE ? HD_NOTRUN : it->outcome;
	ri->duration = it->duration;
	ri->message = citem_message(it);
	ri->output = it->res ? it->res->output : NULL;
	ri->outlen = it->res ? it->res->outlen : 0;
	ri->worker = it->worker;
	ri->reruns = it->tries;
	ri->attempts = it->res ? it->res->attempts : NULL;
	ri->nattempts = (size_t)it->tries;
	ri->start = it->started > 0 ? it->started - c->t0 : 0;
	ri->item = it;
	if (it->outcome == HD_NONE)
		ri->message = c->interrupted ? "not run: interrupted\n" :
			      c->stop_reason ? c->stop_reason : "not run\n";
}

/* Whether the terminal summary names it: a failure or a flaky pass. */
static int
summary_names(const struct citem *it)
{
	return hd_outcome_fails((enum hd_outcome)it->outcome) || it->outcome == HD_FLAKY;
}

/* The reports of the selected items, in order: all, or those the summary names. */
static struct hd_ritem *
ritems(struct ctl *c, size_t *count, int all)
{
	struct hd_ritem *r = all ? xcalloc(c->nselected, sizeof(*r)) : NULL;
	size_t i, j, n = 0, cap = all ? c->nselected : 0;

	for (i = 0; i < c->nbins; i++)
		for (j = 0; j < c->bins[i].ntotal; j++) {
			struct citem *it = &c->bins[i].items[j];

			if (!it->selected || (!all && !summary_names(it)))
				continue;
			if (n == cap) {
				cap = cap ? 2 * cap : 16;
				r = xreallocarray(r, cap, sizeof(*r));
			}
			memset(&r[n], 0, sizeof(r[n]));
			ritem(c, it, &r[n++]);
		}
	*count = n;
	return r;
}

/* The outcomes of the selected items, as hd_count counts their reports. */
static void
count_items(const struct ctl *c, struct hd_counts *k)
{
	size_t i, j;

	memset(k->n, 0, sizeof(k->n));
	for (i = 0; i < c->nbins; i++)
		for (j = 0; j < c->bins[i].ntotal; j++) {
			const struct citem *it = &c->bins[i].items[j];

			if (it->selected)
				k->n[it->outcome == HD_NONE ? HD_NOTRUN : it->outcome]++;
		}
}

/* The JUnit file, with the run's settings and any shard's in <properties>. */
static int
junit_write(const struct ctl *c, const struct report_settings *rs, const struct hd_ritem *r,
	    size_t n, double elapsed)
{
	struct hd_junit_opts opts = rs->junit_opts;
	const char *props[2 * (4 + REPORT_SHARD_PROPS)];
	char workers[16], seed[32];
	size_t np = 0, k;

	snprintf(workers, sizeof(workers), "%d", c->nslots);
	snprintf(seed, sizeof(seed), "%lu", c->random_seed);
	props[np++] = "herd.workers", props[np++] = workers;
	props[np++] = "herd.dist", props[np++] = rs->dist;
	props[np++] = "herd.isolation", props[np++] = c->isolation_none ? "none" : "fork";
	if (c->random_order)
		props[np++] = "herd.random_seed", props[np++] = seed;
	for (k = 0; rs->shard_meta && k < LEN(rs->shard_props); k++)
		props[np++] = rs->shard_props[k];
	opts.props = props;
	opts.nprops = np / 2;
	return hd_junit_write(rs->junit, r, n, elapsed, &opts);
}

/* ---- the built-in reporters: plugins like any other ---- */

static struct ctl *rep_c;	/* the run report_run reports, for the hooks it calls */
static const struct report_settings *rep_set;	/* its options */
static double rep_elapsed;
static struct hd_counts rep_counts;
static struct hd_ritem *rep_all;	/* every selected item's report, once asked for */
static size_t rep_nall;

/* The reports of every selected item: made when first asked, by a reporter
 * or a plugin; a quiet run of a million items needs none. */
static const struct hd_ritem *
all_reports(size_t *n)
{
	if (!rep_all)
		rep_all = ritems(rep_c, &rep_nall, 1);
	*n = rep_nall;
	return rep_all;
}

/* "terminal": a progress character (or a line with -v) per finished item. */
static int
term_logreport(herd_session *s, const struct herd_report *r)
{
	struct ctl *c = plug_ctl(s);
	struct hd_ritem ri;

	if (r->outcome == HERD_OUTCOME_RERUN || c->tap || c->collect_only || c->silent)
		return 0;
	memset(&ri, 0, sizeof(ri));
	ri.id = r->id;
	ri.file = r->file;
	ri.outcome = (enum hd_outcome)r->outcome;
	ri.worker = c->nslots > 1 ? r->worker : NULL;
	hd_term_item(&c->term, &ri);
	return 0;
}

/* struct herd_report is struct hd_ritem (src/plugin.c checks it). */
static const struct hd_ritem *
session_items(herd_session *s, size_t *n)
{
	return (const struct hd_ritem *)(const void *)herd_session_reports(s, n);
}

static int
junit_finish(herd_session *s, int *status)
{
	size_t n;
	const struct hd_ritem *r;

	if (!rep_set->junit)
		return 0;	/* the reports are made when first asked for */
	r = session_items(s, &n);
	if (junit_write(rep_c, rep_set, r, n, rep_elapsed) < 0) {
		hd_warn("cannot write %s:", rep_set->junit);
		*status = HD_EXIT_INTERNAL;
	}
	return 0;
}

static int
json_finish(herd_session *s, int *status)
{
	size_t n;
	const struct hd_ritem *r;

	if (!rep_set->json)
		return 0;
	r = session_items(s, &n);
	if (hd_json_write(rep_set->json, r, n, rep_elapsed, &rep_counts, rep_set->shard_meta) < 0) {
		hd_warn("cannot write %s:", rep_set->json);
		*status = HD_EXIT_INTERNAL;
	}
	return 0;
}

static int
tap_finish(herd_session *s, int *status)
{
	const struct hd_ritem *r;
	size_t n;

	(void)status;
	if (!rep_c->tap)
		return 0;
	r = session_items(s, &n);
	hd_tap_write(stdout, r, n);
	return 0;
}

const struct herd_plugin plug_terminal = {
	.abi = HERD_PLUGIN_ABI, .name = "terminal", .runtest_logreport = term_logreport,
};
const struct herd_plugin plug_junit = {
	.abi = HERD_PLUGIN_ABI, .name = "junitxml", .sessionfinish = junit_finish,
};
const struct herd_plugin plug_json = {
	.abi = HERD_PLUGIN_ABI, .name = "json", .sessionfinish = json_finish,
};
const struct herd_plugin plug_tap = {
	.abi = HERD_PLUGIN_ABI, .name = "tap", .sessionfinish = tap_finish,
};

static void
summary_extra(FILE *out)
{
	if (rep_set->pytest)
		pytest_summary(out, rep_c);
	plug_terminal_summary(out);
}

int
report_run(struct ctl *c, const struct report_settings *rs, double elapsed)
{
	struct hd_ritem *some = NULL;
	const struct hd_ritem *r;
	const char *intr = NULL;
	char *stop = NULL;
	char tmp[32];
	size_t n;
	int status;

	rep_c = c;
	rep_set = rs;
	rep_elapsed = elapsed;
	if (c->interrupted)
		intr = hd_signame(c->interrupted, tmp, sizeof(tmp));
	if (c->tap) {
		count_items(c, &rep_counts);
		rep_counts.deselected = c->term.counts.deselected;
		status = hd_exit_status(&rep_counts, c->interrupted);
	} else {
		hd_term_end_progress(&c->term);
		if (c->stop_reason && !c->interrupted && !rs->pytest)
			fprintf(stdout, "\n!!!!!!!!!!!!!!!!!!!! %s !!!!!!!!!!!!!!!!!!!!\n", c->stop_reason);
		/* pytest's words and place: "failures" whatever the count, last. */
		if (c->stop_reason && rs->pytest && !strncmp(c->stop_reason, "stopping after ", 15))
			c->term.stopped = stop = xasprintf("stopping after %d failures", c->maxfail);
		else if (c->stop_reason && rs->pytest)
			c->term.stopped = c->stop_reason;
		c->term.summary_extra = summary_extra;
		if (rs->pytest) {
			c->term.summary_pre = pytest_summary_warnings;
			c->term.pytest = 1;
			c->term.warnings = pytest_warnings();
		}
		count_items(c, &c->term.counts);
		if (rs->pytest)
			pytest_tally(c, &c->term.counts);
		/* --durations ranks every item; else the summary names the failures alone. */
		r = c->term.durations >= 0 ? all_reports(&n) : (some = ritems(c, &n, 0));
		status = hd_term_summary_counted(&c->term, r, n, elapsed, intr);
		rep_counts = c->term.counts;
	}
	if (rs->flaky_fails && rep_counts.n[HD_FLAKY] && status == HD_EXIT_OK)
		status = HD_EXIT_FAILED;
	/* The reporters (JUnit, JSON, TAP) and every plugin's sessionfinish. */
	plug_sessionfinish(all_reports, &status);
	free(some);
	free(stop);
	free(rep_all);
	rep_all = NULL;
	return status;
}

int
report_build(struct ctl *c, const struct report_settings *rs, double elapsed, int status)
{
	size_t i, j;

	rep_c = c;
	rep_set = rs;
	rep_elapsed = elapsed;
	count_items(c, &rep_counts);
	rep_counts.deselected = 0;
	for (i = 0; i < c->nbins; i++)
		for (j = 0; j < c->bins[i].ntotal; j++)
			rep_counts.deselected += c->bins[i].items[j].decl->task &&
						 !c->bins[i].items[j].selected;
	plug_sessionfinish(all_reports, &status);
	free(rep_all);
	rep_all = NULL;
	return status;
}

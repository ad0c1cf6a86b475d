/*
 * plugin_trace.c - --trace FILE.json, a built-in plugin: the run in the Chrome
 * trace event format (the JSON object form, "traceEvents"), which Perfetto
 * and chrome://tracing open. One process, "herd"; a thread per worker (gw0,
 * gw1, ...) with a slice per item try, its collection, crashes and restarts;
 * beside it the worker's sync thread (global fixture setups, lock waits);
 * and the controller's thread with the scheduler's sends. The workers of a
 * --tx host are threads of a process of their own, named after the host.
 * Timestamps are microseconds since the run started. Written with the
 * plugin API alone.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "herd_plugin.h"
#include "herd_version.h"
#include "plugin.h"
#include "report_json.h"
#include "timeline.h"
#include "util.h"

static struct timeline tl = TIMELINE_INIT;
static const char *path;	/* --trace's value, or NULL when off */
static int *track_pid;		/* the process of each track: 1 herd, 2... a --tx host */

static int
trace_addoption(herd_parser *p)
{
	static const struct herd_option o = {
		"--trace", "FILE", "the run as a Chrome trace (Perfetto, chrome://tracing)",
		NULL, NULL,
	};

	return herd_addoption(p, &o);
}

static int
trace_configure(herd_session *s)
{
	path = herd_getoption(s, "--trace");
	if (path && !*path) {
		herd_plugin_error(s, "--trace takes a file name");
		return -1;
	}
	if (!path)
		plug_idle();	/* off: the loop need not call it per item */
	return 0;
}

static int
trace_logstart(herd_session *s, herd_item *it, herd_node *n)
{
	(void)s;
	if (path)
		tl_logstart(&tl, it, n);
	return 0;
}

static int
trace_logreport(herd_session *s, const struct herd_report *r)
{
	(void)s;
	if (path)
		tl_logreport(&tl, r);
	return 0;
}

static int
trace_event(herd_session *s, const struct herd_event *e)
{
	(void)s;
	if (path)
		tl_event(&tl, e);
	return 0;
}

/* Seconds as the format's microseconds. */
static void
micros(struct buf *b, const char *key, double sec)
{
	buf_printf(b, ",\"%s\":%.3f", key, isfinite(sec) && sec > 0 ? sec * 1e6 : 0.0);
}

static void
str(struct buf *b, const char *key, const char *s)
{
	buf_printf(b, ",\"%s\":", key);
	hd_json_string(b, s, s ? strlen(s) : 0);
}

/* The thread of a track: gwN's main one is 2(N+1), its sync one 2(N+1)+1. */
static long
tid(const struct tl_entry *e)
{
	return 2L * tl.tracks[e->track].order + (e->sync ? 1 : 0);
}

static void
metadata(struct buf *b, int pid, long t, const char *what, const char *name, int sort)
{
	buf_printf(b, ",\n{\"ph\":\"M\",\"pid\":%d,\"tid\":%ld,\"name\":\"%s\",\"args\":{", pid, t,
		   what);
	if (name) {
		buf_adds(b, "\"name\":");
		hd_json_string(b, name, strlen(name));
	} else {
		buf_printf(b, "\"sort_index\":%d", sort);
	}
	buf_adds(b, "}}");
}

/*
 * Gives each track its process: herd's (1) for the controller and the local
 * workers, one per --tx host (2, 3, ...), named in the trace after the host.
 */
static void
processes(const herd_session *s, struct buf *b)
{
	const char **names = xcalloc(tl.ntracks + 1, sizeof(*names));
	size_t i, k, n = 0;

	track_pid = xcalloc(tl.ntracks + 1, sizeof(*track_pid));
	for (i = 0; i < tl.ntracks; i++) {
		const char *host = i ? herd_session_worker_host(s, tl.tracks[i].name) : NULL;

		track_pid[i] = 1;
		if (!host)
			continue;
		for (k = 0; k < n && strcmp(names[k], host); k++)
			;
		if (k == n) {
			names[n++] = host;
			buf_printf(b, ",\n{\"ph\":\"M\",\"pid\":%zu,\"tid\":0,\"name\":\"process_name\","
				   "\"args\":{\"name\":", k + 2);
			hd_json_string(b, host, strlen(host));
			buf_adds(b, "}}");
			metadata(b, (int)k + 2, 0, "process_sort_index", NULL, (int)k + 2);
		}
		track_pid[i] = (int)k + 2;
	}
	free(names);
}

/* Names every thread that has something on it, in gw order. */
static void
threads(struct buf *b)
{
	unsigned char *used = xcalloc(tl.ntracks + 1, 2);
	size_t i;

	for (i = 0; i < tl.nev; i++)
		used[2 * tl.ev[i].track + (size_t)tl.ev[i].sync] = 1;
	used[0] = 1;
	for (i = 0; i < 2 * tl.ntracks; i++) {
		const struct tl_track *k = &tl.tracks[i / 2];
		long t = 2L * k->order + (long)(i % 2);
		char *name;

		if (!used[i])
			continue;
		name = xasprintf("%s%s", k->name, i % 2 ? " sync" : "");
		metadata(b, track_pid[i / 2], t, "thread_name", name, 0);
		metadata(b, track_pid[i / 2], t, "thread_sort_index", NULL, (int)t);
		free(name);
	}
	free(used);
}

static void
entry(struct buf *b, const struct tl_entry *e)
{
	buf_adds(b, "{\"name\":");
	hd_json_string(b, e->name, strlen(e->name));
	buf_printf(b, ",\"cat\":\"%s\",\"ph\":\"%s\",\"pid\":%d,\"tid\":%ld", e->cat,
		   e->kind == TL_SLICE ? "X" : "i", track_pid[e->track], tid(e));
	micros(b, "ts", e->ts);
	if (e->kind == TL_SLICE)
		micros(b, "dur", e->dur);
	else
		buf_adds(b, ",\"s\":\"t\"");
	buf_adds(b, ",\"args\":{");
	if (e->item) {
		buf_printf(b, "\"outcome\":\"%s\",\"duration\":%.6f,\"try\":%d",
			   herd_outcome_name(e->outcome), isfinite(e->dur) ? e->dur : 0.0, e->tryno);
		str(b, "worker", tl.tracks[e->track].name);
		if (e->message)
			str(b, "message", e->message);
	} else {
		buf_printf(b, "\"worker\":");
		hd_json_string(b, tl.tracks[e->track].name, strlen(tl.tracks[e->track].name));
		if (e->detail)
			str(b, "detail", e->detail);
		if (e->message)
			str(b, "result", e->message);
	}
	buf_adds(b, "}}");
}

static int
trace_sessionfinish(herd_session *s, int *status)
{
	struct buf b = BUF_INIT;
	size_t i;

	if (!path)
		return 0;
	tl_finish(&tl);
	buf_adds(&b, "{\"traceEvents\":[\n");
	/* herd's process first, then the hosts', then every thread. */
	buf_adds(&b, "{\"ph\":\"M\",\"pid\":1,\"tid\":0,\"name\":\"process_name\","
		 "\"args\":{\"name\":\"herd\"}}");
	processes(s, &b);
	threads(&b);
	for (i = 0; i < tl.nev; i++) {
		buf_adds(&b, ",\n");
		entry(&b, &tl.ev[i]);
	}
	buf_adds(&b, "\n],\n\"displayTimeUnit\":\"ms\",\n\"otherData\":{\"generator\":\"herd "
		 HERD_VERSION "\"");
	str(&b, "uid", herd_session_uid(s));
	buf_adds(&b, "}}\n");
	free(track_pid);
	track_pid = NULL;
	if (hd_write_file_atomic(path, b.data, b.len) < 0) {
		herd_warn(s, "cannot write %s: %s", path, strerror(errno));
		*status = HD_EXIT_INTERNAL;
	}
	buf_clear(&b);
	return 0;
}

static int
trace_unconfigure(herd_session *s)
{
	(void)s;
	tl_clear(&tl);
	return 0;
}

const struct herd_plugin plug_trace = {
	.abi = HERD_PLUGIN_ABI,
	.name = "trace",
	.addoption = trace_addoption,
	.configure = trace_configure,
	.runtest_logstart = trace_logstart,
	.runtest_logreport = trace_logreport,
	.event = trace_event,
	.sessionfinish = trace_sessionfinish,
	.unconfigure = trace_unconfigure,
};

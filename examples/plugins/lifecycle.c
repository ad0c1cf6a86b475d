/*
 * lifecycle - logs every hook herd calls, with the worker it concerns and
 * the time since the run started: the seed's NodeLifecycleManager, and a
 * map of when each hook runs. Shows: implementing every hook, an option
 * with a herd.ini key (--lifecycle-log FILE, lifecycle_log = FILE), opening
 * a resource in configure and closing it in unconfigure.
 *
 *	herd -p build/plugins/lifecycle.so -n 2 build/examples
 *	herd -p build/plugins/lifecycle.so --lifecycle-log hooks.log ...
 *
 * Each line: "lifecycle +SECONDS HOOK [WORKER] [DETAIL]".
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <herd_plugin.h>

static FILE *out;	/* stderr, or --lifecycle-log's file */

static void say(herd_session *s, const char *hook, const char *worker, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

static void
say(herd_session *s, const char *hook, const char *worker, const char *fmt, ...)
{
	va_list ap;

	fprintf(out ? out : stderr, "lifecycle +%.6f %s", herd_session_time(s), hook);
	if (worker)
		fprintf(out ? out : stderr, " %s", worker);
	if (fmt && *fmt) {
		fputc(' ', out ? out : stderr);
		va_start(ap, fmt);
		vfprintf(out ? out : stderr, fmt, ap);
		va_end(ap);
	}
	fputc('\n', out ? out : stderr);
}

static int
addoption(herd_parser *p)
{
	static const struct herd_option o = {
		.name = "--lifecycle-log", .metavar = "FILE",
		.help = "write lifecycle's lines to FILE, not stderr", .ini = "lifecycle_log",
	};

	return herd_addoption(p, &o);
}

static int
configure(herd_session *s)
{
	const char *path = herd_getoption(s, "--lifecycle-log");

	if (path && !(out = fopen(path, "w"))) {
		herd_plugin_error(s, "cannot open %s", path);
		return -1;
	}
	/* One line per hook, in order, even if herd is killed. */
	if (out)
		setvbuf(out, NULL, _IOLBF, 0);
	say(s, "configure", NULL, "log=%s", path ? path : "stderr");
	return 0;
}

static int
sessionstart(herd_session *s)
{
	say(s, "sessionstart", NULL, "workers=%d uid=%s", herd_session_workers(s),
	    herd_session_uid(s));
	return 0;
}

static int
report_header(herd_session *s, FILE *o)
{
	say(s, "report_header", NULL, "%s", "");
	fprintf(o, "lifecycle: logging every hook\n");
	return 0;
}

static int
collection_modifyitems(herd_session *s, herd_item **items, size_t *n)
{
	(void)items;
	say(s, "collection_modifyitems", NULL, "items=%zu", *n);
	return 0;
}

static int
setupnodes(herd_session *s, int workers)
{
	say(s, "setupnodes", NULL, "workers=%d", workers);
	return 0;
}

static int
configure_node(herd_session *s, herd_node *node)
{
	say(s, "configure_node", herd_node_name(node), "binary=%s",
	    herd_node_binary(node) ? herd_node_binary(node) : "-");
	return 0;
}

static int
testnodeready(herd_session *s, herd_node *node)
{
	say(s, "testnodeready", herd_node_name(node), "pid=%ld", herd_node_pid(node));
	return 0;
}

static int
testnodedown(herd_session *s, herd_node *node, const char *error)
{
	/* The error's first line: the log keeps one line per hook. */
	if (!error)
		error = "none";
	say(s, "testnodedown", herd_node_name(node), "error=%.*s", (int)strcspn(error, "\n"), error);
	return 0;
}

static int
node_collection_finished(herd_session *s, herd_node *node, const char *const *ids, size_t n)
{
	(void)ids;
	say(s, "node_collection_finished", herd_node_name(node), "ids=%zu", n);
	return 0;
}

static int
make_scheduler(herd_session *s, const struct herd_scheduler **sched)
{
	(void)sched;
	say(s, "make_scheduler", NULL, "%s", "");
	return 0;	/* no answer: herd asks the next plugin, then uses --dist */
}

static int
auto_num_workers(herd_session *s, int *n)
{
	(void)n;
	say(s, "auto_num_workers", NULL, "%s", "");
	return 0;
}

static int
handlecrashitem(herd_session *s, herd_item *item, const struct herd_report *r)
{
	say(s, "handlecrashitem", r->worker, "%s", herd_item_id(item));
	return 0;
}

static int
runtest_logstart(herd_session *s, herd_item *item, herd_node *node)
{
	say(s, "runtest_logstart", herd_node_name(node), "%s", herd_item_id(item));
	return 0;
}

static int
runtest_logreport(herd_session *s, const struct herd_report *r)
{
	say(s, "runtest_logreport", r->worker, "%s %s %.6fs", r->id,
	    herd_outcome_name(r->outcome), r->duration);
	return 0;
}

static int
terminal_summary(herd_session *s, FILE *o)
{
	say(s, "terminal_summary", NULL, "%s", "");
	herd_write_sep(s, o, '-', "lifecycle");
	fprintf(o, "lifecycle: %.3fs since the run started\n", herd_session_time(s));
	return 0;
}

static int
sessionfinish(herd_session *s, int *exitstatus)
{
	size_t n;

	herd_session_reports(s, &n);
	say(s, "sessionfinish", NULL, "exitstatus=%d reports=%zu", *exitstatus, n);
	return 0;
}

static int
unconfigure(herd_session *s)
{
	say(s, "unconfigure", NULL, "%s", "");
	if (out)
		fclose(out);
	out = NULL;
	return 0;
}

static int
event(herd_session *s, const struct herd_event *e)
{
	static const char *const kinds[] = {
		"collect_begin", "collect_end", "gfix_begin", "gfix_end", "gfix_teardown",
		"lock_wait", "lock_got", "lock_release", "resource_wait", "crash", "restart",
		"schedule",
	};
	const char *kind = (size_t)e->kind < sizeof(kinds) / sizeof(*kinds) ? kinds[e->kind] : "?";

	say(s, "event", e->worker, "%s %s", kind, e->name ? e->name : "-");
	return 0;
}

HERD_PLUGIN("lifecycle",
	    .addoption = addoption,
	    .configure = configure,
	    .sessionstart = sessionstart,
	    .report_header = report_header,
	    .collection_modifyitems = collection_modifyitems,
	    .setupnodes = setupnodes,
	    .configure_node = configure_node,
	    .testnodeready = testnodeready,
	    .testnodedown = testnodedown,
	    .node_collection_finished = node_collection_finished,
	    .make_scheduler = make_scheduler,
	    .auto_num_workers = auto_num_workers,
	    .handlecrashitem = handlecrashitem,
	    .runtest_logstart = runtest_logstart,
	    .runtest_logreport = runtest_logreport,
	    .terminal_summary = terminal_summary,
	    .sessionfinish = sessionfinish,
	    .unconfigure = unconfigure,
	    .event = event);

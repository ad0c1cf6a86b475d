/*
 * plugins_probe.c - a plugin for tests/e2e/plugins.sh that implements every
 * hook, compiled once per name: cc -DPROBE_NAME=a [-DPROBE_TRY=1|2] gives
 * plugin "a" (tryfirst on every hook with 1, trylast with 2). What it does is
 * chosen by the environment, so that one build serves every check:
 *
 *   PROBE_LOG=FILE      appends "NAME HOOK [detail]" for every call
 *   PROBE_FAIL=NAME:HOOK  that hook returns -1 with herd_plugin_error()
 *   PROBE_MODIFY=NAME   collection_modifyitems drops ids holding "drop",
 *                       reverses the rest and marks the first "probed"
 *   PROBE_AUTO_NAME=N   auto_num_workers answers N
 *   PROBE_EXIT_NAME=N   sessionfinish sets the exit status to N
 *
 * It adds the option --probe-NAME VALUE (herd.ini: probe_NAME), logged by
 * configure, and gives each worker PROBE_NODE=NAME:WORKER.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <herd_plugin.h>

#define STR_(x) #x
#define STR(x) STR_(x)
#define NAME STR(PROBE_NAME)

#ifndef PROBE_TRY
#define PROBE_TRY 0
#endif
#define ALL_HOOKS ((1UL << HERD_NHOOKS) - 1)

/* One line to $PROBE_LOG, in one write: herd calls hooks one at a time. */
static void
logf_(const char *hook, const char *detail)
{
	const char *path = getenv("PROBE_LOG");
	char line[2048];
	int fd, n;

	if (!path)
		return;
	n = snprintf(line, sizeof(line), "%s %s%s%s\n", NAME, hook, detail ? " " : "",
		     detail ? detail : "");
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (write(fd, line, (size_t)n) < 0)
		n = -1;
	close(fd);
}

/* Logs the call; -1 when PROBE_FAIL names this plugin and hook. */
static int
hook(herd_session *s, const char *name, const char *detail)
{
	const char *f = getenv("PROBE_FAIL");

	logf_(name, detail);
	if (f && !strncmp(f, NAME ":", strlen(NAME ":")) && !strcmp(f + strlen(NAME ":"), name)) {
		herd_plugin_error(s, "asked to fail by PROBE_FAIL");
		return -1;
	}
	return 0;
}

static int
env_is(const char *var, const char *want)
{
	const char *v = getenv(var);

	return v && !strcmp(v, want);
}

static int
addoption(herd_parser *p)
{
	struct herd_option o = {
		.name = "--probe-" NAME, .metavar = "VALUE",
		.help = "a value probe " NAME " logs", .ini = "probe_" NAME, .dflt = "unset",
	};

	/* Names herd keeps for itself, to see them refused. */
	if (getenv("PROBE_OPTION"))
		o.name = getenv("PROBE_OPTION");
	if (getenv("PROBE_INI"))
		o.ini = getenv("PROBE_INI");
	if (herd_addoption(p, &o) < 0)
		return -1;
	return hook(NULL, "addoption", NULL);
}

static int
configure(herd_session *s)
{
	char d[256];

	snprintf(d, sizeof(d), "opt=%s", herd_getoption(s, "--probe-" NAME));
	return hook(s, "configure", d);
}

static int sessionstart(herd_session *s) { return hook(s, "sessionstart", NULL); }

static int
report_header(herd_session *s, FILE *out)
{
	fprintf(out, "probe %s header\n", NAME);
	return hook(s, "report_header", NULL);
}

static int
collection_modifyitems(herd_session *s, herd_item **items, size_t *n)
{
	size_t i, m = 0;

	if (env_is("PROBE_MODIFY", NAME)) {
		for (i = 0; i < *n; i++)
			if (!strstr(herd_item_id(items[i]), "drop"))
				items[m++] = items[i];
		for (i = 0; i < m / 2; i++) {
			herd_item *t = items[i];

			items[i] = items[m - 1 - i];
			items[m - 1 - i] = t;
		}
		*n = m;
		if (m && herd_item_add_mark(items[0], "probed") < 0)
			return -1;
	}
	return hook(s, "collection_modifyitems", NULL);
}

static int
setupnodes(herd_session *s, int workers)
{
	char d[32];

	snprintf(d, sizeof(d), "%d", workers);
	return hook(s, "setupnodes", d);
}

static int
configure_node(herd_session *s, herd_node *node)
{
	char v[64];

	snprintf(v, sizeof(v), "%s:%s", NAME, herd_node_name(node));
	if (herd_node_setenv(node, "PROBE_NODE", v) < 0)
		return -1;
	if (herd_node_add_arg(node, "--probe") < 0 || herd_node_add_arg(node, v) < 0)
		return -1;
	return hook(s, "configure_node", herd_node_name(node));
}

static int
testnodeready(herd_session *s, herd_node *node)
{
	return hook(s, "testnodeready", herd_node_name(node));
}

static int
testnodedown(herd_session *s, herd_node *node, const char *error)
{
	char d[1024];

	snprintf(d, sizeof(d), "%s error=%s", herd_node_name(node), error ? error : "none");
	/* The error may span lines: the log keeps one line per call. */
	for (char *p = d; *p; p++)
		if (*p == '\n')
			*p = ' ';
	return hook(s, "testnodedown", d);
}

static int
node_collection_finished(herd_session *s, herd_node *node, const char *const *ids, size_t n)
{
	char d[64];

	(void)ids;
	snprintf(d, sizeof(d), "%s %zu", herd_node_name(node), n);
	return hook(s, "node_collection_finished", d);
}

static int
make_scheduler(herd_session *s, const struct herd_scheduler **out)
{
	(void)out;
	return hook(s, "make_scheduler", NULL);
}

static int
auto_num_workers(herd_session *s, int *out)
{
	const char *v = getenv("PROBE_AUTO_" NAME);

	if (hook(s, "auto_num_workers", v) < 0)
		return -1;
	if (!v)
		return 0;
	*out = atoi(v);
	return 1;
}

static int
handlecrashitem(herd_session *s, herd_item *item, const struct herd_report *r)
{
	(void)r;
	return hook(s, "handlecrashitem", herd_item_id(item));
}

static int
runtest_logstart(herd_session *s, herd_item *item, herd_node *node)
{
	(void)node;
	return hook(s, "runtest_logstart", herd_item_id(item));
}

static int
runtest_logreport(herd_session *s, const struct herd_report *r)
{
	char d[512];

	snprintf(d, sizeof(d), "%s %s marks=%s", r->id, herd_outcome_name(r->outcome),
		 herd_item_marks(r->item));
	return hook(s, "runtest_logreport", d);
}

static int
terminal_summary(herd_session *s, FILE *out)
{
	fprintf(out, "probe %s summary\n", NAME);
	return hook(s, "terminal_summary", NULL);
}

static int
sessionfinish(herd_session *s, int *exitstatus)
{
	const char *v = getenv("PROBE_EXIT_" NAME);
	char d[64];
	size_t n;

	herd_session_reports(s, &n);
	snprintf(d, sizeof(d), "status=%d reports=%zu", *exitstatus, n);
	if (v)
		*exitstatus = atoi(v);
	return hook(s, "sessionfinish", d);
}

static int unconfigure(herd_session *s) { return hook(s, "unconfigure", NULL); }

static int
event(herd_session *s, const struct herd_event *e)
{
	static int said;

	(void)e;
	/* Logged once: events are many. */
	if (said++)
		return env_is("PROBE_FAIL", NAME ":event") ? -1 : 0;
	return hook(s, "event", NULL);
}

HERD_PLUGIN(NAME,
	    .tryfirst = PROBE_TRY == 1 ? ALL_HOOKS : 0,
	    .trylast = PROBE_TRY == 2 ? ALL_HOOKS : 0,
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

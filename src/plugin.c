/*
 * plugin.c - loads plugins and calls their hooks (src/plugin.h), and the
 * functions include/herd_plugin.h gives a plugin: the views of items, nodes,
 * reports and the session.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl.h"
#include "plugin.h"
#include "remote.h"

#ifndef HERD_PLUGINDIR
#define HERD_PLUGINDIR "/usr/local/lib/herd/plugins"
#endif

/* The public outcomes are the controller's, in the same order. */
_Static_assert((int)HERD_OUTCOME_PASSED == (int)HD_PASSED &&
		       (int)HERD_OUTCOME_NOT_RUN == (int)HD_NOTRUN &&
		       (int)HERD_OUTCOME_RERUN == (int)HD_NOUTCOMES,
	       "herd_plugin.h's outcomes follow report.h's");

static const char *const hook_names[HERD_NHOOKS] = {
	"addoption", "configure", "sessionstart", "report_header",
	"collection_modifyitems", "setupnodes", "configure_node", "testnodeready",
	"testnodedown", "node_collection_finished", "make_scheduler", "auto_num_workers",
	"handlecrashitem", "runtest_logstart", "runtest_logreport", "terminal_summary",
	"sessionfinish", "unconfigure", "event",
};

struct plug {
	const struct herd_plugin *p;
	void *dl;		/* NULL for a built-in */
	char *path;		/* where it was loaded from; NULL for a built-in */
	int failed;		/* a hook of it failed: it is not called again */
	int idle;		/* plug_idle: only its unconfigure is called */
};

/* Plugins in registration order: built-ins, then -p's. */
static struct plug *plugs;
static size_t nplugs;
/* Names -p no:NAME switched off. */
static char **blocked;
static size_t nblocked;
/* Per hook, the plugins that have it, in call order. */
static size_t *order[HERD_NHOOKS];
unsigned char plug_nimpl[HERD_NHOOKS];

/* Where a hook is running: what may be called, and what a failure names. */
static int cur_hook = -1;
static const struct plug *cur_plug;
static char *cur_error;
static int failed;

struct option_def {
	struct herd_option o;	/* strings owned */
	const char *owner;
	int builtin;		/* a built-in's: herd's usage text has it */
	char *value;		/* from the command line or herd.ini; NULL */
	int from_cli;
};
static struct option_def *opts;
static size_t nopts;

struct herd_session {
	struct ctl *c;
	char *rootdir;
	struct herd_report *reports;	/* built on the first herd_session_reports */
	size_t nreports;
	const struct hd_ritem *(*build_reports)(size_t *n);
	struct herd_attempt *attempts;
};
static struct herd_session session;

/* configure_node's variables for the node being configured. */
static char ***node_env, ***node_args;
static size_t *node_nenv, *node_nargs;
static const struct worker *node_cur;
/* handlecrashitem's answer. */
static const struct citem *crash_item;
static int crash_rerun;

/* ---- registering ---- */

static const void *
hook_fn(const struct herd_plugin *p, int h)
{
	switch (h) {
	case HERD_HOOK_ADDOPTION: return (const void *)p->addoption;
	case HERD_HOOK_CONFIGURE: return (const void *)p->configure;
	case HERD_HOOK_SESSIONSTART: return (const void *)p->sessionstart;
	case HERD_HOOK_REPORT_HEADER: return (const void *)p->report_header;
	case HERD_HOOK_COLLECTION_MODIFYITEMS: return (const void *)p->collection_modifyitems;
	case HERD_HOOK_SETUPNODES: return (const void *)p->setupnodes;
	case HERD_HOOK_CONFIGURE_NODE: return (const void *)p->configure_node;
	case HERD_HOOK_TESTNODEREADY: return (const void *)p->testnodeready;
	case HERD_HOOK_TESTNODEDOWN: return (const void *)p->testnodedown;
	case HERD_HOOK_NODE_COLLECTION_FINISHED: return (const void *)p->node_collection_finished;
	case HERD_HOOK_MAKE_SCHEDULER: return (const void *)p->make_scheduler;
	case HERD_HOOK_AUTO_NUM_WORKERS: return (const void *)p->auto_num_workers;
	case HERD_HOOK_HANDLECRASHITEM: return (const void *)p->handlecrashitem;
	case HERD_HOOK_RUNTEST_LOGSTART: return (const void *)p->runtest_logstart;
	case HERD_HOOK_RUNTEST_LOGREPORT: return (const void *)p->runtest_logreport;
	case HERD_HOOK_TERMINAL_SUMMARY: return (const void *)p->terminal_summary;
	case HERD_HOOK_SESSIONFINISH: return (const void *)p->sessionfinish;
	case HERD_HOOK_UNCONFIGURE: return (const void *)p->unconfigure;
	case HERD_HOOK_EVENT: return (const void *)p->event;
	}
	return NULL;
}

static int
is_blocked(const char *name)
{
	size_t i;

	for (i = 0; i < nblocked; i++)
		if (!strcmp(blocked[i], name))
			return 1;
	return 0;
}

static const struct plug *
find(const char *name)
{
	size_t i;

	for (i = 0; i < nplugs; i++)
		if (!strcmp(plugs[i].p->name, name))
			return &plugs[i];
	return NULL;
}

/*
 * Call order, as pluggy's: tryfirst implementations, then the others, then
 * trylast ones; within each, the last registered first.
 */
static void
build_order(void)
{
	int h, pass;
	size_t i, k;

	for (h = 0; h < HERD_NHOOKS; h++) {
		free(order[h]);
		order[h] = xcalloc(nplugs + 1, sizeof(*order[h]));
		k = 0;
		for (pass = 0; pass < 3; pass++) {
			for (i = nplugs; i-- > 0;) {
				const struct herd_plugin *p = plugs[i].p;
				unsigned long bit = HERD_HOOK_BIT(h);
				int when = p->tryfirst & bit ? 0 : p->trylast & bit ? 2 : 1;

				if (when == pass && hook_fn(p, h) && !is_blocked(p->name) &&
				    (!plugs[i].idle || h == HERD_HOOK_UNCONFIGURE))
					order[h][k++] = i;
			}
		}
		plug_nimpl[h] = k > 255 ? 255 : (unsigned char)k;
	}
}

static void
add(const struct herd_plugin *p, void *dl, char *path)
{
	plugs = xreallocarray(plugs, nplugs + 1, sizeof(*plugs));
	plugs[nplugs].p = p;
	plugs[nplugs].dl = dl;
	plugs[nplugs].path = path;
	plugs[nplugs].failed = 0;
	plugs[nplugs].idle = 0;
	nplugs++;
}

void
plug_builtin(const struct herd_plugin *p)
{
	add(p, NULL, NULL);
	build_order();
}

/* NAME.so in a folder of $HERD_PLUGIN_PATH, then of the install; malloc()ed. */
static char *
look_up(const char *name)
{
	const char *path = getenv("HERD_PLUGIN_PATH");
	struct stat st;
	char *dirs, *d, *save = NULL, *f;

	dirs = xasprintf("%s:%s", path ? path : "", HERD_PLUGINDIR);
	for (d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		f = xasprintf("%s/%s.so", d, name);
		if (!stat(f, &st) && S_ISREG(st.st_mode)) {
			free(dirs);
			return f;
		}
		free(f);
	}
	free(dirs);
	return NULL;
}

static int
is_word(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!(*s == '_' || *s == '-' || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

static int
load_one(const char *spec)
{
	const struct herd_plugin *p;
	char *path;
	void *dl;

	if (strchr(spec, '/') || (strlen(spec) > 3 && !strcmp(spec + strlen(spec) - 3, ".so"))) {
		path = xstrdup(spec);
	} else if (!(path = look_up(spec))) {
		fprintf(stderr, "herd: -p %s: no such plugin (looked for %s.so in "
			"$HERD_PLUGIN_PATH and %s)\n", spec, spec, HERD_PLUGINDIR);
		return -1;
	}
	/* dlopen looks a name without '/' up in the library path: not ours. */
	if (!strchr(path, '/')) {
		char *p2 = xasprintf("./%s", path);

		free(path);
		path = p2;
	}
	dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!dl) {
		fprintf(stderr, "herd: -p %s: cannot load: %s\n", spec, dlerror());
		free(path);
		return -1;
	}
	p = dlsym(dl, "herd_plugin");
	if (!p) {
		fprintf(stderr, "herd: -p %s: not a herd plugin: it defines no symbol "
			"herd_plugin (see HERD_PLUGIN in herd_plugin.h)\n", spec);
		goto fail;
	}
	if (p->abi != HERD_PLUGIN_ABI) {
		fprintf(stderr, "herd: -p %s: built for plugin ABI %u, this herd has ABI %d: "
			"rebuild it against this herd's herd_plugin.h\n", spec, p->abi,
			HERD_PLUGIN_ABI);
		goto fail;
	}
	if (!p->name || !is_word(p->name)) {
		fprintf(stderr, "herd: -p %s: its name must be a word of letters, digits, "
			"'-' and '_'\n", spec);
		goto fail;
	}
	if (find(p->name)) {
		fprintf(stderr, "herd: -p %s: a plugin named %s is already loaded\n", spec,
			p->name);
		goto fail;
	}
	add(p, dl, path);
	return 0;
fail:
	dlclose(dl);
	free(path);
	return -1;
}

int
plug_load(char *const *specs, size_t n)
{
	size_t i;

	/* no: first, wherever it stands: it also holds back a later -p NAME. */
	for (i = 0; i < n; i++) {
		if (strncmp(specs[i], "no:", 3))
			continue;
		if (!is_word(specs[i] + 3)) {
			fprintf(stderr, "herd: -p %s: no: takes a plugin's name\n", specs[i]);
			return -1;
		}
		blocked = xreallocarray(blocked, nblocked + 1, sizeof(*blocked));
		blocked[nblocked++] = xstrdup(specs[i] + 3);
	}
	for (i = 0; i < n; i++) {
		if (!strncmp(specs[i], "no:", 3) || is_blocked(specs[i]))
			continue;
		if (!*specs[i]) {
			fprintf(stderr, "herd: -p takes a plugin: a path or a name\n");
			return -1;
		}
		if (load_one(specs[i]) < 0)
			return -1;
	}
	build_order();
	return 0;
}

int
plug_enabled(const char *name)
{
	return find(name) && !is_blocked(name);
}

/* ---- calling ---- */

/* Enters hook h of plugin k; returns the plugin. */
static const struct herd_plugin *
enter(int h, size_t k)
{
	cur_hook = h;
	cur_plug = &plugs[order[h][k]];
	free(cur_error);
	cur_error = NULL;
	return cur_plug->p;
}

/*
 * Leaves a hook: a negative rc is a failure of the plugin. It is said once,
 * and the run winds down as for -x: what can still be reported is.
 */
static int leave_failed(int rc, int h);

/* Every hook call goes through here: the path of success stays short. */
static inline int
leave(int rc)
{
	int h = cur_hook;

	cur_hook = -1;
	return rc >= 0 ? rc : leave_failed(rc, h);
}

static int
leave_failed(int rc, int h)
{
	fprintf(stderr, "herd: plugin %s failed in %s%s%s\n", cur_plug->p->name, hook_names[h],
		cur_error ? ": " : "", cur_error ? cur_error : "");
	failed = 1;
	((struct plug *)cur_plug)->failed = 1;
	if (session.c) {
		session.c->aborted = 1;
		if (!session.c->stopping) {
			session.c->stopping = 1;
			session.c->stop_reason = xasprintf("plugin %s failed in %s",
							   cur_plug->p->name, hook_names[h]);
		}
	}
	return rc;
}

int
plug_failed(void)
{
	return failed;
}

/*
 * Every plugin with hook h, in order. One that failed is not called again;
 * the others are, so that what can still be reported is (the run itself
 * winds down as for -x).
 */
#define EACH(h, k)                                            \
	for (k = 0; k < plug_nimpl[h]; k++)                   \
		if (!plugs[order[h][k]].failed)

int
plug_addoption(void)
{
	size_t k;

	EACH(HERD_HOOK_ADDOPTION, k)
		if (leave(enter(HERD_HOOK_ADDOPTION, k)->addoption(NULL)) < 0)
			return -1;
	return 0;
}

int
plug_configure(void)
{
	size_t k;

	EACH(HERD_HOOK_CONFIGURE, k)
		if (leave(enter(HERD_HOOK_CONFIGURE, k)->configure(&session)) < 0)
			return -1;
	build_order();	/* without the plugins that went idle */
	return 0;
}

void
plug_idle(void)
{
	if (cur_hook == HERD_HOOK_CONFIGURE && cur_plug)
		((struct plug *)cur_plug)->idle = 1;
}

int
plug_sessionstart(void)
{
	size_t k;

	EACH(HERD_HOOK_SESSIONSTART, k)
		if (leave(enter(HERD_HOOK_SESSIONSTART, k)->sessionstart(&session)) < 0)
			return -1;
	return 0;
}

void
plug_report_header(FILE *out)
{
	size_t k;

	EACH(HERD_HOOK_REPORT_HEADER, k)
		leave(enter(HERD_HOOK_REPORT_HEADER, k)->report_header(&session, out));
}

int
plug_auto_num_workers(int *n)
{
	size_t k;
	int rc;

	EACH(HERD_HOOK_AUTO_NUM_WORKERS, k) {
		int v = 0;

		rc = leave(enter(HERD_HOOK_AUTO_NUM_WORKERS, k)->auto_num_workers(&session, &v));
		if (rc < 0)
			return -1;
		if (rc > 0) {
			if (v < 1 || v > 4096) {
				fprintf(stderr, "herd: plugin %s: auto_num_workers answered %d; "
					"1 to 4096 are workers\n", plugs[order[HERD_HOOK_AUTO_NUM_WORKERS][k]].p->name, v);
				failed = 1;
				return -1;
			}
			*n = v;
			return 1;
		}
	}
	return 0;
}

const struct herd_scheduler *
plug_make_scheduler(void)
{
	size_t k;

	EACH(HERD_HOOK_MAKE_SCHEDULER, k) {
		const struct herd_scheduler *s = NULL;
		int rc = leave(enter(HERD_HOOK_MAKE_SCHEDULER, k)->make_scheduler(&session, &s));

		if (rc < 0)
			return NULL;
		if (rc > 0 && s) {
			if (!s->create || !s->next || !s->give_back || !s->pending) {
				fprintf(stderr, "herd: plugin %s: its scheduler lacks create, next, "
					"give_back or pending\n", plugs[order[HERD_HOOK_MAKE_SCHEDULER][k]].p->name);
				failed = 1;
				if (session.c)
					session.c->aborted = 1;
				return NULL;
			}
			return s;
		}
	}
	return NULL;
}

herd_session *
plug_session_of(struct ctl *c)
{
	if (!session.c)
		session.c = c;
	return &session;
}

struct ctl *
plug_ctl(const herd_session *s)
{
	return s->c;
}

void
plug_session(struct ctl *c, const char *rootdir)
{
	session.c = c;
	free(session.rootdir);
	session.rootdir = xstrdup(rootdir ? rootdir : ".");
}

/* The selected items in run order; what stays selected after the hook. */
int
plug_collection_modifyitems(struct ctl *c)
{
	struct citem **v;
	size_t n = 0, i, b, k, m;

	if (!PLUG_WANTS(HERD_HOOK_COLLECTION_MODIFYITEMS))
		return 0;
	for (b = 0; b < c->nbins; b++)
		for (i = 0; i < c->bins[b].n; i++)
			n += c->bins[b].items[i].selected != 0;
	v = xcalloc(n + 1, sizeof(*v));
	m = 0;
	for (b = 0; b < c->nbins; b++)
		for (i = 0; i < c->bins[b].n; i++)
			if (c->bins[b].items[i].selected)
				v[m++] = &c->bins[b].items[i];
	EACH(HERD_HOOK_COLLECTION_MODIFYITEMS, k) {
		size_t before = m;

		if (leave(enter(HERD_HOOK_COLLECTION_MODIFYITEMS, k)->collection_modifyitems(
			    &session, (herd_item **)v, &m)) < 0) {
			free(v);
			return -1;
		}
		if (m > before) {
			fprintf(stderr, "herd: plugin %s: collection_modifyitems may remove "
				"items, not add them\n", cur_plug->p->name);
			failed = 1;
			free(v);
			return -1;
		}
	}
	/* Every pointer must be one of ours, once: a plugin may only reorder and drop. */
	for (b = 0; b < c->nbins; b++)
		for (i = 0; i < c->bins[b].n; i++)
			c->bins[b].items[i].rank_plugin = 0;
	for (i = 0; i < m; i++) {
		struct citem *it = v[i];
		int ok = 0;

		for (b = 0; b < c->nbins && !ok; b++)
			ok = it >= c->bins[b].items && it < c->bins[b].items + c->bins[b].n &&
			     it->selected && !it->rank_plugin;
		if (!ok) {
			fprintf(stderr, "herd: a plugin's collection_modifyitems left an item "
				"that is not one of the selected ones, or one twice\n");
			failed = 1;
			free(v);
			return -1;
		}
		it->rank_plugin = (unsigned)i + 1;
	}
	for (b = 0; b < c->nbins; b++)
		for (i = 0; i < c->bins[b].n; i++) {
			struct citem *it = &c->bins[b].items[i];

			if (it->selected && !it->rank_plugin) {
				it->selected = 0;
				c->nselected--;
				c->deselected_by_plugin++;
			}
		}
	c->plugin_order = 1;
	free(v);
	return 0;
}

void
plug_setupnodes(struct ctl *c)
{
	size_t k;

	EACH(HERD_HOOK_SETUPNODES, k)
		leave(enter(HERD_HOOK_SETUPNODES, k)->setupnodes(&session, c->nslots));
}

void
plug_configure_node(struct ctl *c, struct worker *w, char ***env, size_t *nenv,
		    char ***args, size_t *nargs)
{
	size_t k;

	(void)c;
	node_env = env;
	node_nenv = nenv;
	node_args = args;
	node_nargs = nargs;
	node_cur = w;
	EACH(HERD_HOOK_CONFIGURE_NODE, k)
		leave(enter(HERD_HOOK_CONFIGURE_NODE, k)->configure_node(&session, (herd_node *)w));
	node_cur = NULL;
	node_env = node_args = NULL;
	node_nenv = node_nargs = NULL;
}

void
plug_testnodeready(struct ctl *c, struct worker *w)
{
	size_t k;

	(void)c;
	EACH(HERD_HOOK_TESTNODEREADY, k)
		leave(enter(HERD_HOOK_TESTNODEREADY, k)->testnodeready(&session, (herd_node *)w));
}

void
plug_testnodedown(struct ctl *c, struct worker *w, const char *error)
{
	size_t k;

	(void)c;
	EACH(HERD_HOOK_TESTNODEDOWN, k)
		leave(enter(HERD_HOOK_TESTNODEDOWN, k)->testnodedown(&session, (herd_node *)w, error));
}

void
plug_node_collection_finished(struct ctl *c, struct worker *w)
{
	const char **ids;
	size_t k, i, n = w->bin ? w->bin->n : 0;

	(void)c;
	if (!PLUG_WANTS(HERD_HOOK_NODE_COLLECTION_FINISHED))
		return;
	ids = xcalloc(n + 1, sizeof(*ids));
	for (i = 0; i < n; i++)
		ids[i] = w->bin->items[i].id;
	EACH(HERD_HOOK_NODE_COLLECTION_FINISHED, k)
		leave(enter(HERD_HOOK_NODE_COLLECTION_FINISHED, k)->node_collection_finished(
			&session, (herd_node *)w, ids, n));
	free(ids);
}

/* A report of one try, from the controller's item. */
static void
fill_report(struct herd_report *r, struct citem *it, int o, double duration, const char *msg,
	    const char *out, size_t outlen, const struct worker *w)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	r->item = (herd_item *)it;
	r->id = it->id;
	r->file = it->decl->file;
	r->line = it->decl->line;
	r->suite = it->decl->suite;
	r->name = it->name;
	r->outcome = (enum herd_outcome)o;
	r->duration = duration;
	r->start = it->started > 0 ? it->started - session.c->t0 : 0;
	r->message = msg;
	r->output = out;
	r->outlen = outlen;
	r->worker = w ? w->name : it->worker;
	r->reruns = it->tries;
	if (!it->tries)
		return;	/* most reports: no earlier try, nothing to allocate */
	session.attempts = xreallocarray(session.attempts, (size_t)it->tries + 1,
					 sizeof(*session.attempts));
	for (i = 0; i < (size_t)it->tries; i++) {
		const struct hd_attempt *a = &it->res->attempts[i];

		session.attempts[i].outcome = (enum herd_outcome)a->outcome;
		session.attempts[i].duration = a->duration;
		session.attempts[i].message = a->message;
		session.attempts[i].output = a->output;
		session.attempts[i].outlen = a->outlen;
	}
	r->attempts = session.attempts;
	r->nattempts = (size_t)it->tries;
}

int
plug_handlecrashitem(struct ctl *c, struct citem *it, struct worker *w, const char *msg,
		     double duration)
{
	struct herd_report r;
	size_t k;

	(void)c;
	if (!PLUG_WANTS(HERD_HOOK_HANDLECRASHITEM))
		return 0;
	fill_report(&r, it, HD_CRASHED, duration, msg, NULL, 0, w);
	crash_item = it;
	crash_rerun = 0;
	EACH(HERD_HOOK_HANDLECRASHITEM, k)
		leave(enter(HERD_HOOK_HANDLECRASHITEM, k)->handlecrashitem(&session,
									   (herd_item *)it, &r));
	crash_item = NULL;
	return crash_rerun && !failed;
}

void
plug_runtest_logstart(struct ctl *c, struct citem *it, struct worker *w)
{
	size_t k;

	(void)c;
	EACH(HERD_HOOK_RUNTEST_LOGSTART, k)
		leave(enter(HERD_HOOK_RUNTEST_LOGSTART, k)->runtest_logstart(
			&session, (herd_item *)it, (herd_node *)w));
}

void
plug_runtest_logreport(struct ctl *c, struct citem *it, int o, double duration,
		       const char *msg, size_t msglen, const char *out, size_t outlen,
		       const struct worker *w, int rerun)
{
	struct herd_report r;
	char *m;
	size_t k;

	(void)c;
	m = msg && msglen ? xstrndup(msg, msglen) : NULL;
	fill_report(&r, it, rerun ? HERD_OUTCOME_RERUN : o, duration, m, out, outlen, w);
	EACH(HERD_HOOK_RUNTEST_LOGREPORT, k)
		leave(enter(HERD_HOOK_RUNTEST_LOGREPORT, k)->runtest_logreport(&session, &r));
	free(m);
}

void
plug_event(struct ctl *c, enum herd_event_kind kind, const char *worker, const char *name,
	   const char *detail)
{
	struct herd_event e;
	size_t k;

	e.kind = kind;
	e.ts = hd_now() - c->t0;
	e.worker = worker;
	e.name = name;
	e.detail = detail;
	EACH(HERD_HOOK_EVENT, k)
		leave(enter(HERD_HOOK_EVENT, k)->event(&session, &e));
}

void
plug_terminal_summary(FILE *out)
{
	size_t k;

	EACH(HERD_HOOK_TERMINAL_SUMMARY, k)
		leave(enter(HERD_HOOK_TERMINAL_SUMMARY, k)->terminal_summary(&session, out));
}

/* A reporter's item and a plugin's report are one layout: no copy is made. */
_Static_assert(sizeof(struct hd_ritem) == sizeof(struct herd_report) &&
		       offsetof(struct hd_ritem, outcome) == offsetof(struct herd_report, outcome) &&
		       offsetof(struct hd_ritem, attempts) == offsetof(struct herd_report, attempts) &&
		       offsetof(struct hd_ritem, start) == offsetof(struct herd_report, start) &&
		       offsetof(struct hd_ritem, item) == offsetof(struct herd_report, item) &&
		       sizeof(struct hd_attempt) == sizeof(struct herd_attempt) &&
		       offsetof(struct hd_attempt, outlen) == offsetof(struct herd_attempt, outlen) &&
		       sizeof(enum hd_outcome) == sizeof(enum herd_outcome),
	       "struct hd_ritem and struct herd_report share their layout");

int
plug_sessionfinish(const struct hd_ritem *(*reports)(size_t *n), int *status)
{
	size_t k;

	/* Not the last run's (a second report in one process builds its own). */
	session.reports = NULL;
	session.nreports = 0;
	session.build_reports = reports;
	/* All of them, after a failure too: the reporters among them still write. */
	EACH(HERD_HOOK_SESSIONFINISH, k)
		leave(enter(HERD_HOOK_SESSIONFINISH, k)->sessionfinish(&session, status));
	return failed ? -1 : 0;
}

void
plug_unconfigure(void)
{
	size_t k;

	/* Even after a failure: a plugin cleans up what configure made. */
	for (k = 0; k < plug_nimpl[HERD_HOOK_UNCONFIGURE]; k++)
		leave(enter(HERD_HOOK_UNCONFIGURE, k)->unconfigure(&session));
}

/* ---- options ---- */

/* Says whether herd itself has an option (ini 0) or a herd.ini key (ini 1) so named. */
static int (*herd_owns)(const char *name, int ini);

void
plug_reserve(int (*owns)(const char *name, int ini))
{
	herd_owns = owns;
}

int
herd_addoption(herd_parser *p, const struct herd_option *o)
{
	struct option_def *d;
	size_t i;

	(void)p;
	if (cur_hook != HERD_HOOK_ADDOPTION) {
		herd_plugin_error(&session, "herd_addoption called outside addoption");
		return -1;
	}
	if (!o || !o->name || strncmp(o->name, "--", 2) || !is_word(o->name + 2)) {
		herd_plugin_error(&session, "an option's name is --WORD");
		return -1;
	}
	/* herd parses its own first: a plugin's option of that name would never be seen. */
	if (cur_plug->dl && herd_owns && (herd_owns(o->name, 0) || (o->ini && herd_owns(o->ini, 1)))) {
		herd_plugin_error(&session, "%s %s is herd's own",
				  herd_owns(o->name, 0) ? "option" : "herd.ini key",
				  herd_owns(o->name, 0) ? o->name : o->ini);
		return -1;
	}
	for (i = 0; i < nopts; i++)
		if (!strcmp(opts[i].o.name, o->name) ||
		    (o->ini && opts[i].o.ini && !strcmp(opts[i].o.ini, o->ini))) {
			herd_plugin_error(&session, "option %s is taken by plugin %s", o->name,
					  opts[i].owner);
			return -1;
		}
	opts = xreallocarray(opts, nopts + 1, sizeof(*opts));
	d = &opts[nopts++];
	memset(d, 0, sizeof(*d));
	d->o.name = xstrdup(o->name);
	d->o.metavar = o->metavar ? xstrdup(o->metavar) : NULL;
	d->o.help = xstrdup(o->help ? o->help : "");
	d->o.ini = o->ini ? xstrdup(o->ini) : NULL;
	d->o.dflt = o->dflt ? xstrdup(o->dflt) : NULL;
	d->owner = cur_plug->p->name;
	d->builtin = !cur_plug->dl;
	return 0;
}

/* Is the option name taken by herd itself? main.c asks before plugins. */
void
plug_help(FILE *out)
{
	size_t i;
	int said = 0;

	for (i = 0; i < nopts; i++) {
		char left[64];

		if (opts[i].builtin)
			continue;
		if (!said++)
			fprintf(out, "\noptions of plugins:\n");
		snprintf(left, sizeof(left), "%s%s%s", opts[i].o.name, opts[i].o.metavar ? " " : "",
			 opts[i].o.metavar ? opts[i].o.metavar : "");
		fprintf(out, "  %-20s %s (%s%s%s)\n", left, opts[i].o.help, opts[i].owner,
			opts[i].o.ini ? "; herd.ini: " : "", opts[i].o.ini ? opts[i].o.ini : "");
	}
}

int
plug_cli_option(int argc, char **argv, int *i)
{
	const char *a = argv[*i], *eq = strchr(a, '=');
	size_t len = eq ? (size_t)(eq - a) : strlen(a), k;

	for (k = 0; k < nopts; k++) {
		struct option_def *d = &opts[k];

		if (strlen(d->o.name) != len || strncmp(d->o.name, a, len))
			continue;
		free(d->value);
		if (!d->o.metavar) {
			if (eq) {
				fprintf(stderr, "herd: %s takes no value\n", d->o.name);
				return -1;
			}
			d->value = xstrdup("1");
		} else if (eq) {
			d->value = xstrdup(eq + 1);
		} else if (*i + 1 < argc) {
			d->value = xstrdup(argv[++*i]);
		} else {
			fprintf(stderr, "herd: %s needs a value (%s)\n", d->o.name, d->o.metavar);
			return -1;
		}
		d->from_cli = 1;
		return 1;
	}
	return 0;
}

int
plug_ini_option(const char *key, const char *value)
{
	size_t k;

	for (k = 0; k < nopts; k++) {
		struct option_def *d = &opts[k];

		if (!d->o.ini || strcmp(d->o.ini, key))
			continue;
		if (!d->from_cli) {
			free(d->value);
			d->value = xstrdup(value);
		}
		return 1;
	}
	return 0;
}

const char *
herd_getoption(const herd_session *s, const char *name)
{
	size_t k;

	(void)s;
	for (k = 0; k < nopts; k++)
		if (!strcmp(opts[k].o.name, name))
			return opts[k].value ? opts[k].value : opts[k].o.dflt;
	return NULL;
}

/* ---- what a plugin may call ---- */

const char *
herd_outcome_name(enum herd_outcome o)
{
	if (o == HERD_OUTCOME_RERUN)
		return "rerun";
	if ((int)o < 0 || (int)o >= HD_NOUTCOMES)
		return "unknown";
	return hd_outcome_name((enum hd_outcome)o);
}

#define ITEM(it) ((const struct citem *)(const void *)(it))

const char *herd_item_id(const herd_item *it) { return ITEM(it)->id; }
const char *herd_item_file(const herd_item *it) { return ITEM(it)->decl->file; }
int herd_item_line(const herd_item *it) { return ITEM(it)->decl->line; }
const char *herd_item_suite(const herd_item *it) { return ITEM(it)->decl->suite; }
const char *herd_item_name(const herd_item *it) { return ITEM(it)->name; }
const char *herd_item_binary(const herd_item *it) { return ITEM(it)->bin->path; }
enum herd_outcome herd_item_outcome(const herd_item *it) { return (enum herd_outcome)ITEM(it)->outcome; }

const char *
herd_item_marks(const herd_item *it)
{
	return ITEM(it)->decl->marks ? ITEM(it)->decl->marks : "";
}

const char *
herd_item_group(const herd_item *it)
{
	const char *g = ITEM(it)->decl->group;

	return g && *g ? g : NULL;
}

double
herd_item_duration(const herd_item *it)
{
	return ITEM(it)->known ? ITEM(it)->est : -1;
}

int
herd_item_has_mark(const herd_item *it, const char *mark)
{
	const char *m = herd_item_marks(it);
	size_t len = strlen(mark);

	while (*m) {
		size_t n = strcspn(m, " ");

		if (n == len && !strncmp(m, mark, len))
			return 1;
		m += n;
		m += strspn(m, " ");
	}
	return 0;
}

int
herd_item_add_mark(herd_item *it, const char *mark)
{
	struct citem *ci = (struct citem *)(void *)it;
	struct cdecl d;
	char *m;

	if (cur_hook != HERD_HOOK_COLLECTION_MODIFYITEMS || !mark || !is_word(mark))
		return -1;
	if (herd_item_has_mark(it, mark))
		return 0;
	memcpy(&d, ci->decl, sizeof(d));	/* its zeroed padding too */
	m = *d.marks ? xasprintf("%s %s", d.marks, mark) : xstrdup(mark);
	d.marks = intern_str(&session.c->pool, m);
	free(m);
	citem_redecl(session.c, ci, &d);
	return 0;
}

int
herd_item_rerun(herd_session *s, herd_item *it)
{
	(void)s;
	if (cur_hook != HERD_HOOK_HANDLECRASHITEM || ITEM(it) != crash_item)
		return -1;
	crash_rerun = 1;
	return 0;
}

#define NODE(n) ((const struct worker *)(const void *)(n))

const char *herd_node_name(const herd_node *n) { return NODE(n)->name; }
int herd_node_slot(const herd_node *n) { return NODE(n)->slot; }
long herd_node_pid(const herd_node *n) { return NODE(n)->pid > 0 ? (long)NODE(n)->pid : 0; }

const char *
herd_node_binary(const herd_node *n)
{
	return NODE(n)->bin ? NODE(n)->bin->path : NULL;
}

int
herd_node_add_arg(herd_node *n, const char *arg)
{
	if (cur_hook != HERD_HOOK_CONFIGURE_NODE || NODE(n) != node_cur || !arg)
		return -1;
	*node_args = xreallocarray(*node_args, *node_nargs + 1, sizeof(**node_args));
	(*node_args)[(*node_nargs)++] = xstrdup(arg);
	return 0;
}

int
herd_node_setenv(herd_node *n, const char *name, const char *value)
{
	if (cur_hook != HERD_HOOK_CONFIGURE_NODE || NODE(n) != node_cur || !name || !*name ||
	    strchr(name, '=') || !value)
		return -1;
	*node_env = xreallocarray(*node_env, *node_nenv + 1, sizeof(**node_env));
	(*node_env)[(*node_nenv)++] = xasprintf("%s=%s", name, value);
	return 0;
}

int herd_session_workers(const herd_session *s) { return s->c ? s->c->nslots : 0; }
const char *herd_session_uid(const herd_session *s) { return s->c ? s->c->uid : ""; }
const char *herd_session_rootdir(const herd_session *s) { return s->rootdir ? s->rootdir : "."; }

const char *
herd_session_worker_host(const herd_session *s, const char *worker)
{
	struct host *h;
	char *end;
	long slot;

	if (!s->c || !worker || strncmp(worker, "gw", 2) || !worker[2])
		return NULL;
	slot = strtol(worker + 2, &end, 10);
	if (*end || slot < 0 || slot >= s->c->nslots || !(h = slot_host(s->c, (int)slot)))
		return NULL;
	return h->spec.label;
}

double
herd_session_time(const herd_session *s)
{
	/* The clock starts with sessionstart: configure's hooks see 0. */
	return s->c && s->c->t0 > 0 ? hd_now() - s->c->t0 : 0;
}

const struct herd_report *
herd_session_reports(herd_session *s, size_t *n)
{
	if (!s->reports && s->build_reports)
		s->reports = (struct herd_report *)(void *)s->build_reports(&s->nreports);
	*n = s->nreports;
	return s->reports;
}

void
herd_warn(herd_session *s, const char *fmt, ...)
{
	va_list ap;
	char *m;

	va_start(ap, fmt);
	if (vasprintf(&m, fmt, ap) < 0)
		m = NULL;
	va_end(ap);
	if (!m)
		return;
	fprintf(stderr, "herd: warning: %s: %s\n", cur_plug ? cur_plug->p->name : "plugin", m);
	if (s && s->c) {
		buf_adds(&s->c->warnings, cur_plug ? cur_plug->p->name : "plugin");
		buf_adds(&s->c->warnings, ": ");
		buf_adds(&s->c->warnings, m);
		buf_adds(&s->c->warnings, "\n");
	}
	free(m);
}

void
herd_plugin_error(herd_session *s, const char *fmt, ...)
{
	va_list ap;

	(void)s;
	free(cur_error);
	va_start(ap, fmt);
	if (vasprintf(&cur_error, fmt, ap) < 0)
		cur_error = NULL;
	va_end(ap);
}

void
herd_write_sep(herd_session *s, FILE *out, int ch, const char *title)
{
	(void)s;
	hd_term_rule(out, ch, title);
}

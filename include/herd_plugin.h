/*
 * herd_plugin.h - what a herd plugin sees: the hooks it may implement, the
 * controller's items, workers (nodes) and reports, and the scheduler
 * interface every --dist mode implements. docs/plugins.md is the contract.
 *
 * A plugin is a shared object that defines one symbol, the struct
 * herd_plugin named herd_plugin (HERD_PLUGIN() below writes it):
 *
 *	#include <herd_plugin.h>
 *
 *	static int
 *	logreport(herd_session *s, const struct herd_report *r)
 *	{
 *		if (r->outcome == HERD_OUTCOME_FAILED)
 *			fprintf(stderr, "%s failed on %s\n", r->id, r->worker);
 *		return 0;
 *	}
 *
 *	HERD_PLUGIN("tell", .runtest_logreport = logreport);
 *
 *	cc -shared -fPIC -o tell.so tell.c $(pkg-config --cflags herd)
 *	herd -p ./tell.so -n 4 build/tests
 *
 * Hooks run in the controller, one at a time, in its event loop: a hook
 * that blocks stops the run. Each returns 0 when all is well, a negative
 * number when the plugin failed (the run then ends with exit 3, naming the
 * plugin and the hook; herd_plugin_error() says why), and the hooks that
 * answer a question (make_scheduler, auto_num_workers) return 1 when they
 * answered: the first answer wins and the others are not asked.
 */
#ifndef HERD_PLUGIN_H
#define HERD_PLUGIN_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* herd exports these to its plugins, even when built with hidden visibility. */
#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

/*
 * The ABI a plugin was built for. herd refuses, without calling anything,
 * a plugin whose abi field differs from its own.
 */
#define HERD_PLUGIN_ABI 1

typedef struct herd_session herd_session;	/* the run */
typedef struct herd_item herd_item;		/* one collected item */
typedef struct herd_node herd_node;		/* one worker: gw0, gw1, ... */
typedef struct herd_parser herd_parser;	/* where addoption adds options */

/* Outcomes, as the reports name them. */
enum herd_outcome {
	HERD_OUTCOME_NONE = 0,	/* not finished */
	HERD_OUTCOME_PASSED,
	HERD_OUTCOME_FAILED,
	HERD_OUTCOME_ERROR,	/* a fixture's setup or teardown failed */
	HERD_OUTCOME_SKIPPED,
	HERD_OUTCOME_XFAILED,
	HERD_OUTCOME_XPASSED,
	HERD_OUTCOME_CRASHED,
	HERD_OUTCOME_TIMEOUT,
	HERD_OUTCOME_FLAKY,	/* failed, then passed on a rerun */
	HERD_OUTCOME_NOT_RUN,	/* deselected, interrupted, stopped by -x */
	HERD_OUTCOME_RERUN	/* this try failed and the item runs again */
};

/* The name of an outcome: "passed", "failed", ... as the JSON report has it. */
const char *herd_outcome_name(enum herd_outcome o);

/* One earlier, failed try of an item that was rerun. */
struct herd_attempt {
	enum herd_outcome outcome;
	double duration;
	const char *message;
	const char *output;
	size_t outlen;
};

/*
 * What became of one try of an item. Every string is borrowed: valid during
 * the hook, copy what you keep.
 */
struct herd_report {
	const char *id;		/* node id: file.c::suite::name[param] */
	const char *file;
	int line;
	const char *suite;
	const char *name;
	enum herd_outcome outcome;
	double duration;	/* seconds */
	const char *message;	/* failure text, skip reason, crash description */
	const char *output;	/* captured stdout and stderr; may be NULL */
	size_t outlen;
	const char *worker;	/* "gw0", ...; NULL when it never ran */
	int reruns;		/* tries before this one */
	const struct herd_attempt *attempts;	/* those tries, oldest first */
	size_t nattempts;
	double start;		/* seconds since the run started */
	herd_item *item;
};

/* ---- items (valid from collection_modifyitems to unconfigure) ---- */

const char *herd_item_id(const herd_item *it);
const char *herd_item_file(const herd_item *it);
int herd_item_line(const herd_item *it);
const char *herd_item_suite(const herd_item *it);
const char *herd_item_name(const herd_item *it);
/* Its marks, space-separated ("" when none). */
const char *herd_item_marks(const herd_item *it);
/* Nonzero when it carries the mark. */
int herd_item_has_mark(const herd_item *it, const char *mark);
/* Its group (.group), or NULL. */
const char *herd_item_group(const herd_item *it);
/* The test binary it belongs to, as herd runs it. */
const char *herd_item_binary(const herd_item *it);
/* Its expected duration in seconds: learned, or -1 when unknown. */
double herd_item_duration(const herd_item *it);
/* Its outcome so far (HERD_OUTCOME_NONE before it finished). */
enum herd_outcome herd_item_outcome(const herd_item *it);
/*
 * Adds a mark (collection_modifyitems only: -m has already selected, so the
 * mark is for the reports and the plugins after you). 0, or -1 when called
 * elsewhere or the mark is not a word.
 */
int herd_item_add_mark(herd_item *it, const char *mark);
/*
 * Puts an item back to run again (handlecrashitem): on another worker when
 * there is one. Its crashed try is reported with HERD_OUTCOME_RERUN. 0, or
 * -1 when called elsewhere.
 */
int herd_item_rerun(herd_session *s, herd_item *it);

/* ---- nodes (workers) ---- */

/* "gw0", "gw1", ... */
const char *herd_node_name(const herd_node *n);
/* Its slot, 0 to workers - 1: a restarted worker keeps its slot and name. */
int herd_node_slot(const herd_node *n);
/* The test binary it runs, or NULL before it was given one. */
const char *herd_node_binary(const herd_node *n);
/* Its process id, or 0 once it is gone or when it runs on another host. */
long herd_node_pid(const herd_node *n);
/*
 * configure_node only: sets a variable in the worker's environment. 0, or -1
 * when called elsewhere or the name holds '='.
 */
int herd_node_setenv(herd_node *n, const char *name, const char *value);
/*
 * configure_node only: adds an argument to the worker's command line, after
 * the program's name (argv[1], argv[2], ... in order). A native herd test
 * binary ignores its arguments in worker mode; an adapter worker (such as
 * herd --pytest's) may read them. 0, or -1 when called elsewhere.
 */
int herd_node_add_arg(herd_node *n, const char *arg);

/* ---- the session ---- */

/* Workers of the run (-n, or what auto_num_workers answered). */
int herd_session_workers(const herd_session *s);
/* The run's id, as herd_testrun_uid() gives it to the tests. */
const char *herd_session_uid(const herd_session *s);
/* The project root (herd.ini's folder, or where herd started). */
const char *herd_session_rootdir(const herd_session *s);
/* The --tx host worker "gwN" runs on, as herd's messages name it (docs/remote.md);
 * NULL for a local worker or a name that is none of the run's workers. */
const char *herd_session_worker_host(const herd_session *s, const char *worker);
/* Seconds since the run started. */
double herd_session_time(const herd_session *s);
/*
 * The final report of every selected item, in collection order, *n of them
 * (sessionfinish and after; NULL before). Reporters are written with it.
 */
const struct herd_report *herd_session_reports(herd_session *s, size_t *n);
/* A warning, shown at once and again in the warnings summary. */
void herd_warn(herd_session *s, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
/*
 * Says why the hook about to return a negative number failed; herd prints
 * "herd: plugin NAME: HOOK: message" and ends the run with exit 3.
 */
void herd_plugin_error(herd_session *s, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
/* Writes a pytest-style separator line "==== title ====" across the terminal. */
void herd_write_sep(herd_session *s, FILE *out, int ch, const char *title);

/* ---- options ---- */

/* An option a plugin adds (addoption). */
struct herd_option {
	const char *name;	/* "--memory-per-worker"; must start with "--" */
	const char *metavar;	/* "SIZE": takes a value; NULL: a flag */
	const char *help;	/* one line for --help */
	const char *ini;	/* its key in herd.ini's [herd], or NULL */
	const char *dflt;	/* its value when not given, or NULL */
};

/* Adds an option; 0, or -1 (with herd_plugin_error's message) when taken. */
int herd_addoption(herd_parser *p, const struct herd_option *o);
/*
 * An option's value: the command line's, else herd.ini's, else its default;
 * "1" for a flag given; NULL when unset. name as given to herd_addoption.
 */
const char *herd_getoption(const herd_session *s, const char *name);

/* ---- events (for tracers; the event hook) ---- */

enum herd_event_kind {
	HERD_EV_COLLECT_BEGIN,	/* a worker starts to list its binary */
	HERD_EV_COLLECT_END,
	HERD_EV_GFIX_BEGIN,	/* a global fixture's setup; name is the fixture */
	HERD_EV_GFIX_END,
	HERD_EV_GFIX_TEARDOWN,	/* an instant: its teardown was asked for */
	HERD_EV_LOCK_WAIT,	/* a worker waits for a lock; name is the lock */
	HERD_EV_LOCK_GOT,
	HERD_EV_LOCK_RELEASE,
	HERD_EV_RESOURCE_WAIT,	/* an item waits for resource tokens */
	HERD_EV_CRASH,		/* a worker died; detail says how */
	HERD_EV_RESTART,	/* a worker was started again */
	HERD_EV_SCHEDULE	/* the scheduler sent items; detail says which */
};

struct herd_event {
	enum herd_event_kind kind;
	double ts;		/* seconds since the run started */
	const char *worker;	/* "gw0", or NULL for the controller */
	const char *name;	/* what it is about, or NULL */
	const char *detail;	/* free text, or NULL */
};

/* ---- scheduler ---- */

/*
 * A scheduler decides which items each worker runs; the event loop owns the
 * processes and does the sending. It asks next() whenever a worker has room,
 * and tells the scheduler what came of what it sent: for every item sent,
 * exactly one of item_done() (it ran) and give_back() from its node (it did
 * not start: the worker released it or died). A scheduler holds no process
 * and no fd; git's run-command (get_next_task, task_finished) is the model.
 *
 * Every built-in --dist mode (load, loadscope, loadfile, loadgroup,
 * worksteal, each, no, with the group strategies, resources and longest
 * first on top) is such a struct: herd_builtin_scheduler(). A plugin's
 * make_scheduler hook may answer its own, or wrap the built-in one (call its
 * functions from yours with the self its create returned).
 *
 * A worker runs the items of one test binary: next() answers items of
 * herd_node_binary(node), each sent once (an item comes back to the
 * scheduler only through give_back). A scheduler whose answers break this
 * ends the run with exit 3, as does one that leaves items unsent while every
 * worker is idle: the run never hangs on a scheduler.
 *
 * Required: create, next, give_back, pending. The others may be NULL.
 */
struct herd_scheduler {
	const char *name;	/* "load", "priority", ...: what errors call it */
	/*
	 * The run's selected items (with --dist each, one per item and worker,
	 * see herd_item_pin), in the order collection_modifyitems left them.
	 * Returns the scheduler's state, passed to every call as self; NULL
	 * ends the run with exit 3.
	 */
	void *(*create)(herd_session *s, herd_item *const *items, size_t n);
	/*
	 * node has room for more: up to max items for it, into out, in the
	 * order it runs them; returns how many. 0: nothing for it now (asked
	 * again after the next event).
	 */
	size_t (*next)(void *self, herd_node *node, herd_item **out, size_t max);
	/* it, sent to node, ran (its try is over; a rerun comes by give_back). */
	void (*item_done)(void *self, herd_node *node, herd_item *it);
	/*
	 * Items to send again, in order. from: the node they were sent to and
	 * that did not start them (it released them for a steal, or died);
	 * NULL: an item to run again (--reruns, herd_item_rerun, the isolation
	 * check), best on another worker.
	 */
	void (*give_back)(void *self, herd_node *from, herd_item *const *items, size_t n);
	/*
	 * How many items the worker in slot could still get if it ran binary
	 * (a path as herd_node_binary gives it). The loop keeps an idle worker
	 * while nonzero, and stops it when 0 to free its slot.
	 */
	size_t (*pending)(void *self, const char *binary, int slot);
	/* node's worker is gone (died or stopped); what it held came back before. */
	void (*node_down)(void *self, herd_node *node);
	/*
	 * node (idle, nothing queued) may take unstarted items of another worker
	 * of its binary: returns how many the worker in slot *victim should
	 * release; they come back by give_back(victim's node, ...). 0: none.
	 */
	size_t (*steal)(void *self, herd_node *node, int *victim);
	/*
	 * The binary an empty slot should start a worker of (a path as
	 * herd_item_binary gives it), or NULL to leave it empty. When NULL, herd
	 * starts the first binary with pending items for the slot.
	 */
	const char *(*pick_binary)(void *self, int slot);
	void (*destroy)(void *self);
};

/* The scheduler of the run's --dist mode (valid for the whole run). */
const struct herd_scheduler *herd_builtin_scheduler(herd_session *s);
/* --dist each: the slot this copy of an item must run on; -1 any. */
int herd_item_pin(const herd_item *it);

/* ---- end of scheduler ---- */

/* ---- hooks ---- */

enum herd_hook {
	HERD_HOOK_ADDOPTION,
	HERD_HOOK_CONFIGURE,
	HERD_HOOK_SESSIONSTART,
	HERD_HOOK_REPORT_HEADER,
	HERD_HOOK_COLLECTION_MODIFYITEMS,
	HERD_HOOK_SETUPNODES,
	HERD_HOOK_CONFIGURE_NODE,
	HERD_HOOK_TESTNODEREADY,
	HERD_HOOK_TESTNODEDOWN,
	HERD_HOOK_NODE_COLLECTION_FINISHED,
	HERD_HOOK_MAKE_SCHEDULER,
	HERD_HOOK_AUTO_NUM_WORKERS,
	HERD_HOOK_HANDLECRASHITEM,
	HERD_HOOK_RUNTEST_LOGSTART,
	HERD_HOOK_RUNTEST_LOGREPORT,
	HERD_HOOK_TERMINAL_SUMMARY,
	HERD_HOOK_SESSIONFINISH,
	HERD_HOOK_UNCONFIGURE,
	HERD_HOOK_EVENT,
	HERD_NHOOKS
};

/* For tryfirst/trylast: HERD_HOOK_BIT(HERD_HOOK_RUNTEST_LOGREPORT) | ... */
#define HERD_HOOK_BIT(h) (1UL << (h))

struct herd_plugin {
	unsigned abi;		/* HERD_PLUGIN_ABI: first, so it can be read alone */
	const char *name;	/* what -p no:NAME and messages call it */
	unsigned long tryfirst;	/* hooks of this plugin to call before others */
	unsigned long trylast;	/* ... and after */

	int (*addoption)(herd_parser *p);
	int (*configure)(herd_session *s);
	int (*sessionstart)(herd_session *s);
	int (*report_header)(herd_session *s, FILE *out);
	/*
	 * items[0..*n) are the selected items in run order: reorder them,
	 * remove some (deselect: lower *n), herd_item_add_mark(); never add.
	 */
	int (*collection_modifyitems)(herd_session *s, herd_item **items, size_t *n);
	int (*setupnodes)(herd_session *s, int workers);
	int (*configure_node)(herd_session *s, herd_node *node);
	int (*testnodeready)(herd_session *s, herd_node *node);
	/* error: why it went down (crash, timeout, lost), or NULL when it ended well */
	int (*testnodedown)(herd_session *s, herd_node *node, const char *error);
	int (*node_collection_finished)(herd_session *s, herd_node *node,
					const char *const *ids, size_t n);
	/* Answer 1 with *out set to a scheduler that lives as long as the run. */
	int (*make_scheduler)(herd_session *s, const struct herd_scheduler **out);
	/* Answer 1 with *out set to the number of workers for -n auto. */
	int (*auto_num_workers)(herd_session *s, int *out);
	/* item crashed its worker: herd_item_rerun() puts it back. */
	int (*handlecrashitem)(herd_session *s, herd_item *item, const struct herd_report *r);
	int (*runtest_logstart)(herd_session *s, herd_item *item, herd_node *node);
	/* Every try of every item, reruns included (outcome HERD_OUTCOME_RERUN). */
	int (*runtest_logreport)(herd_session *s, const struct herd_report *r);
	/* After the failures and short summary, before the closing line. */
	int (*terminal_summary)(herd_session *s, FILE *out);
	/* The reports are final; *exitstatus may be changed. */
	int (*sessionfinish)(herd_session *s, int *exitstatus);
	int (*unconfigure)(herd_session *s);
	int (*event)(herd_session *s, const struct herd_event *e);
};

/* Defines the plugin: HERD_PLUGIN("name", .hook = fn, ...). */
#define HERD_PLUGIN(pname, ...)                                                   \
	const struct herd_plugin herd_plugin = { .abi = HERD_PLUGIN_ABI, .name = pname, \
						 __VA_ARGS__ }

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#ifdef __cplusplus
}
#endif

#endif

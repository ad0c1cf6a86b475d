/*
 * ctl.h - the herd controller: binaries and their items, workers, the
 * scheduler and the event loop. The controller never runs test code.
 */
#ifndef HERD_CTL_H
#define HERD_CTL_H

#include <stddef.h>
#include <sys/types.h>

#include "herd.h"	/* enum herd_strategy: HERD_FREE, HERD_SERIAL, ... */
#include "herd_plugin.h"
#include "intern.h"
#include "proto.h"
#include "sync.h"
#include "report.h"
#include "util.h"


enum dist { DIST_LOAD, DIST_LOADSCOPE, DIST_LOADFILE, DIST_LOADGROUP,
	    DIST_WORKSTEAL, DIST_EACH, DIST_NO };

struct binary;
struct citem;
struct host;

/*
 * What one worker process ran, in order (--isolation none): an item that
 * fails there points into it, so the report can name what ran before it.
 * Append-only while the process lives; kept to the end of the run.
 */
struct hist {
	struct citem **v;
	size_t n, cap;
	pid_t pid;		/* the process */
	char worker[16];	/* its name, gw0 ... */
};

/*
 * What an item's declaration says (its TEST's options, its suite's defaults,
 * the elements of its parametrized fixtures). Every item that says the same
 * shares one copy, interned in ctl.pool with its strings: never written
 * through; a change (a plugin's added mark) interns another (citem_redecl).
 */
struct cdecl {
	const char *file, *suite, *marks, *group, *skip, *xfail, *fixtures;
	const char *fxparam;	/* elements of its parametrized suite fixtures; NULL */
	const char *wxparam;	/* ... of its parametrized worker fixtures; NULL */
	/* A task's files (docs/tasks.md), paths relative to the project root as
	 * written; after: the tasks it (task or test) comes after. NULL: none. */
	const char *depends_on, *produces, *after;
	const struct demand *need;	/* resources: name and tokens */
	double timeout;
	int line;
	int reruns;		/* .reruns: tries allowed after a failure; -1: --reruns's */
	unsigned char nneed;	/* at most HD_MAX_DEMANDS */
	unsigned char strategy;	/* enum herd_strategy of its group */
	unsigned char exclusive;
	unsigned char task;	/* kind=task: run by herd build, not as a test */
};

/*
 * What only some items come to have: a message or output, failed tries, a
 * place in a process's history that a failure may have to name. Made on
 * demand (citem_res): a million passing items have none.
 */
struct cresult {
	char *message, *output;
	size_t outlen;
	struct hd_attempt *attempts;	/* citem.tries of them */
	struct hist *hist;	/* none isolation: its failing process's history ... */
	size_t nbefore;		/* ... and how many items ran there before it */
	double not_before;	/* a rerun waits for --reruns-delay */
	unsigned char tally[4];	/* its last result's tally= (herd --pytest's counts) ... */
	unsigned char ntally;	/* ... of this many outcomes; 0: none */
};

/*
 * One collected item of one binary, and what became of it. A binary holds a
 * million of these in one array: what items share is in decl, what few need
 * is in res, and the rest is as narrow as its range allows.
 */
struct citem {
	struct binary *bin;
	char *id;		/* in ctl.pool */
	const char *name;	/* the tail of id, or in ctl.pool */
	const struct cdecl *decl;
	struct cresult *res;	/* NULL: no message, output, try or history */
	const char *worker;	/* the name of the worker that ran its last try */
	double duration;
	double est;		/* expected seconds: cached, or the mean */
	double started;		/* when its last try started; 0: never */
	unsigned idx;		/* index in the binary's collection */
	unsigned rank;		/* --random-order */
	unsigned rank_plugin;	/* its place in collection_modifyitems' order, from 1 */
	int iso;		/* its isolated group's number; 0 none */
	int pin;		/* --dist each: the slot it must run on; -1 any */
	short tries;		/* failed tries so far */
	unsigned char outcome;	/* enum hd_outcome */
	unsigned selected : 1;
	unsigned queued : 1;	/* sent to a worker, no result yet */
	unsigned lastfailed : 1, isnew : 1;
	unsigned checking : 1;	/* being rerun alone (the isolation check) */
	unsigned order_dep : 1;	/* failed in the run, passes alone */
	unsigned known : 1;	/* est was learned, not guessed */
};

/* Its side record, made when first needed. */
static inline struct cresult *
citem_res(struct citem *it)
{
	if (!it->res)
		it->res = xcalloc(1, sizeof(*it->res));
	return it->res;
}

static inline const char *
citem_message(const struct citem *it)
{
	return it->res ? it->res->message : NULL;
}

/* Selected, and not finished before the run began (a test whose .after task
 * failed): what the scheduler is given. */
static inline int
citem_to_run(const struct citem *it)
{
	return it->selected && it->outcome == HD_NONE;
}

/* Resources one item may name; more is an error at collection. */
#define HD_MAX_DEMANDS 64

struct demand {
	int res;		/* index into ctl.res */
	long n;
};

/* A resource's capacity and the tokens running items hold. */
struct resource {
	char *name;
	long cap, used;
};

enum gstate { G_NONE, G_SETTING, G_READY, G_FAILED, G_DONE };

/* A global fixture: set up once per run, torn down once after its last user. */
struct gfix {
	char *name;
	enum gstate state;
	int owner;		/* slot that runs or ran the setup */
	int *waiters;		/* slots waiting for the setup's verdict */
	size_t nwait;
	char *reason;		/* G_FAILED */
	size_t users;		/* selected items using it, not yet finished */
	int teardown_sent;
	int skipped;		/* its setup called herd_skip */
	int pending;		/* due for teardown, no worker to do it yet */
	struct binary *bin;	/* a binary that defines it */
};

struct binary {
	char *path;		/* what is executed */
	char *cwd;		/* its workers' working directory; NULL: herd's own */
	struct citem *items;	/* the reference collection */
	size_t n;
	size_t ntotal;		/* n, or n per worker with --dist each */
	int collected;
	int collecting;		/* a worker is collecting it */
	int eager;		/* how many of its other workers start while it is listed (W_WAITING) */
	int cpu_gated;		/* its workers beyond the CPUs wait for an idle one (cpu.c) */
	char first[16];		/* the worker whose list is the reference */
	size_t workers;		/* live run workers of this binary */
	int parked;		/* 1 + the slot whose listed worker of it waits; 0 none */
	double startup;		/* seconds from its start to its list, measured */
	size_t ran;		/* its items finished in this run */
	double ran_secs;	/* and the seconds they took */
	uint64_t hash;		/* of its list's ids (docs/protocol.md) */
	char content[33];	/* its bytes' XXH3-128 in hex, for remote hosts; "" until needed */
	struct listing *listing;	/* herd build's cache of its list (listing.c), or NULL */
};

/*
 * A worker's one state. W_FREE: its slot has no process. A process is
 * started in W_HELLO, lists its binary in W_COLLECTING, then waits in W_IDLE
 * or runs items in W_RUNNING, and is on its way out in W_STOPPING. Its death
 * (learnt from waitpid) is handled at once and takes it back to W_FREE.
 * A process started while another lists its binary (binary.eager) waits in
 * W_WAITING, unread, until that list is in; then it is in W_HELLO.
 */
enum wstate { W_FREE, W_WAITING, W_HELLO, W_COLLECTING, W_IDLE, W_RUNNING, W_STOPPING };

struct worker {
	int slot;
	char name[16];		/* gw0 ... */
	struct binary *bin;
	int collect_only;	/* started to collect, stops after */
	enum wstate state;
	pid_t pid;		/* its process group too; meaningful unless W_FREE */
	int status;		/* waitpid's, once it died */
	int sock, outfd, errfd, capfd;
	int resfd;		/* its held-back results (protocol.md); valid above 2 */
	struct hd_dec dec;
	struct buf wbuf;	/* to write */
	struct buf outline, errline;	/* partial lines of stray output */
	size_t ncollected;
	struct citem **q;	/* sent, no result yet, in order */
	size_t qhead, qlen, qcap;
	double started;		/* when the head item started, roughly */
	double deadline;	/* kill at; 0: none */
	int releasing;		/* a release was sent, its answer is awaited */
	int holds;		/* hello's hold=1: it waits after a failure (config's hold) */
	int dying;		/* found dead: what it left is read, nothing is sent */
	int timed_out;		/* we killed it for the head item's timeout */
	int said_bye;		/* left cleanly: what it held was not started */
	int fed;		/* has been sent items */
	char *garbage;		/* why we killed it for a protocol error */
	double spawned;		/* when it was started */
	pid_t runner;		/* the process running its items (hello's pid), local; 0 unknown */
	double cpu_since;	/* the start of its current window, from its first item; 0 none (cpu.c) */
	double cpu_at_since;	/* the CPU seconds its runner wanted by then; -1 unknown */
	double cpu_demand;	/* the CPUs it wanted in the last window (cpu.c) */
	struct hist *hist;	/* what this process ran (none isolation) */
	struct host *host;	/* where it runs: NULL here, else its process has no pid here */
	uint32_t chan;		/* its channel on the host's stream */
	char *why_remote;	/* why a remote worker died: its host was lost, or it could not start */
	int host_lost;		/* it died with its host: no crash of its own */
};

/* Named states: a process is there; it lists its binary; it may be sent items. */
static inline int
worker_alive(const struct worker *w)
{
	return w->state != W_FREE;
}

static inline int
worker_listing(const struct worker *w)
{
	return w->state == W_HELLO || w->state == W_COLLECTING;
}

/* Started early: its messages wait until its binary's list is in. */
static inline int
worker_waiting(const struct worker *w)
{
	return w->state == W_WAITING;
}

static inline int
worker_usable(const struct worker *w)
{
	return w->state == W_IDLE || w->state == W_RUNNING;
}

struct ctl {
	/* options */
	int nslots;
	int ncpus;		/* the CPUs herd may run on */
	enum dist dist;
	int isolation_none;
	double timeout, grace, collect_timeout;
	int capture;
	int maxfail;
	int max_restart;
	const char *kexpr, *mexpr;
	int collect_only, verbose, quiet, durations, color, tap;
	int reruns;		/* --reruns */
	double reruns_delay;
	int lf, ff, nf, random_order, order_by_time;
	unsigned long random_seed;
	struct citem **delayed;	/* reruns waiting for their delay */
	size_t ndelayed;
	char uid[40];
	int no_iso_check;	/* --no-isolation-check */
	int silent;		/* no per-item output (--bisect's runs) */
	struct citem **order;	/* a fixed order to run (--bisect, the checks after a stop); NULL */
	size_t norder;
	char *rootdir;		/* the project root, absolute: herd.ini's folder, else the cwd */
	struct build *build;	/* herd build's state, or NULL (src/build.h) */
	/* state */
	struct intern pool;	/* ids, and what items share (struct cdecl) */
	struct binary *bins;
	size_t nbins;
	struct hd_sync *sync;	/* locks, board, trails of the run */
	struct resource *res;
	size_t nres;
	struct gfix *gfix;
	size_t ngfix;
	const struct herd_scheduler *sched;	/* the run's: built-in or a plugin's */
	void *sched_self;	/* its state */
	struct citem **batch;	/* room for what next() answers */
	size_t batch_cap;
	size_t unsent;		/* items the scheduler holds: given, not yet sent */
	double cpu_recheck;	/* when cpu.c can judge a worker it could not; 0 none */
	struct buf warnings;	/* said again at the end */
	struct worker *w;	/* one per slot */
	struct worker *park;	/* listed, idle, waiting for their slot's turn */
	size_t npark;
	size_t ndone, nselected;
	size_t failures, restarts;
	int stopping;		/* -x, --maxfail, or too many crashes */
	char *stop_reason;
	int interrupted;	/* the signal */
	int aborted;		/* exit 3 after the loop */
	int usage;		/* ... 4: a worker found its declarations wrong */
	struct hd_term term;
	struct citem **checks;	/* failures of none isolation to rerun alone */
	size_t nchecks;
	int alone;		/* running those: one item per fresh worker */
	struct hist **hists;	/* every history, freed at exit with the rest */
	size_t nhists;
	double t0;
	double status_at;	/* when the live status was last drawn */
	int plugin_order;	/* a plugin ordered the items: keep its order */
	struct host *hosts;	/* --tx's remote hosts */
	size_t nhosts;
	double tx_timeout;	/* --tx-timeout */
	size_t deselected_by_plugin;
};

/* loop.c, collect.c */
/* The index of resource name (len bytes), added with capacity 1 if new. */
int ctl_resource(struct ctl *c, const char *name, size_t len);
/* Gives it the declaration d, interned: how a declaration changes. */
void citem_redecl(struct ctl *c, struct citem *it, const struct cdecl *d);
/* Collects every binary not collected yet; returns the exit status. */
int ctl_collect(struct ctl *c);
/* b's list from a worker's messages kept in data (listing.c), as a worker
 * listing it would make it: b is collected, its reference named
 * ".herd/state.db". -1, b as it was, when data is not a whole list. */
int collect_replay(struct ctl *c, struct binary *b, const char *data, size_t len);
void ctl_run(struct ctl *c);
/* Stops every worker and waits for them (after --collect-only). */
void ctl_stop_all(struct ctl *c);
/* Kills every worker, parked ones too, and waits for them; the run is
 * aborted or interrupted (their deaths are not reported). */
void ctl_kill_all(struct ctl *c);

/* bisect.c */
/*
 * herd --bisect ID: finds the earlier tests (one, or the fewest together)
 * that make the collected item id fail in one process, by bisection over
 * hist (nhist ids, oldest first: the history of its last order-dependent
 * failure), or, when hist is NULL, over the other selected items of its
 * binary, in at most max_runs runs. Prints the steps and the answer; returns
 * the exit status: 0 found, 1 none (or out of runs), 2 interrupted, 4
 * unknown id.
 */
int ctl_bisect(struct ctl *c, const char *id, char **hist, size_t nhist, size_t max_runs);
/* Writes the history of each order-dependent item to DIR/v1/order/; what
 * fails is said in err. */
void bisect_save(const struct ctl *c, const char *dir, struct buf *err);
/* Removes DIR/v1/order/ and the histories in it (--cache-clear). */
void bisect_clear(const char *dir);
/* The history bisect_save wrote for id (n ids, malloc()ed), or NULL. */
char **bisect_load(const char *dir, const char *id, size_t *n);

#endif

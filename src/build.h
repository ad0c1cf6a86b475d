/*
 * build.h - herd's task verbs (docs/tasks.md): herd build runs the tasks the
 * test binaries declare, in dependency order on the worker pool, skipping
 * those whose files and code did not change; herd collect, dag, markers,
 * profile and clean show or tidy what the graph and the state say. A plain
 * test run also comes here first for the tasks its tests name in .after.
 *
 *	build.c		the graph, the run's decisions, the table; verb_main
 *	verbs.c		the verbs' options; herd markers, collect, dag, profile, clean
 *	sched_dag.c	the scheduler of a build: ready tasks only, longest path first
 *	dag.c		the graph; state.c what the last builds left in .herd/state.db
 */
#ifndef HERD_BUILD_H
#define HERD_BUILD_H

#include <stdint.h>
#include <sys/stat.h>

#include "ctl.h"
#include "dag.h"

enum verb { VERB_NONE, VERB_BUILD, VERB_CLEAN, VERB_COLLECT, VERB_DAG, VERB_MARKERS,
	    VERB_PROFILE };

/* What a verb's own options say; the shared ones (-n, -k, -m, -x ...) are herd's. */
struct verb_opts {
	enum verb verb;
	int dry_run, force, explain, nodes;
	const char *out;	/* herd dag -o */
	const char *rankdir;	/* herd dag --rankdir */
	const char *export_fmt;	/* herd profile --export */
	const char *clean_mode;	/* herd clean --mode */
	char **exclude;		/* herd clean --exclude, globs */
	size_t nexclude;
};

/* The outcome of one task in a build, as the table says it. */
enum task_outcome { T_PENDING, T_RUNNING, T_SUCCESS, T_FAILED, T_SKIPPED, T_UNCHANGED,
		    T_ANCESTOR_FAILED, T_PERSISTED, T_WOULD, T_NOTRUN, T_NOUTCOMES };

/* A source file's hash (or its binary's, when it cannot be read). */
struct srchash {
	const char *file;	/* interned: compared by address */
	const struct binary *bin;
	uint64_t hash;
};

/* One task of the run. */
struct btask {
	struct citem *it;
	uint64_t state;		/* hash of its source file and options */
	char *why;		/* why it runs (--explain), or NULL */
	char *failure;		/* "did not produce ...", or NULL */
	struct stat *before;	/* its products as they were when it was sent */
	size_t waiting;		/* upstream tasks not finished yet */
	enum task_outcome outcome;
	unsigned char try_first, try_last, persist, skip;
	unsigned char ready;	/* on the ready list */
};

struct build {
	struct ctl *c;
	const struct verb_opts *o;
	struct state *st;	/* NULL: no state (a dry run without .herd/state.db) */
	struct dag d;
	struct dag_in *in;
	struct btask *t;	/* d.n of them, as d.t */
	size_t *ready;		/* tasks to send, any order (the scheduler picks) */
	size_t nready;
	size_t *arrive;		/* tasks whose upstream finished, to decide */
	size_t narrive;
	size_t *left;		/* per binary: selected tasks not yet sent or finished */
	struct srchash *src;	/* the source files' hashes, each read once */
	size_t nsrc;
	struct buf scratch;	/* task_state's text */
	int pretest;		/* for a test run's .after: tests follow */
	int estimated;		/* the tasks' durations and paths are known (estimate) */
};

/* The verb argv[1] names, or VERB_NONE. */
enum verb verb_of(const char *arg);
/* Takes the verb's own options out of v[0..*n), into o; exits 4 on a bad one. */
void verb_args(struct verb_opts *o, char **v, size_t *n);
/* herd markers: needs no collection. */
int verb_markers(void);
/* herd collect, dag, profile and clean (verbs.c), over the graph verb_main set up;
 * each returns the exit status. */
int verb_collect(struct build *b);
int verb_dag(struct build *b);
int verb_profile(struct build *b);
int verb_clean(struct build *b);
/* Before collection: herd build's state starts opening on a thread of its own. */
void build_open_early(const struct ctl *c, const struct verb_opts *o);
/* Collects the binaries: herd build's from their cached lists where they
 * still stand (listing.c), the others through their workers; returns the
 * exit status, as ctl_collect. */
int build_collect(struct ctl *c);
/* The verb, after collection and selection (of tasks only); returns the exit status. */
int verb_main(struct ctl *c, const struct verb_opts *o);

/*
 * A plain test run: the tasks its selected tests name in .after, with what
 * they need upstream, run first when out of date; a test whose task did not
 * succeed is finished as skipped when the test run starts
 * (build_tests_blocked) and the run fails. Returns 0 or an exit status to
 * stop with (3: a DAG error, or an .after naming no task).
 */
int build_for_tests(struct ctl *c);
/* The tests build_for_tests found blocked are skipped, saying by which task. */
void build_tests_blocked(struct ctl *c);

/* results.c: a task's try is over with *o: its products are checked and its
 * state recorded; *o may become failed, with *msg said why. */
void build_task_done(struct ctl *c, struct citem *it, enum hd_outcome *o, double duration,
		     const char **msg, size_t *msglen);

/* sched_dag.c: the scheduler of a build over b. */
const struct herd_scheduler *sched_dag(void);
/* A task's upstream finished: decides it (run, or an outcome now). */
void build_arrive(struct build *b, size_t i);
/* Decides what arrived; finishes what does not run. */
void build_settle(struct build *b);
/* Task i is to be sent (again): on the ready list. */
void build_ready(struct build *b, size_t i);
/* Task i goes to a worker now: its products are looked at first. */
void build_sent(struct build *b, size_t i);
/* The task that is item it. */
size_t build_index(const struct build *b, const struct citem *it);

#endif

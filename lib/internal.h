/*
 * internal.h - libherd's insides: the registry, the item runner and the
 * per-test record that a forked child shares with its parent.
 *
 * Everything here runs inside the user's test binary. Symbols are hidden from
 * the user's code (the build localizes them), and the code uses libc only.
 */
#ifndef HERD_INTERNAL_H
#define HERD_INTERNAL_H

#include <setjmp.h>
#include <signal.h>
#include <sys/types.h>

#include "herd.h"
#include "proto.h"
#include "report.h"
#include "sync.h"
#include "util.h"

/* ---- abi.c ---- */
/* Declarations registered by objects compiled against an older herd.h. */
extern size_t hd_stale_decls;

/* ---- registry.c ---- */

/* One runnable item: a test, or one element of a TEST_P. */
struct hd_item {
	const struct herd_test *t;
	size_t param;		/* element index for TEST_P */
	char *id;		/* path::suite::name[param] */
	char *name;		/* name[param]: the end of id */
	const char *file;	/* the test's path, without a leading "./" */
	size_t index;		/* position in the collection */
	const char *group;	/* .group, or the id when only .strategy is set */
	enum herd_strategy strategy;	/* the group's, whichever test declared it */
	const struct herd_fixture **pfx;	/* its parametrized fixtures (shared) */
	size_t *pidx;		/* the element of each */
	size_t npfx;
	char *fxparam;		/* ids of its suite fixtures' elements, "a-b"; NULL */
	char *wxparam;		/* ... of its worker fixtures' elements; NULL */
	const struct herd_task *task;	/* a TASK's declaration; NULL for a test */
	const char *depends_on;	/* a task's paths, {id} replaced, one space between; NULL */
	const char *produces;
	const char *after;	/* .after as written; NULL when it names nothing */
};

#define HD_NO_PARAM ((size_t)-1)

/*
 * Expands, sorts and names every registered test, once: each test under its
 * SUITE's defaults, one item per element of its TEST_P array times each of
 * its parametrized fixtures'; file, then line, except that the elements of
 * worker and suite fixtures are kept together (see cmp_item).
 */
void hd_collect(struct hd_item **items, size_t *n);
/*
 * Checks the declarations (a fixture or a suite that no FIXTURE can serve,
 * two SUITEs of one name that differ) and gives each item its group's
 * strategy; a group declared with two strategies is an error naming both
 * places. -1 with err filled (file:line first) on the first problem.
 */
int hd_check_groups(struct hd_item *items, size_t n, char *err, size_t errlen);
/* The element of parametrized fixture f that it uses, or NULL. */
const void *hd_item_fixture_param(const struct hd_item *it, const struct herd_fixture *f);
/* Its index, or HD_NO_PARAM. */
size_t hd_item_fixture_index(const struct hd_item *it, const struct herd_fixture *f);
/* Nonzero when the item's group runs in one process. */
int hd_item_serial(const struct hd_item *it);
/* The registered fixture named name (len bytes), or NULL. */
const struct herd_fixture *hd_fixture_find(const char *name, size_t len);
size_t hd_fixture_count(void);
const struct herd_fixture *hd_fixture_at(size_t i);
/* Index of f in the registry. */
size_t hd_fixture_index(const struct herd_fixture *f);

/* ---- arena.c ---- */

/* n zeroed bytes in the collection's shared memory, that live as long as the
 * process; read-only once sealed (allocating after is fatal). */
void *hd_arena_alloc(size_t n);
/* n elements of size bytes (an overflow is fatal). */
void *hd_arena_calloc(size_t n, size_t size);
char *hd_arena_strdup(const char *s);
/*
 * Makes the collection read-only, once hd_check_groups has run: the items
 * and their strings, and the program's relocated registry records, then sit
 * in shared read-only mappings, which fork() does not copy. A test writing
 * there dies of SIGSEGV. Nothing may be collected after.
 */
void hd_registry_seal(void);
/*
 * 1 when a TEST, TASK, SUITE or FIXTURE is declared outside the program's
 * own file, in a shared object it loads: its list can change while the
 * program does not (herd build keeps no copy of such a list).
 */
int hd_registry_outside(void);

/* ---- task.c ---- */

/* Takes the project root from HERD_ROOTDIR, else the working directory now. */
void hd_task_root_init(void);
/*
 * A .depends_on or .produces list as the wire carries it, into out: its
 * paths joined by one space, each {id} replaced by id (NULL: not a TASK_P).
 * -1 with why appended to err (naming the path, not the task) for a path
 * that tries to hold whitespace, or {id} with no id to put.
 */
int hd_path_list(const char *list, const char *id, struct buf *out, struct buf *err);
/* The first len bytes of path under folder dir (absolute, no trailing '/' but "/"); malloc()ed. */
char *hd_task_abspath(const char *dir, const char *path, size_t len);
/*
 * Before a task runs, in the process that runs it: makes the folders its
 * products go in, as pytask does. -1 when one cannot be made: the task has
 * then failed, saying which and why.
 */
int hd_task_make_dirs(const struct hd_item *it);
/* Works out the paths of task it ahead (herd_depends_on, herd_produces). */
void hd_task_resolve(const struct hd_item *it);

/* ---- assert.c: the record a running test writes ---- */

enum hd_phase { HD_PH_NONE, HD_PH_SETUP, HD_PH_CALL, HD_PH_TEARDOWN, HD_PH_DONE };

#define HD_MSG_MAX (64 * 1024)

/*
 * The record of one test, in memory shared with the forked child, so that the
 * parent reads what the child reported even when the child crashed.
 */
struct hd_record {
	volatile int phase;		/* enum hd_phase reached */
	volatile int failed[5];		/* a failure was recorded in that phase */
	volatile int skipped;
	const char *last_file;		/* last assertion: same binary, same address */
	volatile int last_line;
	volatile size_t msglen;
	/* The ticket of the order a spare running on this record may still
	 * claim, or the runner take back (run.c); 0: none. */
	uint32_t order;
	/* The ticket of the item child that ran to its end on this record:
	 * all it has left to do is exit (run.c, wait_child). */
	uint32_t finished;
	/* The ticket of the item handed to the spare to follow the one running
	 * on this record (read there, on a page it has touched). */
	uint32_t handed;
	char msg[HD_MSG_MAX];
};

/* The state of the running test, in the process that runs it. */
struct hd_runner;

struct hd_ctx {
	struct hd_record *rec;
	const struct hd_item *item;
	jmp_buf *jb;		/* where REQUIRE and herd_skip go; NULL: nowhere */
	int chan_fd;		/* in a forked test: the runner's ear; else -1 */
	struct hd_runner *runner;	/* in the runner's own process */
	const struct herd_fixture *fx;	/* whose setup or teardown runs; NULL */
	size_t fxparam;		/* with which element (HD_NO_PARAM: none) */
};
extern struct hd_ctx hd_ctx;

void hd_record_reset(struct hd_record *rec);
/* Appends a printf-style line to the record's message (truncated when full). */
void hd_record_add(struct hd_record *rec, const char *fmt, ...) PRINTF(2, 3);

/* ---- run.c ---- */

enum hd_isolation { HD_ISO_FORK, HD_ISO_NONE };

/* What a fixture of suite or worker scope is doing in this process. */
struct hd_fixstate {
	int up;			/* set up and not torn down */
	int failed;		/* setup failed: dependents are errors */
	int remote;		/* global: set up by another worker */
	char *error;		/* why */
	char *suite_key;	/* suite scope: file::suite it was set up for */
	size_t param;		/* parametrized: the element it was set up with */
	char *hung;		/* suite scope: the keys whose setup timed out, one a line */
	char *hung_why;		/* ... and what their items are told */
};

struct hd_result;

/* A file, as fstat names it: fd 1 is the capture file while these match. */
struct hd_fileid {
	dev_t dev;
	ino_t ino;	/* 0: none known */
};

struct hd_runner {
	enum hd_isolation isolation;
	double timeout;		/* default per-item timeout, 0 = none */
	double grace;		/* TERM to KILL */
	int capture;		/* 0 with -s */
	int guard;		/* run alone, no isolation: name a crash or hang, then die */
	int hold;		/* a failure's successor waits for the worker (see hd_child_done) */
	int capfd;		/* where a test's stdout and stderr go */
	int protofd;		/* the controller's socket, kept from tests; -1 */
	int input_fd;		/* watched while a forked test runs; -1 */
	void (*on_input)(void *arg);	/* called when input_fd is readable */
	void *input_arg;
	struct hd_record *rec;	/* shared: the record of the running (or last) item */
	struct hd_shared *shared;	/* the mapping rec is in */
	struct hd_fixstate *fx;	/* one per registered fixture */
	size_t *fxorder;	/* set-up order, for teardown in reverse */
	size_t nfxorder;
	volatile sig_atomic_t interrupted;	/* the signal that asked us to stop */
	int chan[2];		/* requests of a forked test: [0] ours, [1] its; -1 until one forks */
	struct hd_dec *chan_dec;
	size_t chan_waiting;	/* forwarded requests of the running test */
	size_t chan_stale;	/* replies still due to tests that ended */
	int chan_used;		/* the running test used the channel */
	struct hd_sync *sync;	/* run alone: locks, board, trails served here */
	/*
	 * Worker mode: where a test's request goes (the controller), and how a
	 * request from this very process is answered (it waits for the reply).
	 */
	void (*forward)(void *arg, const struct hd_msg *m);
	void (*ask)(void *arg, const struct buf *req, struct buf *reply);
	void *worker;
	struct buf warnings;	/* fixture teardown failures, for the summary */
	/*
	 * Fork isolation (run.c, "a forked item's child"): the running child's
	 * line; prefork: the caller holds another item (set before each item
	 * and whenever that changes), so the next child is forked ahead while
	 * this one runs, the spare, waiting on its line for its item; and the
	 * last child, done but maybe still exiting.
	 */
	int line;		/* our end of the running child's line; -1 */
	int prefork;
	pid_t spare;		/* 0: none */
	int spare_line;		/* -1 */
	pid_t exiting;		/* 0: none */
	/*
	 * The spare's own record and capture file (the other of two pairs,
	 * swapped with rec and capfd when it takes over): an item handed to
	 * it ahead starts the moment the running one ends, before this
	 * process has read that one's.
	 */
	struct hd_record *spare_rec;
	int spare_capfd;	/* -1 until the first spare */
	struct hd_fileid capid, spare_capid;	/* which files capfd and spare_capfd are */
	/*
	 * Handing ahead: the item the spare holds, to start when the running
	 * one (running) ends, with the ticket it waits for its turn with;
	 * tickets: the last one given. next, when set, is asked for that item
	 * while the spare waits: it returns one that this process may start
	 * with nothing done in between (no fixture of wider scope to set up
	 * or tear down, no message to handle first) and takes it off its
	 * queue, or NULL.
	 */
	const struct hd_item *(*next)(void *arg, const struct hd_item *running);
	const struct hd_item *running;
	const struct hd_item *armed;
	uint32_t armed_ticket;
	uint32_t tickets;
	/*
	 * keep, when set, is called in an item child that ran to its end while
	 * the next item waits handed ahead, with the result the runner will
	 * send, before the child passes its turn: the next item starts then,
	 * and may kill this process before it has sent that result (the worker
	 * keeps it where the controller finds it then). done_ticket: the
	 * ticket of the last item forked.
	 */
	void (*keep)(void *arg, const struct hd_item *it, uint32_t ticket,
		     const struct hd_result *res);
	uint32_t done_ticket;
	/*
	 * claim, when set, is called as a forked item is given its slot: mine
	 * says whether its output goes to the capture file the runner was
	 * given (rec[0]'s slot), which the controller reads should this
	 * process die while it runs, or to the spare's own.
	 */
	void (*claim)(void *arg, const struct hd_item *it, int mine);
};

/* The result of one item. */
struct hd_result {
	enum hd_outcome outcome;
	double duration;
	struct buf msg;
	struct buf out;
};

/*
 * Sets up r; fatal on failure. Blocks SIGCHLD, SIGINT and SIGTERM. capfd is
 * the capture file to use (r owns it from now on); -1: r makes its own.
 */
void hd_runner_init(struct hd_runner *r, int capfd);
/* Runs one item and fills res (its buffers are reset first). */
void hd_run_item(struct hd_runner *r, const struct hd_item *it, struct hd_result *res);
/*
 * Runs the items of a serial group in one process, in order (one forked
 * child with fork isolation; a fresh one for the rest after a crash), calling
 * report for each item in order.
 */
void hd_run_group(struct hd_runner *r, const struct hd_item *const *items, size_t n,
		  void (*report)(void *arg, const struct hd_item *it, struct hd_result *res),
		  void *arg);
/* Tears down the suite-scoped fixtures set up for it->file::suite. */
void hd_runner_suite_done(struct hd_runner *r, const struct hd_item *it);
/*
 * Whether it may run next, after prev (NULL: none), with nothing set up or
 * torn down in this process first: neither hd_runner_suite_done(prev) nor
 * hd_fixtures_up(it) would do anything.
 */
int hd_fixtures_ready(const struct hd_runner *r, const struct hd_item *prev,
		      const struct hd_item *it);
/* Runs the teardown of global fixture name when the controller asks; -1 if it failed. */
int hd_runner_global_teardown(struct hd_runner *r, const char *name, struct buf *why);
/* Tears down every fixture still set up, in reverse order. */
void hd_runner_finish(struct hd_runner *r);
/*
 * What the runner shares with its forked children: two records, the running
 * item's and the spare's (r->rec and r->spare_rec), and the turn, the ticket
 * of the last item child that is over, which a spare handed its item ahead
 * waits for ("the spare", below).
 */
struct hd_shared {
	uint32_t turn;
	struct hd_record rec[2];
};

/* The runner's side of a forked item (run.c), which spare.c uses too. */
int hd_make_capture_fd(void);
/* Which file fd is (id->ino 0 if fstat fails). */
void hd_file_id(int fd, struct hd_fileid *id);
void hd_run_body(struct hd_runner *r, const struct hd_item *it);
/* Forks a child for the runner, in its own process group; sv, a socket pair
 * (or two -1), becomes its line: the child keeps sv[1], the runner sv[0]. */
pid_t hd_fork_child(struct hd_runner *r, const int sv[2]);

/*
 * spare.c: the next item's child, forked ahead once a forked item has run
 * SPARE_AFTER seconds and another is queued; handed its item ahead, it
 * waits for its turn, the ticket of the child before it.
 */
#define SPARE_AFTER 0.005
void hd_spare_fork(struct hd_runner *r);
void hd_spare_arm(struct hd_runner *r);
/* The spare, given it (unless handed it already): its pid and line, or -1. */
pid_t hd_spare_take(struct hd_runner *r, const struct hd_item *it, uint32_t ticket, int handed,
		    int *line);
int hd_turn_reached(const struct hd_shared *sh, uint32_t ticket);
void hd_turn_pass(struct hd_shared *sh, uint32_t ticket);
/* Waits until the turn has come to ticket (a spare handed its item ahead). */
void hd_turn_wait(struct hd_shared *sh, uint32_t ticket);
/*
 * A forked item's child's end, it having started at t0: output flushed; if
 * the next item waits for its turn, its result kept (r->keep) and its turn
 * passed (else the runner passes it, having reported this one); the runner
 * told.
 */
NORETURN void hd_child_done(struct hd_runner *r, const struct hd_item *it, int line,
			    uint32_t ticket, double t0);
/* The result of it, run to its end in this child from t0, as the runner will judge it. */
void hd_child_result(struct hd_runner *r, const struct hd_item *it, double t0,
		     struct hd_result *res);
/*
 * Kills the spare child, if any. Due before this process changes what a
 * forked item inherits (a fixture of wider scope set up or torn down, the
 * capture switched), so that no item runs in a copy taken before.
 */
void hd_spare_drop(struct hd_runner *r);
/*
 * Takes back the item handed to the spare ahead, unless it has started (its
 * spare gone): the item, or NULL.
 */
const struct hd_item *hd_spare_unhand(struct hd_runner *r);
/* Frees what hd_runner_init took. */
void hd_runner_free(struct hd_runner *r);
/*
 * Undoes what in-process items leave in place from one to the next: fds 1
 * and 2 go back to the runner's, SIGINT and SIGTERM are blocked again. Due
 * before this process writes to fd 1 or 2, or waits for anything but a reply.
 */
void hd_runner_settle(void);
/* Takes a pending SIGINT or SIGTERM, if any, into r->interrupted. */
void hd_runner_poll_signals(struct hd_runner *r);
/*
 * Worker mode: this process dies with its controller. On Linux the kernel
 * sends SIGHUP when the parent dies (PR_SET_PDEATHSIG); the handler, like
 * hd_runner_orphaned, kills the running test's process group and this
 * process's own. parent is the controller's pid (0: unknown), checked once
 * after the request, for a controller that died before it.
 */
void hd_runner_watch_parent(pid_t parent);
/* The controller is gone: kills the running test's group and ours, exits. */
NORETURN void hd_runner_orphaned(void);

/* Inside run.c and fixture.c: how user code runs in the runner's process. */
/*
 * Fds 1 and 2 on r's capture file (unless -s), for user code. After it,
 * hd_capture_off leaves them there for the next item, unless the code closed
 * or replaced one (then both go back, and the next item points them there
 * again); hd_take_output moves what was written into out, keeping both ends
 * of a flood, and empties the file.
 */
void hd_capture_on(struct hd_runner *r);
void hd_capture_off(struct hd_runner *r);
void hd_take_output(struct hd_runner *r, struct buf *out);
/*
 * A worker running user code in its own process (a test with no isolation,
 * a fixture of wider scope) lets SIGINT and SIGTERM in meanwhile (on 1), and
 * blocks them again after (on 0): the controller's SIGTERM must reach code
 * that never returns.
 */
void hd_worker_stoppable(struct hd_runner *r, int on);

/* ---- fixture.c ---- */

#define MAX_TEST_FIXTURES 32	/* fixtures one item may name */

/* Collects the fixtures an item names, wider scopes first, each scope in
 * the order named: at most max into out; returns how many. */
size_t hd_item_fixtures(const struct herd_test *t, const struct herd_fixture **out, size_t max);
/*
 * Brings up the suite, worker (and, run alone, global) fixtures the item needs.
 * Returns 0, or sets res to error or skipped and returns -1.
 */
int hd_fixtures_up(struct hd_runner *r, const struct hd_item *it, struct hd_result *res);

/* ---- sync.c ---- */

/* Serves one request of a test (lock, board, trail) from r->sync: run alone. */
void hd_serve_local(struct hd_runner *r, const struct hd_msg *m, struct buf *reply);
/* Reads what the forked test sent on the channel and answers or forwards it. */
void hd_chan_input(struct hd_runner *r);
/* Hands a reply from the controller to the test waiting for it, if any. */
void hd_chan_reply(struct hd_runner *r, const struct hd_msg *m);
/* After an item: stale bytes out of the channel, locks the test still held. */
void hd_chan_reset(struct hd_runner *r, struct buf *held);
/* Sends a request from this process and waits for the reply line. */
void hd_request(struct buf *req, struct buf *reply);

/* ---- worker.c ---- */

/* Serves the controller on fd; capfd (or -1) receives test output. */
int hd_worker_main(int fd, int capfd);

#endif

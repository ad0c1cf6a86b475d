/*
 * loop.h - the event loop's modules, between themselves (ctl.h is what
 * main.c sees). The loop owns the worker processes and their fds; what to
 * send them is the scheduler's (sched_api.c reaches it).
 *
 *	loop.c		signals, the poll round, deadlines, the run's rounds
 *	spawn.c		starting, stopping, killing and reaping workers
 *	park.c		listed workers waiting for their slot's turn
 *	dispatch.c	the protocol: what a worker says, what it is sent
 *	serve.c		locks, board, trails and global fixtures for the tests
 *	gfix.c		global fixtures: set up once, torn down after the last user
 *	results.c	an item's result, reruns, and the isolation check
 *	death.c		a worker died: its item, its output, its leftovers
 *	status.c	the live status line and the state dump (SIGQUIT)
 *	cpu.c		whether the workers leave a CPU for one more (herd --pytest)
 *	sched_api.c	the run's scheduler, called through struct herd_scheduler
 */
#ifndef HERD_LOOP_H
#define HERD_LOOP_H

#include <stdio.h>

#include "ctl.h"
#include "remote.h"

#define RESULTS_SIZE 65536	/* the file a worker keeps held-back results in */
#define RESULTS_HEADER 64	/* their length, then the messages from here */

/* loop.c */
/* Waits for something to happen (or a deadline), then handles all of it. */
void poll_once(struct ctl *c);
/* Workers with a process. */
int live_workers(const struct ctl *c);
/* How long an item may run: its own limit, else --timeout; 0 none. */
double item_timeout(const struct ctl *c, const struct citem *it);

/* cpu.c */
/* Notes, at w's first item, what its process has wanted of the CPUs so far. */
void cpu_mark(struct worker *w);
/* Whether one more local worker would find a CPU that the live local ones
 * leave idle; when not, *recheck (kept when earlier) is when to ask again. */
int cpu_to_spare(struct ctl *c, double *recheck);

/* spawn.c */
void signals_init(void);
/* A worker's capture file (a memfd, else an unlinked temporary file); -1 if none. */
int make_capture(void);
/* Its results file (RESULTS_SIZE long), above fd 2; -1 if it cannot be made. */
int make_results(void);
/* Starts a worker of b in w's slot (collect_only: it lists b and stops). */
void worker_start(struct ctl *c, struct worker *w, struct binary *b, int collect_only);
/* Starts a worker of lister's binary in w's slot while lister lists it: it
 * waits, unread, until the list is in (W_WAITING). */
void worker_start_waiting(struct ctl *c, struct worker *w, const struct worker *lister);
/* Asks w to stop after its running item (it drops the rest and says bye). */
void worker_stop(struct worker *w);
/* Kills w's process group, if it still has one. */
void worker_kill(struct worker *w);
/* Sends sig to w's process alone (its group for a remote SIGKILL). */
void worker_signal(struct worker *w, int sig);
/* Closes w's fds; its slot is free (W_FREE). */
void worker_close(struct worker *w);
/* waitpid()s every exited child; each dead worker is handled at once. */
void ctl_reap(struct ctl *c);
/* w's process is gone with status (a remote worker's X frame, or waitpid). */
void worker_gone(struct ctl *c, struct worker *w, int status);

/* park.c */
/* Moves the listed worker of slot w out of the slot; 0 if there is no room. */
int park(struct ctl *c, struct worker *w);
/* A free slot takes back its parked worker of the binary it should run next. */
void take_parked(struct ctl *c, int slot);
/* Kills the parked workers and waits for them (the run is over or aborted). */
void park_kill_all(struct ctl *c);
/* The run is over: parked workers that were never needed stop, a slot at a time. */
void park_stop_all(struct ctl *c);

/* dispatch.c */
void worker_send(struct worker *w, const char *type, const char *arg);
/* Sends w "run idx...", and queues the items as w's. */
void worker_send_run(struct ctl *c, struct worker *w, struct citem **v, size_t n);
/* A message of one or two fields: a reply to a test's request, mostly. */
void reply(struct worker *w, const char *type, const char *a, const char *b, size_t blen);
void flush_writes(struct worker *w);
/* Reads and handles what w said on its channel. */
void read_sock(struct ctl *c, struct worker *w);
/* Handles n bytes w said on its channel (a remote worker's come in frames). */
void feed_sock(struct ctl *c, struct worker *w, const void *p, size_t n);
/* Shows n bytes of w's stray output, whole lines at once; end_output the rest. */
void feed_output(struct ctl *c, struct worker *w, struct buf *line, FILE *to, const void *p,
		 size_t n);
void end_output(struct worker *w, struct buf *line, FILE *to);
/* Stray output on fd, shown a line at a time, prefixed by w's name. */
void read_output(struct ctl *c, struct worker *w, int *fd, struct buf *line, FILE *to);
/* The results a dead worker held back in its file, handled as if sent. */
void read_held(struct ctl *c, struct worker *w);
/* w broke the protocol: it is killed, and why is kept for its report. */
void protocol_error(struct worker *w, const char *why);
/* A worker that has listed becomes a run worker: it gets its settings. */
void promote(struct ctl *c, struct worker *w);
/* The item w runs now, or NULL. */
struct citem *worker_head(const struct worker *w);
/* The head item is over: the next one starts. */
void worker_pop(struct worker *w);

/* collect.c */
/* m is an "item" of w's list: 0, 1 when it differs from the reference, -1 bad. */
int add_collected(struct ctl *c, struct worker *w, const struct hd_msg *m);
/* What differs between w's list and its binary's, said; the run aborts. */
void collection_diff(struct ctl *c, struct worker *w, const struct hd_msg *m);
/* w sent "collected": its list is the reference, or must match it. */
void collected(struct ctl *c, struct worker *w, const struct hd_msg *m);

/* serve.c */
/* Locks, board, trails and global fixtures: 1 if m was such a request. */
int serve(struct ctl *c, struct worker *w, const struct hd_msg *m);
/* hd_sync's callback: owner now holds the lock. */
void grant(void *cookie, const char *name, int owner);

/* gfix.c */
void gfix_add(struct ctl *c, const char *name, struct binary *b);
struct gfix *gfix_find(struct ctl *c, const char *name);
/* A global fixture's setup is over: tell everyone who waited. */
void gfix_settled(struct ctl *c, struct gfix *g);
/* One fewer user of each global fixture of it; the last one's worker tears it down. */
void gfix_item_done(struct ctl *c, const struct citem *it, struct worker *w);
/* The global fixture w was setting up, if any. */
struct gfix *gfix_owned(struct ctl *c, const struct worker *w);
/* Teardowns still due find a worker; nonzero while some are due. */
int gfix_pending(struct ctl *c);
/* The run stops early: fixtures still up are torn down. */
void gfix_teardown_all(struct ctl *c);

/* results.c */
/* A try after which the item runs again: reported as a rerun, kept as an attempt. */
void keep_try(struct ctl *c, struct citem *it, enum hd_outcome o, double duration,
	      const char *msg, size_t msglen, const char *out, size_t outlen,
	      const struct worker *w);
/* One try of it is over with o: its report, or a rerun. */
void finish_item(struct ctl *c, struct citem *it, enum hd_outcome o, double duration,
		 const char *msg, size_t msglen, const char *out, size_t outlen,
		 struct worker *w);
/* An item of w is over, however it ended; returns a note on the locks it held, or NULL. */
char *after_item(struct ctl *c, struct worker *w, struct citem *it);
/* Reruns whose --reruns-delay is over go back to the scheduler. */
void wake_delayed(struct ctl *c, double now);
/* The isolation check: failures of none isolation run again alone. */
void run_checks(struct ctl *c, void (*run)(struct ctl *));

/* death.c */
/* A worker is gone: account for its items; say why if it was not asked to go. */
void worker_died(struct ctl *c, struct worker *w);

/* status.c */
/* SIGQUIT or SIGUSR1: what every worker is doing, on stderr. */
void dump_state(struct ctl *c);
/* The live status line on a terminal. */
void show_status(struct ctl *c, double now);

/* sched_api.c */
/* Makes the run's scheduler (a plugin's, or the built-in); -1: the run cannot start. */
int ctl_sched_begin(struct ctl *c);
void ctl_sched_end(struct ctl *c);
/* Asks the scheduler for w and sends the answer; how many items went. */
size_t ctl_sched_next(struct ctl *c, struct worker *w);
void ctl_sched_item_done(struct ctl *c, struct worker *w, struct citem *it);
/* Items back to the scheduler: from w (unstarted), or NULL (to run again). */
void ctl_sched_give_back(struct ctl *c, struct worker *from, struct citem **v, size_t n);
void ctl_sched_node_down(struct ctl *c, struct worker *w);
/* w is idle: a steal the scheduler asks for is sent to its victim. */
void ctl_sched_steal(struct ctl *c, struct worker *w);
size_t ctl_sched_pending(struct ctl *c, const struct binary *b, int slot);
struct binary *ctl_sched_pick_binary(struct ctl *c, int slot);
/* Ends the run (exit 3) when the scheduler holds items and every worker is idle. */
void ctl_sched_check_stuck(struct ctl *c);

#endif

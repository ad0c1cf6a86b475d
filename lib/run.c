/*
 * run.c - runs one item and decides its outcome.
 *
 * With fork isolation the item runs in a child in its own process group, its
 * stdout and stderr going to a capture file, its record in shared memory; the
 * parent waits in ppoll() with SIGCHLD, SIGINT and SIGTERM unblocked only
 * there, so there is no race between checking and sleeping and no sleep; a
 * worker also hears its controller meanwhile (a release, a stop).
 * Whatever the child does (crash, exit, hang, fork and linger, close its fds)
 * the parent learns from the wait status and the record, then kills the whole
 * group. Fixtures of suite and worker scope run in the parent, before the fork,
 * so their state is inherited.
 *
 * With no isolation the item runs in this process, with fds 1 and 2 pointed
 * at the capture file and SIGINT and SIGTERM let in. Both stay so from one
 * such item to the next (checked after each: a test may close or replace
 * fd 1), and are undone by hd_runner_settle() before anything else runs or
 * waits: four dup2() and two sigprocmask() an item were most of its cost.
 *
 * The next item's child may be forked ahead and handed its item while this
 * one runs: spare.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

#define OUT_KEEP (512 * 1024)	/* captured output kept from each end */

static sigset_t runner_signals;	/* blocked in the runner but inside ppoll */
static sigset_t child_mask;	/* the mask the test binary started with */
static sigset_t wait_mask;	/* child_mask less runner_signals: ppoll's */
static volatile sig_atomic_t stop_signal;	/* SIGINT or SIGTERM arrived */
static int saved_out = -1, saved_err = -1;
static pid_t runner_pid;	/* this process: a forked test's expected parent */
/* The process group of the forked test now running, for the orphan's kill. */
static volatile pid_t running_pgid;
/* A worker runs a test in its own process: a stop signal ends it at once. */
static volatile sig_atomic_t inproc_dies;

/* For the in-process guards' messages: signal handlers may only read these. */
static const char *volatile inproc_id;

/* Fds 1 and 2 point at the capture file, which is this one. */
static int captured;
static dev_t cap_dev;
static ino_t cap_ino;
/* The capture file's size as hd_capture_off() saw it, for hd_take_output(); -1: unknown. */
static off_t cap_size = -1;
/* SIGINT and SIGTERM are unblocked: an in-process item ran since the last settle. */
static int stops_open;

static void
on_sigchld(int sig)
{
	(void)sig;
}

/*
 * The first SIGINT or SIGTERM asks the run to stop; a second one kills it. A
 * worker running a test in its own process (--isolation none) cannot stop it
 * and carry on: it dies of the signal, and the controller, which sent it,
 * reports the test interrupted and kills what is left of the process group.
 */
static void
on_stop_signal(int sig)
{
	if (stop_signal || inproc_dies) {
		signal(sig, SIG_DFL);
		raise(sig);
	}
	stop_signal = sig;
}

static void
install_stop_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

void
hd_runner_orphaned(void)
{
	pid_t pg = running_pgid;

	/* Only async-signal-safe calls: the SIGHUP handler comes here too. */
	if (pg > 0)
		kill(-pg, SIGKILL);
	/* The controller made this process a group of its own: what a test or
	 * a fixture started in it goes too, and this process with it. */
	if (getpgrp() == getpid())
		kill(0, SIGKILL);
	_exit(0);
}

static void
on_parent_death(int sig)
{
	(void)sig;
	hd_runner_orphaned();
}

void
hd_runner_watch_parent(pid_t parent)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_parent_death;
	sigaction(SIGHUP, &sa, NULL);
#ifdef __linux__
	prctl(PR_SET_PDEATHSIG, SIGHUP);
#endif
	/* It may have died before the request: then no signal comes. */
	if (parent > 0 ? getppid() != parent : getppid() == 1)
		hd_runner_orphaned();
}

int
hd_make_capture_fd(void)
{
	char path[] = "/tmp/herd-output-XXXXXX";
	const char *dir = getenv("TMPDIR");
	char *tpl;
	int fd;

#ifdef MFD_CLOEXEC
	fd = memfd_create("herd-output", MFD_CLOEXEC);
	if (fd >= 0)
		return fd;
#endif
	tpl = dir && *dir ? xasprintf("%s/herd-output-XXXXXX", dir) : xstrdup(path);
	fd = mkstemp(tpl);
	if (fd >= 0) {
		unlink(tpl);
		hd_cloexec(fd);
	}
	free(tpl);
	return fd;
}

void
hd_file_id(int fd, struct hd_fileid *id)
{
	struct stat st;

	id->ino = 0;
	if (fstat(fd, &st) == 0) {
		id->dev = st.st_dev;
		id->ino = st.st_ino;
	}
}

void
hd_runner_init(struct hd_runner *r, int capfd)
{
	struct sigaction sa;
	size_t nfx = hd_fixture_count(), i;
	void *p;

	memset(r, 0, sizeof(*r));
	r->isolation = HD_ISO_FORK;
	r->grace = 1.0;
	r->capture = 1;
	r->protofd = -1;
	p = mmap(NULL, sizeof(struct hd_shared), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		hd_fatal(3, "mmap:");
	r->shared = p;
	r->rec = &r->shared->rec[0];
	r->spare_rec = &r->shared->rec[1];
	hd_record_reset(r->rec);
	r->spare_capfd = -1;
	if (capfd >= 0)
		hd_cloexec(capfd);	/* inherited through exec; the tests' execs keep out */
	r->capfd = capfd >= 0 ? capfd : hd_make_capture_fd();
	if (r->capfd < 0)
		hd_fatal(3, "cannot create a file to capture test output:");
	hd_file_id(r->capfd, &r->capid);
	r->fx = xcalloc(nfx, sizeof(*r->fx));
	for (i = 0; i < nfx; i++)
		r->fx[i].param = HD_NO_PARAM;
	r->fxorder = xcalloc(nfx, sizeof(*r->fxorder));
	r->chan[0] = r->chan[1] = -1;
	r->line = r->spare_line = -1;
	r->chan_dec = xcalloc(1, sizeof(*r->chan_dec));
	hd_dec_init(r->chan_dec);
	hd_ctx.chan_fd = -1;
	hd_ctx.runner = r;
	saved_out = fcntl(1, F_DUPFD_CLOEXEC, 3);
	saved_err = fcntl(2, F_DUPFD_CLOEXEC, 3);
	runner_pid = getpid();

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigchld;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&runner_signals);
	sigaddset(&runner_signals, SIGCHLD);
	sigaddset(&runner_signals, SIGINT);
	sigaddset(&runner_signals, SIGTERM);
	sigprocmask(SIG_BLOCK, &runner_signals, &child_mask);
	wait_mask = child_mask;
	sigdelset(&wait_mask, SIGCHLD);
	sigdelset(&wait_mask, SIGINT);
	sigdelset(&wait_mask, SIGTERM);
	install_stop_handlers();
	r->input_fd = -1;
}

void
hd_runner_poll_signals(struct hd_runner *r)
{
	struct timespec zero = { 0, 0 };
	sigset_t set;
	int sig;

	/* Let in, they were handled as they came: nothing can be pending. */
	if (stops_open) {
		if (stop_signal)
			r->interrupted = stop_signal;
		return;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	while ((sig = sigtimedwait(&set, NULL, &zero)) > 0)
		r->interrupted = sig;
	if (stop_signal)
		r->interrupted = stop_signal;
}

/*
 * SIGINT and SIGTERM in, until the next settle: between two in-process items
 * they only set stop_signal, which the loop reads before the next.
 */
static void
stops_let_in(void)
{
	sigset_t ints;

	if (stops_open)
		return;
	sigemptyset(&ints);
	sigaddset(&ints, SIGINT);
	sigaddset(&ints, SIGTERM);
	sigprocmask(SIG_UNBLOCK, &ints, NULL);
	stops_open = 1;
}

static void
stops_block(void)
{
	sigset_t ints;

	if (!stops_open)
		return;
	sigemptyset(&ints);
	sigaddset(&ints, SIGINT);
	sigaddset(&ints, SIGTERM);
	sigprocmask(SIG_BLOCK, &ints, NULL);
	stops_open = 0;
}

void
hd_worker_stoppable(struct hd_runner *r, int on)
{
	if (!r->worker)
		return;
	inproc_dies = on;
	if (on)
		stops_let_in();
}

/* ---- fds ---- */

void
hd_capture_on(struct hd_runner *r)
{
	struct stat st;

	cap_size = -1;
	/* Captured still: whatever stdio holds goes to the file anyway. */
	if (!r->capture || captured)
		return;
	fflush(stdout);
	fflush(stderr);
	dup2(r->capfd, 1);
	dup2(r->capfd, 2);
	if (fstat(r->capfd, &st) == 0) {
		cap_dev = st.st_dev;
		cap_ino = st.st_ino;
		captured = 1;
	}
}

/* Whether fd is the capture file; its size in *size. */
static int
is_capture(int fd, off_t *size)
{
	struct stat st;

	if (fstat(fd, &st) < 0 || st.st_dev != cap_dev || st.st_ino != cap_ino)
		return 0;
	*size = st.st_size;
	return 1;
}

/* Fds 1 and 2 back to the runner's. */
static void
capture_undo(void)
{
	if (!captured)
		return;
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	captured = 0;
}

void
hd_capture_off(struct hd_runner *r)
{
	off_t size, ignored;

	if (!r->capture)
		return;
	fflush(stdout);
	fflush(stderr);
	if (captured && is_capture(1, &size) && is_capture(2, &ignored))
		cap_size = size;
	else
		capture_undo();
}

void
hd_runner_settle(void)
{
	capture_undo();
	stops_block();
}

/* The size bytes of output in the capture file fd, the middle cut if long. */
static void
capture_read(int fd, size_t size, struct buf *out)
{
	ssize_t n;

	if (size <= 2 * OUT_KEEP) {
		buf_grow(out, size);
		n = pread(fd, out->data, size, 0);
		out->len = n > 0 ? (size_t)n : 0;
	} else {
		buf_grow(out, 2 * OUT_KEEP + 128);
		n = pread(fd, out->data, OUT_KEEP, 0);
		out->len = n > 0 ? (size_t)n : 0;
		out->data[out->len] = '\0';
		buf_printf(out, "\n[... %zu bytes of output cut ...]\n", size - 2 * OUT_KEEP);
		n = pread(fd, out->data + out->len, OUT_KEEP, (off_t)(size - OUT_KEEP));
		out->len += n > 0 ? (size_t)n : 0;
	}
	out->data[out->len] = '\0';
}

void
hd_take_output(struct hd_runner *r, struct buf *out)
{
	struct stat st;

	if (cap_size >= 0) {
		st.st_size = cap_size;	/* hd_capture_off() looked */
		cap_size = -1;
	} else if (fstat(r->capfd, &st) < 0) {
		goto reset;
	}
	if (st.st_size <= 0)
		return;	/* nothing written: nothing to reset */
	capture_read(r->capfd, (size_t)st.st_size, out);
reset:
	if (ftruncate(r->capfd, 0) < 0)
		hd_warn("cannot truncate the capture file:");
	lseek(r->capfd, 0, SEEK_SET);
}

/* ---- the item itself ---- */

/* Test fixtures, the test, test fixtures' teardown: in the child, or in-process. */
void
hd_run_body(struct hd_runner *r, const struct hd_item *it)
{
	const struct herd_fixture *fs[MAX_TEST_FIXTURES];
	struct hd_record *rec = r->rec;
	size_t n = hd_item_fixtures(it->t, fs, LEN(fs));
	volatile size_t i, up = 0, cur = 0;
	jmp_buf jb;

	hd_ctx.item = it;
	hd_ctx.rec = rec;
	hd_ctx.jb = &jb;
	rec->phase = HD_PH_SETUP;
	for (i = 0; i < n && !rec->failed[HD_PH_SETUP] && !rec->skipped; i++) {
		if (fs[i]->scope != HERD_SCOPE_TEST)
			continue;
		if (setjmp(jb))
			break;
		cur = i;
		if (fs[i]->setup)
			fs[i]->setup();
		if (!rec->failed[HD_PH_SETUP] && !rec->skipped)
			up = i + 1;
	}
	if (rec->failed[HD_PH_SETUP])
		hd_record_add(rec, "(in the setup of fixture '%s')\n", fs[cur]->name);
	if (!rec->failed[HD_PH_SETUP] && !rec->skipped) {
		rec->phase = HD_PH_CALL;
		if ((!it->task || hd_task_make_dirs(it) == 0) && !setjmp(jb))
			it->t->fn();
	}
	rec->phase = HD_PH_TEARDOWN;
	while (up > 0) {
		up--;
		if (fs[up]->scope != HERD_SCOPE_TEST || !fs[up]->teardown)
			continue;
		if (!setjmp(jb))
			fs[up]->teardown();
	}
	rec->phase = HD_PH_DONE;
	hd_ctx.jb = NULL;
}

static void
child_prepare(struct hd_runner *r)
{
	static const int sigs[] = { SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGALRM,
				    SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	size_t i;
	int fd;

	setpgid(0, 0);
#ifdef __linux__
	/* Die with the worker, should the controller have to kill it. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
	if (getppid() != runner_pid)
		_exit(1);	/* it died before the request: nobody waits for us */
	for (i = 0; i < LEN(sigs); i++)
		signal(sigs[i], SIG_DFL);
	sigprocmask(SIG_SETMASK, &child_mask, NULL);
	if (r->capture) {
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0 && fd != 0) {
			dup2(fd, 0);
			close(fd);
		}
		dup2(r->capfd, 1);
		dup2(r->capfd, 2);
		/* Line by line, so stdout and stderr interleave as written. */
		setvbuf(stdout, NULL, _IOLBF, 0);
	}
	/*
	 * The runner's own fds are not the test's: the protocol socket, the
	 * runner's end of the channel, the capture file and the copies of the
	 * runner's stdout and stderr (a write there would bypass the capture).
	 * Only fds 0-2 and the test's end of the channel stay.
	 */
	if (r->protofd > 2)
		close(r->protofd);
	close(r->chan[0]);
	if (r->capfd > 2)
		close(r->capfd);
	if (r->spare_capfd > 2)
		close(r->spare_capfd);
	if (saved_out > 2)
		close(saved_out);
	if (saved_err > 2)
		close(saved_err);
	/* The lines of the running child and of a spare are theirs. */
	if (r->line >= 0)
		close(r->line);
	if (r->spare_line >= 0)
		close(r->spare_line);
	r->line = r->spare_line = -1;
	r->spare = r->exiting = 0;	/* siblings: not ours to run, kill or reap */
	r->armed = NULL;
	hd_ctx.chan_fd = r->chan[1];
}

/*
 * The channel a forked test asks through, made before the first fork: a
 * worker that runs its tests in its own process never needs one.
 */
static void
chan_open(struct hd_runner *r)
{
	if (r->chan[0] < 0 && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, r->chan) < 0)
		hd_fatal(3, "socketpair:");
}

/* Forks a child for the runner, in its own process group; sv, a socket pair
 * (or two -1), becomes its line: the child keeps sv[1], the runner sv[0]. */
pid_t
hd_fork_child(struct hd_runner *r, const int sv[2])
{
	pid_t pid;

	chan_open(r);
	fflush(NULL);	/* or the child would write our buffers again */
	pid = fork();
	if (pid == 0) {
		if (sv[0] >= 0)
			close(sv[0]);
		child_prepare(r);
		return 0;
	}
	if (sv[1] >= 0)
		close(sv[1]);
	if (pid > 0)
		setpgid(pid, pid);	/* also in the child: whichever runs first */
	return pid;
}

/* The child that said it was done, reaped once it has exited (hang: waits). */
static void
reap_exiting(struct hd_runner *r, int hang)
{
	pid_t got;

	if (!r->exiting)
		return;
	while ((got = waitpid(r->exiting, NULL, hang ? 0 : WNOHANG)) < 0 && errno == EINTR)
		;
	if (got != 0)
		r->exiting = 0;
}

enum { END_EXITED, END_TIMEOUT, END_INTERRUPTED };

/*
 * A serial group runs in one child, one item after another: the child writes
 * a byte on done after each item and waits for a byte on go, so the parent
 * can take the item's record and output and report it first.
 */
struct group_wait {
	int fd;			/* done: the child's end of item; -1 */
	int go;
	const struct hd_item *const *items;
	struct hd_result *res;	/* one per item */
	char *final;		/* res[k] is decided */
	size_t n;
	size_t *run;		/* the items the child runs, in order */
	size_t nrun, cur;	/* run[cur] is running */
	size_t emit;		/* next item to report */
	double timeout;		/* of run[cur] */
	double started;
	int advanced;
	void (*report)(void *arg, const struct hd_item *it, struct hd_result *res);
	void *arg;
};

static void group_input(struct hd_runner *r, struct group_wait *g);

/* Whether the item child of ticket ran to its end: it passed its turn, or said so. */
static int
child_finished(const struct hd_runner *r, uint32_t ticket)
{
	return hd_turn_reached(r->shared, ticket) ||
	       __atomic_load_n(&r->rec->finished, __ATOMIC_ACQUIRE) == ticket;
}

/*
 * Waits for the child, killing its group on timeout or interruption: TERM, then
 * KILL after the grace period. The leader is reaped only after its group was
 * killed, so that its pid, the group's id, cannot be reused in between. An
 * item child that finished (ticket; 0: a group's child, which has none) is
 * done, and says so on its line (r->line, or -1) to wake us: it is
 * taken as exited with status 0 (all it has left to do is _exit(0)), its
 * group is killed, and it is reaped later, while the next item runs.
 */
static int
wait_child(struct hd_runner *r, pid_t pid, uint32_t ticket, double timeout, int *status,
	   struct group_wait *g)
{
	double deadline = timeout > 0 ? hd_now() + timeout : 0;
	double spare_at = hd_now() + SPARE_AFTER;
	int stage = 0, why = END_EXITED, done = 0, spare_tried = 0;
	siginfo_t si;

	for (;;) {
		struct pollfd p[4] = { { r->chan[0], POLLIN, 0 }, { g ? g->fd : -1, POLLIN, 0 },
				       { r->input_fd, POLLIN, 0 }, { r->line, POLLIN, 0 } };
		struct timespec ts;
		double left = 0, wake;
		int want_spare = !g && r->prefork && !r->spare && !spare_tried &&
				 r->isolation == HD_ISO_FORK;

		/* Run SPARE_AFTER, the item leaves the runner idle: the next child now. */
		if (want_spare && hd_now() >= spare_at) {
			hd_spare_fork(r);
			spare_tried = 1;
			want_spare = 0;
		}
		if (!g && !done && !stop_signal && why == END_EXITED)
			hd_spare_arm(r);
		reap_exiting(r, 0);
		memset(&si, 0, sizeof(si));
		done = ticket && why == END_EXITED && child_finished(r, ticket);
		if (done || (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
			     si.si_pid == pid))
			break;
		if (stop_signal && why == END_EXITED) {
			r->interrupted = stop_signal;
			why = END_INTERRUPTED;
			kill(-pid, SIGTERM);
			stage = 1;
			deadline = hd_now() + r->grace;
			continue;
		}
		if (deadline > 0 && (left = deadline - hd_now()) <= 0) {
			kill(-pid, stage == 0 ? SIGTERM : SIGKILL);
			if (why == END_EXITED)
				why = END_TIMEOUT;
			stage++;
			deadline = stage == 1 ? hd_now() + r->grace : 0;
			continue;
		}
		wake = deadline;
		if (want_spare && (wake == 0 || spare_at < wake))
			wake = spare_at;
		if (wake > 0 && (left = wake - hd_now()) < 0)
			left = 0;
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
		/* SIGCHLD, SIGINT and SIGTERM interrupt this ppoll and only it. */
		/* A negative fd is skipped by ppoll: the array needs no compaction. */
		if (ppoll(p, 4, wake > 0 ? &ts : NULL, &wait_mask) > 0) {
			done = ticket && why == END_EXITED && child_finished(r, ticket);
			/* Its word, or a hung-up line, polled no more: the exit tells. */
			if (p[3].revents & (POLLIN | POLLHUP | POLLERR) && !done) {
				close(r->line);
				r->line = -1;
			}
			/* Done, the child asks no more: a request now is its
			 * successor's, handed ahead, and waits for its report. */
			if ((p[0].revents & POLLIN) && !done)
				hd_chan_input(r);
			if (p[1].revents & (POLLIN | POLLHUP))
				group_input(r, g);
			if ((p[2].revents & (POLLIN | POLLHUP | POLLERR)) && r->on_input)
				r->on_input(r->input_arg);
		}
		if (g && g->advanced && why == END_EXITED) {
			/* The next item of a serial group has its own time. */
			g->advanced = 0;
			deadline = g->timeout > 0 ? hd_now() + g->timeout : 0;
			stage = 0;
		}
	}
	kill(-pid, SIGKILL);	/* whatever the test left behind */
	running_pgid = 0;	/* dead: its pid is not reused before the reaping */
	if (done) {
		*status = 0;
		reap_exiting(r, 1);	/* the one before, given a whole item to go */
		r->exiting = pid;
		return why;
	}
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	return why;
}

static const char *
phase_name(int ph)
{
	switch (ph) {
	case HD_PH_SETUP: return "setup";
	case HD_PH_TEARDOWN: return "teardown";
	case HD_PH_DONE: return "end";
	default: return "test";
	}
}

/* The outcome of a test that ran to its end (or to an exit it was meant to make). */
static void
judge_record(const struct hd_item *it, const struct hd_record *rec, struct hd_result *res)
{
	const struct herd_test *t = it->t;

	buf_add(&res->msg, rec->msg, rec->msglen);
	if (rec->failed[HD_PH_SETUP])
		res->outcome = HD_ERROR;
	else if (rec->skipped)
		res->outcome = HD_SKIPPED;
	else if (rec->failed[HD_PH_CALL])
		res->outcome = HD_FAILED;
	else if (rec->failed[HD_PH_TEARDOWN])
		res->outcome = HD_ERROR;
	else
		res->outcome = HD_PASSED;
	(void)t;
}

static void
add_last_assertion(const struct hd_record *rec, struct hd_result *res)
{
	if (rec->last_file)
		buf_printf(&res->msg, "  last assertion reached: %s:%d\n",
			   rec->last_file, rec->last_line);
}

static void
judge_status(struct hd_runner *r, const struct hd_item *it, int end, int status,
	     double timeout, struct hd_result *res)
{
	const struct herd_test *t = it->t;
	const struct hd_record *rec = r->rec;
	int expect_exit = t->exit_code != 0 || t->expect_exit;
	char tmp[32];

	if (end == END_INTERRUPTED) {
		res->outcome = HD_NOTRUN;
		buf_printf(&res->msg, "interrupted by %s\n", hd_signame(r->interrupted, tmp, sizeof(tmp)));
		return;
	}
	if (end == END_TIMEOUT) {
		res->outcome = HD_TIMEOUT;
		buf_printf(&res->msg, "timed out after %gs in %s\n", timeout, phase_name(rec->phase));
		buf_add(&res->msg, rec->msg, rec->msglen);
		add_last_assertion(rec, res);
		return;
	}
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);

		if (t->signal == sig && rec->phase >= HD_PH_CALL) {
			judge_record(it, rec, res);
			return;
		}
		res->outcome = t->signal ? HD_FAILED : HD_CRASHED;
		buf_printf(&res->msg, "%s by %s (%s) in %s", t->signal ? "killed" : "crashed",
			   hd_signame(sig, tmp, sizeof(tmp)), strsignal(sig), phase_name(rec->phase));
		if (t->signal)
			buf_printf(&res->msg, "; expected %s", hd_signame(t->signal, tmp, sizeof(tmp)));
		buf_addc(&res->msg, '\n');
		buf_add(&res->msg, rec->msg, rec->msglen);
		add_last_assertion(rec, res);
		return;
	}
	status = WEXITSTATUS(status);
	if (rec->phase == HD_PH_DONE && status == 0) {
		if (t->signal) {
			res->outcome = HD_FAILED;
			buf_printf(&res->msg, "expected to die of %s, the test returned\n",
				   hd_signame(t->signal, tmp, sizeof(tmp)));
		} else if (expect_exit) {
			res->outcome = HD_FAILED;
			buf_printf(&res->msg, "expected exit status %d, the test returned\n", t->exit_code);
		} else {
			judge_record(it, rec, res);
			return;
		}
		buf_add(&res->msg, rec->msg, rec->msglen);
		return;
	}
	if (expect_exit && status == t->exit_code && rec->phase >= HD_PH_CALL) {
		judge_record(it, rec, res);
		return;
	}
	res->outcome = expect_exit || t->signal ? HD_FAILED : HD_CRASHED;
	buf_printf(&res->msg, "exited with status %d in %s", status, phase_name(rec->phase));
	if (expect_exit)
		buf_printf(&res->msg, "; expected status %d", t->exit_code);
	else if (t->signal)
		buf_printf(&res->msg, "; expected %s", hd_signame(t->signal, tmp, sizeof(tmp)));
	buf_addc(&res->msg, '\n');
	buf_add(&res->msg, rec->msg, rec->msglen);
	add_last_assertion(rec, res);
}

/*
 * it is to run on the slot of rec: the worker is told whether that is the
 * capture file it was given (r->claim). An item handed ahead may have
 * started already: until now the controller is told the file is the one
 * before's, whose output it then does not show with this one's crash.
 */
static void
claim_slot(struct hd_runner *r, const struct hd_item *it, const struct hd_record *rec)
{
	if (r->claim && r->isolation == HD_ISO_FORK)
		r->claim(r->worker, it, rec == &r->shared->rec[0]);
}

/* Runs it in a child: the spare, holding it already with ticket handed (0: none), or not. */
static void
run_forked(struct hd_runner *r, const struct hd_item *it, uint32_t handed, double timeout,
	   struct hd_result *res)
{
	static const int no_line[2] = { -1, -1 };
	uint32_t ticket = handed ? handed : ++r->tickets;
	int status = 0, end;
	double t0;
	pid_t pid;

	hd_runner_settle();	/* the wait needs the stop signals blocked */
	/* Whatever ran before is over, however it ended: the turn is this one's. */
	hd_turn_pass(r->shared, ticket - 1);
	if (r->spare)
		claim_slot(r, it, r->spare_rec);
	pid = hd_spare_take(r, it, ticket, handed != 0, &r->line);
	if (pid < 0)
		claim_slot(r, it, r->rec);
	t0 = hd_now();	/* the child's start, near enough, without its clock's faults */
	if (pid < 0 && (pid = hd_fork_child(r, no_line)) == 0) {
		hd_run_body(r, it);
		hd_child_done(r, it, -1, ticket, t0);
	}
	r->done_ticket = ticket;
	if (pid < 0) {
		res->outcome = HD_ERROR;
		buf_printf(&res->msg, "cannot fork: %s\n", strerror(errno));
		return;
	}
	running_pgid = pid;
	r->running = it;
	end = wait_child(r, pid, ticket, timeout, &status, NULL);
	if (r->line >= 0)
		close(r->line);
	r->line = -1;
	judge_status(r, it, end, status, timeout, res);
}

/* ---- in-process guards: run alone with no isolation, a crash or hang ends the run ---- */

static void
guard_write(const char *s)
{
	if (s && write(saved_err, s, strlen(s)) < 0)
		return;
}

static void
on_inproc_crash(int sig)
{
	guard_write("\nherd: test ");
	guard_write(inproc_id);
	guard_write(" crashed with ");
	guard_write(sig == SIGSEGV ? "SIGSEGV" : sig == SIGABRT ? "SIGABRT" :
		    sig == SIGBUS ? "SIGBUS" : sig == SIGFPE ? "SIGFPE" :
		    sig == SIGILL ? "SIGILL" : "a signal");
	guard_write("; with --isolation none this ends the run\n");
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
on_inproc_alarm(int sig)
{
	(void)sig;
	guard_write("\nherd: test ");
	guard_write(inproc_id);
	guard_write(" timed out; with --isolation none this ends the run\n");
	_exit(1);
}


/*
 * Run alone with no isolation: a crash or a hang in a test ends the run, but
 * first says which test it was. The handlers go in once; SIGINT and SIGTERM
 * are let through (until the next settle), and the timer set when it has one.
 */
static void
guards(const struct hd_item *it, double timeout, int on)
{
	static const int crash[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	static int installed, timer;
	struct itimerval itv;
	struct sigaction sa;
	size_t i;

	memset(&itv, 0, sizeof(itv));
	if (!on) {
		if (timer)
			setitimer(ITIMER_REAL, &itv, NULL);
		timer = 0;
		inproc_id = NULL;
		return;
	}
	if (!installed++) {
		memset(&sa, 0, sizeof(sa));
		sigemptyset(&sa.sa_mask);
		sa.sa_flags = SA_RESETHAND | SA_NODEFER;
		sa.sa_handler = on_inproc_crash;
		for (i = 0; i < LEN(crash); i++)
			sigaction(crash[i], &sa, NULL);
		sa.sa_flags = 0;
		sa.sa_handler = on_inproc_alarm;
		sigaction(SIGALRM, &sa, NULL);
	}
	inproc_id = it->id;
	if (timeout > 0) {
		itv.it_value.tv_sec = (time_t)timeout;
		itv.it_value.tv_usec = (suseconds_t)((timeout - (double)(time_t)timeout) * 1e6);
		if (!itv.it_value.tv_sec && !itv.it_value.tv_usec)
			itv.it_value.tv_usec = 1;
		setitimer(ITIMER_REAL, &itv, NULL);
		timer = 1;
	}
	stops_let_in();
}

static void
run_inproc(struct hd_runner *r, const struct hd_item *it, double timeout,
	   struct hd_result *res)
{
	char tmp[32];

	if (r->guard)
		guards(it, timeout, 1);
	else
		hd_worker_stoppable(r, 1);
	hd_capture_on(r);
	hd_run_body(r, it);
	hd_capture_off(r);
	if (!r->capture)
		fflush(stdout);	/* -s: the test's lines before the report's */
	if (r->guard)
		guards(it, timeout, 0);
	else
		hd_worker_stoppable(r, 0);
	if (stop_signal) {
		/* Stopped while it ran: as in fork mode, it did not finish its run. */
		r->interrupted = stop_signal;
		res->outcome = HD_NOTRUN;
		buf_printf(&res->msg, "interrupted by %s\n",
			   hd_signame(stop_signal, tmp, sizeof(tmp)));
		return;
	}
	judge_record(it, r->rec, res);
}

/* xfail turns a failure into xfailed and a pass into xpassed (or a strict failure). */
static void
apply_xfail(const struct herd_test *t, struct hd_result *res)
{
	if (!t->xfail)
		return;
	if (res->outcome == HD_FAILED || res->outcome == HD_CRASHED) {
		res->outcome = HD_XFAILED;
		buf_reset(&res->msg);
		buf_printf(&res->msg, "%s\n", t->xfail);
	} else if (res->outcome == HD_PASSED) {
		res->outcome = t->strict ? HD_FAILED : HD_XPASSED;
		buf_reset(&res->msg);
		buf_printf(&res->msg, "%s%s\n", t->strict ? "[XPASS(strict)] " : "", t->xfail);
	}
}

void
hd_child_result(struct hd_runner *r, const struct hd_item *it, double t0, struct hd_result *res)
{
	struct stat st;

	judge_status(r, it, END_EXITED, 0, 0, res);
	res->duration = hd_now() - t0;
	/* Fd 1 still the capture file (the test may have closed or moved it). */
	if (r->capture && r->capid.ino && fstat(1, &st) == 0 && st.st_dev == r->capid.dev &&
	    st.st_ino == r->capid.ino && st.st_size > 0)
		capture_read(1, (size_t)st.st_size, &res->out);
	apply_xfail(it->t, res);
}

/* ---- serial groups ---- */

static double
item_timeout(const struct hd_runner *r, const struct hd_item *it)
{
	return it->t->timeout > 0 ? it->t->timeout : r->timeout;
}

/* Notes the locks a test still held, then frees them for others. */
static void
release_held(struct hd_runner *r, struct hd_result *res)
{
	struct buf held = BUF_INIT;

	hd_chan_reset(r, &held);
	if (held.len)
		buf_printf(&res->msg, "the test ended holding lock(s): %.*s\n",
			   (int)held.len - 1, held.data);
	buf_clear(&held);
}

/* Reports, in order, every item whose result is decided. */
static void
group_emit(struct group_wait *g)
{
	while (g->emit < g->n && g->final[g->emit]) {
		g->report(g->arg, g->items[g->emit], &g->res[g->emit]);
		g->emit++;
	}
}

static void
group_finish_item(struct hd_runner *r, struct group_wait *g, size_t k)
{
	struct hd_result *res = &g->res[k];

	res->duration = hd_now() - g->started;
	hd_take_output(r, &res->out);
	release_held(r, res);
	apply_xfail(g->items[k]->t, res);
	g->final[k] = 1;
	group_emit(g);
}

static void
group_input(struct hd_runner *r, struct group_wait *g)
{
	char tmp[64];
	ssize_t n, i;

	if (!g || g->fd < 0)
		return;
	n = read(g->fd, tmp, sizeof(tmp));
	if (n == 0) {
		/* The child closed its end: its exit tells the rest. Polling a
		 * hung-up pipe again would spin. */
		close(g->fd);
		g->fd = -1;
		return;
	}
	for (i = 0; i < n && g->cur < g->nrun; i++) {
		size_t k = g->run[g->cur];

		judge_record(g->items[k], r->rec, &g->res[k]);
		group_finish_item(r, g, k);
		hd_record_reset(r->rec);
		g->cur++;
		if (g->cur < g->nrun) {
			g->timeout = item_timeout(r, g->items[g->run[g->cur]]);
			g->started = hd_now();
			g->advanced = 1;
		}
		if (write(g->go, "g", 1) < 0)
			break;	/* the child is gone: its exit says the rest */
	}
}

/* The child: every item of run[from..], each reported on done. */
static NORETURN void
group_child(struct hd_runner *r, struct group_wait *g, int done, int go)
{
	size_t c;
	char b;

	child_prepare(r);
	for (c = g->cur; c < g->nrun; c++) {
		hd_record_reset(r->rec);
		hd_run_body(r, g->items[g->run[c]]);
		fflush(NULL);
		if (write(done, "d", 1) < 0 || (c + 1 < g->nrun && read(go, &b, 1) != 1))
			break;
	}
	_exit(0);
}

void
hd_run_group(struct hd_runner *r, const struct hd_item *const *items, size_t n,
	     void (*report)(void *arg, const struct hd_item *it, struct hd_result *res),
	     void *arg)
{
	struct group_wait g;
	size_t k;

	hd_runner_settle();	/* the wait needs the stop signals blocked */
	memset(&g, 0, sizeof(g));
	g.items = items;
	g.n = n;
	g.res = xcalloc(n, sizeof(*g.res));
	g.final = xcalloc(n, 1);
	g.run = xcalloc(n, sizeof(*g.run));
	g.report = report;
	g.arg = arg;
	/* Wider fixtures first, in this process, so the child inherits them. */
	for (k = 0; k < n; k++) {
		if (items[k]->t->skip) {
			g.res[k].outcome = HD_SKIPPED;
			buf_printf(&g.res[k].msg, "%s\n", *items[k]->t->skip ? items[k]->t->skip : "skipped");
			g.final[k] = 1;
		} else if (hd_fixtures_up(r, items[k], &g.res[k]) < 0) {
			g.final[k] = 1;
		} else {
			g.run[g.nrun++] = k;
		}
	}
	group_emit(&g);
	while (g.cur < g.nrun && !r->interrupted) {
		int done[2], go[2], status = 0, end;
		size_t cur;
		pid_t pid;

		if (pipe2(done, O_CLOEXEC) < 0 || pipe2(go, O_CLOEXEC) < 0)
			hd_fatal(3, "pipe:");
		g.fd = done[0];
		g.go = go[1];
		g.timeout = item_timeout(r, items[g.run[g.cur]]);
		g.started = hd_now();
		hd_record_reset(r->rec);
		chan_open(r);
		fflush(NULL);
		pid = fork();
		if (pid < 0)
			hd_fatal(3, "fork:");
		if (pid == 0) {
			close(done[0]);
			close(go[1]);
			group_child(r, &g, done[1], go[0]);
		}
		setpgid(pid, pid);
		running_pgid = pid;
		close(done[1]);
		close(go[0]);
		end = wait_child(r, pid, 0, g.timeout, &status, &g);
		group_input(r, &g);	/* ends reported just before the exit */
		if (g.fd >= 0)
			close(g.fd);
		close(g.go);
		g.fd = -1;
		if (g.cur >= g.nrun)
			break;
		/* The child died in run[cur]: that item's outcome is its death. */
		cur = g.run[g.cur];
		judge_status(r, items[cur], end, status, g.timeout, &g.res[cur]);
		group_finish_item(r, &g, cur);
		g.cur++;
	}
	for (k = 0; k < n; k++)
		if (!g.final[k]) {
			g.res[k].outcome = HD_NOTRUN;
			buf_printf(&g.res[k].msg, "not run: interrupted\n");
			g.final[k] = 1;
		}
	group_emit(&g);
	for (k = 0; k < n; k++) {
		buf_clear(&g.res[k].msg);
		buf_clear(&g.res[k].out);
	}
	free(g.res);
	free(g.final);
	free(g.run);
	hd_ctx.item = NULL;
}

void
hd_run_item(struct hd_runner *r, const struct hd_item *it, struct hd_result *res)
{
	const struct herd_test *t = it->t;
	double timeout = t->timeout > 0 ? t->timeout : r->timeout, t0;
	int must_fork = r->isolation == HD_ISO_FORK || t->signal || t->exit_code ||
			t->expect_exit;
	uint32_t handed = r->armed == it ? r->armed_ticket : 0;

	/*
	 * The spare holds an order for another item, or for this one, which
	 * does not fork after all: it goes, and never starts that item.
	 * (next() hands ahead only items that run as they are: a safeguard.)
	 */
	if (r->armed && (!handed || t->skip || !must_fork))
		hd_spare_drop(r), handed = 0;
	r->armed = NULL;
	res->outcome = HD_NONE;
	res->duration = 0;
	buf_reset(&res->msg);
	buf_reset(&res->out);
	if (t->skip) {
		res->outcome = HD_SKIPPED;
		buf_printf(&res->msg, "%s\n", *t->skip ? t->skip : "skipped");
		return;
	}
	t0 = hd_now();
	if (hd_fixtures_up(r, it, res) < 0) {
		if (handed)
			hd_spare_drop(r);
		res->duration = hd_now() - t0;
		return;
	}
	hd_record_reset(r->rec);
	if (must_fork)
		run_forked(r, it, handed, timeout, res);
	else
		run_inproc(r, it, timeout, res);
	res->duration = hd_now() - t0;
	hd_take_output(r, &res->out);
	release_held(r, res);
	apply_xfail(t, res);
	hd_ctx.item = NULL;
}

void
hd_runner_free(struct hd_runner *r)
{
	size_t i;

	hd_runner_settle();
	hd_spare_drop(r);
	reap_exiting(r, 1);
	for (i = 0; i < hd_fixture_count(); i++) {
		free(r->fx[i].error);
		free(r->fx[i].suite_key);
		free(r->fx[i].hung);
		free(r->fx[i].hung_why);
	}
	free(r->fx);
	free(r->fxorder);
	buf_clear(&r->warnings);
	hd_dec_free(r->chan_dec);
	free(r->chan_dec);
	hd_sync_free(r->sync);
	if (r->chan[0] >= 0) {
		close(r->chan[0]);
		close(r->chan[1]);
	}
	munmap(r->shared, sizeof(struct hd_shared));
	r->shared = NULL;
	r->rec = r->spare_rec = NULL;
	hd_ctx.rec = NULL;
	close(r->capfd);
	if (r->spare_capfd >= 0)
		close(r->spare_capfd);
}

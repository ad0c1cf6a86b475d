/*
 * loop.c - worker processes and the controller's event loop.
 *
 * One ppoll() waits on every worker's socket and output pipes with SIGCHLD,
 * SIGINT and SIGTERM unblocked only inside it, so a signal cannot slip in
 * between a check and the sleep. A worker's death is learnt from SIGCHLD and
 * waitpid(), never from pipe EOF alone: a lingering grandchild may hold the
 * pipes open. Each worker and everything it starts is in its own process
 * group, which is what a kill aims at.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctl.h"
#include "plugin.h"
#include "expr.h"

#define CAPTURE_TAIL 8192	/* bytes of a crashed worker's output shown */
#define LINE_PIECE 65536	/* longest piece of a worker's line held back */

static volatile sig_atomic_t got_chld, got_int, got_dump;

static void stop_worker(struct worker *w);
static void grant(void *cookie, const char *name, int owner);
static void reply(struct worker *w, const char *type, const char *a, const char *b, size_t blen);
static void gfix_item_done(struct ctl *c, const struct citem *it, struct worker *w);
static void gfix_settled(struct ctl *c, struct gfix *g);
static void park_stop_all(struct ctl *c);
static sigset_t loop_mask;	/* blocked outside ppoll */

/*
 * SIGINT, SIGTERM, SIGHUP (the terminal went away) and SIGQUIT stop the run
 * alike; SIGQUIT and SIGUSR1 also print what every worker is doing, and
 * SIGUSR1 only that: its default action would kill the controller and
 * orphan its workers.
 */
static void
on_signal(int sig)
{
	if (sig == SIGCHLD)
		got_chld = 1;
	else if (sig == SIGUSR1)
		got_dump = 1;
	else
		got_int = sig;
	if (sig == SIGQUIT)
		got_dump = 1;
}

static void
signals_init(void)
{
	static const int sigs[] = { SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 };
	static int done;
	struct sigaction sa;
	size_t i;

	if (done++)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_NOCLDSTOP;
	sigemptyset(&loop_mask);
	for (i = 0; i < LEN(sigs); i++) {
		sigaction(sigs[i], &sa, NULL);
		sigaddset(&loop_mask, sigs[i]);
	}
	signal(SIGPIPE, SIG_IGN);
	sigprocmask(SIG_BLOCK, &loop_mask, NULL);
}

/* ---- starting and talking to workers ---- */

static int
make_capture(void)
{
	int fd = memfd_create("herd-capture", MFD_CLOEXEC);

	if (fd < 0) {
		char tpl[] = "/tmp/herd-capture-XXXXXX";

		fd = mkstemp(tpl);
		if (fd >= 0) {
			unlink(tpl);
			hd_cloexec(fd);
		}
	}
	return fd;
}

#define RESULTS_SIZE 65536	/* the file a worker keeps held-back results in */
#define RESULTS_HEADER 64	/* their length, then the messages from here */

/* That file, above fd 2 (resfd 0 means none); -1 if it cannot be made. */
static int
make_results(void)
{
	int fd = make_capture(), hi;

	if (fd >= 0 && ftruncate(fd, RESULTS_SIZE) < 0) {
		close(fd);
		return -1;
	}
	if (fd >= 0 && fd <= 2) {
		hi = fcntl(fd, F_DUPFD_CLOEXEC, 3);
		close(fd);
		fd = hi;
	}
	return fd;
}

/* Puts fd at number want in the child, clearing close-on-exec. */
static void
child_fd(int fd, int want)
{
	if (fd == want)
		fcntl(fd, F_SETFD, 0);
	else
		dup2(fd, want);
}

extern char **environ;

/* The variables worker_start sets; spawn_worker drops herd's own values of them. */
static const char *const worker_vars[] = {
	"HERD_WORKER=", "HERD_WORKER_COUNT=", "HERD_TESTRUN_UID=", "HERD_CONTROLLER_PID=",
	"HERD_COLLECT_HASH=", "HERD_PROTOCOL_FD=", "HERD_CAPTURE_FD=", "HERD_RESULTS_FD=",
};

/*
 * Starts b's worker with posix_spawn, which does not copy the controller's
 * page tables as fork() does: what starting a worker costs is then the
 * binary's own start-up. fds[] are the fds the worker gets as 0 to 5 (-1:
 * none, fd 0 is /dev/null), add[] the variables set. Returns the pid, or -1
 * when it cannot, and then worker_start forks as before (it also says why).
 */
static pid_t
spawn_worker(const struct binary *b, const int fds[6], char *const add[], size_t nadd)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, dfl;
	char *argv[2] = { b->path, NULL };
	char **envp;
	int hi[6], k, ok;
	size_t n = 0, i, j = 0, v;
	pid_t pid = -1;

	if (b->cwd)
		return -1;	/* the fork path enters it and says when it cannot */
	while (environ[n])
		n++;
	envp = xcalloc(n + nadd + 1, sizeof(*envp));
	for (i = 0; i < n; i++) {
		for (v = 0; v < LEN(worker_vars); v++)
			if (!strncmp(environ[i], worker_vars[v], strlen(worker_vars[v])))
				break;
		if (v == LEN(worker_vars))
			envp[j++] = environ[i];
	}
	for (i = 0; i < nadd; i++)
		envp[j++] = add[i];
	/* Above 5 first, so that no dup2 overwrites an fd still to be placed. */
	for (k = 1; k < 6; k++)
		hi[k] = fds[k] >= 0 ? fcntl(fds[k], F_DUPFD_CLOEXEC, 10) : -1;
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGTERM);
	sigaddset(&dfl, SIGHUP);
	sigaddset(&dfl, SIGQUIT);
	sigaddset(&dfl, SIGUSR1);
	sigaddset(&dfl, SIGCHLD);
	sigaddset(&dfl, SIGPIPE);
	ok = !posix_spawn_file_actions_init(&fa);
	if (ok && !posix_spawnattr_init(&at)) {
		ok = !posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
					       POSIX_SPAWN_SETSIGDEF) &&
		     !posix_spawnattr_setpgroup(&at, 0) && !posix_spawnattr_setsigmask(&at, &none) &&
		     !posix_spawnattr_setsigdefault(&at, &dfl) &&
		     !posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
		for (k = 1; k < 6 && ok; k++)
			ok = hi[k] < 0 || (fds[k] >= 0 && !posix_spawn_file_actions_adddup2(&fa, hi[k], k));
		for (k = 1; k < 6; k++)
			if (ok && fds[k] >= 0 && hi[k] < 0)
				ok = 0;	/* could not move it */
		if (ok && posix_spawn(&pid, b->path, &fa, &at, argv, envp))
			pid = -1;
		posix_spawnattr_destroy(&at);
	}
	posix_spawn_file_actions_destroy(&fa);
	for (k = 1; k < 6; k++)
		if (hi[k] >= 0)
			close(hi[k]);
	free(envp);
	return ok ? pid : -1;
}

static void
worker_start(struct ctl *c, struct worker *w, struct binary *b, int collect_only)
{
	int sv[2], out[2], err[2];
	char env[5][64], **penvs = NULL;
	size_t nplug = 0, nfixed = 0, k;
	pid_t pid;

	memset(w->name, 0, sizeof(w->name));
	snprintf(w->name, sizeof(w->name), "gw%d", w->slot);
	w->bin = b;
	w->collect_only = collect_only;
	w->state = W_HELLO;
	w->ncollected = 0;
	w->qhead = w->qlen = 0;
	w->releasing = w->timed_out = w->exited = w->status = w->said_bye = w->fed = 0;
	w->est_queued = 0;
	free(w->garbage), w->garbage = NULL;
	hd_dec_init(&w->dec);
	buf_reset(&w->wbuf);
	buf_reset(&w->outline);
	buf_reset(&w->errline);
	w->spawned = hd_now();
	w->deadline = w->spawned + c->collect_timeout;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 ||
	    pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)
		hd_fatal(3, "cannot create a worker's channels:");
	w->capfd = make_capture();
	if (w->capfd < 0)
		hd_fatal(3, "cannot create a capture file:");
	w->resfd = make_results();	/* without it, the worker sends each result */
	snprintf(env[0], sizeof(env[0]), "HERD_WORKER=%s", w->name);
	snprintf(env[1], sizeof(env[1]), "HERD_WORKER_COUNT=%d", c->nslots);
	snprintf(env[2], sizeof(env[2]), "HERD_TESTRUN_UID=%s", c->uid);
	/* The worker checks it is still ours once it asked to die with us. */
	snprintf(env[3], sizeof(env[3]), "HERD_CONTROLLER_PID=%ld", (long)getpid());
	/* A listed binary: the worker sends only its list's hash when it matches. */
	snprintf(env[4], sizeof(env[4]), "HERD_COLLECT_HASH=%016llx", (unsigned long long)b->hash);
	fflush(NULL);
	{
		int fds[6] = { -1, out[1], err[1], sv[1], w->capfd, w->resfd > 2 ? w->resfd : -1 };
		char *add[9], **all = add;
		size_t nadd = 0;

		add[nadd++] = env[0];
		add[nadd++] = env[1];
		add[nadd++] = env[2];
		add[nadd++] = env[3];
		if (b->collected)
			add[nadd++] = env[4];
		add[nadd++] = "HERD_PROTOCOL_FD=3";
		add[nadd++] = "HERD_CAPTURE_FD=4";
		if (fds[5] >= 0)
			add[nadd++] = "HERD_RESULTS_FD=5";
		if (PLUG_WANTS(HERD_HOOK_CONFIGURE_NODE)) {
			/* A plugin's variables come after ours: they cannot unset the protocol's. */
			char **penv = NULL;
			size_t np = 0;

			plug_configure_node(c, w, &penv, &np);
			all = xcalloc(nadd + np + 1, sizeof(*all));
			memcpy(all, add, nadd * sizeof(*add));
			for (k = 0; k < np; k++)
				all[nadd + k] = penv[k];
			free(penv);
			nplug = np;
		}
		pid = spawn_worker(b, fds, all, nadd + nplug);
		penvs = all != add ? all : NULL;
		nfixed = nadd;
	}
	if (pid < 0)
		pid = fork();
	if (pid < 0)
		hd_fatal(3, "cannot fork a worker:");
	if (pid == 0) {
		sigset_t none;
		int devnull = open("/dev/null", O_RDONLY);

		setpgid(0, 0);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		signal(SIGUSR1, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		/* Move the fds above the ones they are dup2()ed to before placing them. */
		sv[1] = fcntl(sv[1], F_DUPFD_CLOEXEC, 10);
		w->capfd = fcntl(w->capfd, F_DUPFD_CLOEXEC, 10);
		if (w->resfd > 2)
			w->resfd = fcntl(w->resfd, F_DUPFD_CLOEXEC, 10);
		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		child_fd(sv[1], 3);
		child_fd(w->capfd, 4);
		if (w->resfd > 2) {
			child_fd(w->resfd, 5);
			putenv("HERD_RESULTS_FD=5");
		} else {
			unsetenv("HERD_RESULTS_FD");
		}
		putenv(env[0]);
		putenv(env[1]);
		putenv(env[2]);
		putenv(env[3]);
		if (b->collected)
			putenv(env[4]);
		else
			unsetenv("HERD_COLLECT_HASH");
		putenv("HERD_PROTOCOL_FD=3");
		putenv("HERD_CAPTURE_FD=4");
		for (k = 0; k < nplug; k++)
			putenv(penvs[nfixed + k]);
		if (b->cwd && chdir(b->cwd) < 0) {
			fprintf(stderr, "herd: cannot enter %s: %s\n", b->cwd, strerror(errno));
			_exit(127);
		}
		execl(b->path, b->path, (char *)NULL);
		fprintf(stderr, "herd: cannot run %s: %s\n", b->path, strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	for (k = 0; k < nplug; k++)
		free(penvs[nfixed + k]);
	free(penvs);
	if (collect_only || !b->collected) {
		if (PLUG_WANTS(HERD_HOOK_EVENT))
			plug_event(c, HERD_EV_COLLECT_BEGIN, w->name, b->path, NULL);
	}
	close(sv[1]);
	close(out[1]);
	close(err[1]);
	w->pid = pid;
	w->sock = sv[0];
	w->outfd = out[0];
	w->errfd = err[0];
	hd_nonblock(w->sock, 1);
	hd_nonblock(w->outfd, 1);
	hd_nonblock(w->errfd, 1);
}

void
worker_send(struct worker *w, const char *type, const char *arg)
{
	hd_enc_begin(&w->wbuf, type);
	if (arg)
		hd_enc_str(&w->wbuf, arg);
	hd_enc_end(&w->wbuf);
}

static void
q_push(struct worker *w, struct citem *it)
{
	if (w->qhead + w->qlen == w->qcap) {
		if (w->qhead) {
			memmove(w->q, w->q + w->qhead, w->qlen * sizeof(*w->q));
			w->qhead = 0;
		} else {
			w->qcap = w->qcap ? w->qcap * 2 : 64;
			w->q = xreallocarray(w->q, w->qcap, sizeof(*w->q));
		}
	}
	w->q[w->qhead + w->qlen++] = it;
}

static void start_head(struct ctl *c, struct worker *w);

void
worker_send_run(struct ctl *c, struct worker *w, struct citem **v, size_t n)
{
	size_t i;

	if (!n)
		return;
	if (!w->qlen) {
		w->started = hd_now();
		w->deadline = 0;
	}
	w->fed = 1;
	hd_enc_begin(&w->wbuf, "run");
	for (i = 0; i < n; i++) {
		hd_enc_fmt(&w->wbuf, "%zu", v[i]->idx);
		v[i]->queued = 1;
		w->est_queued += v[i]->est;
		q_push(w, v[i]);
	}
	hd_enc_end(&w->wbuf);
	w->state = W_RUNNING;
	if (PLUG_WANTS(HERD_HOOK_EVENT)) {
		char what[48];

		snprintf(what, sizeof(what), "%zu item%s", n, n == 1 ? "" : "s");
		plug_event(c, HERD_EV_SCHEDULE, w->name, v[0]->id, what);
	}
	if (w->qlen == n)
		start_head(c, w);
}

static void
flush_writes(struct worker *w)
{
	ssize_t n;

	while (w->wbuf.len) {
		n = write(w->sock, w->wbuf.data, w->wbuf.len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				buf_reset(&w->wbuf);	/* dead: its death says the rest */
			return;
		}
		memmove(w->wbuf.data, w->wbuf.data + n, w->wbuf.len - (size_t)n);
		w->wbuf.len -= (size_t)n;
	}
}

static void
kill_worker(struct worker *w)
{
	if (w->pid > 0 && !w->exited)
		kill(-w->pid, SIGKILL);
}

static void
protocol_error(struct worker *w, const char *why)
{
	if (!w->garbage)
		w->garbage = xstrdup(why);
	kill_worker(w);
}

/* ---- results ---- */

static double
item_timeout(const struct ctl *c, const struct citem *it)
{
	return it->timeout > 0 ? it->timeout : c->timeout;
}

/*
 * A failed try with tries left is kept as an attempt and the item goes back
 * to the pool (after --reruns-delay); returns 1 then.
 */
static int
rerun(struct ctl *c, struct citem *it, enum hd_outcome o, double duration,
      const char *msg, size_t msglen, const char *out, size_t outlen, const struct worker *w)
{
	int allowed = it->reruns >= 0 ? it->reruns : c->reruns;
	struct hd_attempt *a;

	if ((o != HD_FAILED && o != HD_CRASHED && o != HD_TIMEOUT) || it->tries >= allowed ||
	    c->stopping || it->xfail)
		return 0;
	/* Reported before it joins the attempts: its reruns count the tries before it. */
	if (PLUG_WANTS(HERD_HOOK_RUNTEST_LOGREPORT))
		plug_runtest_logreport(c, it, o, duration, msg, msglen, out, outlen, w, 1);
	it->attempts = xreallocarray(it->attempts, (size_t)it->tries + 1, sizeof(*it->attempts));
	a = &it->attempts[it->tries++];
	a->outcome = o;
	a->duration = duration;
	a->message = xstrndup(msg ? msg : "", msglen);
	a->output = outlen ? xstrndup(out, outlen) : NULL;
	a->outlen = outlen;
	it->queued = 0;
	if (c->reruns_delay > 0) {
		it->not_before = hd_now() + c->reruns_delay;
		c->delayed = xreallocarray(c->delayed, c->ndelayed + 1, sizeof(*c->delayed));
		c->delayed[c->ndelayed++] = it;
	} else {
		sched_return(it->bin, &it, 1);
	}
	return 1;
}

/* Reruns whose delay is over go back to their pools. */
void
ctl_wake_delayed(struct ctl *c, double now)
{
	size_t i = 0;

	while (i < c->ndelayed) {
		struct citem *it = c->delayed[i];

		if (it->not_before > now) {
			i++;
			continue;
		}
		sched_return(it->bin, &it, 1);
		c->delayed[i] = c->delayed[--c->ndelayed];
	}
}

/* ---- the isolation check: is a failure of none isolation order-dependent? ---- */

#define HIST_SHOWN 50	/* earlier tests a report names at most */

/* In none isolation, it ran in w's process: it joins that process's history,
 * and remembers how much of it came first. */
static void
note_history(struct ctl *c, struct citem *it, struct worker *w)
{
	struct hist *h;

	if (!c->isolation_none || !w || w->pid <= 0)
		return;
	if (!w->hist || w->hist->pid != w->pid) {
		h = xcalloc(1, sizeof(*h));
		h->pid = w->pid;
		snprintf(h->worker, sizeof(h->worker), "%s", w->name);
		c->hists = xreallocarray(c->hists, c->nhists + 1, sizeof(*c->hists));
		c->hists[c->nhists++] = h;
		w->hist = h;
	}
	h = w->hist;
	it->hist = h;
	it->nbefore = h->n;
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 64;
		h->v = xreallocarray(h->v, h->cap, sizeof(*h->v));
	}
	h->v[h->n++] = it;
}

/* Whether it uses a global fixture: set up once per run, it cannot be
 * rerun alone once torn down, so such an item is not checked. */
static int
uses_gfix(const struct ctl *c, const struct citem *it)
{
	size_t i;

	for (i = 0; it->fixtures && i < c->ngfix; i++)
		if (hd_match_words(c->gfix[i].name, strlen(c->gfix[i].name), it->fixtures))
			return 1;
	return 0;
}

/*
 * A final failure, error or crash in none isolation, after other tests ran
 * in its process, is rerun alone in a fresh one once the run is over. A
 * timeout is not: rerunning a hang costs its limit again. Nor is an error
 * of a fixture that timed out (libherd says "fixture 'f' setup timed out
 * after 1s"): every test of its suite has that error. Nor is a member of a
 * serial group, which depends on the members before it by design.
 */
static void
want_check(struct ctl *c, struct citem *it, enum hd_outcome o)
{
	if (!c->isolation_none || c->no_iso_check || !it->hist || !it->nbefore || it->xfail ||
	    (o != HD_FAILED && o != HD_ERROR && o != HD_CRASHED) || uses_gfix(c, it) ||
	    (o == HD_ERROR && it->message && strstr(it->message, " timed out after ")) ||
	    (it->group && (it->strategy == HD_ST_SERIAL || it->strategy == HD_ST_ISOLATED_SERIAL)))
		return;
	c->checks = xreallocarray(c->checks, c->nchecks + 1, sizeof(*c->checks));
	c->checks[c->nchecks++] = it;
}

/*
 * The item passed alone: its outcome stays (the run's counts stay true) and
 * its message says so first, then names what ran before it in that process.
 */
static void
order_dependent(struct citem *it)
{
	const struct hist *h = it->hist;
	struct buf m = BUF_INIT;
	size_t k, from = it->nbefore > HIST_SHOWN ? it->nbefore - HIST_SHOWN : 0;

	it->order_dep = 1;
	buf_printf(&m, "order-dependent: passes alone\n"
		   "It failed in worker %s after %zu test%s ran there, and passes alone in a "
		   "fresh process.\nTests that ran before it in that process, oldest first:\n",
		   h->worker, it->nbefore, it->nbefore == 1 ? "" : "s");
	if (from)
		buf_printf(&m, "  (%zu earlier not shown)\n", from);
	for (k = from; k < it->nbefore; k++)
		buf_printf(&m, "  %s\n", h->v[k]->id);
	buf_printf(&m, "Find the one that makes it fail: herd --bisect %s\n"
		   "The failure in the run:\n%s", it->id, it->message ? it->message : "");
	free(it->message);
	it->message = xstrdup(m.data);
	buf_clear(&m);
}

/* The result of a rerun alone: only a pass changes the report. */
static void
check_done(struct citem *it, enum hd_outcome o)
{
	it->checking = 0;
	it->queued = 0;
	if (o == HD_PASSED)
		order_dependent(it);
}

static void
finish_item(struct ctl *c, struct citem *it, enum hd_outcome o, double duration,
	    const char *msg, size_t msglen, const char *out, size_t outlen,
	    struct worker *w)
{
	if (it->checking) {
		check_done(it, o);
		return;
	}
	note_history(c, it, w);
	if (rerun(c, it, o, duration, msg, msglen, out, outlen, w))
		return;
	/* Final: one user fewer for its global fixtures (a rerun still needs them). */
	gfix_item_done(c, it, w);
	if (o == HD_PASSED && it->tries)
		o = HD_FLAKY;

	it->outcome = o;
	it->duration = duration;
	it->queued = 0;
	free(it->message);
	free(it->output);
	it->message = msglen ? xstrndup(msg, msglen) : NULL;
	it->output = outlen ? xstrndup(out, outlen) : NULL;
	it->outlen = outlen;
	it->worker = w ? w->name : NULL;
	c->ndone++;
	if (hd_outcome_fails(o))
		c->failures++;
	want_check(c, it, o);
	/* The terminal's progress is a plugin's too (main.c's "terminal"). */
	if (PLUG_WANTS(HERD_HOOK_RUNTEST_LOGREPORT))
		plug_runtest_logreport(c, it, o, duration, msg, msglen, out, outlen, w, 0);
	if (c->maxfail && c->failures >= (size_t)c->maxfail && !c->stopping) {
		c->stopping = 1;
		c->stop_reason = xasprintf("stopping after %zu failure%s", c->failures,
					   c->failures == 1 ? "" : "s");
	}
}

static struct citem *
head(struct worker *w)
{
	return w->qlen ? w->q[w->qhead] : NULL;
}

/* The item at the head of w's queue starts now (as far as we can tell). */
static void
start_head(struct ctl *c, struct worker *w)
{
	struct citem *it = head(w);

	if (!it)
		return;
	it->started = w->started;
	if (PLUG_WANTS(HERD_HOOK_RUNTEST_LOGSTART))
		plug_runtest_logstart(c, it, w);
}

static void
pop_head(struct worker *w)
{
	w->est_queued -= w->q[w->qhead]->est;
	w->qhead++;
	w->qlen--;
	w->started = hd_now();
}

/* ---- messages from a worker ---- */

/* A worker that has collected becomes a run worker: it gets its settings. */
static void
promote(struct ctl *c, struct worker *w)
{
	hd_enc_begin(&w->wbuf, "config");
	hd_enc_str(&w->wbuf, c->isolation_none ? "isolation=none" : "isolation=fork");
	hd_enc_fmt(&w->wbuf, "timeout=%g", c->timeout);
	hd_enc_fmt(&w->wbuf, "grace=%g", c->grace);
	hd_enc_str(&w->wbuf, c->capture ? "capture=1" : "capture=0");
	hd_enc_end(&w->wbuf);
	w->collect_only = 0;
	w->bin->workers++;
	if (PLUG_WANTS(HERD_HOOK_TESTNODEREADY))
		plug_testnodeready(c, w);
}

static int
strategy_of(const char *v)
{
	static const char *const names[] = { "free", "serial", "isolated_free", "isolated_serial" };
	int i;

	for (i = 0; v && i < 4; i++)
		if (!strcmp(v, names[i]))
			return i;
	return HD_ST_FREE;
}

int
ctl_resource(struct ctl *c, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < c->nres; i++)
		if (strlen(c->res[i].name) == len && !memcmp(c->res[i].name, name, len))
			return (int)i;
	c->res = xreallocarray(c->res, c->nres + 1, sizeof(*c->res));
	c->res[c->nres].name = xstrndup(name, len);
	c->res[c->nres].cap = 1;	/* unless --resource says otherwise */
	c->res[c->nres].used = 0;
	return (int)c->nres++;
}

/* .resources = "pg gpu:2": one token of pg, two of gpu. */
static void
parse_demands(struct ctl *c, struct citem *it, const char *v)
{
	while (*v) {
		size_t len, name;
		const char *colon;
		long n = 1;

		v += strspn(v, " \t,");
		len = strcspn(v, " \t,");
		if (!len)
			break;
		if (it->nneed == HD_MAX_DEMANDS) {
			buf_printf(&c->warnings, "%s names more than %d resources: the rest are ignored\n",
				   it->id, HD_MAX_DEMANDS);
			break;
		}
		colon = memchr(v, ':', len);
		name = colon ? (size_t)(colon - v) : len;
		if (colon && (n = strtol(colon + 1, NULL, 10)) < 1)
			n = 1;
		it->need = xreallocarray(it->need, it->nneed + 1, sizeof(*it->need));
		it->need[it->nneed].res = ctl_resource(c, v, name);
		it->need[it->nneed].n = n;
		it->nneed++;
		v += len;
	}
}

static void
add_gfix(struct ctl *c, const char *name, struct binary *b)
{
	size_t i;

	for (i = 0; i < c->ngfix; i++)
		if (!strcmp(c->gfix[i].name, name))
			return;
	c->gfix = xreallocarray(c->gfix, c->ngfix + 1, sizeof(*c->gfix));
	memset(&c->gfix[c->ngfix], 0, sizeof(*c->gfix));
	c->gfix[c->ngfix].name = xstrdup(name);
	c->gfix[c->ngfix].owner = -1;
	c->gfix[c->ngfix].bin = b;
	c->ngfix++;
}

static struct gfix *
find_gfix(struct ctl *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->ngfix; i++)
		if (!strcmp(c->gfix[i].name, name))
			return &c->gfix[i];
	return NULL;
}

static int
add_collected(struct ctl *c, struct worker *w, const struct hd_msg *m)
{
	struct binary *b = w->bin;
	const char *v;
	size_t i = w->ncollected;

	if (m->nf < 2)
		return -1;
	if (b->collected) {
		/* A run worker: xdist's check that it collected the same list. */
		if (i >= b->n || strcmp(b->items[i].id, m->f[1]))
			return 1;
		w->ncollected++;
		return 0;
	}
	if (i == b->n)
		b->items = xreallocarray(b->items, b->n = b->n ? b->n * 2 : 64, sizeof(*b->items));
	memset(&b->items[i], 0, sizeof(b->items[i]));
	{
		struct citem *it = &b->items[i];

		it->bin = b;
		it->idx = i;
		it->pin = -1;
		it->id = xstrdup(m->f[1]);
		it->file = xstrdup((v = hd_msg_kv(m, 2, "file")) ? v : "");
		it->suite = xstrdup((v = hd_msg_kv(m, 2, "suite")) ? v : "");
		it->name = xstrdup((v = hd_msg_kv(m, 2, "name")) ? v : it->id);
		it->marks = xstrdup((v = hd_msg_kv(m, 2, "marks")) ? v : "");
		it->group = (v = hd_msg_kv(m, 2, "group")) ? xstrdup(v) : NULL;
		it->skip = (v = hd_msg_kv(m, 2, "skip")) ? xstrdup(v) : NULL;
		it->xfail = (v = hd_msg_kv(m, 2, "xfail")) ? xstrdup(v) : NULL;
		it->line = (v = hd_msg_kv(m, 2, "line")) ? atoi(v) : 0;
		it->timeout = (v = hd_msg_kv(m, 2, "timeout")) ? hd_parse_seconds(v) : 0;
		if (it->timeout < 0)
			it->timeout = 0;
		it->fixtures = (v = hd_msg_kv(m, 2, "fixtures")) ? xstrdup(v) : NULL;
		it->fxparam = (v = hd_msg_kv(m, 2, "fxparam")) ? xstrdup(v) : NULL;
		it->wxparam = (v = hd_msg_kv(m, 2, "wxparam")) ? xstrdup(v) : NULL;
		it->reruns = (v = hd_msg_kv(m, 2, "reruns")) ? atoi(v) : -1;
		it->exclusive = (v = hd_msg_kv(m, 2, "exclusive")) && strcmp(v, "0");
		it->strategy = strategy_of(hd_msg_kv(m, 2, "strategy"));
		if ((v = hd_msg_kv(m, 2, "resources")))
			parse_demands(c, it, v);
	}
	w->ncollected++;
	return 0;
}

/*
 * The hash of a binary's list, as the worker computes it: FNV-1a 64 over each
 * id followed by a LF, in order (docs/protocol.md, collected).
 */
static uint64_t
list_hash(const struct binary *b)
{
	uint64_t h = HD_FNV_BASIS;
	size_t i;

	for (i = 0; i < b->n; i++)
		h = hd_list_hash_add(h, b->items[i].id);
	return h;
}

/* A worker that sent no items: its count and hash say it has b's list. */
static int
hash_matches(const struct binary *b, const struct hd_msg *m)
{
	const char *v = hd_msg_kv(m, 2, "hash");
	char want[24];

	snprintf(want, sizeof(want), "%016llx", (unsigned long long)b->hash);
	return m->nf > 1 && strtoull(m->f[1], NULL, 10) == b->n && v && !strcmp(v, want);
}

/* The difference between a binary's list and what w collected, for the error. */
static void
collection_diff(struct ctl *c, struct worker *w, const struct hd_msg *m)
{
	struct binary *b = w->bin;

	fprintf(stderr, "herd: Different tests were collected between %s and %s. The difference is:\n"
		"--- %s\n+++ %s\n", b->first, w->name, b->first, w->name);
	if (w->ncollected < b->n)
		fprintf(stderr, "-%s\n", b->items[w->ncollected].id);
	if (m && m->nf > 1 && !strcmp(m->f[0], "item"))
		fprintf(stderr, "+%s\n", m->f[1]);
	else if (m && !strcmp(m->f[0], "collected"))
		fprintf(stderr, "(%s listed %zu items, %s %zu)\n",
			w->name, w->ncollected, b->first, b->n);
	c->aborted = 1;
}

/*
 * An item of w is over, however it ended: its tokens, the locks its test
 * still held, its global fixtures. Returns a note on the locks, or NULL.
 */
static char *
after_item(struct ctl *c, struct worker *w)
{
	struct buf held = BUF_INIT;
	char *note = NULL;

	sched_item_done(c, w);
	if (hd_sync_waiting(c->sync, w->slot))
		reply(w, "fail", "the test ended while waiting for a lock", NULL, 0);
	hd_sync_release_all(c->sync, w->slot, &held, grant, c);
	if (held.len) {
		held.data[held.len - 1] = '\0';
		note = xasprintf("the test ended holding lock(s), now released: %s\n", held.data);
	}
	buf_clear(&held);
	return note;
}

static void
handle_result(struct ctl *c, struct worker *w, const struct hd_msg *m)
{
	struct citem *it = head(w);
	enum hd_outcome o;
	size_t idx;
	double d;
	char *held;

	if (m->nf < 6 || hd_msg_size(m, 1, &idx) < 0 || !it || it->idx != idx ||
	    (o = hd_outcome_parse(m->f[2])) == HD_NONE) {
		protocol_error(w, "a result for an item it was not running");
		return;
	}
	d = hd_parse_seconds(m->f[3]);
	pop_head(w);
	start_head(c, w);
	held = after_item(c, w);
	if (held) {
		struct buf msg = BUF_INIT;

		buf_add(&msg, m->f[4], m->len[4]);
		buf_adds(&msg, held);
		finish_item(c, it, o, d < 0 ? 0 : d, msg.data, msg.len, m->f[5], m->len[5], w);
		buf_clear(&msg);
		free(held);
	} else {
		finish_item(c, it, o, d < 0 ? 0 : d, m->f[4], m->len[4], m->f[5], m->len[5], w);
	}
}

static void
handle_released(struct ctl *c, struct worker *w, const struct hd_msg *m)
{
	struct citem **back = xcalloc(m->nf, sizeof(*back));
	size_t i, n = 0, idx;

	w->releasing = 0;
	/*
	 * The worker names unstarted items, its last first. Our copy of its
	 * queue may have grown since it answered (items sent after the release),
	 * or have one item more in front (a result still on its way): take each
	 * named item out wherever it stands; the order of the rest is kept.
	 */
	for (i = 1; i < m->nf; i++) {
		size_t k;

		if (hd_msg_size(m, i, &idx) < 0)
			k = w->qlen;
		else
			for (k = w->qlen; k-- > 0 && w->q[w->qhead + k]->idx != idx;)
				;
		if (k >= w->qlen) {
			protocol_error(w, "released items it did not hold");
			break;
		}
		back[n] = w->q[w->qhead + k];
		back[n++]->queued = 0;
		w->est_queued -= w->q[w->qhead + k]->est;
		memmove(&w->q[w->qhead + k], &w->q[w->qhead + k + 1],
			(w->qlen - k - 1) * sizeof(*w->q));
		w->qlen--;
	}
	/* back[] is in reverse order: restore the original order. */
	for (i = 0; i < n / 2; i++) {
		struct citem *t = back[i];

		back[i] = back[n - 1 - i];
		back[n - 1 - i] = t;
	}
	/* Straight to the worker that asked, or it would go back to w. */
	if (w->thief >= 0 && w->thief < c->nslots && !c->stopping &&
	    c->w[w->thief].pid > 0 && c->w[w->thief].bin == w->bin &&
	    (c->w[w->thief].state == W_IDLE || c->w[w->thief].state == W_RUNNING))
		worker_send_run(c, &c->w[w->thief], back, n);
	else
		sched_return(w->bin, back, n);
	w->thief = -1;
	free(back);
}

static void
reply(struct worker *w, const char *type, const char *a, const char *b, size_t blen)
{
	hd_enc_begin(&w->wbuf, type);
	if (a)
		hd_enc_str(&w->wbuf, a);
	if (b)
		hd_enc_mem(&w->wbuf, b, blen);
	hd_enc_end(&w->wbuf);
}

static void
grant(void *cookie, const char *name, int owner)
{
	struct ctl *c = cookie;

	if (owner >= 0 && owner < c->nslots && c->w[owner].pid > 0) {
		reply(&c->w[owner], "locked", NULL, NULL, 0);
		if (PLUG_WANTS(HERD_HOOK_EVENT))
			plug_event(c, HERD_EV_LOCK_GOT, c->w[owner].name, name, NULL);
	}
}

/* A global fixture's setup is over: tell everyone who waited. */
static void
gfix_settled(struct ctl *c, struct gfix *g)
{
	size_t i;

	for (i = 0; i < g->nwait; i++) {
		struct worker *o = &c->w[g->waiters[i]];

		if (o->pid <= 0)
			continue;
		if (g->state == G_READY)
			reply(o, "fixture", "ready", NULL, 0);
		else
			reply(o, "fixture", g->skipped ? "skipped" : "failed", g->reason,
			      strlen(g->reason));
	}
	g->nwait = 0;
}

/* Locks, board, trails and global fixtures: 1 if m was such a request. */
static int
serve(struct ctl *c, struct worker *w, const struct hd_msg *m)
{
	const char *type = m->f[0], *name = m->nf > 1 ? m->f[1] : "", *v;
	struct gfix *g;
	size_t len;
	int r;

	if (!strcmp(type, "lock")) {
		r = hd_sync_lock(c->sync, name, w->slot);
		if (PLUG_WANTS(HERD_HOOK_EVENT))
			plug_event(c, r > 0 ? HERD_EV_LOCK_GOT : HERD_EV_LOCK_WAIT, w->name, name, NULL);
		if (r > 0)
			reply(w, "locked", NULL, NULL, 0);
		else if (r < 0)
			reply(w, "fail", "the lock is already held or awaited by this worker", NULL, 0);
	} else if (!strcmp(type, "unlock")) {
		r = hd_sync_unlock(c->sync, name, w->slot);
		reply(w, "ok", NULL, NULL, 0);
		if (PLUG_WANTS(HERD_HOOK_EVENT))
			plug_event(c, HERD_EV_LOCK_RELEASE, w->name, name, NULL);
		if (r >= 0)
			grant(c, name, r);
	} else if (!strcmp(type, "board-set") && m->nf > 2) {
		hd_sync_board_set(c->sync, name, m->f[2], m->len[2]);
		reply(w, "ok", NULL, NULL, 0);
	} else if (!strcmp(type, "board-get")) {
		v = hd_sync_board_get(c->sync, name, &len);
		reply(w, "board", v ? "1" : "0", v ? v : "", v ? len : 0);
	} else if (!strcmp(type, "trail-start") || !strcmp(type, "trail-finish")) {
		reply(w, "trail", hd_sync_trail(c->sync, name, type[6] == 's') ? "1" : "0", NULL, 0);
	} else if (!strcmp(type, "fixture-setup")) {
		if (!(g = find_gfix(c, name))) {
			reply(w, "fixture", "run", NULL, 0);	/* not global here: its own */
		} else if (g->state == G_NONE) {
			g->state = G_SETTING;
			g->owner = w->slot;
			reply(w, "fixture", "run", NULL, 0);
			if (PLUG_WANTS(HERD_HOOK_EVENT))
				plug_event(c, HERD_EV_GFIX_BEGIN, w->name, name, NULL);
		} else if (g->state == G_SETTING) {
			g->waiters = xreallocarray(g->waiters, g->nwait + 1, sizeof(*g->waiters));
			g->waiters[g->nwait++] = w->slot;
		} else if (g->state == G_FAILED) {
			reply(w, "fixture", g->skipped ? "skipped" : "failed", g->reason,
			      strlen(g->reason));
		} else {
			reply(w, "fixture", "ready", NULL, 0);
		}
	} else if (!strcmp(type, "fixture-done")) {
		reply(w, "ok", NULL, NULL, 0);
		if ((g = find_gfix(c, name)) && g->state == G_SETTING && g->owner == w->slot) {
			int ok = m->nf > 2 && !strcmp(m->f[2], "ok");

			if (PLUG_WANTS(HERD_HOOK_EVENT))
				plug_event(c, HERD_EV_GFIX_END, w->name, name, ok ? "ok" : "failed");
			g->state = ok ? G_READY : G_FAILED;
			g->skipped = m->nf > 2 && !strcmp(m->f[2], "skipped");
			if (g->skipped)
				g->reason = xasprintf("%.*s", m->nf > 3 ? (int)m->len[3] : 0,
						      m->nf > 3 ? m->f[3] : "");
			else if (!ok)
				g->reason = xasprintf("global fixture '%s' setup failed (in %s)\n%.*s", name,
						      w->name, m->nf > 3 ? (int)m->len[3] : 0,
						      m->nf > 3 ? m->f[3] : "");
			gfix_settled(c, g);
		}
	} else if (!strcmp(type, "fixture-torn")) {
		if (m->nf > 2 && strcmp(m->f[2], "ok"))
			buf_printf(&c->warnings, "global fixture '%s' teardown failed (in %s)\n%.*s",
				   name, w->name, m->nf > 3 ? (int)m->len[3] : 0, m->nf > 3 ? m->f[3] : "");
	} else {
		return 0;
	}
	return 1;
}

static int
usable(const struct worker *w)
{
	return w && w->pid > 0 && !w->exited && (w->state == W_IDLE || w->state == W_RUNNING);
}

/*
 * Sends g's teardown: to last, the worker that ran its last user, if alive;
 * else to the worker that set it up; else to any live worker.
 */
static void
gfix_teardown(struct ctl *c, struct gfix *g, struct worker *last)
{
	struct worker *to = usable(last) ? last : NULL;
	int k;

	if (!to && g->owner >= 0 && usable(&c->w[g->owner]))
		to = &c->w[g->owner];
	for (k = 0; !to && k < c->nslots; k++)
		if (usable(&c->w[k]))
			to = &c->w[k];
	if (!to) {
		/* The last user took its worker down: ctl_run starts one for this. */
		g->pending = 1;
		return;
	}
	g->teardown_sent = 1;
	g->pending = 0;
	g->state = G_DONE;
	reply(to, "fixture-teardown", g->name, NULL, 0);
	if (PLUG_WANTS(HERD_HOOK_EVENT))
		plug_event(c, HERD_EV_GFIX_TEARDOWN, to->name, g->name, NULL);
}

/*
 * Teardowns still due find a worker: a live one of the fixture's binary,
 * else a new one started for it. Returns nonzero while some are due.
 */
static int
gfix_pending(struct ctl *c)
{
	size_t k;
	int i, due = 0;

	for (k = 0; k < c->ngfix; k++) {
		struct gfix *g = &c->gfix[k];

		int coming = 0;

		if (!g->pending || c->interrupted || c->aborted)
			continue;
		gfix_teardown(c, g, NULL);
		if (!g->pending)
			continue;
		if (c->stopping) {
			/* Stopping: no new worker is started just for this. */
			g->pending = 0;
			buf_printf(&c->warnings, "global fixture '%s' was not torn down: no worker left\n",
				   g->name);
			continue;
		}
		due = 1;
		for (i = 0; i < c->nslots; i++)
			coming |= c->w[i].pid > 0 && c->w[i].bin == g->bin &&
				  c->w[i].state != W_STOPPING;
		for (i = 0; !coming && i < c->nslots; i++)
			if (c->w[i].pid <= 0) {
				worker_start(c, &c->w[i], g->bin, 0);
				coming = 1;
			}
	}
	return due;
}

/* One fewer user of each global fixture it; the last one's worker tears it down. */
static void
gfix_item_done(struct ctl *c, const struct citem *it, struct worker *w)
{
	size_t i;

	if (!it->fixtures || !c->ngfix)
		return;
	for (i = 0; i < c->ngfix; i++) {
		struct gfix *g = &c->gfix[i];

		if (!hd_match_words(g->name, strlen(g->name), it->fixtures) || !g->users)
			continue;
		if (--g->users || g->state != G_READY || g->teardown_sent)
			continue;
		gfix_teardown(c, g, w);
	}
}

static void
handle(struct ctl *c, struct worker *w, const struct hd_msg *m)
{
	const char *type = m->f[0];
	int r;

	if (w->state == W_HELLO) {
		if (strcmp(type, "hello") || m->nf < 2) {
			protocol_error(w, "it did not start with hello");
			return;
		}
		if (strcmp(m->f[1], "1")) {
			protocol_error(w, "it speaks another protocol version");
			return;
		}
		w->state = W_COLLECTING;
		return;
	}
	if (!strcmp(type, "item") && w->state == W_COLLECTING) {
		r = add_collected(c, w, m);
		if (r > 0)
			collection_diff(c, w, m);
		else if (r < 0)
			protocol_error(w, "an item without an id");
	} else if (!strcmp(type, "collected") && w->state == W_COLLECTING) {
		struct binary *b = w->bin;

		if (!b->collected) {
			snprintf(b->first, sizeof(b->first), "%s", w->name);
			b->n = w->ncollected;
			b->collected = 1;
			b->collecting = 0;
			b->hash = list_hash(b);
			b->startup = hd_now() - w->spawned;
		} else if (!w->ncollected && b->n && !hash_matches(b, m)) {
			fprintf(stderr, "herd: Different tests were collected between %s and %s: "
				"%s sent the count and hash of another list\n", b->first, w->name, w->name);
			c->aborted = 1;
			return;
		} else if (w->ncollected && w->ncollected != b->n) {
			collection_diff(c, w, m);
			return;
		}
		w->state = W_IDLE;
		w->deadline = 0;
		if (PLUG_WANTS(HERD_HOOK_EVENT))
			plug_event(c, HERD_EV_COLLECT_END, w->name, b->path, NULL);
		if (PLUG_WANTS(HERD_HOOK_NODE_COLLECTION_FINISHED))
			plug_node_collection_finished(c, w);
		if (!w->collect_only)
			promote(c, w);
	} else if (!strcmp(type, "result") && (w->state == W_RUNNING || w->state == W_STOPPING)) {
		handle_result(c, w, m);
	} else if (!strcmp(type, "fixture") && w->state == W_COLLECTING) {
		if (m->nf > 1 && !w->bin->collected)
			add_gfix(c, m->f[1], w->bin);
	} else if (serve(c, w, m)) {
		/* a request of a test or of a fixture, answered */
	} else if (!strcmp(type, "released")) {
		handle_released(c, w, m);
	} else if (!strcmp(type, "warning")) {
		fprintf(stderr, "[%s] warning: %.*s", w->name, (int)m->len[1], m->nf > 1 ? m->f[1] : "");
	} else if (!strcmp(type, "bye")) {
		w->state = W_STOPPING;
		w->said_bye = 1;
	} else {
		char why[128];

		snprintf(why, sizeof(why), "an unexpected message '%.40s'", type);
		protocol_error(w, why);
	}
}

static void
read_sock(struct ctl *c, struct worker *w)
{
	char tmp[65536], err[160];
	struct hd_msg *m;
	ssize_t n;
	int r;

	for (;;) {
		n = read(w->sock, tmp, sizeof(tmp));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0 || errno != EAGAIN) {
				close(w->sock);
				w->sock = -1;
			}
			return;
		}
		hd_dec_feed(&w->dec, tmp, (size_t)n);
		while (!w->garbage && !c->aborted &&
		       (r = hd_dec_next(&w->dec, &m, err, sizeof(err))) != 0) {
			if (r < 0) {
				protocol_error(w, err);
				break;
			}
			handle(c, w, m);
		}
		if (w->garbage || c->aborted)
			return;
	}
}

/*
 * Stray output of a worker: shown a line at a time, prefixed by its name. A
 * line longer than LINE_PIECE is shown in pieces of that size, each on a
 * line of its own: what is held per worker stays bounded whatever it writes.
 */
static void
read_output(struct ctl *c, struct worker *w, int *fd, struct buf *line, FILE *to)
{
	char tmp[65536];
	ssize_t n;
	char *nl;

	for (;;) {
		n = read(*fd, tmp, sizeof(tmp));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0 || errno != EAGAIN) {
				if (line->len)
					fprintf(to, "[%s] %s\n", w->name, line->data);
				buf_reset(line);
				close(*fd);
				*fd = -1;
			}
			break;
		}
		buf_add(line, tmp, (size_t)n);
		while ((nl = memchr(line->data, '\n', line->len))) {
			size_t k = (size_t)(nl - line->data) + 1;

			/* A line of its own, not the tail of the progress line. */
			if (to == c->term.out)
				hd_term_break(&c->term);
			fprintf(to, "[%s] %.*s", w->name, (int)k, line->data);
			memmove(line->data, line->data + k, line->len - k);
			line->len -= k;
			line->data[line->len] = '\0';
		}
		while (line->len >= LINE_PIECE) {
			if (to == c->term.out)
				hd_term_break(&c->term);
			fprintf(to, "[%s] %.*s\n", w->name, LINE_PIECE, line->data);
			memmove(line->data, line->data + LINE_PIECE, line->len - LINE_PIECE);
			line->len -= LINE_PIECE;
			line->data[line->len] = '\0';
		}
	}
	fflush(to);
}

/* ---- deaths ---- */

static void
capture_tail(struct worker *w, struct buf *out)
{
	struct stat st;
	off_t from;
	ssize_t n;

	if (w->capfd < 0 || fstat(w->capfd, &st) < 0 || st.st_size <= 0)
		return;
	from = st.st_size > CAPTURE_TAIL ? st.st_size - CAPTURE_TAIL : 0;
	buf_grow(out, CAPTURE_TAIL);
	n = pread(w->capfd, out->data + out->len, (size_t)(st.st_size - from), from);
	if (n > 0)
		out->len += (size_t)n;
	out->data[out->len] = '\0';
}

static void
describe_status(int status, struct buf *b)
{
	char tmp[32];

	if (WIFSIGNALED(status))
		buf_printf(b, "killed by %s (%s)", hd_signame(WTERMSIG(status), tmp, sizeof(tmp)),
			   strsignal(WTERMSIG(status)));
	else
		buf_printf(b, "exited with status %d", WEXITSTATUS(status));
}

/*
 * The results a dead worker held back (docs/protocol.md, section 5, Batched
 * results), taken as if they had come on the channel. Those before its
 * running item reached us on the channel already, just before it died.
 */
static void
read_held(struct ctl *c, struct worker *w)
{
	struct hd_dec dec;
	struct hd_msg *m;
	uint64_t len = 0;
	char *data, err[160];
	size_t idx;
	int r, on = 0;

	if (w->resfd <= 2 || pread(w->resfd, &len, sizeof(len), 0) != (ssize_t)sizeof(len) ||
	    len == 0 || len > RESULTS_SIZE - RESULTS_HEADER)
		return;
	data = xmalloc((size_t)len);
	if (pread(w->resfd, data, (size_t)len, RESULTS_HEADER) != (ssize_t)len) {
		free(data);
		return;
	}
	hd_dec_init(&dec);
	hd_dec_feed(&dec, data, (size_t)len);
	while (!w->garbage && !c->aborted && (r = hd_dec_next(&dec, &m, err, sizeof(err))) != 0) {
		if (r < 0 || strcmp(m->f[0], "result")) {
			protocol_error(w, r < 0 ? err : "a held-back message that is no result");
			break;
		}
		if (!on && head(w) && m->nf > 1 && hd_msg_size(m, 1, &idx) == 0 &&
		    idx == head(w)->idx)
			on = 1;
		if (on)
			handle(c, w, m);
	}
	hd_dec_free(&dec);
	free(data);
}

static void
close_worker(struct worker *w)
{
	if (w->sock >= 0)
		close(w->sock);
	if (w->outfd >= 0)
		close(w->outfd);
	if (w->errfd >= 0)
		close(w->errfd);
	if (w->capfd >= 0)
		close(w->capfd);
	if (w->resfd > 2)
		close(w->resfd);
	w->sock = w->outfd = w->errfd = w->capfd = w->resfd = -1;
	hd_dec_free(&w->dec);
	if (w->bin && w->state != W_HELLO && w->state != W_COLLECTING && !w->collect_only &&
	    w->bin->workers)
		w->bin->workers--;
	w->state = W_DEAD;
	w->pid = 0;
	w->hist = NULL;		/* the next process starts a history of its own */
	w->releasing = 0;
	w->thief = -1;
}

/* The global fixture w was setting up, if any. */
static struct gfix *
owned_setup(struct ctl *c, const struct worker *w)
{
	size_t i;

	for (i = 0; i < c->ngfix; i++)
		if (c->gfix[i].state == G_SETTING && c->gfix[i].owner == w->slot)
			return &c->gfix[i];
	return NULL;
}

/* testnodedown: error is why it went, NULL when it left as asked. */
static void
node_down(struct ctl *c, struct worker *w, const char *error)
{
	struct buf why = BUF_INIT;

	if (!error && !w->said_bye && !(WIFEXITED(w->status) && WEXITSTATUS(w->status) == 0)) {
		describe_status(w->status, &why);
		error = why.data;
	}
	plug_testnodedown(c, w, error);
	buf_clear(&why);
}

/* A worker is gone: account for its items; say why if it was not asked to go. */
static void
worker_died(struct ctl *c, struct worker *w)
{
	struct citem *it = head(w);
	struct buf msg = BUF_INIT, out = BUF_INIT;
	struct gfix *g;
	char *held;

	if (w->sock >= 0)
		read_sock(c, w);	/* results it wrote before dying */
	read_held(c, w);	/* ... and those it held back */
	if (w->outfd >= 0)
		read_output(c, w, &w->outfd, &w->outline, c->capture ? stderr : stdout);
	if (w->errfd >= 0)
		read_output(c, w, &w->errfd, &w->errline, stderr);
	it = head(w);
	if (w->state == W_HELLO || w->state == W_COLLECTING) {
		if (!c->aborted && !c->interrupted) {
			buf_printf(&msg, "%s: ", w->bin->path);
			if (w->garbage)
				buf_printf(&msg, "spoke garbage while listing its tests: %s", w->garbage);
			else if (w->timed_out)
				buf_printf(&msg, "did not list its tests within %gs", c->collect_timeout);
			else {
				describe_status(w->status, &msg);
				buf_adds(&msg, w->state == W_HELLO ?
					 " before speaking the herd protocol" : " while listing its tests");
				/* The binary said why (a bad declaration) on stderr: usage. */
				c->usage = WIFEXITED(w->status) && WEXITSTATUS(w->status) == HD_EXIT_USAGE;
			}
			hd_warn("%s", msg.data);
			c->aborted = 1;
		}
	} else if (it && !c->interrupted && !c->aborted && !w->said_bye) {
		enum hd_outcome o = HD_CRASHED;

		if (w->timed_out) {
			o = HD_TIMEOUT;
			buf_printf(&msg, "timed out after %gs (worker %s was killed)\n",
				   item_timeout(c, it), w->name);
		} else if (w->garbage) {
			buf_printf(&msg, "worker '%s' spoke garbage while running '%s': %s\n",
				   w->name, it->id, w->garbage);
		} else {
			buf_printf(&msg, "worker '%s' crashed while running '%s': ", w->name, it->id);
			describe_status(w->status, &msg);
			buf_addc(&msg, '\n');
		}
		capture_tail(w, &out);
		pop_head(w);
		if ((g = owned_setup(c, w))) {
			/* It died setting up a global fixture: that is the fixture's failure. */
			o = HD_ERROR;
			g->state = G_FAILED;
			g->reason = xasprintf("global fixture '%s' setup crashed (in %s): %s%.*s",
					      g->name, w->name, msg.data, (int)out.len, out.data ? out.data : "");
			gfix_settled(c, g);
			buf_reset(&msg);
			buf_adds(&msg, g->reason);
		}
		held = after_item(c, w);
		if (held)
			buf_adds(&msg, held);
		free(held);
		if (PLUG_WANTS(HERD_HOOK_EVENT))
			plug_event(c, HERD_EV_CRASH, w->name, it->id, msg.data);
		if (o == HD_CRASHED && !it->checking && !c->stopping &&
		    PLUG_WANTS(HERD_HOOK_HANDLECRASHITEM) &&
		    plug_handlecrashitem(c, it, w, msg.data, hd_now() - w->started)) {
			/* A plugin runs it again: this try is reported as a rerun. */
			plug_runtest_logreport(c, it, o, hd_now() - w->started, msg.data, msg.len,
					       out.data, out.len, w, 1);
			it->queued = 0;
			sched_return(it->bin, &it, 1);
		} else {
			finish_item(c, it, o, hd_now() - w->started, msg.data, msg.len, out.data,
				    out.len, w);
		}
		if (!w->timed_out && !c->alone) {
			c->restarts++;
			if (c->max_restart >= 0 && c->restarts > (size_t)c->max_restart && !c->stopping) {
				c->stopping = 1;
				c->stop_reason = xasprintf("maximum crashed workers reached: %d",
							   c->max_restart);
			} else {
				if (!c->quiet && !c->tap)
					fprintf(stderr, "\nreplacing crashed worker %s\n", w->name);
				if (PLUG_WANTS(HERD_HOOK_EVENT))
					plug_event(c, HERD_EV_RESTART, w->name, NULL, NULL);
			}
		}
	}
	/* What it held and had not started goes back to the pool. */
	if (w->qlen) {
		size_t i;

		for (i = 0; i < w->qlen; i++)
			w->q[w->qhead + i]->queued = 0;
		sched_return(w->bin, w->q + w->qhead, w->qlen);
		w->qlen = 0;
	}
	/* Whatever it held is free again; a setup it never finished failed. */
	sched_release(c, w);
	hd_sync_release_all(c->sync, w->slot, NULL, grant, c);
	if ((g = owned_setup(c, w))) {
		g->state = G_FAILED;
		g->reason = xasprintf("global fixture '%s' setup did not finish: %s died\n",
				      g->name, w->name);
		gfix_settled(c, g);
	}
	if (PLUG_WANTS(HERD_HOOK_TESTNODEDOWN))
		node_down(c, w, msg.len ? msg.data : NULL);
	buf_clear(&msg);
	buf_clear(&out);
	close_worker(w);
}

static void
reap(struct ctl *c)
{
	int status, i;
	pid_t pid;

	got_chld = 0;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < c->nslots + (int)c->npark; i++) {
			struct worker *w = i < c->nslots ? &c->w[i] : &c->park[i - c->nslots];

			if (w->pid == pid && !w->exited) {
				w->exited = 1;
				w->status = status;
				kill(-pid, SIGKILL);	/* whatever it left behind */
			}
		}
	}
}

/* ---- the loop ---- */

/* SIGQUIT or SIGUSR1: what every worker is doing, on stderr. */
static void
dump_state(struct ctl *c)
{
	double now = hd_now();
	int i;

	fprintf(stderr, "\nherd: %zu/%zu items done after %.1fs%s\n", c->ndone, c->nselected,
		now - c->t0, c->interrupted ? ", stopping" : "");
	for (i = 0; i < c->nslots; i++) {
		struct worker *w = &c->w[i];
		const struct citem *it = head(w);

		if (w->pid <= 0)
			continue;
		fprintf(stderr, "herd:   %s pid %ld: ", w->name, (long)w->pid);
		if (w->state == W_HELLO || w->state == W_COLLECTING)
			fprintf(stderr, "listing %s\n", w->bin->path);
		else if (it)
			fprintf(stderr, "running %s for %.1fs, %zu more queued\n", it->id,
				now - w->started, w->qlen - 1);
		else
			fprintf(stderr, "%s\n", w->state == W_STOPPING ? "stopping" : "idle");
	}
	fflush(stderr);
}

static void
interrupt(struct ctl *c, int sig)
{
	int i;

	if (c->interrupted) {
		for (i = 0; i < c->nslots; i++)
			kill_worker(&c->w[i]);
		return;
	}
	c->interrupted = sig;
	c->stopping = 1;
	for (i = 0; i < c->nslots; i++) {
		struct worker *w = &c->w[i];

		if (w->pid > 0 && !w->exited) {
			kill(w->pid, SIGTERM);
			w->deadline = hd_now() + c->grace + 1;
		}
	}
}

/*
 * How long after an item's limit the controller kills its worker. In fork
 * mode the worker enforces the limit: this only backs it up. In none mode
 * the controller enforces it, a second late: at the limit the worker itself
 * fails a hanging fixture of suite or worker scope, which then makes the
 * rest of its suite errors at once instead of each waiting out a limit.
 */
static double
backstop(const struct ctl *c)
{
	return c->isolation_none ? 1.0 : c->grace + 30;
}

/* Deadlines: collection, a hung item, a worker slow to stop. */
static void
check_deadlines(struct ctl *c, double now)
{
	int i;

	for (i = 0; i < c->nslots; i++) {
		struct worker *w = &c->w[i];
		struct citem *it = head(w);
		double t;

		if (w->pid <= 0 || w->exited)
			continue;
		if (w->deadline > 0 && now >= w->deadline) {
			w->timed_out = w->state == W_HELLO || w->state == W_COLLECTING;
			kill_worker(w);
			continue;
		}
		if (w->state != W_RUNNING || !it || c->interrupted)
			continue;
		t = item_timeout(c, it);
		if (t <= 0)
			continue;
		if (now >= w->started + t + backstop(c)) {
			w->timed_out = 1;
			kill_worker(w);
		}
	}
}

static double
next_deadline(struct ctl *c)
{
	double next = 0;
	size_t k;
	int i;

	for (k = 0; k < c->ndelayed; k++)
		if (!next || c->delayed[k]->not_before < next)
			next = c->delayed[k]->not_before;

	for (i = 0; i < c->nslots; i++) {
		struct worker *w = &c->w[i];
		struct citem *it = head(w);
		double d = w->deadline, t;

		if (w->pid <= 0 || w->exited)
			continue;
		if (w->state == W_RUNNING && it && (t = item_timeout(c, it)) > 0) {
			t = w->started + t + backstop(c);
			if (!d || t < d)
				d = t;
		}
		if (d && (!next || d < next))
			next = d;
	}
	return next;
}

/*
 * The live status on a terminal, for runs longer than a second: how far the
 * run is, and the item that has been running longest.
 */
static void
show_status(struct ctl *c, double now)
{
	const struct worker *oldest = NULL;
	char text[512];
	int i, running = 0;

	if (!c->term.live || now - c->t0 < 1 || now - c->status_at < 0.5)
		return;
	c->status_at = now;
	for (i = 0; i < c->nslots; i++) {
		const struct worker *w = &c->w[i];

		if (w->pid > 0 && w->state == W_RUNNING && w->qlen) {
			running++;
			if (!oldest || w->started < oldest->started)
				oldest = w;
		}
	}
	if (oldest)
		snprintf(text, sizeof(text), "%zu/%zu, %d running, %.0fs; %s: %s (%.0fs)",
			 c->ndone, c->nselected, running, now - c->t0, oldest->name,
			 oldest->q[oldest->qhead]->id, now - oldest->started);
	else
		snprintf(text, sizeof(text), "%zu/%zu, %.0fs", c->ndone, c->nselected, now - c->t0);
	hd_term_status(&c->term, text);
}

/* One round: wait for something, then handle all of it. */
static void
poll_once(struct ctl *c)
{
	struct pollfd *pfd = xcalloc((size_t)c->nslots * 3, sizeof(*pfd));
	struct worker **who = xcalloc((size_t)c->nslots * 3, sizeof(*who));
	sigset_t none;
	struct timespec ts, *tsp = NULL;
	double next = next_deadline(c), now;
	nfds_t n = 0, k;
	int i;

	/* Wake for the live status too. */
	if (c->term.live && (!next || next > hd_now() + 0.5))
		next = hd_now() + 0.5;

	for (i = 0; i < c->nslots; i++) {
		struct worker *w = &c->w[i];

		if (w->pid <= 0)
			continue;
		flush_writes(w);
		if (w->sock >= 0) {
			pfd[n].fd = w->sock;
			pfd[n].events = POLLIN | (w->wbuf.len ? POLLOUT : 0);
			who[n++] = w;
		}
		if (w->outfd >= 0) {
			pfd[n].fd = w->outfd;
			pfd[n].events = POLLIN;
			who[n++] = w;
		}
		if (w->errfd >= 0) {
			pfd[n].fd = w->errfd;
			pfd[n].events = POLLIN;
			who[n++] = w;
		}
	}
	if (next > 0) {
		double left = next - hd_now();

		if (left < 0)
			left = 0;
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
		tsp = &ts;
	}
	sigemptyset(&none);
	if (!got_chld && !got_int && !got_dump && ppoll(pfd, n, tsp, &none) < 0 &&
	    errno != EINTR)
		hd_fatal(3, "poll:");
	for (k = 0; k < n; k++) {
		struct worker *w = who[k];

		if (!pfd[k].revents)
			continue;
		if (pfd[k].fd == w->sock && w->sock >= 0) {
			if (pfd[k].revents & POLLOUT)
				flush_writes(w);
			if (pfd[k].revents & (POLLIN | POLLHUP | POLLERR))
				read_sock(c, w);
		} else if (pfd[k].fd == w->outfd && w->outfd >= 0) {
			read_output(c, w, &w->outfd, &w->outline, c->capture ? stderr : stdout);
		} else if (pfd[k].fd == w->errfd && w->errfd >= 0) {
			read_output(c, w, &w->errfd, &w->errline, stderr);
		}
	}
	free(pfd);
	free(who);
	if (got_dump) {
		got_dump = 0;
		dump_state(c);
	}
	if (got_int) {
		int sig = got_int;

		got_int = 0;
		interrupt(c, sig);
	}
	if (got_chld)
		reap(c);
	for (i = 0; i < c->nslots; i++)
		if (c->w[i].pid > 0 && c->w[i].exited)
			worker_died(c, &c->w[i]);
	now = hd_now();
	check_deadlines(c, now);
	ctl_wake_delayed(c, now);
	show_status(c, now);
}

static int
live_workers(const struct ctl *c)
{
	int i, n = 0;

	for (i = 0; i < c->nslots; i++)
		n += c->w[i].pid > 0;
	return n;
}

/*
 * The run stops early (-x, --maxfail, too many crashes): global fixtures still
 * up are torn down before the workers go, each by one live worker.
 */
static void
gfix_teardown_all(struct ctl *c)
{
	size_t k;

	for (k = 0; k < c->ngfix; k++) {
		struct gfix *g = &c->gfix[k];

		if (g->state == G_READY && !g->teardown_sent)
			gfix_teardown(c, g, NULL);
	}
}

static void
stop_all(struct ctl *c)
{
	int i;

	gfix_teardown_all(c);
	for (i = 0; i < c->nslots; i++) {
		struct worker *w = &c->w[i];

		if (w->pid > 0 && !w->exited && w->state != W_STOPPING) {
			/* It drops what it has not started and says bye after its item. */
			stop_worker(w);
		}
	}
}

static void
stop_worker(struct worker *w)
{
	if (w->pid > 0 && !w->exited && w->state != W_STOPPING) {
		worker_send(w, "stop", NULL);
		w->state = W_STOPPING;
	}
}

/*
 * Parking. A worker that has listed its binary keeps the process: it waits,
 * idle, until its slot runs that binary, so that a binary is started once
 * per worker at most (once at -n 1). Its slot lists the next binary
 * meanwhile. Parked workers keep their slot's name; a slot runs one process
 * at a time, so two processes named gwK never run tests at once.
 */
#define PARK_MAX 256	/* parked processes at most */
#define WORKER_FDS 6	/* fds the controller holds for one worker, and a spare */

/* How many workers may be parked: PARK_MAX, or fewer when fds run short. */
static size_t
park_room(const struct ctl *c)
{
	struct rlimit rl;
	long room;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
		return PARK_MAX;
	/* Keep the slots' workers and 32 fds for the rest of herd. */
	room = ((long)rl.rlim_cur - 32 - (long)c->nslots * WORKER_FDS) / WORKER_FDS;
	return room < 0 ? 0 : room > PARK_MAX ? PARK_MAX : (size_t)room;
}

/* Moves the listed worker of slot w out of the slot; 0 if there is no room. */
static int
park(struct ctl *c, struct worker *w)
{
	struct worker *p;
	size_t i, live = 0;

	for (i = 0; i < c->npark; i++)
		live += c->park[i].pid > 0;
	if (live >= park_room(c))
		return 0;
	for (i = 0; i < c->npark && c->park[i].pid > 0; i++)
		;
	if (!c->park)
		c->park = xcalloc(PARK_MAX, sizeof(*c->park));
	if (i == c->npark)
		c->npark++;
	p = &c->park[i];
	/* Swap: the slot gets the empty shell (its buffers are reused). */
	{
		struct worker t = *p;

		*p = *w;
		*w = t;
	}
	w->slot = p->slot;
	w->pid = 0;
	w->state = W_DEAD;
	w->sock = w->outfd = w->errfd = w->capfd = -1;
	w->qhead = w->qlen = 0;
	return 1;
}

/* The parked worker of slot for b (any binary: NULL); its index, or -1. */
static long
parked(const struct ctl *c, int slot, const struct binary *b)
{
	size_t i;

	for (i = 0; i < c->npark; i++)
		if (c->park[i].pid > 0 && c->park[i].slot == slot && (!b || c->park[i].bin == b))
			return (long)i;
	return -1;
}

/* Puts parked worker k back into its slot, which is free. */
static void
unpark(struct ctl *c, size_t k)
{
	struct worker *w = &c->w[c->park[k].slot], t = *w;

	*w = c->park[k];
	c->park[k] = t;
	c->park[k].pid = 0;
	c->park[k].state = W_DEAD;
}

/* Kills the parked workers and waits for them (the run is over or aborted). */
static void
park_kill_all(struct ctl *c)
{
	size_t i;
	int status;

	for (i = 0; i < c->npark; i++) {
		struct worker *p = &c->park[i];

		if (p->pid <= 0)
			continue;
		kill(-p->pid, SIGKILL);
		if (!p->exited)
			while (waitpid(p->pid, &status, 0) < 0 && errno == EINTR)
				;
		close_worker(p);
	}
}

int
ctl_collect(struct ctl *c)
{
	size_t next = 0, done;
	int i;

	signals_init();
	for (;;) {
		for (i = 0; i < c->nslots && next < c->nbins; i++) {
			struct worker *w = &c->w[i];

			/* A slot whose binary is listed moves on to the next one. */
			if (w->pid > 0 && w->state == W_IDLE && !park(c, w))
				stop_worker(w);
			if (w->pid <= 0)
				worker_start(c, w, &c->bins[next++], 1);
		}
		for (done = 0; done < c->nbins && c->bins[done].collected; done++)
			;
		if (done == c->nbins || c->aborted || c->interrupted)
			break;
		poll_once(c);
	}
	/* The last collectors stay: the run takes them over as workers. */
	while (live_workers(c) && (c->aborted || c->interrupted)) {
		for (i = 0; i < c->nslots; i++)
			kill_worker(&c->w[i]);
		poll_once(c);
	}
	if (c->aborted || c->interrupted)
		park_kill_all(c);
	return c->aborted ? (c->usage ? HD_EXIT_USAGE : HD_EXIT_INTERNAL) :
	       c->interrupted ? HD_EXIT_INTERRUPTED : HD_EXIT_OK;
}

void
ctl_stop_all(struct ctl *c)
{
	int i;

	for (i = 0; i < c->nslots; i++)
		stop_worker(&c->w[i]);
	while (live_workers(c))
		poll_once(c);
	park_stop_all(c);
}

/* Whether another worker of w's binary holds items w might yet steal. */
static int
stealable(const struct ctl *c, const struct worker *w)
{
	int i;

	if (c->dist != DIST_LOAD && c->dist != DIST_WORKSTEAL && c->dist != DIST_NO)
		return 0;
	for (i = 0; i < c->nslots; i++)
		if (&c->w[i] != w && c->w[i].pid > 0 && c->w[i].bin == w->bin && c->w[i].releasing)
			return 1;
	return 0;
}

/* Without durations, a binary is split only with this many items per worker. */
#define SPLIT_MIN_ITEMS 4

/*
 * Whether b, which has p items left to hand out or to steal, is worth one more
 * worker: not when each of its workers would get less work than starting a
 * worker of b costs (measured while it listed), from the cache's durations,
 * or without them, fewer than SPLIT_MIN_ITEMS items.
 */
static int
worth_a_worker(const struct ctl *c, const struct binary *b, size_t p)
{
	double work = b->pool_est;
	int i;

	if (!b->workers || c->dist == DIST_EACH)
		return 1;
	if (!c->order_by_time)
		return p / (b->workers + 1) >= SPLIT_MIN_ITEMS;
	for (i = 0; i < c->nslots; i++)
		if (c->w[i].pid > 0 && c->w[i].bin == b)
			work += c->w[i].est_queued;
	return work / (double)(b->workers + 1) > b->startup;
}

/*
 * The binary a free slot should work on: most pending work per worker, a
 * binary this slot has listed first (its start-up is paid already). Without
 * durations a binary too small to split is still split rather than leave the
 * slot idle: its items may be long.
 */
static struct binary *
pick_binary(struct ctl *c, int slot)
{
	struct binary *best = NULL, *fallback = NULL;
	double score = 0, fscore = 0;
	size_t i;

	for (i = 0; i < c->nbins; i++) {
		struct binary *b = &c->bins[i];
		/* Work still in the pool, or held unstarted by a worker: worth a worker. */
		size_t p = sched_pending(c, b, slot) + sched_stealable(c, b);
		double s = (double)p / (double)(b->workers + 1);

		if (!p)
			continue;
		if (parked(c, slot, b) >= 0)
			s *= 4;
		if (!worth_a_worker(c, b, p)) {
			if (!c->order_by_time && s > fscore)
				fallback = b, fscore = s;
			continue;
		}
		if (s > score)
			best = b, score = s;
	}
	return best ? best : fallback;
}

/* A free slot takes back its parked worker of the binary it should run next. */
static void
take_parked(struct ctl *c, int slot)
{
	struct binary *b = pick_binary(c, slot);
	long k;

	if (b && (k = parked(c, slot, b)) >= 0)
		unpark(c, (size_t)k);
}

/* The run is over: parked workers that were never needed stop, a slot at a time. */
static void
park_stop_all(struct ctl *c)
{
	long k;
	int i, left;

	do {
		left = 0;
		for (i = 0; i < c->nslots; i++) {
			if (c->w[i].pid <= 0 && (k = parked(c, i, NULL)) >= 0) {
				unpark(c, (size_t)k);
				stop_worker(&c->w[i]);
			}
			left |= parked(c, i, NULL) >= 0;
		}
		if (live_workers(c))
			poll_once(c);
	} while (left || live_workers(c));
}

/* Hands out the pools' units until everything is done or the run stops. */
static void
run_loop(struct ctl *c)
{
	int i;

	for (;;) {
		int busy = 0, due = gfix_pending(c), was_stopping = c->stopping;

		if (c->stopping)
			stop_all(c);
		for (i = 0; i < c->nslots; i++) {
			struct worker *w = &c->w[i];
			struct binary *b;

			if (c->stopping || c->aborted)
				break;
			if (w->pid > 0 && w->state == W_STOPPING)
				continue;
			if (w->pid <= 0)
				take_parked(c, w->slot);
			if (w->pid > 0 && w->state == W_IDLE && w->collect_only) {
				if (sched_pending(c, w->bin, w->slot))
					promote(c, w);
				else
					stop_worker(w);
			}
			if (w->pid > 0 && (w->state == W_IDLE || w->state == W_RUNNING)) {
				sched_fill(c, w);
				if (!w->qlen)
					sched_steal(c, w);
				if (!w->qlen && c->alone && w->fed) {
					/* It ran its one item alone: the next needs a fresh process. */
					stop_worker(w);
				} else if (!w->qlen && !sched_pending(c, w->bin, w->slot) && !w->releasing &&
				    !stealable(c, w) && !sched_stealable(c, w->bin) && !due) {
					/* Nothing left here: free the slot for another binary. */
					stop_worker(w);
				} else if (!w->qlen && w->state == W_RUNNING) {
					w->state = W_IDLE;
				}
				continue;
			}
			if (w->pid <= 0 && (b = pick_binary(c, w->slot)))
				worker_start(c, w, b, 0);
		}
		/* A hook that failed above (testnodeready, ...) stopped the run: the
		 * workers are told before the loop sleeps, or it would wait forever. */
		if (c->stopping && !was_stopping)
			continue;
		for (i = 0; i < c->nslots; i++)
			busy |= c->w[i].pid > 0;
		if (!busy && (!c->ndelayed || c->stopping) && !due)
			break;
		poll_once(c);
		if (c->aborted)
			for (i = 0; i < c->nslots; i++)
				kill_worker(&c->w[i]);
	}
}

/*
 * The isolation check: each failure of none isolation that had other tests
 * before it in its process runs again alone, in a fresh worker of its own,
 * after the run. Its result changes nothing but the note on the failure.
 */
static void
run_checks(struct ctl *c)
{
	size_t k;

	if (!c->nchecks || c->stopping || c->interrupted || c->aborted)
		return;
	c->alone = 1;
	for (k = c->nchecks; k-- > 0;) {
		struct citem *it = c->checks[k];

		it->checking = 1;
		it->queued = 0;
		sched_return(it->bin, &it, 1);
	}
	run_loop(c);
	c->alone = 0;
	for (k = 0; k < c->nchecks; k++)
		c->checks[k]->checking = 0;
	c->nchecks = 0;
}

void
ctl_run(struct ctl *c)
{
	signals_init();
	sched_build(c);
	sched_order(c);
	run_loop(c);
	run_checks(c);
	if (c->stopping || c->aborted || c->interrupted)
		park_kill_all(c);
	else
		park_stop_all(c);
}

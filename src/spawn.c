/*
 * spawn.c - starting, stopping, killing and reaping workers.
 *
 * Each worker and everything it starts is in its own process group, which is
 * what a kill aims at. A worker's death is learnt from SIGCHLD and waitpid(),
 * never from pipe EOF alone: a lingering grandchild may hold the pipes open.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/close_range.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "loop.h"
#include "plugin.h"

int
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

int
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

extern char **environ;

/*
 * The signals with a handler in this process (herd's own, a plugin's) and
 * SIGPIPE, which herd ignores: a new worker gets them back at their defaults.
 * Found once, by asking for each disposition: glibc's posix_spawn asks again
 * for every signal in every child, 64 system calls a start.
 */
static const sigset_t *
handled_signals(void)
{
	static sigset_t set;
	static int done;
	struct sigaction sa;
	int sig;

	if (done++)
		return &set;
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	for (sig = 1; sig < NSIG; sig++)
		if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler != SIG_DFL &&
		    sa.sa_handler != SIG_IGN)
			sigaddset(&set, sig);
	return &set;
}

/* Why a vfork()ed child could not become the worker, for its parent to say. */
struct spawn_failure {
	const char *what;	/* "enter", "run"; NULL: it did */
	int err;
};

/*
 * The child of vfork(), on its parent's memory until execve(): only system
 * calls, nothing that allocates or locks. fds[1..5] are placed at 1 to 5
 * (-1: left closed), /dev/null at 0.
 */
static NORETURN void
spawn_child(const struct binary *b, char *const argv[], char *const envp[], int fds[6],
	    const sigset_t *h, volatile struct spawn_failure *f)
{
	struct sigaction dfl;
	sigset_t none;
	int sig, k, devnull;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	for (sig = 1; sig < NSIG; sig++)
		if (sigismember(h, sig))
			sigaction(sig, &dfl, NULL);
	setpgid(0, 0);
	/* An fd still to be placed must not sit where another goes. */
	for (k = 1; k < 6; k++)
		if (fds[k] >= 0 && fds[k] < 6)
			fds[k] = fcntl(fds[k], F_DUPFD_CLOEXEC, 6);
	if ((devnull = open("/dev/null", O_RDONLY)) > 0) {
		dup2(devnull, 0);
		close(devnull);
	}
	for (k = 1; k < 6; k++)
		if (fds[k] >= 0)
			dup2(fds[k], k);	/* the copy is not close-on-exec */
	/*
	 * Nor does a worker get what herd's own parent left open (a make
	 * jobserver's pipe, a wrapper's log): a test's stray child holding it
	 * would keep that parent waiting for its end. Linux 5.11 and later;
	 * before, such fds pass as they did.
	 */
	close_range(6, ~0U, CLOSE_RANGE_CLOEXEC);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (b->cwd && chdir(b->cwd) < 0) {
		f->what = "enter";
	} else {
		execve(b->path, argv, envp);
		f->what = "run";
	}
	f->err = errno;
	_exit(127);
}

/*
 * Starts b's worker with vfork(), which shares the controller's memory until
 * the exec (fork() would copy its page tables first), and resets only the
 * signals herd handles. fds[] are the fds the worker gets as 1 to 5 (-1:
 * none), add[] the variables set. Returns the pid; why it could not run is
 * written to errfd, which the controller shows as the worker's stderr.
 */
static pid_t
spawn_worker(const struct binary *b, char *const argv[], const int fds[6], char *const add[],
	     size_t nadd, int errfd)
{
	volatile struct spawn_failure f = { NULL, 0 };
	const sigset_t *h;
	sigset_t all, old;
	char **envp;
	int place[6];
	size_t n = 0, i, j = 0;
	pid_t pid;

	while (environ[n])
		n++;
	envp = xcalloc(n + nadd + 1, sizeof(*envp));
	for (i = 0; i < n; i++)	/* worker_start sets these: herd's own values go */
		if (!hd_worker_var(environ[i]))
			envp[j++] = environ[i];
	for (i = 0; i < nadd; i++)
		envp[j++] = add[i];
	memcpy(place, fds, sizeof(place));
	h = handled_signals();	/* found here, not in the child */
	/* No handler of ours may run in the child, on our memory. */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	pid = vfork();
	if (pid == 0)
		spawn_child(b, argv, envp, place, h, &f);
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(envp);
	if (pid < 0)
		hd_fatal(3, "cannot start a worker:");
	if (f.what) {
		char msg[4096];
		int len = snprintf(msg, sizeof(msg), "herd: cannot %s %s: %s\n", f.what,
				   f.what[0] == 'e' ? b->cwd : b->path, strerror(f.err));

		/* Unwritten, the worker's death still says that it could not start. */
		if (len > 0)
			(void)hd_write_all(errfd, msg, strlen(msg));
	}
	return pid;
}

/* A fresh process's state in w's slot, before it starts. */
static void
worker_reset(struct ctl *c, struct worker *w, struct binary *b, int collect_only)
{
	memset(w->name, 0, sizeof(w->name));
	snprintf(w->name, sizeof(w->name), "gw%d", w->slot);
	w->bin = b;
	w->collect_only = collect_only;
	w->state = W_HELLO;
	w->ncollected = 0;
	w->qhead = w->qlen = 0;
	w->releasing = w->timed_out = w->status = w->said_bye = w->fed = 0;
	w->holds = w->dying = 0;
	free(w->garbage), w->garbage = NULL;
	free(w->why_remote), w->why_remote = NULL;
	w->host_lost = 0;
	w->host = NULL;
	w->runner = 0;
	w->cpu_since = 0;
	w->chan = 0;
	hd_dec_init(&w->dec);
	buf_reset(&w->wbuf);
	buf_reset(&w->outline);
	buf_reset(&w->errline);
	w->spawned = hd_now();
	w->deadline = w->spawned + c->collect_timeout;
}

/* The local worker's process: its channels, then vfork and exec. */
static pid_t
start_local(struct worker *w, struct binary *b, char *const wargv[], char **add, size_t nadd)
{
	int sv[2], out[2], err[2];
	int fds[6];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 ||
	    pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)
		hd_fatal(3, "cannot create a worker's channels:");
	fds[0] = -1, fds[1] = out[1], fds[2] = err[1], fds[3] = sv[1], fds[4] = w->capfd;
	fds[5] = w->resfd > 2 ? w->resfd : -1;
	fflush(NULL);
	pid = spawn_worker(b, wargv, fds, add, nadd, err[1]);
	close(sv[1]);
	close(out[1]);
	close(err[1]);
	w->sock = sv[0];
	w->outfd = out[0];
	w->errfd = err[0];
	/* Our ends only (the worker's block), fresh: no other status flag to keep. */
	fcntl(w->sock, F_SETFL, O_NONBLOCK);
	fcntl(w->outfd, F_SETFL, O_NONBLOCK);
	fcntl(w->errfd, F_SETFL, O_NONBLOCK);
	return pid;
}

/*
 * Starts w's process on b: to list it (collect_only), to run its items, or,
 * with lister, to wait until lister's list of b is in (W_WAITING).
 */
static void
start(struct ctl *c, struct worker *w, struct binary *b, int collect_only,
      const struct worker *lister)
{
	char env[6][64], **penv = NULL, **pargs = NULL, **wargv, *add[16], **all = add, *rootenv;
	size_t nargs = 0, np = 0, nadd = 0, nid, k;
	int remote = slot_host(c, w->slot) != NULL;

	worker_reset(c, w, b, collect_only);
	/* A remote worker's files are made when it dies, from its X frame: 800
	 * remote workers must not cost 1,600 fds here. */
	w->capfd = w->resfd = -1;
	if (!remote) {
		w->capfd = make_capture();
		if (w->capfd < 0)
			hd_fatal(3, "cannot create a capture file:");
		/* In-process results are held back there; a forked item's child
		 * keeps its result there before the next one may start. */
		w->resfd = make_results();
	}
	snprintf(env[0], sizeof(env[0]), "HERD_WORKER=%s", w->name);
	snprintf(env[1], sizeof(env[1]), "HERD_WORKER_COUNT=%d", c->nslots);
	snprintf(env[2], sizeof(env[2]), "HERD_TESTRUN_UID=%s", c->uid);
	/* The worker checks it is still ours once it asked to die with us. */
	snprintf(env[3], sizeof(env[3]), "HERD_CONTROLLER_PID=%ld", (long)getpid());
	/* A listed binary: the worker sends only its list's hash when it matches. */
	snprintf(env[4], sizeof(env[4]), "HERD_COLLECT_HASH=%016llx", (unsigned long long)b->hash);
	/* Where a task's paths start (docs/tasks.md), whatever the worker's cwd;
	 * on a remote host, the folder it runs in (//chdir=, the checkout). */
	rootenv = xasprintf("HERD_ROOTDIR=%s", c->rootdir && !remote ? c->rootdir : ".");
	add[nadd++] = env[0];
	add[nadd++] = env[1];
	add[nadd++] = env[2];
	add[nadd++] = rootenv;
	if (b->collected)
		add[nadd++] = env[4];
	if (lister) {
		/* Its list can come from the lister (herd_pytest forks its collection). */
		snprintf(env[5], sizeof(env[5]), "HERD_LISTED_BY=%s", lister->name);
		add[nadd++] = env[5];
	}
	nid = nadd;	/* a remote worker's relay sets the rest itself */
	add[nadd++] = env[3];
	add[nadd++] = "HERD_PROTOCOL_FD=3";
	add[nadd++] = "HERD_CAPTURE_FD=4";
	if (w->resfd > 2)
		add[nadd++] = "HERD_RESULTS_FD=5";
	if (PLUG_WANTS(HERD_HOOK_CONFIGURE_NODE)) {
		/* A plugin's variables come after ours: they cannot unset the protocol's. */
		plug_configure_node(c, w, &penv, &np, &pargs, &nargs);
		all = xcalloc(nadd + np + 1, sizeof(*all));
		memcpy(all, add, nadd * sizeof(*add));
		for (k = 0; k < np; k++)
			all[nadd + k] = penv[k];
	}
	wargv = xcalloc(nargs + 2, sizeof(*wargv));
	wargv[0] = b->path;
	for (k = 0; k < nargs; k++)
		wargv[k + 1] = pargs[k];
	if (remote) {
		/* Its identity and the plugin's variables; no fds, no pid here. */
		memmove(all + nid, all + nadd, np * sizeof(*all));
		host_worker_start(c, w, b, all, nid + np, pargs, nargs);
		w->sock = w->outfd = w->errfd = -1;
		w->pid = 0;
	} else {
		w->pid = start_local(w, b, wargv, all, nadd + np);
	}
	free(rootenv);
	for (k = 0; k < np; k++)
		free(penv[k]);
	free(penv);
	if (all != add)
		free(all);
	for (k = 0; k < nargs; k++)
		free(pargs[k]);
	free(pargs);
	free(wargv);
	if ((collect_only || !b->collected) && PLUG_WANTS(HERD_HOOK_EVENT))
		plug_event(c, HERD_EV_COLLECT_BEGIN, w->name, b->path, NULL);
}

void
worker_start(struct ctl *c, struct worker *w, struct binary *b, int collect_only)
{
	start(c, w, b, collect_only, NULL);
}

void
worker_start_waiting(struct ctl *c, struct worker *w, const struct worker *lister)
{
	start(c, w, lister->bin, 0, lister);
	w->state = W_WAITING;
}

void
worker_stop(struct worker *w)
{
	if (worker_alive(w) && w->state != W_STOPPING) {
		worker_send(w, HD_MSG_STOP, NULL);
		w->state = W_STOPPING;
	}
}

void
worker_kill(struct worker *w)
{
	/* Not once reaped: its pid may be another process's by now. */
	if (worker_alive(w) && w->host)
		host_worker_signal(w, SIGKILL);
	else if (worker_alive(w))
		kill(-w->pid, SIGKILL);
}

void
worker_signal(struct worker *w, int sig)
{
	if (worker_alive(w) && w->host)
		host_worker_signal(w, sig);
	else if (worker_alive(w))
		kill(w->pid, sig);
}

void
worker_close(struct worker *w)
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
	if (w->bin && !worker_listing(w) && !worker_waiting(w) && !w->collect_only && w->bin->workers)
		w->bin->workers--;
	w->state = W_FREE;
	w->pid = 0;
	w->host = NULL;
	w->hist = NULL;		/* the next process starts a history of its own */
	w->releasing = 0;
}

/* The worker whose process pid was, among the slots' and the parked ones. */
static struct worker *
worker_of(struct ctl *c, pid_t pid, int *is_parked)
{
	size_t i;

	for (i = 0; i < (size_t)c->nslots; i++)
		if (worker_alive(&c->w[i]) && !c->w[i].host && c->w[i].pid == pid) {
			*is_parked = 0;
			return &c->w[i];
		}
	for (i = 0; i < c->npark; i++)
		if (worker_alive(&c->park[i]) && !c->park[i].host && c->park[i].pid == pid) {
			*is_parked = 1;
			return &c->park[i];
		}
	return NULL;
}

void
worker_gone(struct ctl *c, struct worker *w, int status)
{
	w->status = status;
	if (w < c->park || w >= c->park + c->npark) {
		worker_died(c, w);
		return;
	}
	/* A parked worker ran nothing: it is simply gone. */
	if (w->bin && w->bin->parked == w->slot + 1)
		w->bin->parked = 0;
	worker_close(w);
}

void
ctl_reap(struct ctl *c)
{
	struct worker *w;
	int status, is_parked;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (hosts_reaped(c, pid, status))
			continue;
		if (!(w = worker_of(c, pid, &is_parked)))
			continue;
		kill(-pid, SIGKILL);	/* whatever it left behind */
		worker_gone(c, w, status);
	}
}

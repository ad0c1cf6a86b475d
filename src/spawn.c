/*
 * spawn.c - starting, stopping, killing and reaping workers.
 *
 * Each worker and everything it starts is in its own process group, which is
 * what a kill aims at. A worker's death is learnt from SIGCHLD and waitpid(),
 * never from pipe EOF alone: a lingering grandchild may hold the pipes open.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/*
 * Starts b's worker with posix_spawn, which does not copy the controller's
 * page tables as fork() does: what starting a worker costs is then the
 * binary's own start-up. fds[] are the fds the worker gets as 0 to 5 (-1:
 * none, fd 0 is /dev/null), add[] the variables set. Returns the pid, or -1
 * when it cannot, and then worker_start forks as before (it also says why).
 */
static pid_t
spawn_worker(const struct binary *b, char *const argv[], const int fds[6], char *const add[],
	     size_t nadd)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	char **envp;
	int hi[6], k, ok;
	size_t n = 0, i, j = 0;
	pid_t pid = -1;

	if (b->cwd)
		return -1;	/* the fork path enters it and says when it cannot */
	while (environ[n])
		n++;
	envp = xcalloc(n + nadd + 1, sizeof(*envp));
	for (i = 0; i < n; i++)	/* worker_start sets these: herd's own values go */
		if (!hd_worker_var(environ[i]))
			envp[j++] = environ[i];
	for (i = 0; i < nadd; i++)
		envp[j++] = add[i];
	/* Above 5 first, so that no dup2 overwrites an fd still to be placed. */
	for (k = 1; k < 6; k++)
		hi[k] = fds[k] >= 0 ? fcntl(fds[k], F_DUPFD_CLOEXEC, 10) : -1;
	ok = !posix_spawn_file_actions_init(&fa);
	if (ok && !hd_spawnattr_group(&at)) {
		ok = !posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
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
	free(w->garbage), w->garbage = NULL;
	free(w->why_remote), w->why_remote = NULL;
	w->host_lost = 0;
	w->host = NULL;
	w->chan = 0;
	hd_dec_init(&w->dec);
	buf_reset(&w->wbuf);
	buf_reset(&w->outline);
	buf_reset(&w->errline);
	w->spawned = hd_now();
	w->deadline = w->spawned + c->collect_timeout;
}

/* The local worker's process: its channels, then posix_spawn, else fork. */
static pid_t
start_local(struct worker *w, struct binary *b, char *const wargv[], char **add, size_t nadd)
{
	int sv[2], out[2], err[2];
	int fds[6];
	pid_t pid;
	size_t k;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 ||
	    pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)
		hd_fatal(3, "cannot create a worker's channels:");
	fds[0] = -1, fds[1] = out[1], fds[2] = err[1], fds[3] = sv[1], fds[4] = w->capfd;
	fds[5] = w->resfd > 2 ? w->resfd : -1;
	fflush(NULL);
	pid = spawn_worker(b, wargv, fds, add, nadd);
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
		if (w->resfd > 2)
			child_fd(w->resfd, 5);
		/* Not inherited from herd's own environment: set below, or not at all. */
		unsetenv("HERD_RESULTS_FD");
		unsetenv("HERD_COLLECT_HASH");
		for (k = 0; k < nadd; k++)
			putenv(add[k]);
		if (b->cwd && chdir(b->cwd) < 0) {
			fprintf(stderr, "herd: cannot enter %s: %s\n", b->cwd, strerror(errno));
			_exit(127);
		}
		execv(b->path, wargv);
		fprintf(stderr, "herd: cannot run %s: %s\n", b->path, strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	close(sv[1]);
	close(out[1]);
	close(err[1]);
	w->sock = sv[0];
	w->outfd = out[0];
	w->errfd = err[0];
	hd_nonblock(w->sock, 1);
	hd_nonblock(w->outfd, 1);
	hd_nonblock(w->errfd, 1);
	return pid;
}

void
worker_start(struct ctl *c, struct worker *w, struct binary *b, int collect_only)
{
	char env[5][64], **penv = NULL, **pargs = NULL, **wargv, *add[16], **all = add, *rootenv;
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
		w->resfd = make_results();	/* without it, the worker sends each result */
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
	if (w->bin && !worker_listing(w) && !w->collect_only && w->bin->workers)
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

/*
 * looponfail.c - -f/--looponfail: herd runs itself again and again, without
 * -f, each run watched for a change of the test binaries (src/watch.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctl.h"
#include "looponfail.h"
#include "watch.h"

static int loop_pipe[2] = { -1, -1 };
static volatile sig_atomic_t loop_sig;
static volatile pid_t loop_run;	/* the run under way, not yet reaped; 0 */

/*
 * -f's own process: SIGINT, SIGTERM, SIGHUP and SIGQUIT end the loop (exit
 * 2), and all but SIGINT (which a terminal sends the run too) are passed on
 * to a run under way, which stops and reports. SIGUSR1 is only passed on,
 * for the run's state dump.
 */
static void
on_loop_signal(int sig)
{
	int err = errno;
	pid_t run = loop_run;

	if (run > 0 && sig != SIGINT)
		kill(run, sig);
	if (sig != SIGUSR1) {
		loop_sig = sig;
		if (write(loop_pipe[1], "i", 1) < 0)
			(void)0;
	}
	errno = err;
}

/* Waits for the run pid, which the handler may signal until it is reaped. */
static void
loop_wait_run(pid_t pid, int *status)
{
	sigset_t set, old;
	siginfo_t si;

	/* A signal that came before the handler knew the run is passed on here. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigprocmask(SIG_BLOCK, &set, &old);
	loop_run = pid;
	if (loop_sig && loop_sig != SIGINT)
		kill(pid, loop_sig);
	sigprocmask(SIG_SETMASK, &old, NULL);
	while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) < 0 && errno == EINTR)
		;
	loop_run = 0;
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
}

int
looponfail(struct ctl *c, int argc, char **argv)
{
	/* Static: they live as long as the loop, which ends with the process. */
	static char **args;
	static const char **paths;
	struct sigaction sa;
	int i, n = 0, status = 0, lf = 0;
	size_t k;

	args = xcalloc((size_t)argc + 2, sizeof(*args));
	paths = xcalloc(c->nbins + 1, sizeof(*paths));
	if (pipe2(loop_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		hd_fatal(HD_EXIT_INTERNAL, "pipe:");
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_loop_signal;	/* no SA_RESTART: waitpid returns */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	for (k = 0; k < c->nbins; k++)
		paths[k] = c->bins[k].path;
	/* argv[0], then --lf when rerunning failures (before any "--"), then the rest. */
	args[n++] = argv[0];
	args[n++] = "--lf";
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "-f") && strcmp(argv[i], "--looponfail"))
			args[n++] = argv[i];
	setenv("HERD_LOOPONFAIL_RUN", "1", 1);
	for (;;) {
		struct hd_watch *w = hd_watch_open(paths, c->nbins);
		pid_t pid;

		if (!w)
			hd_fatal(HD_EXIT_INTERNAL, "cannot watch the test binaries:");
		fflush(NULL);
		if ((pid = fork()) == 0) {
			/* args[1] is --lf: skip it, or keep it after argv[0]. */
			char **av = lf ? args : args + 1;

			av[0] = argv[0];
			if (lf)
				args[1] = "--lf";
			execv("/proc/self/exe", av);
			execvp(argv[0], av);
			_exit(127);
		}
		signal(SIGINT, SIG_IGN);	/* the run takes Ctrl-C and says so */
		if (pid > 0)
			loop_wait_run(pid, &status);
		if (loop_sig) {
			hd_watch_close(w);
			return HD_EXIT_INTERRUPTED;
		}
		if (pid < 0 || WIFSIGNALED(status) || WEXITSTATUS(status) == HD_EXIT_INTERRUPTED ||
		    WEXITSTATUS(status) >= 3) {
			hd_watch_close(w);
			return pid < 0 || WIFSIGNALED(status) ? 2 : WEXITSTATUS(status);
		}
		/* Failures: rerun them; all passed after reruns: everything once more. */
		if (lf && WEXITSTATUS(status) == 0) {
			lf = 0;
			hd_watch_close(w);
			continue;
		}
		lf = WEXITSTATUS(status) == 1;
		printf("\n######## waiting for a change in %zu test binar%s (Ctrl-C leaves) ########\n",
		       c->nbins, c->nbins == 1 ? "y" : "ies");
		fflush(stdout);
		sigaction(SIGINT, &sa, NULL);
		i = hd_watch_next(w, loop_pipe[0]);
		hd_watch_close(w);
		if (i <= 0)
			return HD_EXIT_INTERRUPTED;
	}
}

/*
 * ctl_spawn.c - one of several small test binaries (built with -DSPAWN_BIN=k
 * and -DSPAWN_TESTS=n): every start of the binary as a worker writes one line
 * "start BIN WORKER HASH" to $E2E_DIR/spawn.log from a constructor, before
 * libherd's main runs; HASH says whether the controller passed the hash of
 * the list it already has (yes/no). With SPAWN_EXTRA=1, gw1 lists one test
 * more than gw0. -DSPAWN_MS=m makes each test take m ms (long enough that
 * splitting the binary pays); -DSPAWN_START_MS=m makes each start as a worker
 * take m ms more (a binary slow to start, as one linking much code is).
 */
#include <herd.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "e2e.h"

#ifndef SPAWN_BIN
#define SPAWN_BIN 0
#endif
#ifndef SPAWN_TESTS
#define SPAWN_TESTS 4
#endif
#ifndef SPAWN_MS
#define SPAWN_MS 0
#endif
#ifndef SPAWN_START_MS
#define SPAWN_START_MS 0
#endif

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000L };

	while (nanosleep(&ts, &ts) < 0)
		;
}

static void only_on_gw1(void)
{
}

static const struct herd_test extra = {
	.suite = "spawn", .name = "only_on_gw1", .file = __FILE__,
	.line = __LINE__, .fn = only_on_gw1,
};

/* Where fd leads ("socket:[...]", "/dev/null", ...), into link; "" if closed. */
static void
fd_link(int fd, char *link, size_t size)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, size - 1);
	link[n > 0 ? n : 0] = 0;
}

/*
 * What the worker was started with, as "proc BIN caught=N blocked=N fd0=PATH
 * stray=N" in proc.log: herd's signals not at their default disposition
 * (SIG_IGN counts), signals blocked, where fd 0 leads, and how many fds above 5 are
 * sockets or herd's files (a worker's channels left open twice; fds herd
 * itself inherited are not counted).
 */
static void
note_process(void)
{
	char link[256], fd0[256];
	/* The signals herd catches or ignores; a sanitizer's runtime has its own. */
	static const int herds[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGCHLD, SIGPIPE };
	struct sigaction sa;
	sigset_t mask;
	DIR *d;
	struct dirent *e;
	size_t k;
	int sig, caught = 0, blocked = 0, stray = 0, inherited = 0;

	for (k = 0; k < sizeof(herds) / sizeof(herds[0]); k++)
		if (sigaction(herds[k], NULL, &sa) == 0 && sa.sa_handler != SIG_DFL)
			caught++;
	sigprocmask(SIG_BLOCK, NULL, &mask);
	for (sig = 1; sig < NSIG; sig++)
		blocked += sigismember(&mask, sig) == 1;
	fd_link(0, fd0, sizeof(fd0));
	if ((d = opendir("/proc/self/fd"))) {
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.' || atoi(e->d_name) < 6 || atoi(e->d_name) == dirfd(d))
				continue;
			fd_link(atoi(e->d_name), link, sizeof(link));
			if (!strncmp(link, "socket:", 7) || strstr(link, "memfd:herd"))
				stray++;
			else
				inherited++;
		}
		closedir(d);
	}
	e2e_log("proc.log", "proc %d caught=%d blocked=%d fd0=%s stray=%d inherited=%d\n",
		SPAWN_BIN, caught, blocked, fd0, stray, inherited);
}

__attribute__((constructor)) static void
note_start(void)
{
	const char *w = getenv("HERD_WORKER"), *x = getenv("SPAWN_EXTRA");

	if (!getenv("HERD_PROTOCOL_FD"))
		return;	/* run alone, not as a worker */
	note_process();
	e2e_log("spawn.log", "start %d %s %s\n", SPAWN_BIN, w ? w : "-",
		getenv("HERD_COLLECT_HASH") ? "yes" : "no");
	if (x && !strcmp(x, "1") && w && !strcmp(w, "gw1"))
		herd_register(&extra);
	sleep_ms(SPAWN_START_MS);
}

static const int cases[SPAWN_TESTS] = { 0 };

/* The suite is spawnK, so that node ids differ between the binaries. */
#define SPAWN_CAT2(a, b) a##b
#define SPAWN_CAT(a, b) SPAWN_CAT2(a, b)
#define SPAWN_TEST(suite) TEST_P(suite, quick, cases)

SPAWN_TEST(SPAWN_CAT(spawn, SPAWN_BIN))
{
	sleep_ms(SPAWN_MS);
	CHECK_EQ(*(const int *)herd_param(), 0);
}

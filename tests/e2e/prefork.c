/*
 * prefork.c - for prefork.sh: the child a worker forks ahead (lib/run.c, the
 * spare). While one item runs and another is queued, the worker forks the
 * next item's child; that child must then run the right item, in the
 * worker's folder and environment, with what the worker's fixtures set up
 * meanwhile, and must not outlive the run. An item that watches for the
 * spare logs its pid; the item after it logs its own.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <herd.h>

#include "e2e.h"

/* Whether process pid sleeps (a spare waits in read; a child that ended is
 * exiting, or a zombie, until its worker reaps it). */
static int
sleeping(long pid)
{
	return e2e_proc_state(pid) == 'S';
}

/* A sleeping child of our worker other than us, waited for 10 s at most; -1 if none came. */
static long
spare_pid(void)
{
	struct timespec pause = { 0, 10000000 };
	char path[64];
	long pid, me = (long)getpid();
	int i;

	snprintf(path, sizeof(path), "/proc/%ld/task/%ld/children", (long)getppid(),
		 (long)getppid());
	for (i = 0; i < 1000; i++) {
		FILE *f = fopen(path, "r");

		while (f && fscanf(f, "%ld", &pid) == 1)
			if (pid != me && sleeping(pid)) {
				fclose(f);
				return pid;
			}
		if (f)
			fclose(f);
		nanosleep(&pause, NULL);
	}
	return -1;
}

/* Logs "name pid spare worker cwd id" (spare: -1 when not looked for). */
static void
note(const char *log, const char *name, long spare)
{
	char cwd[4096];

	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), "?");
	e2e_log(log, "%s %ld %ld %s %s %s\n", name, (long)getpid(), spare, herd_worker_id(), cwd,
		herd_test_id());
}

TEST(ahead, first)
{
	note("items.log", "first", spare_pid());
}

TEST(ahead, second)
{
	note("items.log", "second", -1);
}

/*
 * Whether process pid comes to wait in a futex within 10 s, as a spare handed
 * its item ahead waits for its turn (a spare without one waits in read):
 * "turn", "order", or "unknown" where /proc/PID/syscall cannot tell.
 */
static const char *
waits_turn(long pid)
{
	struct timespec pause = { 0, 10000000 };
	char path[64];
	long nr = -1;
	int i;

	snprintf(path, sizeof(path), "/proc/%ld/syscall", pid);
	for (i = 0; i < 1000; i++) {
		FILE *f = fopen(path, "r");

		if (!f || fscanf(f, "%ld", &nr) != 1)
			nr = -1;
		if (f)
			fclose(f);
#ifdef SYS_futex
		if (nr == SYS_futex)
			return "turn";
#endif
		if (nr < 0)
			return "unknown";
		nanosleep(&pause, NULL);
	}
	return "order";
}

/*
 * Handing ahead: while first runs, its spare holds second and waits for its
 * turn. Each fails and prints: second starts as first ends, and neither's
 * record or output may reach the other's report.
 */
TEST(handed, first)
{
	long spare = spare_pid();

	printf("OUTPUT-OF-FIRST\n");
	e2e_log("handed.log", "first %ld %s\n", spare, spare > 0 ? waits_turn(spare) : "none");
	CHECK(0, "FAILURE-OF-FIRST");
}

TEST(handed, second)
{
	printf("OUTPUT-OF-SECOND\n");
	note("handed.log", "second", -1);
	CHECK(0, "FAILURE-OF-SECOND");
}

/* -x: fails once a spare waits behind it; the spare must not outlive the run. */
TEST(stop, fails)
{
	note("stop.log", "fails", spare_pid());
	CHECK(0, "stops the run");
}

TEST(stop, after)
{
}

/* SIGINT: holds (60 s at most) once a spare waits behind it, until stopped. */
TEST(hold, holds)
{
	struct timespec pause = { 0, 10000000 };
	int i;

	note("hold.log", "holds", spare_pid());
	for (i = 0; i < 6000; i++)
		nanosleep(&pause, NULL);
}

TEST(hold, next)
{
}

/* Set up by the worker once ta's spare was forked: that copy lacks it. */
static int fx_value;

static void
fx_up(void)
{
	fx_value = 42;
}

FIXTURE(value, .scope = HERD_SCOPE_WORKER, .setup = fx_up);

static void
touch(void)
{
	FILE *f = fopen(herd_produces(0), "w");

	REQUIRE_NOT_NULL(f);
	REQUIRE_EQ(fclose(f), 0);
}

/* herd build, -n 1: ta's spare is dropped for tb, whose fixture the worker
 * sets up; tc runs in tb's spare (td keeps more tasks ready than workers, so
 * that the worker holds the next one). */
TASK(ta, .produces = "bld/a.txt", .marks = "try_first")
{
	note("tasks.log", "ta", spare_pid());
	touch();
}

TASK(tb, .produces = "bld/b.txt", .fixtures = "value")
{
	note("tasks.log", "tb", spare_pid());
	CHECK_EQ(fx_value, 42, "ran in a child forked before its worker fixture's setup");
	touch();
}

TASK(tc, .produces = "bld/c.txt")
{
	note("tasks.log", "tc", -1);
	e2e_log("tasks.log", "tc-product %s\n", herd_produces(0));
	touch();
}

TASK(td, .produces = "bld/d.txt")
{
	touch();
}

/*
 * ctl_death.c - tests for a controller that dies or is stopped mid-run, and
 * for the rough edges of the worker side. ctl_death.sh kills the controller
 * once the blocking tests have written their pids (and their parents', the
 * workers in fork mode) to files, then checks that every one of them is gone.
 */
#define _POSIX_C_SOURCE 200809L
#include <herd.h>

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>

#include "e2e.h"

/* Records this process, its parent and a child it starts, then hangs. */
TEST(death, blocker)
{
	pid_t kid = fork();

	if (kid == 0) {
		e2e_block();
		_exit(0);
	}
	e2e_log("procs.pid", "%ld\n%ld\n%ld\n", (long)getpid(), (long)getppid(), (long)kid);
	e2e_log("started.log", "blocker\n");
	e2e_block();
}

/* Sleeps in a loop, forever: a test that is busy but never spins. */
TEST(death, napper)
{
	e2e_log("procs.pid", "%ld\n%ld\n", (long)getpid(), (long)getppid());
	e2e_log("started.log", "napper\n");
	for (;;)
		e2e_nap_ms(20);
}

/* Fails: -f then waits for a change. */
TEST(loop, fails)
{
	CHECK(0);
}

/* ---- a suite fixture that hangs ---- */

static void
stuck_setup(void)
{
	e2e_log("stuckfix.log", "setup\n");
	e2e_block();
}

FIXTURE(stuckfix, .scope = HERD_SCOPE_SUITE, .setup = stuck_setup);

TEST(stuck, one, .fixtures = "stuckfix") { CHECK(1); }
TEST(stuck, two, .fixtures = "stuckfix") { CHECK(1); }
TEST(stuck, three, .fixtures = "stuckfix") { CHECK(1); }
TEST(stuck, four, .fixtures = "stuckfix") { CHECK(1); }
TEST(stuck, five, .fixtures = "stuckfix") { CHECK(1); }
TEST(stuck, six, .fixtures = "stuckfix") { CHECK(1); }

/* ---- --isolation none and SIGINT ---- */

/*
 * Interrupted at once, it never ends; otherwise it ends well before the
 * controller gives up on its worker (--kill-grace 5 plus a second).
 */
TEST(inproc, slow)
{
	e2e_log("slow.pid", "%ld\n", (long)getpid());
	e2e_nap_ms(2000);
	e2e_log("slow.log", "finished\n");
}

/* ---- the worker's private fds ---- */

/*
 * Writes to fds 3 and 4 (where the controller put the protocol socket and
 * the capture file) and to 5 and 6 (where the worker keeps copies of its
 * stdout and stderr, made first thing): each must fail with EBADF.
 */
TEST(fds, private)
{
	static const int fds[] = { 3, 4, 5, 6 };
	static const char junk[] = "garbage\n";
	int i, open_fds = 0;

	for (i = 0; i < 4; i++) {
		errno = 0;
		if (write(fds[i], junk, sizeof(junk) - 1) >= 0 || errno != EBADF) {
			e2e_log("fds.log", "fd %d is open\n", fds[i]);
			open_fds++;
		}
	}
	CHECK_EQ(open_fds, 0);
}

/* ---- a long line with -s ---- */

/* HERD_E2E_LINE_MB megabytes of 'x' on stdout with no newline. */
TEST(line, long)
{
	static char chunk[1 << 16];
	const char *mb = getenv("HERD_E2E_LINE_MB");
	long left = (mb ? atol(mb) : 1) * 16;

	memset(chunk, 'x', sizeof(chunk));
	while (left-- > 0)
		if (write(1, chunk, sizeof(chunk)) < 0)
			break;
}

/* ---- herd_lock twice ---- */

TEST(lock, twice)
{
	herd_lock("twice");
	herd_lock("twice");	/* refused: ctl_death.sh wants this line named */
	herd_unlock("twice");
}

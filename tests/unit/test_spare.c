/*
 * Unit tests of lib/spare.c: the turn that a spare handed its item ahead
 * waits for (hd_turn_wait), which the running child passes as it ends and
 * the runner passes again before it takes the handed child (hd_turn_pass).
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/futex.h>
#define FUTEXES 1
#endif

#include <herd.h>

#include "internal.h"

/* The turn and records, in memory shared with the processes forked here. */
static struct hd_shared *
shared_map(void)
{
	void *p = mmap(NULL, sizeof(struct hd_shared), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	REQUIRE(p != MAP_FAILED, "mmap");
	return p;
}

static void
nap_10ms(void)
{
	struct timespec ts = { 0, 10000000 };

	nanosleep(&ts, NULL);
}

/*
 * Whether pid comes to sleep in a futex wait on addr, having read value
 * there, within 10 s: 1 or 0; -1 where /proc/PID/syscall cannot tell.
 */
static int
sleeps_on(pid_t pid, const uint32_t *addr, uint32_t value)
{
#ifdef FUTEXES
	unsigned long uaddr, op, val;
	char path[64];
	long nr;
	int i;

	snprintf(path, sizeof(path), "/proc/%ld/syscall", (long)pid);
	for (i = 0; i < 1000; i++) {
		FILE *f = fopen(path, "r");
		int n;

		if (!f)
			return -1;
		n = fscanf(f, "%ld %lx %lx %lx", &nr, &uaddr, &op, &val);
		fclose(f);
		/* "running" while it runs: it has not reached its wait yet. */
		if (n == 4 && nr == SYS_futex && uaddr == (unsigned long)addr &&
		    (op & FUTEX_CMD_MASK) == FUTEX_WAIT && val == value)
			return 1;
		nap_10ms();
	}
	return 0;
#else
	(void)pid, (void)addr, (void)value;
	return -1;
#endif
}

/* Whether pid exits within 10 s; killed if it does not. Reaped either way. */
static int
exits(pid_t pid)
{
	int i;

	for (i = 0; i < 1000; i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return 1;
		nap_10ms();
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return 0;
}

/* A child waiting for ticket; -1 if it cannot be forked. */
static pid_t
fork_waiter(struct hd_shared *sh, uint32_t ticket)
{
	pid_t pid = fork();

	if (pid == 0) {
		hd_turn_wait(sh, ticket);
		_exit(0);
	}
	return pid;
}

/* sleeps_on, the test skipped (the waiter killed) when /proc cannot tell. */
static int
seen_asleep(pid_t pid, uint32_t *addr, uint32_t value)
{
	int asleep = sleeps_on(pid, addr, value);

	if (asleep < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		herd_skip("/proc/PID/syscall cannot tell where the waiter sleeps");
	}
	return asleep;
}

/*
 * The child holding turn 25 stores it, then is killed before its wake: the
 * runner, woken by anything else, sees the turn passed and kills the child's
 * group at once. Its spare, handed ticket 26, sleeps on the 24 it read before
 * the store: the runner's pass of 25, before it takes that spare, finds the
 * turn come and must wake it all the same (a run once stalled for minutes).
 */
TEST(turn, pass_wakes_when_the_turn_had_come)
{
	struct hd_shared *sh = shared_map();
	pid_t pid;
	int asleep;

	sh->turn = 24;
	pid = fork_waiter(sh, 25);
	REQUIRE_GE(pid, 0);
	asleep = seen_asleep(pid, &sh->turn, 24);
	CHECK(asleep, "the waiter sleeps on the futex, having read 24");
	__atomic_store_n(&sh->turn, 25, __ATOMIC_RELEASE);	/* the killed child's store */
	hd_turn_pass(sh, 25);	/* the runner's */
	CHECK(exits(pid), "the runner's pass woke the waiter");
	munmap(sh, sizeof(*sh));
}

/* A pass short of the waiter's turn wakes it, and it waits on. */
TEST(turn, waits_for_its_own_turn)
{
	struct hd_shared *sh = shared_map();
	pid_t pid;

	sh->turn = 23;
	pid = fork_waiter(sh, 25);
	REQUIRE_GE(pid, 0);
	seen_asleep(pid, &sh->turn, 23);
	hd_turn_pass(sh, 24);
	CHECK_EQ(sleeps_on(pid, &sh->turn, 24), 1, "woken by 24, it sleeps again");
	hd_turn_pass(sh, 25);
	CHECK(exits(pid), "25 ended its wait");
	munmap(sh, sizeof(*sh));
}

/* Tickets wrap at 2^32: the turn compares across the wrap and never moves back. */
TEST(turn, moves_forward_only_across_the_wrap)
{
	struct hd_shared *sh = shared_map();

	sh->turn = UINT32_MAX - 1;
	CHECK(hd_turn_reached(sh, UINT32_MAX - 1));
	CHECK(!hd_turn_reached(sh, UINT32_MAX));
	CHECK(!hd_turn_reached(sh, 0));
	hd_turn_pass(sh, 1);
	CHECK_EQ(sh->turn, 1u);
	CHECK(hd_turn_reached(sh, UINT32_MAX));
	CHECK(hd_turn_reached(sh, 0));
	CHECK(!hd_turn_reached(sh, 2));
	hd_turn_pass(sh, UINT32_MAX);	/* a late pass of a ticket before */
	CHECK_EQ(sh->turn, 1u, "the turn did not move back");
	munmap(sh, sizeof(*sh));
}

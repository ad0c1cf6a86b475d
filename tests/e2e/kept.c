/*
 * kept.c - for held.sh: a forked item's result must survive its worker's
 * death when the next item, handed ahead to the spare, kills the worker
 * before the worker has sent that result (lib/spare.c; docs/protocol.md,
 * Batched results). run -n 1, in this order:
 *
 * kept::first waits until its worker's spare has been handed kept::second
 * (a sibling asleep in a futex wait, its turn to come), then stops the
 * worker with SIGSTOP and waits until it is stopped: the worker cannot send
 * first's result now. first then passes; its end passes the turn, and
 * kept::second kills the stopped worker. first must be reported passed, with
 * its output, and second crashed: not the other way round.
 *
 * first logs "armed" to kept.log when it set the scene, or why it could
 * not ("no spare": no /proc children list, or no hand-ahead here).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

#include <herd.h>

#include "e2e.h"

/* Whether pid sleeps in a futex wait now; -1 if /proc cannot tell. */
static int
in_futex(long pid)
{
	char path[64];
	long nr = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/syscall", pid);
	if (!(f = fopen(path, "r")))
		return -1;
	if (fscanf(f, "%ld", &nr) != 1)
		nr = -1;
	fclose(f);
#ifdef SYS_futex
	return nr == SYS_futex;
#else
	return -1;
#endif
}

/* Whether a child of the worker other than this process waits in a futex. */
static int
spare_armed(void)
{
	char path[96];
	long kid;
	int armed = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/task/%ld/children", (long)getppid(),
		 (long)getppid());
	if (!(f = fopen(path, "r")))
		return -1;
	while (!armed && fscanf(f, "%ld", &kid) == 1)
		if (kid != (long)getpid() && in_futex(kid) == 1)
			armed = 1;
	fclose(f);
	return armed;
}

/* Whether process pid is stopped. */
static int
stopped(long pid)
{
	char state = e2e_proc_state(pid);

	return state == 'T' || state == 't';
}

TEST(kept, first)
{
	long worker = (long)getppid();
	int i, armed = 0;

	/* 10 s at most: the spare is forked 5 ms into this item. */
	for (i = 0; i < 10000 && (armed = spare_armed()) == 0; i++)
		e2e_nap_ms(1);
	if (armed != 1) {
		e2e_log("kept.log", "no spare\n");
		return;
	}
	kill((pid_t)worker, SIGSTOP);
	for (i = 0; i < 10000 && !stopped(worker); i++)
		e2e_nap_ms(1);
	e2e_log("kept.log", stopped(worker) ? "armed\n" : "not stopped\n");
	printf("first's output\n");
}

TEST(kept, second)
{
	kill(getppid(), SIGKILL);
	e2e_block();
}
